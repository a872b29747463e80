// What others do to the SDK's database under a running client. The browser clears the site's
// data (a `Clear-Site-Data` logout response, DevTools, a storage failure): the connection gets
// `close`, not `versionchange`; before round s27 every later call and `list()` rejected
// `StorageError` ("the connection is closing") until a reload, now the next operation reopens
// the database. A script or an extension moves a record under a key the SDK never writes: it is
// left in place and reported, and the rest drains. Another tab deletes the database (a
// sign-out) while a call is in flight, and another user's entry takes its key: the late
// outcome is not written over it (before round s27 it was, and that entry was lost).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage, openPage } from "./harness.mjs";

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

test("a record moved under a key the SDK never writes is left in place; the rest still drains", { timeout: 60_000 }, async () => {
  // As a script or an extension could: before round s27 the full read took it as seq 0, the
  // outcome write put it at key 0, the unique id index refused, and every sync() rejected
  // StorageError, POSTing the same batch again.
  const { context, page } = await freshPage(env);
  try {
    await context.setOffline(true);
    await page.evaluate(async () => {
      await openClient({ database: "foreign-key" });
      await window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "one" } });
      await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "two" } });
      window.client.close();
      const idb = (fn) => new Promise((ok, fail) => {
        const open = indexedDB.open("graphql-outbox:foreign-key");
        open.onsuccess = () => {
          const tx = open.result.transaction("entries", "readwrite");
          const out = fn(tx.objectStore("entries"));
          tx.oncomplete = () => { open.result.close(); ok(out.result); };
          tx.onerror = () => fail(tx.error);
        };
      });
      const rec = await idb((s) => s.get(2));
      await idb((s) => { s.delete(2); return s.put(rec, "x"); });
    });
    await context.setOffline(false);
    const r = await page.evaluate(async () => {
      await openClient({ database: "foreign-key" });
      const synced = [];
      for (let i = 0; i < 2; i++) synced.push(await window.client.sync().then(() => "ok", (e) => `${e.name}: ${e.message}`));
      const stats = await window.client.outbox.stats();
      return { synced, states: (await window.client.outbox.list()).map((e) => e.state), skipped: stats.skipped };
    });
    assert.deepEqual(r.synced, ["ok", "ok"]);
    assert.deepEqual(r.states, ["sent"]);
    assert.equal(r.skipped, 1);
  } finally {
    await context.close();
  }
});

test("another tab deletes the database while a call is in flight: the late outcome is not written over another user's new entry", { timeout: 60_000 }, async () => {
  const { context, page: a } = await freshPage(env);
  try {
    await env.server.addFaults({ operation: "modifyProfile", delayMs: 2500 });
    await a.evaluate(async () => {
      await openClient({ database: "deleted-midway", user: "alice" });
      window.alice = window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "alice's edit" } }).then((r) => r.status, (e) => e.name);
    });
    await a.waitForTimeout(400);
    const b = await openPage(context, env.url);
    const bob = await b.evaluate(async () => {
      await new Promise((ok, fail) => { const r = indexedDB.deleteDatabase("graphql-outbox:deleted-midway"); r.onsuccess = ok; r.onerror = fail; });
      // An endpoint that answers nothing, so bob's entry stays queued.
      await openClient({ database: "deleted-midway", user: "bob", extra: { endpoints: { gcdirectory: "http://127.0.0.1:9/graphql" } } });
      return (await window.client.gcdirectory.modifyProfile({ gcId: "7", data: { titleEn: "bob's edit" } })).id;
    });
    await a.evaluate(() => window.alice);
    await a.waitForTimeout(500);
    const left = await b.evaluate(async () => (await window.client.outbox.list()).map((e) => ({ id: e.id, user: e.user })));
    assert.deepEqual(left, [{ id: bob, user: "bob" }]);
  } finally {
    await env.server.clearFaults();
    await context.close();
  }
});
