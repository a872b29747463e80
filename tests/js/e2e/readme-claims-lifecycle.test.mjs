// README "The client.outbox API" and the client methods (issue 7):
// - `client.close()` stops the client's timer and listeners: no request after close even when a
//   retry is due, and the `online` event does not drain a closed client;
// - the function `outbox.subscribe` returns unsubscribes;
// - `client.setToken(token, api)` affects only that API, `setToken(token)` every API.
// Each test has its own browser context and database, and adds its own faults and tokens.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

const sleep = (ms) => new Promise((res) => setTimeout(res, ms));

const fresh = () => freshPage(env);

test("close(): a retry that falls due after close is not sent; a new client sends it", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    const options = { database: "claims-close-timer", outbox: { baseDelayMs: 10, maxDelayMs: 10 } };
    await page.evaluate((o) => openClient(o), options);
    await env.server.addFaults({ api: "gcdirectory", status: 503, retryAfter: "1", times: 1 });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "After close" } }));
    assert.equal(r.status, "queued", JSON.stringify(r));
    await page.evaluate(() => window.client.close());
    const [retrying] = await page.evaluate((id) => window.events.filter((e) => e.type === "retrying" && e.id === id), r.id);
    assert.ok(retrying, "a retrying event after the 503");
    await sleep(Math.max(0, retrying.nextAttemptAt - Date.now()) + 1500);
    assert.equal(requests.length, 1, `the closed client's timer sent a request: ${JSON.stringify(requests)}`);
    assert.deepEqual(await env.server.applied().then((a) => a.filter((x) => x.idempotencyKey === r.id)), []);

    // The entry was sendable all along: a new client on the same database sends it on open.
    await page.evaluate((o) => openClient(o), options);
    const [settled] = await page.evaluate((id) => settleAll([id], 10000), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
  } finally {
    await context.close();
  }
});

test("close(): the online event does not drain a closed client", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    const options = { database: "claims-close-online" };
    await context.setOffline(true);
    await page.evaluate((o) => openClient(o), options);
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "Closed" } }));
    assert.equal(r.status, "queued", JSON.stringify(r));
    await page.evaluate(() => {
      window.sawOnline = false;
      window.addEventListener("online", () => { window.sawOnline = true; });
      window.client.close();
    });
    await context.setOffline(false);
    await sleep(1500);
    assert.equal(await page.evaluate(() => window.sawOnline), true, "the online event fired");
    assert.equal(requests.length, 0, `the closed client drained on the online event: ${JSON.stringify(requests)}`);

    await page.evaluate((o) => openClient(o), options);
    const [settled] = await page.evaluate((id) => settleAll([id], 10000), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
  } finally {
    await context.close();
  }
});

test("unsubscribe() stops the events of that subscriber only", { timeout: 60_000 }, async () => {
  const { context, page } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-unsubscribe" }));
    const seen = await page.evaluate(async () => {
      const mine = [];
      const unsubscribe = window.client.outbox.subscribe((e) => mine.push(e.id));
      const a = await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Heard" } });
      const heard = mine.filter((id) => id === a.id).length;
      unsubscribe();
      const b = await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Not heard" } });
      return {
        a, b, heard,
        afterUnsubscribe: mine.filter((id) => id === b.id).length,
        others: window.events.filter((e) => e.id === b.id).map((e) => e.type),
      };
    });
    assert.equal(seen.a.status, "sent", JSON.stringify(seen));
    assert.equal(seen.b.status, "sent", JSON.stringify(seen));
    assert.ok(seen.heard >= 3, `before unsubscribing it heard queued, sending, sent: ${JSON.stringify(seen)}`);
    assert.equal(seen.afterUnsubscribe, 0, `events after unsubscribe(): ${JSON.stringify(seen)}`);
    assert.deepEqual(seen.others, ["queued", "sending", "sent"], "the page's own subscriber still hears them");
  } finally {
    await context.close();
  }
});

test("setToken(token, api) changes only that API's token; setToken(token) every API's", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    assert.ok(await page.evaluate(() => hasWorksome()), "the package must have client.worksome");
    // "Refreshed" tokens for the fixtures' callers, which the token callback never returns.
    await env.server.addToken("gcdirectory", "claims-gc-new", "gc-admin-token");
    await env.server.addToken("worksome", "claims-shared", "ws-company-token");
    const both = () => page.evaluate(() => callAll([
      ["modifyProfile", { gcId: "4", data: { titleEn: "Token" } }],
      ["createJob", { company: "1", name: "Token job", skills: ["rust"] }, "worksome"],
    ]));
    const authOf = (results) => results.map((r) => {
      assert.equal(r.status, "sent", JSON.stringify(r));
      const seen = requests.filter((q) => q.key === r.id);
      assert.equal(seen.length, 1, JSON.stringify(seen));
      return [seen[0].api, seen[0].auth];
    });

    await page.evaluate(() => openClient({ database: "claims-token-api", worksome: true }));
    assert.deepEqual(authOf(await both()), [["gcdirectory", "Bearer gc-admin-token"], ["worksome", "Bearer ws-company-token"]],
      "before setToken the token callback is used");
    await page.evaluate(() => window.client.setToken("claims-gc-new", "gcdirectory"));
    assert.deepEqual(authOf(await both()), [["gcdirectory", "Bearer claims-gc-new"], ["worksome", "Bearer ws-company-token"]],
      "setToken(token, 'gcdirectory') must not change the Worksome token");
    // On the same client, a later setToken(token) replaces the per-API token too.
    await page.evaluate(() => window.client.setToken("claims-shared"));
    const again = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Replaced" } }));
    const againId = again.id ?? again.error?.details?.id;
    assert.deepEqual(requests.filter((q) => q.key === againId).map((q) => q.auth), ["Bearer claims-shared"],
      "setToken(token) after setToken(token, api) is for that API too");
    await page.evaluate(() => window.client.close());

    // Tokens are unique across APIs on the reference server, so one token cannot be valid for
    // both: "claims-shared" is the Worksome company's. Worksome first (sent with it), then GC
    // Directory, whose request must carry it too (and is refused with 401).
    await page.evaluate(() => openClient({ database: "claims-token-all", worksome: true }));
    await page.evaluate(() => window.client.setToken("claims-shared"));
    const [job, profile] = await page.evaluate(() => callAll([
      ["createJob", { company: "1", name: "Shared token job", skills: ["rust"] }, "worksome"],
      ["modifyProfile", { gcId: "4", data: { titleEn: "Shared token" } }],
    ]));
    assert.deepEqual(authOf([job]), [["worksome", "Bearer claims-shared"]], "setToken(token) is for Worksome");
    assert.equal(profile.error?.name, "AuthError", JSON.stringify(profile));
    const gc = requests.filter((q) => q.key === profile.error.details?.id);
    assert.deepEqual(gc.map((q) => [q.api, q.auth]), [["gcdirectory", "Bearer claims-shared"]], "setToken(token) is for GC Directory too");
  } finally {
    await context.close();
  }
});

test("close(): a closed client stops hearing other contexts' events (BroadcastChannel listener)", { timeout: 60_000 }, async () => {
  const { context, page } = await fresh();
  try {
    const heard = await page.evaluate(async () => {
      const endpoints = { gcdirectory: `${location.origin}/graphql/gcdirectory` };
      const options = { endpoints, token: async () => "gc-admin-token", user: "alice", database: "claims-close-channel" };
      const a = await window.sdk.Client.open(options);
      const b = await window.sdk.Client.open(options);
      const byA = [];
      a.outbox.subscribe((e) => byA.push(e.id));
      const wait = () => new Promise((res) => setTimeout(res, 300));
      const first = await b.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Heard by A" } });
      await wait();
      const before = byA.filter((id) => id === first.id).length;
      a.close();
      const second = await b.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Not heard by A" } });
      await wait();
      b.close();
      return { first, second, before, after: byA.filter((id) => id === second.id).length };
    });
    assert.equal(heard.second.status, "sent", JSON.stringify(heard));
    assert.ok(heard.before >= 1, `an open client hears the other's events: ${JSON.stringify(heard)}`);
    assert.equal(heard.after, 0, `a closed client must not hear them: ${JSON.stringify(heard)}`);
  } finally {
    await context.close();
  }
});
