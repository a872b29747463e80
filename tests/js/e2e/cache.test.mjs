// The offline cache (issue 8) in a real page against the reference server: a result read online
// is read again offline after a reload; an edit made offline shows at once in a watcher with
// its entry pending, then the server's value once sent; a refused edit rolls back; another
// user of the same database reads nothing of the first; a write in one tab reaches a watcher
// in another tab.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

// Each test edits its own profile, so the tests share nothing on the server.
const profileName = (gcId) => env.server.graphql("gcdirectory", "gc-admin-token", "query($g: ID!) { profile(gcId: $g) { name } }", { g: gcId });

/** Starts a watch of profile `gcId` in the page; results accumulate in `window.seen`. */
const watchProfile = (page, gcId, policy = "cache-first") => page.evaluate(([g, p]) => {
  window.seen = [];
  window.watchErrors = [];
  window.stopWatch = window.client.gcdirectory.watch.profile({ gcId: g }, (r) => window.seen.push(r), { policy: p, onError: (e) => window.watchErrors.push(e.name) });
  return true;
}, [gcId, policy]);

const lastSeen = (page) => page.evaluate(() => window.seen.at(-1) ?? null);

test("read online, then offline after a reload: the same data from the cache", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "c1" }));
    const online = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }));
    assert.equal(online.source, "network");
    assert.equal(online.data.profile.gcId, "1");
    assert.deepEqual(online.pending, []);

    await page.evaluate(() => window.client.close());
    await page.reload();
    await page.evaluate(() => window.outboxReady);
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "c1" }));
    const offline = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }));
    assert.equal(offline.source, "cache", "network-first falls back to the cache when offline");
    assert.deepEqual(offline.data, online.data, "the cache gives back exactly what the network gave");
    assert.equal(offline.fetchedAt, online.fetchedAt, "fetchedAt is when the server answered");
    const cacheOnly = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }));
    assert.deepEqual(cacheOnly.data, online.data);
    const miss = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "3" }).catch((e) => ({ name: e.name, details: e.details })));
    assert.equal(miss.name, "CacheMissError", JSON.stringify(miss));
    assert.equal(miss.details.operation, "profile");
  } finally {
    await context.close();
  }
});

test("an offline edit shows at once in a watcher, pending; online, the server's value replaces it", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "c2" }));
    await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "2" }));
    await watchProfile(page, "2");
    await waitFor("the first result", async () => (await lastSeen(page))?.data.profile.gcId === "2");
    const before = (await lastSeen(page)).data.profile.name;

    await context.setOffline(true);
    const r = await page.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "2", data: { name: "Uma Offline" } }));
    assert.equal(r.status, "queued");
    await waitFor("the pending value", async () => (await lastSeen(page))?.data.profile.name === "Uma Offline");
    const pending = await lastSeen(page);
    assert.deepEqual(pending.pending, [r.id], "the result names the entry whose value it shows");
    assert.equal(pending.source, "cache");
    assert.notEqual(before, "Uma Offline");
    assert.equal((await profileName("2")).data.profile.name, before, "nothing reached the server while offline");

    await context.setOffline(false);
    await page.evaluate((id) => window.client.outbox.settled(id), r.id);
    await waitFor("the server's value, nothing pending", async () => {
      const s = await lastSeen(page);
      return s.data.profile.name === "Uma Offline" && s.pending.length === 0;
    });
    assert.equal((await profileName("2")).data.profile.name, "Uma Offline", "the server holds the edit");
    const after = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "2" }, { policy: "cache-only" }));
    assert.deepEqual(after.pending, []);
  } finally {
    await context.close();
  }
});

test("an edit the server refuses rolls back in the watcher", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "c3" }));
    await watchProfile(page, "3", "network-first");
    await waitFor("the first result", async () => (await lastSeen(page))?.data.profile.gcId === "3");
    const original = (await lastSeen(page)).data.profile.name;

    await context.setOffline(true);
    const r = await page.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "3", data: { name: "Refused Name" } }));
    await waitFor("the pending value", async () => (await lastSeen(page))?.data.profile.name === "Refused Name");
    await env.server.addFaults({ operation: "modifyProfile", status: 400 });
    await context.setOffline(false);
    const outcome = await page.evaluate((id) => window.client.outbox.settled(id), r.id);
    assert.equal(outcome.status, "dead", JSON.stringify(outcome));
    await waitFor("the rollback", async () => (await lastSeen(page))?.data.profile.name === original);
    assert.deepEqual((await lastSeen(page)).pending, []);
    const names = await page.evaluate(() => window.seen.map((s) => s.data.profile.name));
    assert.deepEqual(names, [original, "Refused Name", original], "called back on each change, and only then");
  } finally {
    await env.server.clearFaults();
    await context.close();
  }
});

test("another user of the same database reads nothing of the first; purge clears the cache", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "c4", user: "alice" }));
    await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }));
    const hit = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }));
    assert.equal(hit.source, "cache");
    await page.evaluate(() => window.client.close());

    await page.evaluate(() => openClient({ database: "c4", user: "bob" }));
    const bob = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }).then(() => "hit", (e) => e.name));
    assert.equal(bob, "CacheMissError", "bob must not read alice's records");

    const purged = await page.evaluate(async () => { await window.client.outbox.purge("alice"); return true; });
    assert.ok(purged);
    await page.evaluate(() => window.client.close());
    await page.evaluate(() => openClient({ database: "c4", user: "alice" }));
    const gone = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }).then(() => "hit", (e) => e.name));
    assert.equal(gone, "CacheMissError", "purge(user) removes that user's cached records");

    await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }));
    await page.evaluate(() => window.client.cache.clear());
    const cleared = await page.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }).then(() => "hit", (e) => e.name));
    assert.equal(cleared, "CacheMissError", "cache.clear() empties it");
  } finally {
    await context.close();
  }
});

test("a write in one tab reaches a watcher in another tab", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const a = await openPage(context, env.url);
    const b = await openPage(context, env.url);
    await a.evaluate(() => openClient({ database: "c5" }));
    await b.evaluate(() => openClient({ database: "c5" }));
    await a.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "4" }));
    await watchProfile(b, "4", "cache-only");
    await waitFor("tab b reads what tab a fetched", async () => (await lastSeen(b))?.data.profile.gcId === "4");

    const r = await a.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "4", data: { name: "Val From Tab A" } }));
    assert.equal(r.status, "sent", JSON.stringify(r));
    // Tab b may first show the edit as pending (tab a's queued entry, through its pending
    // layer), then as written (tab a's cache message once sent): wait for the second.
    await waitFor("tab b's watcher sees tab a's write, no longer pending", async () => {
      const seen = await lastSeen(b);
      return seen?.data.profile.name === "Val From Tab A" && seen.pending.length === 0;
    });
    assert.deepEqual((await lastSeen(b)).pending, []);
  } finally {
    await context.close();
  }
});

test("a client that syncs and closes at once (a service worker's sync handler) still updates another context's watcher", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const id = await page.evaluate(async () => {
      const open = (endpoint) => sdk.Client.open({ endpoints: { gcdirectory: endpoint }, token: async () => "gc-admin-token", user: "alice", database: "c6" });
      const fetcher = await open(`${location.origin}/graphql/gcdirectory`);
      await fetcher.gcdirectory.query.profile({ gcId: "5" }, { policy: "network-only" });
      fetcher.close();
      // The watching client cannot reach the server: the edit it makes waits in the outbox.
      window.client = await open("http://127.0.0.1:9/graphql/gcdirectory");
      window.seen = [];
      window.client.gcdirectory.watch.profile({ gcId: "5" }, (r) => window.seen.push(r), { policy: "cache-only" });
      const r = await window.client.gcdirectory.modifyProfile({ gcId: "5", data: { name: "Sent By A Sync Handler" } });
      return r.id;
    });
    await waitFor("the pending value", async () => (await lastSeen(page))?.pending.includes(id));
    // Another client sends it, and is closed the moment sync() resolves, as www/src/sw.ts does.
    await page.evaluate(async () => {
      const sender = await sdk.Client.open({ endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, token: async () => "gc-admin-token", user: "alice", database: "c6" });
      try { await sender.sync(); } finally { sender.close(); }
    });
    assert.equal((await profileName("5")).data.profile.name, "Sent By A Sync Handler", "sent");
    await waitFor("the watcher shows the server's value, nothing pending", async () => {
      const seen = await lastSeen(page);
      return seen?.data.profile.name === "Sent By A Sync Handler" && seen.pending.length === 0;
    }, 5000);
  } finally {
    await context.close();
  }
});

test("after another tab's eviction, a tab that answers the query again stores it whole", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const [a, b] = [await openPage(context, env.url), await openPage(context, env.url)];
    const options = (extra) => ({ endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, token: async () => "gc-admin-token", user: "alice", database: "c8", ...extra });
    const open = (page, extra = {}) => page.evaluate(async ([src, extra]) => { window.client = await sdk.Client.open(eval(src)(extra)); return true; }, [options.toString(), extra]);
    /** A cache-only read by a client of its own (as after a reload): "hit" or the error's name. */
    const coldRead = (page) => page.evaluate(async (src) => {
      const c = await sdk.Client.open(eval(src)({}));
      try { return await c.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }).then(() => "hit", (e) => e.name); } finally { c.close(); }
    }, options.toString());
    await open(a);
    await a.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "network-only" }));
    await new Promise((r) => setTimeout(r, 1000));
    // Tab b's age limit is short: 3 s after its open it evicts the result tab a holds in memory.
    await open(b, { cache: { maxAgeMs: 500 } });
    await waitFor("tab b's eviction", async () => (await coldRead(b)) === "CacheMissError", 10_000, 250);
    // Told of it, tab a drops its copy: its own cache-only read then misses too.
    await waitFor("tab a told of it", () => a.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }).then(() => false, (e) => e.name === "CacheMissError")), 5000, 100);
    // Tab a answers the same query again, with the same data.
    await a.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "network-only" }));
    assert.equal(await coldRead(b), "hit", "stored whole, not just its time");
  } finally {
    await context.close();
  }
});

test("an entry another tab sends after this tab's open is not shown pending from what the open read ahead", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const [a, b] = [await openPage(context, env.url), await openPage(context, env.url)];
    await a.evaluate(() => openClient({ database: "c9" }));
    await a.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "network-only" }));
    await context.setOffline(true);
    const queued = await a.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "1", data: { name: "Read Ahead" } }));
    assert.equal(queued.status, "queued");
    // Tab b opens: its open reads the live entries ahead (the edit, queued). Its token never
    // comes, so its own passes neither send nor write anything.
    await b.evaluate(async () => {
      window.client = await sdk.Client.open({ endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, token: () => new Promise(() => {}), user: "alice", database: "c9" });
    });
    await b.evaluate(() => { window.events = []; window.client.outbox.subscribe((e) => window.events.push(e)); });
    await context.setOffline(false);
    assert.equal((await a.evaluate((id) => window.client.outbox.settled(id), queued.id)).status, "sent");
    await waitFor("tab b hears of it", () => b.evaluate((id) => window.events.some((e) => e.id === id && e.type === "sent"), queued.id), 5000);
    const read = await b.evaluate(() => window.client.gcdirectory.query.profile({ gcId: "1" }, { policy: "cache-only" }));
    assert.deepEqual(read.pending, [], JSON.stringify(read));
  } finally {
    await context.close();
  }
});
