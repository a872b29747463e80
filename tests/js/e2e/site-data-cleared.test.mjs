// The browser clears the site's data under a running client (a `Clear-Site-Data` logout
// response, DevTools, a storage failure): its IndexedDB connection gets `close`, not
// `versionchange`. Before round s27 every later call and `list()` rejected `StorageError`
// ("the connection is closing") until a reload; now the next operation reopens the database.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("after the site's data is cleared, the next call reopens the database and works", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    await page.evaluate(() => openClient({ database: "cleared" }));
    const before = await page.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "before" } }).then((r) => r.status));
    assert.equal(before, "sent");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Storage.clearDataForOrigin", { origin: new URL(env.url).origin, storageTypes: "indexeddb" });
    const after = await page.evaluate(async () => {
      const r = await window.client.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: "after" } }).then((r) => r.status, (e) => `${e.name}: ${e.message}`);
      const listed = await window.client.outbox.list().then((l) => l.map((e) => e.variables.data.titleEn), (e) => `${e.name}: ${e.message}`);
      return { r, listed };
    });
    assert.deepEqual(after, { r: "sent", listed: ["after"] });
  } finally {
    await context.close();
  }
});
