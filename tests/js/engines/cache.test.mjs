// The offline cache in every engine (issues 8 and 12), through W3C WebDriver: a query read while
// the API server is up is read again from the cache after a reload with the server gone (these
// drivers have no offline switch: "offline" is a server that is not there); an edit made then
// shows at once with its entry pending; once the server is back (same port) the backoff timer
// sends it and the cache holds the server's value with nothing pending.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../e2e/harness.mjs";
import { eachEngine, freePort, openPage, inPage } from "./webdriver.mjs";

const endpointsAt = (origin) => ({ gcdirectory: `${origin}/graphql/gcdirectory` });

function openClient(driver, db, endpoints) {
  return inPage(driver, (db, endpoints) => window.openClient({
    database: db, outbox: { baseDelayMs: 50, maxDelayMs: 300 }, extra: { endpoints },
  }), db, endpoints);
}

const profile = (driver, policy) => inPage(driver, (p) => window.client.gcdirectory.query.profile({ gcId: "2" }, { policy: p })
  .then((r) => r, (e) => ({ error: e.name, reason: e.details?.reason })), policy);

eachEngine((engine, env) => {
  test("a query read online is read from the cache with the server gone, pending edits applied, then the server's value", { timeout: 180_000 }, async () => {
    const { driver } = env.session;
    const apiPort = await freePort();
    const endpoints = endpointsAt(`http://127.0.0.1:${apiPort}`);
    const db = `engines-cache-${Date.now()}`;
    let api = await startServer({ port: apiPort });
    try {
      await openPage(driver, env.page.url);
      await openClient(driver, db, endpoints);
      const online = await profile(driver, "network-first");
      assert.equal(online.source, "network", JSON.stringify(online));
      assert.equal(online.data.profile.gcId, "2");
      await inPage(driver, () => window.client.close());
      await api.stop();
      api = null;

      await driver.navigate().refresh();
      await openPage(driver, env.page.url);
      await openClient(driver, db, endpoints);
      const offline = await profile(driver, "network-first");
      assert.equal(offline.source, "cache", JSON.stringify(offline));
      assert.deepEqual(offline.data, online.data, "the cache gives back what the network gave");
      assert.equal(offline.fetchedAt, online.fetchedAt);

      const r = await inPage(driver, () => window.client.gcdirectory.modifyProfile({ gcId: "2", data: { name: "Uma Engine" } }));
      assert.equal(r.status, "queued", JSON.stringify(r));
      const pending = await profile(driver, "cache-only");
      assert.equal(pending.data.profile.name, "Uma Engine", JSON.stringify(pending));
      assert.deepEqual(pending.pending, [r.id]);

      api = await startServer({ port: apiPort });
      const outcome = await inPage(driver, (id) => window.client.outbox.settled(id), r.id);
      assert.equal(outcome.status, "sent", JSON.stringify(outcome));
      // The sent entry's answer is written into the cache just after its event.
      let after = null;
      for (let i = 0; i < 100; i += 1) {
        after = await profile(driver, "cache-only");
        if (after.pending?.length === 0) break;
        await new Promise((res) => setTimeout(res, 50));
      }
      assert.equal(after.data.profile.name, "Uma Engine", JSON.stringify(after));
      assert.deepEqual(after.pending, [], "nothing pending once sent");
    } finally {
      await inPage(driver, () => window.client?.close()).catch(() => {});
      await api?.stop();
    }
  });
});
