// Issue 7's error contract at a full disk, in real Chromium: a call whose entry was stored but
// whose outcome write hit QuotaExceededError must not reject StorageError (that says nothing was
// stored, so a correct app would call again: applied twice). It resolves "queued"; once there is
// room, the entry is sent again with its key and the server answers from its idempotency record.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("quota reached at the outcome write: the call resolves queued, nothing is lost, applied once", { timeout: 180_000 }, async (t) => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const origin = new URL(env.url).origin;
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.overrideQuotaForOrigin", { origin, quotaSize: 3 * 1024 * 1024 });
    // Fill the origin with other users' entries (never drained here), offline, until refused;
    // then delete the first one ("spare"), so about 256 KiB are free whatever the slack was.
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "quota-outcome", user: "spare" }));
    const spare = await page.evaluate((b) => call("modifyProfile", { gcId: "2", data: { titleEn: b } }), randomBytes(192 * 1024).toString("base64"));
    assert.equal(spare.status, "queued", JSON.stringify(spare));
    await page.evaluate(() => window.client.close());
    await page.evaluate(() => openClient({ database: "quota-outcome", user: "filler" }));
    let refused = false;
    for (let i = 0; i < 100 && !refused; i++) {
      const big = randomBytes(192 * 1024).toString("base64");
      const r = await page.evaluate((b) => call("modifyProfile", { gcId: "2", data: { titleEn: b } }), big);
      refused = Boolean(r.error);
    }
    assert.ok(refused, "the quota override did not apply");
    assert.equal(await page.evaluate(() => window.client.outbox.purge("spare")), 1);
    await page.evaluate(() => window.client.close());
    await context.setOffline(false);
    await page.evaluate(() => openClient({ database: "quota-outcome", user: "alice" }));

    // The answer echoes titleEn, so the outcome record needs about twice what the entry needed.
    // Shrinking sizes find one whose entry fits and whose outcome does not.
    let hit;
    const tried = [];
    for (let kib = 180; kib >= 2 && !hit; kib = Math.floor(kib * 0.75)) {
      const title = randomBytes(kib * 768).toString("base64"); // kib KiB of text
      const count = () => page.evaluate(() => window.client.outbox.list().then((l) => l.length));
      const before = await count();
      const r = await page.evaluate((title) => call("modifyProfile", { gcId: "2", data: { titleEn: title } }), title);
      tried.push([kib, r.status ?? r.error?.name]);
      if (r.error) {
        assert.equal(r.error.name, "StorageError", `a rejection must be the refused entry: ${JSON.stringify(r.error)}`);
        assert.equal(r.error.details.id, undefined, "StorageError names no entry");
        assert.equal(await count(), before, `StorageError at ${kib} KiB, yet its entry was stored: an app would call again`);
        continue;
      }
      if (r.status === "queued") hit = { id: r.id, kib };
    }
    t.diagnostic(`sizes tried (KiB, outcome): ${JSON.stringify(tried)}`);
    assert.ok(hit, `no size had its entry stored and its outcome refused: ${JSON.stringify(tried)}`);
    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.ok(listed.some((e) => e.id === hit.id), "the entry is still stored");
    const applied = await env.server.applied();
    assert.equal(applied.filter((a) => a.idempotencyKey === hit.id).length, 1, "it reached the server once");

    // Room again: sent again with the same key, answered from the server's idempotency record.
    await cdp.send("Storage.overrideQuotaForOrigin", { origin });
    await page.evaluate(() => window.client.sync());
    const settled = await page.evaluate((id) => window.client.outbox.settled(id), hit.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled).slice(0, 300));
    const received = (await env.server.requestsByKey()).get(hit.id);
    assert.ok(received.length >= 2 && received.slice(1).every((q) => q.replayed), JSON.stringify(received));
    const after = (await env.server.applied()).filter((a) => a.idempotencyKey === hit.id);
    assert.deepEqual(after.map((a) => a.timesApplied), [1], "applied once");
  } finally {
    await context.close();
  }
});
