// The outbox store (createOutboxStore) and the React bindings (graphql-outbox/react, issue 11)
// in headless Chromium, on a small React app (react/app.js) rendered in StrictMode:
// - a pending-count badge (useOutbox) shows 1 after a save made offline, and 0 once back online;
//   the save's useMutation state goes queued → sent, and the server applied it once;
// - useMutation of bad arguments ends in state "error" with the ValidationError;
// - the store's snapshot is the same object while nothing changed (useSyncExternalStore needs
//   it), frozen, and a new one on each change; drain progress counts a drain (of 1 and of 5
//   entries); destroy() stops it.
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
