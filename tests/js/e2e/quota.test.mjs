// A full origin: Chromium's DevTools protocol shrinks this origin's storage quota, then calls
// queued offline grow the outbox until IndexedDB refuses a write with QuotaExceededError. That
// call must reject with a StorageError (reason "quota"), and every entry stored before it must
// still be there and, back online, be sent.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("QuotaExceededError rejects the new call with StorageError and loses nothing stored", { timeout: 120_000 }, async (t) => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: new URL(env.url).origin, quotaSize: 3 * 1024 * 1024 });
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "quota" }));

    // ~256 KiB of random text per entry (Chromium compresses large values, so repeated characters
    // would hardly count): the quota is reached within a few dozen calls.
    const queued = [];
    let refused;
    for (let i = 0; i < 100 && !refused; i++) {
      const big = randomBytes(192 * 1024).toString("base64");
      const r = await page.evaluate(([n, b]) => call("modifyProfile", { gcId: "2", data: { titleFr: `${n}`, titleEn: b } }), [i, big]);
      if (r.error) refused = r.error;
      else {
        assert.equal(r.status, "queued", JSON.stringify(r));
        queued.push(r.id);
      }
    }
    assert.ok(refused, "100 calls of 256 KiB fitted in a 3 MiB quota: the override did not apply");
    assert.ok(queued.length >= 1, "the quota refused even the first entry");
    t.diagnostic(`${queued.length} entries of 256 KiB fitted before the quota refused one`);
    assert.equal(refused.name, "StorageError", JSON.stringify(refused));
    assert.equal(refused.details.reason, "quota", JSON.stringify(refused));

    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.id), queued, "every entry stored before the refused one is still there, in order");

    // Room again (the quota is lifted), back online: everything stored is sent, once each.
    await cdp.send("Storage.overrideQuotaForOrigin", { origin: new URL(env.url).origin });
    await context.setOffline(false);
    const settled = await page.evaluate((ids) => settleAll(ids, 60000), queued);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((r) => r.idempotencyKey), queued, "each stored entry applied once, in order");
  } finally {
    await context.close();
  }
});
