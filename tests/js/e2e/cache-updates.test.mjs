// Issue 8's `cache.updates` and issue 9's re-keying, against the reference server: a worker reads
// their timesheets online; offline, a timesheet created through `createTimesheet` shows at once
// in a watcher of the list under its placeholder with its entry pending (the app's `updates`
// function appends it); after a reload, still offline, it is still there (the outbox is durable);
// back online the list shows the server's id once, nothing pending, no `tmp:` left, and the
// server holds the timesheet. A create the server refuses disappears from the list. A client
// opened without `updates` does not show it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

const WORKER = "3";
const HIRE = "110"; // worker 3's ACTIVE hire, 2026-01-05..2026-12-31

/** Opens the client with (or without) the app's `updates`, and watches the list into `window.seen`. */
const openAndWatch = (page, database, withUpdates = true) => page.evaluate(async ([db, withUpdates]) => {
  const LIST = { first: 50 };
  const updates = {
    worksome: {
      // The app's rule: a created timesheet goes at the end of the cached list.
      createTimesheet: (result, cache) => (window.updaterRuns = (window.updaterRuns ?? 0) + 1) && cache.updateQuery("timesheets", LIST, (data) => data && {
        ...data, timesheets: { ...data.timesheets, data: [...data.timesheets.data, result] },
      }),
    },
  };
  await openClient({ database: db, user: `worker-${db}`, worksome: true, gcdirectory: false, extra: withUpdates ? { cache: { updates } } : {} });
  window.currentWorksomeToken = "ws-worker-token";
  window.seen = [];
  window.watchErrors = [];
  window.stopWatch = window.client.worksome.watch.timesheets(LIST, (r) => window.seen.push(r), {
    policy: navigator.onLine ? "network-first" : "cache-first", onError: (e) => window.watchErrors.push(`${e.name}: ${e.message}`),
  });
  return true;
}, [database, withUpdates]);

const last = (page) => page.evaluate(() => window.seen.at(-1) ?? null);
const ids = (r) => r?.data.timesheets.data.map((t) => t.id) ?? [];

async function serverTimesheets() {
  const r = await env.server.graphql("worksome", "ws-worker-token", "query { timesheets(first: 100) { data { id startDate endDate hire { id } } } }", {});
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.timesheets.data;
}

/** Opens and watches (`openAndWatch`), waits for the list from the server, caches the worker's
 * hires (with their numbers, as the app reads them), then goes offline; returns the list's ids. */
async function listedThenOffline(context, page, db) {
  await openAndWatch(page, db);
  await waitFor("the list from the server", async () => (await last(page))?.source === "network");
  const before = ids(await last(page));
  await page.evaluate((worker) => window.client.worksome.query.viewer({ worker }), WORKER);
  await context.setOffline(true);
  return before;
}

test("offline create: pending under tmp in a watched list, kept over a reload, the real id once sent", { timeout: 120_000 }, async () => {
  const db = `upd-a-${Date.now()}`;
  const { context, page } = await freshPage(env);
  try {
    const before = await listedThenOffline(context, page, db);
    const created = await page.evaluate(([worker, hire]) => call("createTimesheet", { worker, hire, startDate: "2026-05-04", endDate: "2026-05-10" }, "worksome"), [WORKER, HIRE]);
    assert.equal(created.status, "queued", JSON.stringify(created));
    const tmp = created.placeholders.id;
    await waitFor("the created timesheet in the list, pending", async () => ids(await last(page)).includes(tmp));
    let r = await last(page);
    assert.deepEqual(ids(r), [...before, tmp], "appended by the app's function, under its placeholder");
    assert.deepEqual(r.pending, [created.id], "the list names the create's entry");
    const shown = r.data.timesheets.data.at(-1);
    assert.equal(shown.startDate, "2026-05-04");
    assert.equal(shown.hire.id, HIRE);
    assert.equal(typeof shown.hire.number, "string", "the related hire's other fields come from the cache");
    assert.equal(shown.createdAt, null, "what the variables do not say is null");

    // A reload while offline (the SDK is closed before and opened after the network goes).
    await page.evaluate(() => { window.stopWatch(); window.client.close(); });
    await context.setOffline(false);
    await page.reload();
    await page.evaluate(() => window.outboxReady);
    await context.setOffline(true);
    await openAndWatch(page, db);
    await waitFor("the list from the cache after the reload", async () => (await last(page))?.source === "cache");
    r = await last(page);
    assert.deepEqual(ids(r), [...before, tmp], `still there after the reload: ${JSON.stringify(await page.evaluate(() => window.watchErrors))}`);
    assert.deepEqual(r.pending, [created.id]);
    assert.equal((await serverTimesheets()).some((t) => t.startDate === "2026-05-04"), false, "nothing reached the server");

    await context.setOffline(false);
    const settled = await page.evaluate((id) => { window.client.sync(); return window.client.outbox.settled(id); }, created.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    const real = settled.data.id;
    assert.ok(real && !real.startsWith("tmp:"), real);
    await waitFor("the real id in the list, nothing pending", async () => {
      const s = await last(page);
      return ids(s).includes(real) && s.pending.length === 0;
    });
    r = await last(page);
    assert.deepEqual(ids(r), [...before, real], "re-keyed: the real id once, the placeholder gone");
    const onServer = (await serverTimesheets()).find((t) => t.id === real);
    assert.deepEqual(onServer && { startDate: onServer.startDate, endDate: onServer.endDate, hire: onServer.hire.id },
      { startDate: "2026-05-04", endDate: "2026-05-10", hire: HIRE }, "the server holds it");

    // Stored, not an overlay: a cache-only read of a fresh client shows the same list.
    await page.evaluate(() => { window.stopWatch(); window.client.close(); });
    await openAndWatch(page, db, false);
    await context.setOffline(true);
    const stored = await page.evaluate(() => window.client.worksome.query.timesheets({ first: 50 }, { policy: "cache-only" }));
    assert.deepEqual(ids(stored), [...before, real]);
    // And a refetch from the server changes nothing: one entity, the real one.
    await context.setOffline(false);
    const fresh = await page.evaluate(() => window.client.worksome.query.timesheets({ first: 50 }, { policy: "network-only" }));
    assert.equal(ids(fresh).filter((id) => id === real).length, 1);
    assert.equal(ids(fresh).some((id) => id.startsWith("tmp:")), false);
  } finally {
    await context.close();
  }
});

test("20 offline creates: the app's function runs once per entry, not per read; the drain ends with each real id once", { timeout: 120_000 }, async () => {
  const db = `upd-e-${Date.now()}`;
  const { context, page } = await freshPage(env);
  try {
    const before = await listedThenOffline(context, page, db);
    const r = await page.evaluate(async ([worker, hire]) => {
      // Counts the app function's runs (the client's own `updates` object is read at open).
      window.updaterRuns = 0;
      const week = (k) => new Date(Date.UTC(2026, 6, 6) + k * 7 * 86_400_000).toISOString().slice(0, 10);
      const created = [];
      for (let k = 0; k < 20; k++) created.push(await call("createTimesheet", { worker, hire, startDate: week(k), endDate: week(k) }, "worksome"));
      for (let i = 0; i < 20; i++) {
        await window.client.worksome.query.timesheets({ first: 50 }, { policy: "cache-only" });
        await window.client.worksome.query.viewer({ worker }, { policy: "cache-only" });
      }
      return { created, runs: window.updaterRuns };
    }, [WORKER, HIRE]);
    assert.ok(r.created.every((c) => c.status === "queued"), JSON.stringify(r.created[0]));
    const tmps = r.created.map((c) => c.placeholders.id);
    await waitFor("the 20 creates in the watched list", async () => ids(await last(page)).filter((id) => tmps.includes(id)).length === 20);
    // Once per entry as it came (and once more for all if the records changed meanwhile); run
    // per read, 40 reads and 20 watcher rounds would have run it hundreds of times.
    const runs = await page.evaluate(() => window.updaterRuns);
    assert.ok(runs >= 20 && runs <= 60, `the app function ran ${runs} times for 20 entries`);

    await context.setOffline(false);
    const from = await page.evaluate(() => window.seen.length);
    const sent = await page.evaluate((ids) => { window.client.sync(); return Promise.all(ids.map((id) => window.client.outbox.settled(id))); }, r.created.map((c) => c.id));
    assert.ok(sent.every((s) => s.status === "sent"), JSON.stringify(sent.find((s) => s.status !== "sent")));
    const real = sent.map((s) => s.data.id);
    await waitFor("every real id in the list, nothing pending", async () => {
      const s = await last(page);
      return real.every((id) => ids(s).includes(id)) && s.pending.length === 0;
    });
    assert.deepEqual(ids(await last(page)), [...before, ...real], "each real id once, in order, no placeholder left");
    // No result along the way showed an entity twice: once re-keyed in memory, a create's
    // placeholder is no longer added (it was until its strict write ended).
    const along = await page.evaluate((from) => window.seen.slice(from).map((s) => s.data.timesheets.data.map((t) => t.id)), from);
    const twice = along.filter((l) => l.length > before.length + 20);
    assert.deepEqual(twice, [], `${twice.length} of ${along.length} results listed more than ${before.length + 20}: ${JSON.stringify(twice[0]?.slice(before.length))}`);
  } finally {
    await context.close();
  }
});

test("a create the server refuses disappears from the list; a client without updates never shows it", { timeout: 90_000 }, async () => {
  const db = `upd-b-${Date.now()}`;
  const { context, page } = await freshPage(env);
  try {
    const other = await context.newPage();
    await other.goto(`${env.url}/index.html`);
    await other.evaluate(() => window.outboxReady);
    await openAndWatch(page, db);
    await waitFor("the list from the server", async () => (await last(page))?.source === "network");
    const before = ids(await last(page));
    await context.setOffline(true);
    // Outside the hire's dates: the server refuses it.
    const created = await page.evaluate(([worker, hire]) => call("createTimesheet", { worker, hire, startDate: "2025-01-06", endDate: "2025-01-12" }, "worksome"), [WORKER, HIRE]);
    const tmp = created.placeholders.id;
    await waitFor("shown pending", async () => ids(await last(page)).includes(tmp));

    await openAndWatch(other, db, false);
    await waitFor("the other client's list", async () => (await last(other)) !== null);
    assert.deepEqual(ids(await last(other)), before, "no updates option: the create is not shown there");
    await other.evaluate(() => { window.stopWatch(); window.client.close(); });
    await other.close();

    await env.server.addFaults({ operation: "createTimesheet", status: 400 });
    await context.setOffline(false);
    const outcome = await page.evaluate((id) => { window.client.sync(); return window.client.outbox.settled(id); }, created.id);
    assert.equal(outcome.status, "dead", JSON.stringify(outcome));
    await waitFor("gone from the list", async () => !ids(await last(page)).includes(tmp));
    const r = await last(page);
    assert.deepEqual(ids(r), before);
    assert.deepEqual(r.pending, []);
  } finally {
    await env.server.clearFaults();
    await context.close();
  }
});

test("bad updates options are a ConfigError at open; a throwing function or a bad updateQuery is logged and skipped", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    const errors = await page.evaluate(async () => {
      const open = (updates) => openClient({ database: "upd-c", worksome: true, gcdirectory: false, extra: { cache: { updates } } })
        .then(() => "opened", (e) => `${e.name}: ${e.message}`);
      return [
        await open(42),
        await open({ nowhere: {} }),
        await open({ worksome: { createNothing: () => {} } }),
        await open({ worksome: { createTimesheet: "not a function" } }),
      ];
    });
    assert.match(errors[0], /^ConfigError: .*options\.cache\.updates must be an object/);
    assert.match(errors[1], /^ConfigError: .*updates\.nowhere is not an API/);
    assert.match(errors[2], /^ConfigError: .*updates\.worksome\.createNothing is not a mutation/);
    assert.match(errors[3], /^ConfigError: .*updates\.worksome\.createTimesheet must be a function/);

    const logged = [];
    page.on("console", (m) => { if (m.type() === "error") logged.push(m.text()); });
    const r = await page.evaluate(async ([worker, hire]) => {
      await openClient({ database: "upd-d", user: "worker-d", worksome: true, gcdirectory: false, extra: { cache: { updates: { worksome: {
        createTimesheet: (result, cache) => {
          try { cache.updateQuery("nothing", {}, (d) => d); } catch (e) { window.thrownInUpdater = `${e.name} ${e.details?.path}`; }
          throw new Error("app bug");
        },
      } } } } });
      window.currentWorksomeToken = "ws-worker-token";
      await window.client.worksome.query.timesheets({ first: 50 });
      await window.client.worksome.query.viewer({ worker });
      return { ready: true };
    }, [WORKER, HIRE]);
    assert.ok(r.ready);
    await context.setOffline(true);
    const read = await page.evaluate(async ([worker, hire]) => {
      const c = await call("createTimesheet", { worker, hire, startDate: "2026-06-01", endDate: "2026-06-07" }, "worksome");
      const q = await window.client.worksome.query.timesheets({ first: 50 }, { policy: "cache-only" });
      return { status: c.status, ids: q.data.timesheets.data.map((t) => t.id) };
    }, [WORKER, HIRE]);
    assert.equal(read.status, "queued");
    assert.equal(read.ids.some((id) => id.startsWith("tmp:")), false, "the throwing function added nothing, and the read answered");
    assert.equal(await page.evaluate(() => window.thrownInUpdater), "ValidationError name", "updateQuery refuses a query the API lacks");
    await waitFor("the error logged", async () => logged.some((t) => /cache\.updates\.worksome\.createTimesheet threw/.test(t)));
  } finally {
    await context.close();
  }
});

test("online: a create that resolves sent is already in the cached list under its real id", { timeout: 60_000 }, async () => {
  const db = `upd-e-${Date.now()}`;
  const { context, page } = await freshPage(env);
  try {
    await openAndWatch(page, db);
    await waitFor("the list from the server", async () => (await last(page))?.source === "network");
    // The hire's number, which the list shows and the create's answer does not carry, is cached
    // (else the stored list would be incomplete, and the update leaves it until a refetch).
    await page.evaluate((worker) => window.client.worksome.query.viewer({ worker }), WORKER);
    const r = await page.evaluate(async ([worker, hire]) => {
      const c = await call("createTimesheet", { worker, hire, startDate: "2026-07-06", endDate: "2026-07-12" }, "worksome");
      // No await in between: the read right after the call.
      const q = await window.client.worksome.query.timesheets({ first: 50 }, { policy: "cache-only" });
      return { status: c.status, id: c.data?.id, ids: q.data.timesheets.data.map((t) => t.id), pending: q.pending };
    }, [WORKER, HIRE]);
    assert.equal(r.status, "sent", JSON.stringify(r));
    assert.ok(r.ids.includes(r.id), `the real id is listed: ${JSON.stringify(r)}`);
    assert.equal(r.ids.some((id) => id.startsWith("tmp:")), false);
    assert.deepEqual(r.pending, []);
  } finally {
    await context.close();
  }
});
