// README claims about what is stored where (issue 7):
// - the IndexedDB database is exactly `graphql-outbox`, or `graphql-outbox:<database>`: names
//   written out literally, since an SDK that renamed them would strand every user's entries;
// - sent and discarded entries are kept 24 h as tombstones (settled(id) answers from them),
//   then a full pass (Client.open, sync()) deletes them. The age is faked by writing an old
//   `settledAt` straight into the stored record;
// - `outbox.retry(id)` / `discard(id)` of a sent entry reject with StorageError.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

const HOUR = 3600 * 1000;

/** In the page: the ids of the records in `dbName`'s `entries` store (raw IndexedDB, not the SDK). */
const storedIds = (page, dbName) => page.evaluate((name) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const all = db.transaction("entries").objectStore("entries").getAll();
    all.onsuccess = () => { db.close(); resolve(all.result.map((r) => r.id)); };
    all.onerror = () => { db.close(); reject(all.error); };
  };
}), dbName);

/** In the page: sets `settledAt` of the stored records `ids` to `ageMs` ago (raw IndexedDB). */
const age = (page, dbName, ids, ageMs) => page.evaluate(({ name, ids, ageMs }) => new Promise((resolve, reject) => {
  const open = indexedDB.open(name);
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const tx = db.transaction("entries", "readwrite");
    let changed = 0;
    tx.objectStore("entries").openCursor().onsuccess = (ev) => {
      const cursor = ev.target.result;
      if (!cursor) return;
      if (ids.includes(cursor.value.id)) {
        if (!(cursor.value.settledAt > 0)) throw new Error(`record ${cursor.value.id} has no settledAt`);
        cursor.update({ ...cursor.value, settledAt: Date.now() - ageMs });
        changed += 1;
      }
      cursor.continue();
    };
    tx.oncomplete = () => { db.close(); resolve(changed); };
    tx.onerror = () => { db.close(); reject(tx.error); };
  };
}), { name: dbName, ids, ageMs });

/** `settled(id)` of window.client, or `{ error: name }` if it rejects. */
const settled = (page, id) => page.evaluate((i) => window.client.outbox.settled(i).catch((e) => ({ error: e.name })), id);

test("database names are exactly graphql-outbox and graphql-outbox:<database>, and hold the entries", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    assert.deepEqual(await page.evaluate(() => indexedDB.databases().then((d) => d.map((x) => x.name))), [], "a fresh context has no database");
    await context.setOffline(true);
    const ids = await page.evaluate(async () => {
      const endpoints = { gcdirectory: `${location.origin}/graphql/gcdirectory` };
      const plain = await window.sdk.Client.open({ endpoints, token: async () => "gc-admin-token", user: "alice" });
      const named = await window.sdk.Client.open({ endpoints, token: async () => "gc-admin-token", user: "alice", database: "x" });
      const a = await plain.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Default db" } });
      const b = await named.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Named db" } });
      plain.close();
      named.close();
      return [a.id, b.id];
    });
    const names = await page.evaluate(() => indexedDB.databases().then((d) => d.map((x) => x.name).sort()));
    assert.deepEqual(names, ["graphql-outbox", "graphql-outbox:x"]);
    assert.deepEqual(await storedIds(page, "graphql-outbox"), [ids[0]], "the default database holds the default client's entry");
    assert.deepEqual(await storedIds(page, "graphql-outbox:x"), [ids[1]], "graphql-outbox:x holds the named client's entry");
  } finally {
    await context.close();
  }
});

test("tombstones: settled(id) answers until 24 h, then Client.open or sync() deletes them", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  const db = "graphql-outbox:claims-tombstones";
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "claims-tombstones" }));
    const sent = await page.evaluate(() => callAll([
      ["modifyProfile", { gcId: "4", data: { titleEn: "Tomb 1" } }],
      ["modifyProfile", { gcId: "4", data: { titleEn: "Tomb 2" } }],
      ["modifyProfile", { gcId: "4", data: { titleEn: "Tomb 3" } }],
    ]));
    assert.deepEqual(sent.map((r) => r.status), ["sent", "sent", "sent"], JSON.stringify(sent));
    await context.setOffline(true);
    const queued = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "Dropped" } }));
    assert.equal(queued.status, "queued", JSON.stringify(queued));
    await page.evaluate((id) => window.client.outbox.discard(id), queued.id);
    await context.setOffline(false);
    const [young, oldSent, oldSentToo] = sent.map((r) => r.id);
    const oldDiscarded = queued.id;
    await page.evaluate(() => window.client.close());

    // 23 h old: still a tombstone after a full pass. 25 h old: gone after Client.open.
    assert.equal(await age(page, db, [young], 23 * HOUR), 1);
    assert.equal(await age(page, db, [oldSent, oldDiscarded], 25 * HOUR), 2);
    await page.evaluate(() => openClient({ database: "claims-tombstones" }));
    // The open pass runs in the background: wait for it (no sync() here, that is tested below).
    await waitFor("Client.open to delete the 25 h old tombstones", async () => (await storedIds(page, db)).length === 2, 5000);
    assert.equal((await settled(page, young)).status, "sent", "a 23 h old tombstone still answers settled");
    assert.equal((await settled(page, oldSent)).error, "NotFoundError", "a 25 h old sent tombstone must be deleted");
    assert.equal((await settled(page, oldDiscarded)).error, "NotFoundError", "a 25 h old discarded tombstone must be deleted");
    assert.deepEqual((await storedIds(page, db)).sort(), [young, oldSentToo].sort());

    // sync() on an open client is a full pass too.
    assert.equal((await settled(page, oldSentToo)).status, "sent");
    assert.equal(await age(page, db, [oldSentToo], 25 * HOUR), 1);
    await page.evaluate(() => window.client.sync());
    assert.equal((await settled(page, oldSentToo)).error, "NotFoundError", "sync() must delete a 25 h old tombstone");
    assert.deepEqual(await storedIds(page, db), [young]);
  } finally {
    await context.close();
  }
});

test("retry(id) and discard(id) of a sent entry reject StorageError and change nothing", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "claims-retry-sent" }));
    let posts = 0;
    page.on("request", (r) => { if (r.method() === "POST" && r.url().includes("/graphql/")) posts += 1; });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Once" } }));
    assert.equal(r.status, "sent", JSON.stringify(r));
    const outcome = await page.evaluate(async (id) => {
      const attempt = (f) => f().then(() => ({ resolved: true }), (e) => ({ name: e.name, details: e.details, message: e.message }));
      return {
        retry: await attempt(() => window.client.outbox.retry(id)),
        discard: await attempt(() => window.client.outbox.discard(id)),
        unknownRetry: await attempt(() => window.client.outbox.retry("no-such-id")),
      };
    }, r.id);
    assert.equal(outcome.retry.name, "StorageError", `retry of a sent entry: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.discard.name, "StorageError", `discard of a sent entry: ${JSON.stringify(outcome)}`);
    assert.equal(outcome.unknownRetry.name, "NotFoundError", JSON.stringify(outcome));
    await page.evaluate(() => window.client.sync());
    assert.equal(posts, 1, "nothing was sent again");
    assert.equal((await settled(page, r.id)).status, "sent");
    const applied = (await env.server.applied()).filter((a) => a.idempotencyKey === r.id);
    assert.deepEqual(applied.map((a) => a.timesApplied), [1]);
  } finally {
    await context.close();
  }
});

test("the Web Lock is <database>:<user> and the BroadcastChannel <database>, names written out", { timeout: 60_000 }, async () => {
  await env.server.clearFaults();
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "claims-names", user: "alice" }));
    // Hold the request on the server so the drain's lock can be seen while it is taken.
    await env.server.addFaults({ api: "gcdirectory", delayMs: 1500, times: 1 });
    const seen = await page.evaluate(async () => {
      const messages = [];
      const channel = new BroadcastChannel("graphql-outbox:claims-names");
      // A turn's events and cache notices may come as one message `{ messages: [..] }`.
      channel.onmessage = (m) => {
        const data = typeof m.data === "string" ? JSON.parse(m.data) : m.data;
        messages.push(...(data?.messages ?? [data]));
      };
      const pending = window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: "Named lock" } });
      await new Promise((res) => setTimeout(res, 500));
      const held = (await navigator.locks.query()).held.map((l) => l.name);
      const r = await pending;
      await new Promise((res) => setTimeout(res, 200));
      channel.close();
      return { r, held, types: messages.filter((m) => m?.event?.id === r.id).map((m) => m.event.type) };
    });
    assert.equal(seen.r.status, "sent", JSON.stringify(seen));
    assert.deepEqual(seen.held, ["graphql-outbox:claims-names:alice"], "the drain holds the lock <database>:<user>");
    assert.ok(seen.types.includes("sent"), `the channel graphql-outbox:claims-names carries the events: ${JSON.stringify(seen)}`);
  } finally {
    await context.close();
  }
});
