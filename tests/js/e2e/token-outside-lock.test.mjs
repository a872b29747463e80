// Issue 7: the token callback runs outside the drain lock and under tokenTimeoutMs. A callback
// that calls back into the client (sync, discard, purge) must not deadlock it, and one that never
// answers must not hold up anything but the sends that need its token.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** Opens `window.c` whose token callback is `makeToken(window)` (a function source, run in the page). */
async function openWithToken(page, database, tokenSource, extra = {}) {
  await page.evaluate(async ({ database, tokenSource, extra }) => {
    window.tokenCalls = [];
    // eslint-disable-next-line no-new-func
    const token = new Function("api", tokenSource);
    window.c = await sdk.Client.open({
      endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` },
      user: "tok", database, token, ...extra,
    });
    window.c.outbox.subscribe((e) => window.events.push({ ...e, at: Date.now() }));
  }, { database, tokenSource, extra });
}

test("a token callback that awaits sync(), purge() and discard() does not deadlock", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-reentrant", `
      return (async () => {
        window.tokenCalls.push(api);
        if (window.tokenCalls.length === 1) {
          await window.c.sync();
          window.tokenCalls.push("synced");
          window.tokenCalls.push("purged " + await window.c.outbox.purge("somebody-else"));
          await window.c.outbox.discard(window.toDiscard);
          window.tokenCalls.push("discarded");
        }
        return "gc-admin-token";
      })();`);
    // An entry to discard from inside the callback: queued while offline, before any token is read.
    await context.setOffline(true);
    const doomed = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "5", data: { titleEn: "never sent" } }));
    assert.equal(doomed.status, "queued");
    await page.evaluate((id) => { window.toDiscard = id; }, doomed.id);
    await context.setOffline(false);

    const started = Date.now();
    const r = await page.evaluate(async () => {
      const r = await window.c.gcdirectory.modifyProfile({ gcId: "5", data: { titleEn: "after the token" } });
      return { r, settled: await window.c.outbox.settled(r.id) };
    });
    const took = Date.now() - started;
    assert.equal(r.settled.status, "sent", JSON.stringify(r));
    assert.equal(r.settled.data.titleEn, "after the token");
    assert.ok(took < 5000, `settled in ${took} ms; the token timeout (10 s) must not be what ended a wait`);
    const calls = await page.evaluate(() => window.tokenCalls);
    assert.deepEqual(calls.slice(0, 4), ["gcdirectory", "synced", "purged 0", "discarded"], JSON.stringify(calls));
    const gone = await page.evaluate((id) => window.c.outbox.settled(id), doomed.id);
    assert.equal(gone.status, "discarded");
    const applied = await env.server.applied();
    assert.ok(!applied.some((a) => a.idempotencyKey === doomed.id), "the discarded entry was never applied");
    assert.equal(applied.filter((a) => a.idempotencyKey === r.r.id).length, 1);
  } finally {
    await context.close();
  }
});

test("a token callback that never answers pauses only its sends, for tokenTimeoutMs", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-hung", "window.tokenCalls.push(api); return new Promise(() => {});", { tokenTimeoutMs: 300 });
    const t0 = Date.now();
    const r = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "no token" } })
      .catch((e) => ({ name: e.name, details: e.details, message: e.message })));
    // Stored, then held by the auth pause: AuthError naming the entry (README's table).
    assert.equal(r.name, "AuthError", JSON.stringify(r));
    assert.ok(r.details.id, "the rejection names the stored entry");
    assert.ok(Date.now() - t0 < 2000, `the call answered in ${Date.now() - t0} ms`);
    // Everything else still answers at once.
    const t1 = Date.now();
    const [purged, stats] = await page.evaluate(async () => {
      await window.c.sync();
      return [await window.c.outbox.purge("somebody-else"), await window.c.outbox.stats()];
    });
    assert.ok(Date.now() - t1 < 2000, `sync + purge + stats took ${Date.now() - t1} ms`);
    assert.equal(purged, 0);
    assert.equal(stats.byState.auth, 1, JSON.stringify(stats));
    const paused = await page.evaluate(() => window.events.find((e) => e.type === "paused" && e.reason === "auth"));
    assert.match(paused.error.message, /tokenTimeoutMs/);
    // One call of the callback in flight, not one per pass.
    assert.equal(await page.evaluate(() => window.tokenCalls.length), 1);
  } finally {
    await context.close();
  }
});

test("a slow login: the token arrives after tokenTimeoutMs and the entry is sent then", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-slow",
      "window.tokenCalls.push(api); return new Promise((ok) => setTimeout(() => ok('gc-admin-token'), 1500));",
      { tokenTimeoutMs: 200 });
    const r = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "slow login" } })
      .catch((e) => ({ name: e.name, id: e.details?.id })));
    assert.equal(r.name, "AuthError", JSON.stringify(r));
    const settled = await page.evaluate((id) => window.c.outbox.settled(id), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    // The late answer served the pass it woke: the app was not asked to log in again.
    assert.equal(await page.evaluate(() => window.tokenCalls.length), 1);
  } finally {
    await context.close();
  }
});

test("after a token callback that never answers, setToken makes calls answer sent and sync() drain again", { timeout: 60_000 }, async () => {
  // Before round s27 the hung call counted as "the callback may be the caller" for the
  // client's life: every later call answered `queued` and `sync()` returned before its pass.
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-hung-then-set", "window.tokenCalls.push(api); return new Promise(() => {});", { tokenTimeoutMs: 300 });
    const first = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "3", data: { titleEn: "hung" } }).catch((e) => e.name));
    assert.equal(first, "AuthError");
    const r = await page.evaluate(async () => {
      window.c.setToken("gc-admin-token");
      const call = await window.c.gcdirectory.modifyProfile({ gcId: "3", data: { titleEn: "after setToken" } });
      await window.c.sync();
      return { status: call.status, states: (await window.c.outbox.list()).map((e) => e.state), events: window.events.map((e) => `${e.type}:${e.reason ?? ""}:${e.id?.slice(0, 4)}`) };
    });
    assert.equal(r.status, "sent", JSON.stringify(r));
    assert.deepEqual(r.states, ["sent", "sent"]);
  } finally {
    await context.close();
  }
});

test("setToken while a pass waits for the callback's stale token: the entry is sent with the new one", { timeout: 60_000 }, async () => {
  // The pass requested by `online` reads the callback's token (an expired one, after 600 ms);
  // `setToken` comes meanwhile. Before round s27 its kick joined that pass, which got a 401,
  // paused on the stale token and started nothing more: the entry waited for another trigger.
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-stale",
      "window.tokenCalls.push(api); return new Promise((ok) => setTimeout(() => ok('expired-token'), 600));");
    await context.setOffline(true);
    const q = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "new token" } }));
    assert.equal(q.status, "queued");
    await context.setOffline(false);
    const settled = await page.evaluate(async (id) => {
      await new Promise((ok) => setTimeout(ok, 100));
      window.c.setToken("gc-admin-token");
      return Promise.race([window.c.outbox.settled(id), new Promise((ok) => setTimeout(() => ok({ status: "still waiting after 5 s" }), 5000))]);
    }, q.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
  } finally {
    await context.close();
  }
});

test("syncEvent waits for its pass while the token callback is still answering", { timeout: 60_000 }, async () => {
  // A service worker's `sync` event never runs inside the token callback; before round s27 it
  // settled at once while a token call was in flight (the browser's waitUntil with it).
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-syncevent",
      "window.tokenCalls.push(api); return new Promise((ok) => setTimeout(() => ok('gc-admin-token'), 500));");
    await context.setOffline(true);
    const q = await page.evaluate(() => window.c.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "sync event" } }));
    await context.setOffline(false);
    const r = await page.evaluate(async (id) => {
      // A pass reading the token is in flight (the `online` event's, or this sync()'s).
      window.c.sync().catch(() => {});
      await new Promise((ok) => setTimeout(ok, 50));
      const answer = await window.c.syncEvent({ tag: "graphql-outbox:tok-syncevent:tok", lastChance: false }).then((v) => v, (e) => `${e.name}: ${e.message}`);
      return { answer, state: (await window.c.outbox.list()).find((e) => e.id === id).state };
    }, q.id);
    assert.deepEqual(r, { answer: true, state: "sent" });
  } finally {
    await context.close();
  }
});

test("setToken while a call's pass waits for the callback: the call is sent at once with the token set", { timeout: 60_000 }, async () => {
  // The callback would answer an expired token after 3 s. Before round s27 the pass waited for
  // it (the call answered after 3 s) and sent with it: a 401, and the entry paused for a token
  // the app had already set (found by the second review).
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await openWithToken(page, "tok-set-while-waiting",
      "window.tokenCalls.push(api); return new Promise((ok) => setTimeout(() => ok('expired-token'), 3000));",
      { tokenTimeoutMs: 8000 });
    const r = await page.evaluate(async () => {
      const t0 = Date.now();
      const call = window.c.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "token set meanwhile" } });
      setTimeout(() => window.c.setToken("gc-admin-token"), 200);
      const answer = await call.then((v) => v.status, (e) => e.name);
      return { answer, ms: Date.now() - t0 };
    });
    assert.equal(r.answer, "sent", JSON.stringify(r));
    assert.ok(r.ms < 2000, `answered after ${r.ms} ms`);
  } finally {
    await context.close();
  }
});
