// The outbox's essentials end to end in every engine (issue 12), through W3C WebDriver: the
// built package in the e2e test page (tests/js/e2e/page), against the reference server in test
// mode. These drivers have no offline switch, so "offline" is a server that is not there yet:
// the client's endpoints name a free port, and the server is started on that port later. Nothing
// fires `online` then: the drain that empties the queue is the SDK's backoff timer, the path
// Firefox and Safari rely on (they have no Background Sync).
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer, TestServer, gcMutation } from "../e2e/harness.mjs";
import { eachEngine, freePort, openPage, inPage } from "./webdriver.mjs";

/** Both APIs' endpoints on `origin`. */
const endpointsAt = (origin) => ({ gcdirectory: `${origin}/graphql/gcdirectory`, worksome: `${origin}/graphql/worksome` });

/** Opens `window.client` in the page on database `db` with these endpoints and a short backoff. */
function openClient(driver, db, endpoints, token = "gc-admin-token", extra = {}) {
  return inPage(driver, (db, endpoints, token, extra) => window.openClient({
    database: db, token, worksome: true, outbox: { baseDelayMs: 50, maxDelayMs: 300 }, extra: { endpoints, ...extra },
  }), db, endpoints, token, extra);
}

/** Keys of the server's request log, in order of receipt (requests without a key left out). */
async function receivedKeys(server) {
  return (await server.requests()).map((r) => r.idempotencyKey).filter((k) => k !== null);
}

eachEngine((engine, env) => {
  test("mutations queued while the server is unreachable survive a reload and are sent once each, in order", { timeout: 180_000 }, async () => {
    const { driver } = env.session;
    const apiPort = await freePort();
    const endpoints = endpointsAt(`http://127.0.0.1:${apiPort}`);
    const db = `engines-reload-${Date.now()}`;
    await openPage(driver, env.page.url);
    await openClient(driver, db, endpoints);
    const calls = Array.from({ length: 30 }, (_, i) => (i % 4 === 3
      ? ["createJob", { company: "1", name: `Job ${i}`, skills: ["rust"] }, "worksome"]
      : gcMutation(i)));
    const results = await inPage(driver, (c) => window.callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, "ids are unique");

    // Reload with the client closed, then reopen it, the server still unreachable.
    await inPage(driver, () => window.client.close());
    await driver.navigate().refresh();
    await openPage(driver, env.page.url);
    await openClient(driver, db, endpoints);
    const listed = await inPage(driver, () => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.id), ids, "after the reload the outbox holds every entry in creation order");
    assert.deepEqual(listed.map((e) => e.operation), calls.map(([op]) => op));
    // The reopened client tries at once (drain on open), so the head may be mid-attempt.
    for (const e of listed) assert.ok(["queued", "retrying", "sending"].includes(e.state), `waiting, not ${e.state}: ${JSON.stringify(e)}`);

    // The server comes up on the port the client names; its backoff timer finds it.
    const apiProcess = await startServer({ port: apiPort });
    try {
      const api = new TestServer(apiProcess.url);
      const settled = await inPage(driver, (i) => window.settleAll(i, 60_000), ids);
      settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
      assert.deepEqual(await receivedKeys(api), ids, "each key received once, in creation order");
      const applied = await api.applied();
      assert.deepEqual(applied.map((r) => r.idempotencyKey), ids, "applied in creation order");
      assert.deepEqual(applied.map((r) => [r.api, r.operation]), calls.map(([op, , a]) => [a ?? "gcdirectory", op]));
      for (const r of applied) assert.equal(r.timesApplied, 1, JSON.stringify(r));
    } finally {
      await inPage(driver, () => window.client.close()).catch(() => {});
      await apiProcess.stop();
    }
  });

  test("a 401 mid-queue pauses the outbox until a new token; then the rest drains, each key applied once", { timeout: 180_000 }, async () => {
    const { driver } = env.session;
    const server = new TestServer(env.page.url);
    const db = `engines-auth-${Date.now()}`;
    await openPage(driver, env.page.url);
    // Queued while unreachable, then the client reopens on the live server with an old token
    // that "expires" after four requests.
    await openClient(driver, db, endpointsAt(`http://127.0.0.1:${await freePort()}`));
    const calls = Array.from({ length: 10 }, (_, i) => ["modifyProfile", { gcId: ["1", "2", "4", "5"][i % 4], data: { titleEn: `Shift ${i + 1}` } }]);
    const results = await inPage(driver, (c) => window.callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);
    await inPage(driver, () => window.client.close());
    const token = `engines-${engine}-${Date.now()}`;
    await server.addToken("gcdirectory", token, "gc-admin-token");
    await server.addFaults({ token, skip: 4, status: 401, times: 1000 });
    try {
      const before = (await receivedKeys(server)).length;
      const sentKeys = async () => (await receivedKeys(server)).slice(before);
      // One request per entry (no batches), so "the fifth request" is the fifth entry: the
      // fault counts requests, and a batch of 10 would be one request. A 401 answering a
      // batch is tested in e2e/auth-pause.test.mjs.
      await openClient(driver, db, endpointsAt(env.page.url), token, { batch: { max: 1 } });
      const paused = () => inPage(driver, () => window.events.some((e) => e.type === "paused" && e.reason === "auth"));
      const deadline = Date.now() + 20_000;
      while (!(await paused())) {
        assert.ok(Date.now() < deadline, "no `paused` event (reason auth) within 20 s");
        await new Promise((r) => setTimeout(r, 100));
      }
      const states = await inPage(driver, () => window.client.outbox.list().then((l) => l.map((e) => e.state)));
      assert.deepEqual(states.slice(0, 5), ["sent", "sent", "sent", "sent", "auth"], JSON.stringify(states));
      for (const s of states.slice(5)) assert.ok(!["sent", "dead"].includes(s), JSON.stringify(states));

      // Paused means paused: nothing goes out on a timer while the token is the same.
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(await sentKeys(), ids.slice(0, 5), "four sent, the fifth refused once, nothing since");

      const fresh = `${token}-refreshed`;
      await server.addToken("gcdirectory", fresh, "gc-admin-token");
      await inPage(driver, (t) => { window.currentToken = t; window.client.setToken(t); }, fresh);
      const settled = await inPage(driver, (i) => window.settleAll(i, 60_000), ids);
      settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i + 1}: ${JSON.stringify(s)}`));
      assert.deepEqual(await sentKeys(), [...ids.slice(0, 5), ...ids.slice(4)], "the refused entry resent once with the new token, the rest once each, in order");
      const applied = (await server.applied()).filter((a) => ids.includes(a.idempotencyKey));
      assert.deepEqual(applied.map((a) => a.idempotencyKey), ids);
      for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
    } finally {
      await server.clearFaults();
      await inPage(driver, () => window.client?.close()).catch(() => {});
    }
  });

  test("the SDK in a module service worker queues, keeps and sends a mutation, applied once", { timeout: 120_000 }, async () => {
    // tests/js/e2e/page/sw.js, as tests/js/e2e/service-worker.test.mjs drives it in Chromium.
    const { driver } = env.session;
    const server = new TestServer(env.page.url);
    await openPage(driver, env.page.url);
    const step = (m) => inPage(driver, async (m) => {
      await navigator.serviceWorker.register("/sw.js", { type: "module", scope: "/" });
      const reg = await navigator.serviceWorker.ready;
      return new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = (e) => resolve(e.data);
        reg.active.postMessage(m, [channel.port2]);
      });
    }, m);
    const before = (await server.applied()).length;
    const first = await step({ step: "queue", origin: env.page.url });
    assert.ok(first.ok, JSON.stringify(first));
    const { sent, queued, listed, hasWindow, hasDocument } = first.ok;
    assert.deepEqual([hasWindow, hasDocument], [false, false], "the SDK ran with no window and no document");
    assert.equal(sent.status, "sent", JSON.stringify(sent));
    assert.equal(queued.status, "queued", JSON.stringify(queued));
    assert.ok(listed.some((e) => e.id === queued.id && e.state !== "sent"), `the queued entry is in the worker's outbox: ${JSON.stringify(listed)}`);
    const second = await step({ step: "drain", origin: env.page.url, id: queued.id });
    assert.equal(second.ok?.status, "sent", JSON.stringify(second));
    const applied = (await server.applied()).slice(before);
    assert.deepEqual(applied.map((r) => [r.idempotencyKey, r.timesApplied]), [[sent.id, 1], [queued.id, 1]]);
    const keys = await receivedKeys(server);
    for (const id of [sent.id, queued.id]) assert.equal(keys.filter((k) => k === id).length, 1, `key ${id} received once`);
  });
});
