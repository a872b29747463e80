// Issue 9, "every context", item 3, and issue 8's "every context reads the same cache": the
// package in a dedicated worker and in a module service worker (page/worker.js, page/sw.js,
// driven through page/remote.js). Offline is Playwright's (`context.setOffline`, which reaches
// workers: their navigator.onLine is false and fetch fails, but no `online` event follows), or
// an unreachable server: the endpoint names a loopback port where a second reference server
// starts later. A window of the same database and user, with no GC Directory endpoint (so it
// sends none of these entries), sees the worker's events through `outbox.subscribe`. In the
// service worker, the SDK registers a Background Sync tag when entries are left waiting, and
// drains on a `sync` event dispatched through the DevTools protocol to the stopped worker, with
// no page of the app open; while the server is unreachable it rejects the event (the browser
// fires it again later).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startAll, startServer, openPage, waitFor, TestServer, serviceWorkerSession } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** A loopback port nothing listens on now. */
const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once("error", reject);
  s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

/** The answer of a step of remote.js, failing with what came back instead. */
const ok = (answer, what) => {
  assert.ok(answer && "ok" in answer, `${what}: ${JSON.stringify(answer)}`);
  return answer.ok;
};

/** A function running steps in the page's dedicated worker or its active service worker. */
function remote(page, kind) {
  if (kind === "dedicated worker") return (m) => page.evaluate((x) => workerStep(x), m);
  return (m) => page.evaluate((x) => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (e) => resolve(e.data);
    navigator.serviceWorker.ready.then((reg) => reg.active.postMessage(x, [channel.port2]));
  }), m);
}

/** Starts the package in `kind` for `page`; the service worker is `sw.js?<query>`. */
async function startContext(page, kind, query = "") {
  if (kind === "dedicated worker") await page.evaluate(() => startWorker());
  else {
    await page.evaluate(async (q) => {
      await navigator.serviceWorker.register(`/sw.js${q ? `?${q}` : ""}`, { type: "module", scope: "/" });
      await navigator.serviceWorker.ready;
    }, query);
  }
  return remote(page, kind);
}

const edits = (n, tag) => Array.from({ length: n }, (_, i) => ["modifyProfile", { gcId: String(2 + (i % 4)), data: { titleEn: `${tag} ${i}` } }]);

/** A window client of `database`/`user` that only listens: its only endpoint is Worksome's. */
const listener = (page, database, user) => page.evaluate(([d, u]) => openClient({ database: d, user: u, gcdirectory: false, worksome: true }), [database, user]);

/** The outbox events `page`'s client saw for `ids`, as `type` per id. */
const eventsFor = (page, ids) => page.evaluate((i) => Object.fromEntries(i.map((id) => [id, window.events.filter((e) => e.id === id).map((e) => e.type)])), ids);

test("a dedicated worker queues offline and sends once online, with no `online` event; a window sees its events", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await listener(page, "dw-outbox", "alice");
    const step = await startContext(page, "dedicated worker");
    const endpoint = `${env.url}/graphql/gcdirectory`;
    const where = ok(await step({ step: "open", endpoint, database: "dw-outbox", outbox: { baseDelayMs: 200, maxDelayMs: 500 } }), "open");
    assert.deepEqual(where, { user: "alice", scope: "DedicatedWorkerGlobalScope", hasWindow: false, hasDocument: false });
    await context.setOffline(true); // the worker's navigator.onLine is false and its fetch fails
    const results = ok(await step({ step: "calls", calls: edits(6, "worker") }), "calls");
    results.forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const ids = results.map((r) => r.id);
    await waitFor("the window to see the worker's queued entries", async () =>
      Object.values(await eventsFor(page, ids)).every((types) => types.includes("queued")));
    await new Promise((r) => setTimeout(r, 1000)); // offline for a while: any timer of the worker fires offline
    const mine = async () => (await env.server.applied()).filter((a) => ids.includes(a.idempotencyKey));
    assert.deepEqual(await mine(), [], "nothing sent while offline");

    // No `online` event reaches a worker in Chromium: the worker must notice by itself.
    await context.setOffline(false);
    const backAt = Date.now();
    await waitFor("the worker's entries applied", async () => (await mine()).length === ids.length, 20_000);
    console.log(`dedicated worker: ${ids.length} entries applied ${Date.now() - backAt} ms after going online`);
    const applied = await mine();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids, "applied in creation order");
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
    const outcomes = ok(await step({ step: "settled", ids }), "settled");
    outcomes.forEach((o) => assert.equal(o.status, "sent", JSON.stringify(o)));
    await waitFor("the window to see each entry sent", async () =>
      Object.values(await eventsFor(page, ids)).every((types) => types.includes("sent")));
    const seen = await eventsFor(page, ids);
    for (const id of ids) assert.equal(seen[id].filter((t) => t === "sent").length, 1, `${id}: ${seen[id]}`);
  } finally {
    await context.close();
  }
});

/**
 * A window of `database`'s user "service-worker" that only listens (its events in
 * `window.events`, the service worker's `sync` outcomes in `window.swLog`) and hosts the DevTools
 * session that plays the browser's part: `dispatch(what)` fires a `sync` event for `tag` and
 * resolves its outcome; `stop()` stops every service worker.
 */
async function observe(context, database, tag) {
  const observer = await openPage(context, env.url);
  await observer.evaluate(() => {
    window.swLog = [];
    new BroadcastChannel("sw-log").onmessage = (e) => window.swLog.push(e.data);
  });
  await listener(observer, database, "service-worker");
  const { cdp, registrationId } = await serviceWorkerSession(context, observer, env.url);
  const outcomes = () => observer.evaluate((t) => window.swLog.filter((l) => l.sync === t), tag);
  return {
    observer,
    outcomes,
    stop: () => cdp.send("ServiceWorker.stopAllWorkers"),
    // The outcome of the event dispatched now (the browser may have fired one of its own).
    async dispatch(what) {
      const before = (await outcomes()).length;
      await cdp.send("ServiceWorker.dispatchSyncEvent", { origin: env.url, registrationId, tag, lastChance: false });
      await waitFor(what, async () => (await outcomes()).length > before, 20_000);
      return (await outcomes())[before];
    },
  };
}

/** The page's service worker `sw.js?endpoint=..&database=..`, its client opened at its start. */
async function serviceWorkerWithSync(page, endpoint, database, more = {}) {
  const step = await startContext(page, "service worker", new URLSearchParams({ endpoint, database, ...more }).toString());
  const where = ok(await step({ step: "open", existing: true }), "open");
  assert.deepEqual(where, { user: "service-worker", scope: "ServiceWorkerGlobalScope", hasWindow: false, hasDocument: false });
  return step;
}

test("a service worker left with an unreachable server asks for Background Sync; stopped, it drains on `sync`, with no page open", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}/graphql/gcdirectory`;
  const database = "sw-sync";
  const tag = `graphql-outbox:${database}:service-worker`;
  const context = await env.browser.newContext();
  let later;
  try {
    const page = await openPage(context, env.url);
    const step = await serviceWorkerWithSync(page, endpoint, database);
    const results = ok(await step({ step: "calls", calls: edits(5, "sw") }), "calls");
    results.forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const ids = results.map((r) => r.id);
    assert.deepEqual(ok(await step({ step: "syncTags" }), "syncTags"), [tag], "the SDK asked for a sync event");

    // The app's page goes; a window of the same user that only listens stays.
    await page.close();
    const { observer, outcomes, stop, dispatch } = await observe(context, database, tag);

    // Still unreachable: the worker, stopped, is started for the event; the SDK rejects it so
    // that the browser fires it again later.
    await stop();
    const first = await dispatch("the outcome of a sync event while the server is unreachable");
    assert.equal(first.rejected, "NetworkError", JSON.stringify(first));
    assert.match(first.message, /5 entries still wait/);

    await stop(); // no timer of the worker runs now
    later = await startServer({ port });
    const back = new TestServer(later.url);
    assert.deepEqual(await back.requests(), [], "nothing reached the server before the sync event");
    const second = await dispatch("the outcome of a sync event with the server back");
    assert.equal(second.resolved, true, JSON.stringify(second));
    const applied = await back.applied();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids, "applied once each, in creation order");
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
    await waitFor("the window to see each entry sent", async () =>
      Object.values(await eventsFor(observer, ids)).every((types) => types.includes("sent")));
    console.log(`sync events seen by the worker: ${JSON.stringify(await outcomes())}`);
    const sent = await observer.evaluate(() => window.client.outbox.list({ state: "sent" }));
    assert.deepEqual(sent.map((e) => e.id), ids);
  } finally {
    await context.close();
    await later?.stop();
  }
});

test("a service worker queues offline (navigator.onLine false); back online, a `sync` event drains it", { timeout: 120_000 }, async () => {
  const database = "sw-offline";
  const tag = `graphql-outbox:${database}:service-worker`;
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    // Its timer looks at navigator.onLine once a minute, so it cannot be what drains here.
    const step = await serviceWorkerWithSync(page, `${env.url}/graphql/gcdirectory`, database, { baseDelayMs: 60_000 });
    const { observer, outcomes, dispatch } = await observe(context, database, tag);
    await context.setOffline(true); // service workers too: navigator.onLine false, fetch fails
    const results = ok(await step({ step: "calls", calls: edits(4, "sw offline") }), "calls");
    results.forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const ids = results.map((r) => r.id);
    assert.deepEqual(ok(await step({ step: "syncTags" }), "syncTags"), [tag], "the SDK asked for a sync event (no pass ran)");
    await page.close();
    const mine = async () => (await env.server.applied()).filter((a) => ids.includes(a.idempotencyKey));
    assert.deepEqual(await mine(), [], "nothing sent while offline");

    // No `online` event reaches the worker, but Chromium fires `sync` itself when it sees the
    // network back (Playwright's emulated one too), usually: if it has not within 3 s, the
    // DevTools protocol plays that part. (Playwright's setOffline(false) waits for every worker
    // it emulates, so this worker cannot be stopped before: the test before this one covers a
    // stopped worker.)
    await context.setOffline(false);
    let own = null;
    try { own = await waitFor("the browser's own sync event", async () => (await outcomes())[0], 3_000); } catch { /* none yet */ }
    const outcome = own ?? await dispatch("the outcome of a dispatched sync event");
    assert.equal(outcome.resolved, true, JSON.stringify(outcome));
    await waitFor("every entry applied", async () => (await mine()).length === ids.length, 10_000);
    const applied = await mine();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids, "applied once each, in creation order");
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
    await waitFor("the window to see each entry sent", async () =>
      Object.values(await eventsFor(observer, ids)).every((types) => types.includes("sent")));
    console.log(`offline service worker: drained by ${own ? "the browser's own" : "a dispatched"} sync event; outcomes ${JSON.stringify(await outcomes())}`);
  } finally {
    await context.close();
  }
});

for (const [kind, gcId] of [["dedicated worker", "2"], ["service worker", "3"]]) {
  test(`the cache across contexts: a ${kind}'s query is read cache-only in a window, and its write reaches the window's watcher`, { timeout: 60_000 }, async () => {
    const database = `cache-${kind.split(" ")[0]}`;
    const context = await env.browser.newContext();
    try {
      const page = await openPage(context, env.url);
      const step = await startContext(page, kind);
      ok(await step({ step: "open", endpoint: `${env.url}/graphql/gcdirectory`, database, user: "alice" }), "open");
      const fetched = ok(await step({ step: "query", name: "profile", variables: { gcId }, policy: "network-only" }), "query");
      assert.equal(fetched.source, "network", JSON.stringify(fetched));

      await page.evaluate((d) => openClient({ database: d, user: "alice" }), database);
      const read = await page.evaluate((g) => window.client.gcdirectory.query.profile({ gcId: g }, { policy: "cache-only" }), gcId);
      assert.equal(read.source, "cache");
      assert.deepEqual(read.data, fetched.data, "the window reads what the worker stored");
      assert.equal(read.fetchedAt, fetched.fetchedAt);
      const other = await page.evaluate(async ([d, g]) => {
        const c = await sdk.Client.open({ endpoints: { gcdirectory: `${location.origin}/graphql/gcdirectory` }, token: async () => null, user: "bob", database: d });
        try { return await c.gcdirectory.query.profile({ gcId: g }, { policy: "cache-only" }).then(() => "hit", (e) => e.name); } finally { c.close(); }
      }, [database, gcId]);
      assert.equal(other, "CacheMissError", "another user reads none of it");

      await page.evaluate((g) => {
        window.seen = [];
        window.stopWatch = window.client.gcdirectory.watch.profile({ gcId: g }, (r) => window.seen.push(r), { policy: "cache-only" });
        return true;
      }, gcId);
      await waitFor("the watcher's first result", () => page.evaluate(() => window.seen.length > 0));
      const name = `Set In A ${kind.replace(/(^| )\w/g, (c) => c.toUpperCase())}`;
      const [r] = ok(await step({ step: "calls", calls: [["modifyProfile", { gcId, data: { name } }]] }), "calls");
      assert.equal(r.status, "sent", JSON.stringify(r));
      // First, perhaps, as the worker's entry pending (its `queued` event), then as sent.
      await waitFor("the window's watcher to show the worker's write, sent", () => page.evaluate((n) => {
        const last = window.seen.at(-1);
        return last.data.profile.name === n && last.pending.length === 0;
      }, name));
      ok(await step({ step: "close" }), "close");
    } finally {
      await context.close();
    }
  });
}
