// The outbox store (createOutboxStore) and the React bindings (graphql-outbox/react, issue 11)
// in headless Chromium, on a small React app (react/app.js) rendered in StrictMode:
// - a pending-count badge (useOutbox) shows 1 after a save made offline, and 0 once back online;
//   the save's useMutation state goes queued → sent, and the server applied it once;
// - useMutation of bad arguments ends in state "error" with the ValidationError;
// - the store's snapshot is the same object while nothing changed (useSyncExternalStore needs
//   it), frozen, and a new one on each change; drain progress counts a drain (of 1 and of 5
//   entries); destroy() stops it;
// - useQuery shows the server's profile, then an offline rename at once with its entry pending,
//   then the server's value with nothing pending once online; a switch to another profile
//   restarts the watch on the new variables, and the view does not re-render in a loop;
// - the query store: a stable frozen snapshot, the watch stopped by the last unsubscribe (an
//   offline edit no longer reaches it) and restarted by the next subscribe, named errors for a
//   query the client does not have and for bad variables.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, TestServer, waitFor } from "./harness.mjs";
import { makeReactPage } from "./react-page.mjs";

let server, browser, page_, testServer;
before(async () => {
  page_ = makeReactPage();
  server = await startServer({ www: page_.www });
  testServer = new TestServer(server.url);
  browser = await launchBrowser();
});
after(async () => {
  try { await browser?.close(); } finally { await server?.stop(); page_?.remove(); }
});

async function openApp() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => { errors.push(e.message); console.error(`[page error] ${e.message}`); });
  await page.goto(`${server.url}/index.html`);
  await page.evaluate(() => window.outboxReady);
  return { context, page, errors };
}

const text = (page, id) => page.locator(`#${id}`).textContent();

test("React: the badge counts a save made offline, and the save becomes sent once online", { timeout: 60_000 }, async () => {
  const { context, page, errors } = await openApp();
  try {
    await page.evaluate(() => window.mountApp("react-badge"));
    await waitFor("the badge's first stats", async () => (await page.locator("#badge").getAttribute("data-ready")) === "true");
    assert.equal(await text(page, "badge"), "pending 0");
    assert.equal(await text(page, "status"), "idle");

    await context.setOffline(true);
    await waitFor("online: false", async () => (await text(page, "online")) === "offline");
    await page.click("#save");
    await waitFor("pending 1", async () => (await text(page, "badge")) === "pending 1");
    await waitFor("status queued", async () => (await text(page, "status")) === "queued");
    const id = await text(page, "id");
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(await testServer.applied(), [], "nothing reaches the server offline");

    await context.setOffline(false); // the `online` event starts the drain
    await waitFor("status sent", async () => (await text(page, "status")) === "sent");
    await waitFor("pending 0", async () => (await text(page, "badge")) === "pending 0");
    assert.equal(await text(page, "online"), "online");
    assert.equal(await text(page, "id"), id);
    assert.match(await text(page, "data"), /Saved by alice/);
    await waitFor("drain done", async () => (await text(page, "drain")) === "idle 1/1");

    const applied = await testServer.applied();
    assert.deepEqual(applied.map((r) => [r.idempotencyKey, r.operation, r.timesApplied]), [[id, "modifyProfile", 1]]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("React: useMutation of bad arguments ends in state error with the ValidationError", { timeout: 60_000 }, async () => {
  const { context, page, errors } = await openApp();
  try {
    await page.evaluate(() => window.mountApp("react-bad"));
    await page.click("#bad");
    await waitFor("status error", async () => (await text(page, "status")) === "error");
    assert.equal(await text(page, "error"), "ValidationError");
    assert.equal(await text(page, "badge"), "pending 0");
    assert.deepEqual(errors, [], "mutate() must not reject (no unhandled rejection)");
  } finally {
    await context.close();
  }
});

test("store: the same snapshot object while nothing changes, a new frozen one per change", { timeout: 60_000 }, async () => {
  const { context, page } = await openApp();
  try {
    await page.evaluate(async () => {
      window.client = await window.openClient("store-identity");
      window.store = window.pkg.createOutboxStore(window.client);
      window.seen = [];
      window.calls = 0;
      window.unsubscribe = window.store.subscribe(() => { window.calls += 1; window.seen.push(window.store.getSnapshot()); });
    });
    await waitFor("ready", () => page.evaluate(() => window.store.getSnapshot().ready));
    const idle = await page.evaluate(async () => {
      const a = window.store.getSnapshot();
      const calls = window.calls;
      // A drain with nothing to send and a stats read: nothing changes.
      await window.client.sync();
      await new Promise((r) => setTimeout(r, 300));
      const b = window.store.getSnapshot();
      return { same: a === b, callsBefore: calls, callsAfter: window.calls, frozen: Object.isFrozen(a) && Object.isFrozen(a.counts) && Object.isFrozen(a.drain), a };
    });
    assert.equal(idle.same, true, "getSnapshot() must return the same object while nothing changed");
    assert.equal(idle.callsAfter, idle.callsBefore, "no listener call without a change");
    assert.equal(idle.frozen, true);
    assert.equal(idle.a.pending, 0);
    assert.equal(idle.a.online, true);
    assert.deepEqual(idle.a.drain, { sending: false, done: 0, total: 0 });

    await context.setOffline(true);
    const queued = await page.evaluate(async () => {
      const before = window.store.getSnapshot();
      const r = await window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "store" } });
      const deadline = Date.now() + 10_000;
      while (window.store.getSnapshot().pending !== 1 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
      const after = window.store.getSnapshot();
      return { status: r.status, differs: before !== after, after, sameDrain: before.drain === after.drain };
    });
    assert.equal(queued.status, "queued");
    assert.equal(queued.differs, true);
    assert.equal(queued.after.pending, 1);
    assert.equal(queued.after.counts.queued, 1);
    assert.equal(queued.after.online, false);
    assert.equal(queued.sameDrain, true, "an unchanged part keeps its object too");

    await context.setOffline(false);
    await waitFor("drained", () => page.evaluate(() => {
      const s = window.store.getSnapshot();
      return s.pending === 0 && s.counts.sent === 1 && !s.drain.sending;
    }));
    const drained = await page.evaluate(() => ({
      last: window.store.getSnapshot(),
      sawSending: window.seen.some((s) => s.drain.sending && s.drain.total === 1),
      distinct: window.seen.every((s, i) => i === 0 || s !== window.seen[i - 1]),
    }));
    assert.deepEqual(drained.last.drain, { sending: false, done: 1, total: 1 });
    assert.equal(drained.last.online, true);
    assert.equal(drained.sawSending, true, "a snapshot showed the drain under way");
    assert.equal(drained.distinct, true, "each listener call saw a new snapshot");

    // destroy(): no more listener calls, and later changes are not watched.
    const destroyed = await page.evaluate(async () => {
      window.store.destroy();
      const calls = window.calls;
      window.unsubscribe(); // harmless after destroy
      await window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "after destroy" } });
      await new Promise((r) => setTimeout(r, 300));
      return { callsBefore: calls, callsAfter: window.calls };
    });
    assert.equal(destroyed.callsAfter, destroyed.callsBefore);
    await page.evaluate(() => window.client.close());
  } finally {
    await context.close();
  }
});

test("store: drain progress over five entries queued offline counts up to 5/5", { timeout: 60_000 }, async () => {
  const { context, page } = await openApp();
  try {
    await page.evaluate(async () => {
      window.client = await window.openClient("store-drain");
      window.store = window.pkg.createOutboxStore(window.client);
      window.seen = [];
      window.store.subscribe(() => window.seen.push(window.store.getSnapshot()));
    });
    await waitFor("ready", () => page.evaluate(() => window.store.getSnapshot().ready));
    await context.setOffline(true);
    await page.evaluate(async () => {
      for (let i = 0; i < 5; i++) await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { titleEn: `drain ${i}` } });
    });
    await waitFor("pending 5", () => page.evaluate(() => window.store.getSnapshot().pending === 5));
    await context.setOffline(false);
    await waitFor("drained", () => page.evaluate(() => {
      const s = window.store.getSnapshot();
      return s.pending === 0 && s.counts.sent === 5 && !s.drain.sending;
    }));
    const r = await page.evaluate(() => ({
      last: window.store.getSnapshot().drain,
      drains: window.seen.filter((s) => s.drain.sending).map((s) => [s.drain.done, s.drain.total]),
    }));
    assert.deepEqual(r.last, { sending: false, done: 5, total: 5 });
    assert.ok(r.drains.length > 0, "no snapshot showed the drain under way");
    for (const [done, total] of r.drains) assert.ok(done <= total && total <= 5, JSON.stringify(r.drains));
    const dones = r.drains.map(([d]) => d);
    assert.deepEqual(dones, [...dones].sort((a, b) => a - b), "done only grows during a drain");
    await page.evaluate(() => window.client.close());
  } finally {
    await context.close();
  }
});

const profileName = async (gcId) =>
  (await testServer.graphql("gcdirectory", "gc-admin-token", "query($g: ID!) { profile(gcId: $g) { name } }", { g: gcId })).data.profile.name;

test("React: useQuery shows the server's data, an offline edit pending, then the server's value", { timeout: 60_000 }, async () => {
  const { context, page, errors } = await openApp();
  try {
    const [first, second] = [await profileName("3"), await profileName("5")];
    assert.notEqual(first, second);
    await page.evaluate(() => window.mountProfile("react-query", { first: "3", second: "5", newName: "Renamed In React" }));
    await waitFor("the server's profile", async () => (await text(page, "q-status")) === "ready");
    assert.equal(await text(page, "q-gcid"), "3");
    assert.equal(await text(page, "q-name"), first);
    assert.equal(await text(page, "q-pending"), "");
    assert.equal(await text(page, "q-source"), "network");

    // Settled: no re-render loop (useSyncExternalStore re-renders forever on a new snapshot per call).
    const renders = await page.evaluate(() => window.profileRenders);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.evaluate(() => window.profileRenders), renders, "the view keeps re-rendering");

    await context.setOffline(true);
    await page.click("#rename");
    await waitFor("rename queued", async () => (await text(page, "rename-status")) === "queued");
    const id = await text(page, "rename-id");
    await waitFor("the pending name", async () => (await text(page, "q-name")) === "Renamed In React");
    assert.equal(await text(page, "q-pending"), id, "the result names the entry whose value it shows");
    assert.equal(await text(page, "q-source"), "cache");
    assert.equal(await profileName("3"), first, "nothing reached the server while offline");

    await context.setOffline(false);
    await waitFor("rename sent", async () => (await text(page, "rename-status")) === "sent");
    await waitFor("the server's value, nothing pending", async () =>
      (await text(page, "q-pending")) === "" && (await text(page, "q-name")) === "Renamed In React");
    assert.equal(await profileName("3"), "Renamed In React", "the server holds the edit");

    // New variables: the watch restarts on profile 5.
    await page.click("#switch");
    await waitFor("profile 5", async () => (await text(page, "q-gcid")) === "5" && (await text(page, "q-status")) === "ready");
    assert.equal(await text(page, "q-name"), second);
    assert.equal(await text(page, "q-error"), "");
    const w = await page.evaluate(() => window.profileWatches);
    assert.equal(w.started - w.stopped, 1, `one live watch after the switch (StrictMode mounts twice): ${JSON.stringify(w)}`);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test("query store: stable snapshot, the watch only while subscribed, named errors", { timeout: 60_000 }, async () => {
  const { context, page } = await openApp();
  try {
    await page.evaluate(async () => {
      window.client = await window.openClient("query-store");
      window.qstore = window.pkg.createQueryStore(window.client, "gcdirectory", "profile", { gcId: "4" });
      window.qcalls = 0;
      window.qseen = [];
      window.qunsubscribe = window.qstore.subscribe(() => { window.qcalls += 1; window.qseen.push(window.qstore.getSnapshot()); });
    });
    const loading = await page.evaluate(() => window.qseen[0] ?? window.qstore.getSnapshot());
    assert.ok(["loading", "ready"].includes(loading.status), JSON.stringify(loading));
    await waitFor("ready", () => page.evaluate(() => window.qstore.getSnapshot().status === "ready"));
    const ready = await page.evaluate(async () => {
      const a = window.qstore.getSnapshot();
      const calls = window.qcalls;
      await new Promise((r) => setTimeout(r, 300));
      return { same: a === window.qstore.getSnapshot(), frozen: Object.isFrozen(a), calls, callsAfter: window.qcalls, gcId: a.result.data.profile.gcId, error: a.error };
    });
    assert.equal(ready.same, true, "getSnapshot() must return the same object while nothing changed");
    assert.equal(ready.frozen, true);
    assert.equal(ready.callsAfter, ready.calls);
    assert.equal(ready.gcId, "4");
    assert.equal(ready.error, undefined);

    // Subscribed: an offline edit reaches the snapshot. Unsubscribed: the next one does not.
    await context.setOffline(true);
    await page.evaluate(() => window.client.gcdirectory.modifyProfile({ gcId: "4", data: { name: "Store Edit One" } }));
    await waitFor("the pending edit", () => page.evaluate(() => window.qstore.getSnapshot().result?.data.profile.name === "Store Edit One"));
    const stopped = await page.evaluate(async () => {
      window.qunsubscribe();
      const before = window.qstore.getSnapshot();
      const calls = window.qcalls;
      await window.client.gcdirectory.modifyProfile({ gcId: "4", data: { name: "Store Edit Two" } });
      await new Promise((r) => setTimeout(r, 500));
      return { same: before === window.qstore.getSnapshot(), calls, callsAfter: window.qcalls };
    });
    assert.equal(stopped.same, true, "an unsubscribed store must not follow the watch");
    assert.equal(stopped.callsAfter, stopped.calls);
    assert.deepEqual(await page.evaluate(() => window.profileWatches), { started: 1, stopped: 1 }, "the last unsubscribe stops the watch");

    // Subscribed again: the last result at once, then the watch's own (both edits pending).
    const again = await page.evaluate(() => {
      window.qunsubscribe = window.qstore.subscribe(() => { window.qcalls += 1; });
      return window.qstore.getSnapshot().result?.data.profile.name;
    });
    assert.equal(again, "Store Edit One", "a restarted store shows its last result until the watch answers");
    await waitFor("the second edit", () => page.evaluate(() => window.qstore.getSnapshot().result?.data.profile.name === "Store Edit Two"));
    assert.equal(await page.evaluate(() => window.qstore.getSnapshot().result.pending.length), 2);
    // Two listeners share one watch.
    await page.evaluate(() => { window.qunsubscribe2 = window.qstore.subscribe(() => {}); });
    assert.deepEqual(await page.evaluate(() => window.profileWatches), { started: 2, stopped: 1 });

    const named = await page.evaluate(() => {
      const thrown = (f) => { try { f(); return null; } catch (e) { return { name: e.name, path: e.details?.path }; } };
      const create = (...a) => window.pkg.createQueryStore(window.client, ...a);
      const bad = create("gcdirectory", "profile", { gcId: { nested: true } });
      bad.subscribe(() => {});
      const s = bad.getSnapshot();
      bad.destroy();
      return {
        noApi: thrown(() => create("outbox", "stats", {})),
        noQuery: thrown(() => create("gcdirectory", "modifyProfile", {})),
        notQuery: thrown(() => create("gcdirectory", "free", {})),
        notClient: thrown(() => window.pkg.createQueryStore({}, "gcdirectory", "profile", {})),
        badVariables: { status: s.status, name: s.error?.name },
      };
    });
    assert.deepEqual(named, {
      noApi: { name: "ValidationError", path: "api" },
      noQuery: { name: "ValidationError", path: "name" },
      notQuery: { name: "ValidationError", path: "name" },
      notClient: { name: "ConfigError", path: undefined },
      badVariables: { status: "error", name: "ValidationError" },
    });
    await page.evaluate(() => { window.qstore.destroy(); window.client.close(); });
    // destroy() stopped the shared watch; the bad-variables store never started one.
    assert.deepEqual(await page.evaluate(() => window.profileWatches), { started: 2, stopped: 2 });
  } finally {
    await context.close();
  }
});
