// Issue 9, "every context", item 3, and issue 8's "every context reads the same cache": the
// package in a dedicated worker and in a module service worker (page/worker.js, page/sw.js,
// driven through page/remote.js). Offline here means the endpoint is unreachable: it names a
// loopback port where a second reference server starts later (a worker has no `online` event,
// and connection refused is what a dead network looks like to fetch). A window of the same
// database and user, with no GC Directory endpoint (so it sends none of these entries), sees
// the worker's events through `outbox.subscribe`. In the service worker, the SDK registers a
// Background Sync tag when entries are left waiting, and drains on a `sync` event dispatched
// through the DevTools protocol to a stopped worker, with no page of the app open.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { startAll, startServer, openPage, waitFor, TestServer } from "./harness.mjs";

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

test("a dedicated worker queues while the server is unreachable and sends once it is back; a window sees its events", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}/graphql/gcdirectory`;
  const context = await env.browser.newContext();
  let later;
  try {
    const page = await openPage(context, env.url);
    await listener(page, "dw-outbox", "alice");
    const step = await startContext(page, "dedicated worker");
    const where = ok(await step({ step: "open", endpoint, database: "dw-outbox", outbox: { baseDelayMs: 200, maxDelayMs: 500 } }), "open");
    assert.deepEqual(where, { user: "alice", scope: "DedicatedWorkerGlobalScope", hasWindow: false, hasDocument: false });
    const results = ok(await step({ step: "calls", calls: edits(6, "worker") }), "calls");
    results.forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const ids = results.map((r) => r.id);
    await waitFor("the window to see the worker's queued entries", async () =>
      Object.values(await eventsFor(page, ids)).every((types) => types.includes("queued")));

    // No `online` event reaches a worker: its backoff timer finds the server back.
    later = await startServer({ port });
    const back = new TestServer(later.url);
    await waitFor("the worker's entries applied", async () => (await back.applied()).length === ids.length, 20_000);
    const applied = await back.applied();
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
    await later?.stop();
  }
});

test("a service worker registers Background Sync for what it queued and drains on `sync`, with no page open", { timeout: 120_000 }, async () => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}/graphql/gcdirectory`;
  const database = "sw-sync";
  const tag = `graphql-outbox:${database}:service-worker`;
  const context = await env.browser.newContext();
  let later;
  try {
    const page = await openPage(context, env.url);
    const step = await startContext(page, "service worker", new URLSearchParams({ endpoint, database }).toString());
    const where = ok(await step({ step: "open", existing: true }), "open");
    assert.deepEqual(where, { user: "service-worker", scope: "ServiceWorkerGlobalScope", hasWindow: false, hasDocument: false });
    const results = ok(await step({ step: "calls", calls: edits(5, "sw") }), "calls");
    results.forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const ids = results.map((r) => r.id);
    assert.deepEqual(ok(await step({ step: "syncTags" }), "syncTags"), [tag], "the SDK asked for a sync event");

    // The app's page goes; a window of the same user that only listens stays, and hosts the
    // DevTools session that plays the browser's part.
    await page.close();
    const observer = await openPage(context, env.url);
    await observer.evaluate(() => {
      window.swLog = [];
      new BroadcastChannel("sw-log").onmessage = (e) => window.swLog.push(e.data);
    });
    await listener(observer, database, "service-worker");
    const cdp = await context.newCDPSession(observer);
    const regs = [];
    cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => regs.push(...e.registrations));
    await cdp.send("ServiceWorker.enable");
    await waitFor("the registration", async () => regs.some((r) => r.scopeURL === `${env.url}/`));
    const registrationId = regs.find((r) => r.scopeURL === `${env.url}/`).registrationId;
    const outcomes = () => observer.evaluate((t) => window.swLog.filter((l) => l.sync === t), tag);
    // The outcome of the event dispatched now (the browser may have fired one of its own).
    const dispatch = async (what) => {
      const before = (await outcomes()).length;
      await cdp.send("ServiceWorker.dispatchSyncEvent", { origin: env.url, registrationId, tag, lastChance: false });
      await waitFor(what, async () => (await outcomes()).length > before, 20_000);
      return (await outcomes())[before];
    };

    // Still unreachable: the worker, stopped, is started for the event; the SDK rejects it so
    // that the browser fires it again later.
    await cdp.send("ServiceWorker.stopAllWorkers");
    const first = await dispatch("the outcome of a sync event while the server is unreachable");
    assert.equal(first.rejected, "NetworkError", JSON.stringify(first));
    assert.match(first.message, /5 entries still wait/);

    await cdp.send("ServiceWorker.stopAllWorkers"); // no timer of the worker runs now
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
      await waitFor("the window's watcher to show the worker's write", () => page.evaluate((n) => window.seen.at(-1).data.profile.name === n, name));
      assert.deepEqual(await page.evaluate(() => window.seen.at(-1).pending), []);
      ok(await step({ step: "close" }), "close");
    } finally {
      await context.close();
    }
  });
}
