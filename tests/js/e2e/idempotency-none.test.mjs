// Issue 7: a server that does not honour Idempotency-Key (`idempotency: { gcdirectory: "none" }`).
// A response lost after commit leaves the outcome unknown: a create (not idempotent by nature)
// is not resent but parked in `unknown` for the app; an update (idempotent by nature) is
// resent. Requests are counted per key as Chromium sent them, not only applications.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("idempotency none: a lost answer parks a create in unknown and resends an update", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const sends = new Map();
    page.on("request", (r) => {
      if (r.method() !== "POST" || !r.url().endsWith("/graphql/gcdirectory")) return;
      const k = r.headers()["idempotency-key"];
      sends.set(k, (sends.get(k) ?? 0) + 1);
    });
    await page.evaluate(() => openClient({ database: "keyless", extra: { idempotency: { gcdirectory: "none" } }, outbox: { baseDelayMs: 10, maxDelayMs: 50 } }));
    await env.server.addFaults([
      { operation: "createOrgTier", dropAfterCommit: true },
      { operation: "modifyProfile", dropAfterCommit: true },
    ]);
    const create = await page.evaluate(() => call("createOrgTier", { nameEn: "Keyless", nameFr: "Sans clé", organization: { id: "1" }, owner: { gcID: "1" } }));
    assert.equal(create.error?.name, "NetworkError", JSON.stringify(create));
    assert.equal(create.error.details.state, "unknown");
    const id = create.error.details.id;
    const update = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "resent" } }));
    const settled = await page.evaluate((u) => window.client.outbox.settled(u.id ?? u.error.details.id), update);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    const unknown = await page.evaluate((id) => window.client.outbox.settled(id), id);
    assert.equal(unknown.status, "unknown", JSON.stringify(unknown));
    assert.equal(unknown.error.kind, "unknown");
    const stats = await page.evaluate(() => window.client.outbox.stats());
    assert.equal(stats.byState.unknown, 1);
    assert.equal(sends.get(id), 1, "the create was sent once, not resent blindly");
    assert.equal(sends.get(settled.id), 2, "the update was resent after the lost answer");
    const events = await page.evaluate((id) => window.events.filter((e) => e.id === id).map((e) => e.type), id);
    assert.deepEqual(events, ["queued", "sending", "unknown"]);
    // The app looked: it was applied. Discarding it keeps it from ever being sent again.
    const applied = await env.server.applied();
    assert.equal(applied.filter((a) => a.idempotencyKey === id).length, 1, "applied once");
    await page.evaluate((id) => window.client.outbox.discard(id), id);
    assert.equal((await page.evaluate((id) => window.client.outbox.settled(id), id)).status, "discarded");
    await page.evaluate(() => window.client.sync());
    assert.equal(sends.get(id), 1);
  } finally {
    await context.close();
  }
});

// Issue 9, round drain4: under the Web Lock a pass writes no claim for an API with idempotency
// keys (a crash resends with the key anyway), but for a keyless one the stored `sending` says
// the request may have gone out: it must be on disk while the request is in flight, for a pass
// (entries queued offline) as for a batch. The keyed run shows the difference is real.
test("idempotency none: a pass under the Web Lock stores the claim while the request is out; with keys it does not", { timeout: 90_000 }, async () => {
  for (const [mode, db, from] of [["none", "keyless-claim", "1"], ["header", "keyed-claim", "4"]]) {
    const context = await env.browser.newContext();
    try {
      const page = await openPage(context, env.url);
      await context.setOffline(true);
      await page.evaluate((o) => openClient(o), { database: db, extra: { idempotency: { gcdirectory: mode } } });
      const calls = [from, "2", "5"].map((gcId, i) => ["modifyProfile", { gcId, data: { titleEn: `claim ${mode} ${i}` } }]);
      const ids = (await page.evaluate((c) => callAll(c), calls)).map((r) => r.id);
      // Every transaction the drain opens, by mode, durability and store.
      await page.evaluate(() => {
        window.txs = [];
        const open = IDBDatabase.prototype.transaction;
        IDBDatabase.prototype.transaction = function (names, mode, options) {
          window.txs.push(`${mode ?? "readonly"}:${options?.durability ?? "default"}:${[names].flat().join("+")}`);
          return open.call(this, names, mode, options);
        };
      });
      await env.server.addFaults({ delayMs: 1500, times: 1 });
      await context.setOffline(false);
      // While the (delayed) request is out: what the disk says about the entry being sent.
      await waitFor("a sending event", () => page.evaluate((id) => window.events.some((e) => e.id === id && e.type === "sending"), ids[0]));
      const stored = await page.evaluate(() => window.client.outbox.list());
      const inFlight = await page.evaluate((id) => !window.events.some((e) => e.id === id && e.type === "sent"), ids[0]);
      assert.ok(inFlight, "the request was answered before the stored state was read; the test proves nothing");
      const state = stored.find((e) => e.id === ids[0])?.state;
      assert.equal(state, mode === "none" ? "sending" : "queued", `${mode}: stored ${JSON.stringify(stored.map((e) => e.state))}`);
      const settled = await page.evaluate((i) => settleAll(i), ids);
      settled.forEach((s, i) => assert.equal(s.status, "sent", `${mode} entry ${i}: ${JSON.stringify(s)}`));
      if (mode === "none") {
        // The claim is the only sign the request may have gone out: strict, so an OS crash or a
        // power cut cannot lose it once the request is out (relaxed before round s27).
        const txs = await page.evaluate(() => window.txs);
        assert.deepEqual(txs.filter((t) => t.startsWith("readwrite:relaxed:entries")), [], JSON.stringify(txs));
        assert.ok(txs.some((t) => t.startsWith("readwrite:strict:entries")), JSON.stringify(txs));
      }
    } finally {
      await env.server.clearFaults();
      await context.close();
    }
  }
});
