// Issue 9, "Every context" 4 and 5: entities created offline. A worker creates a timesheet
// offline, then edits it and adds a registration to it through its placeholder; back online the
// three are sent in order, the edits land on the real timesheet, and no request body the page
// sent holds a `tmp:` value. A create the server refuses holds its dependants `blocked` (the
// reason names it) and none is sent; retried and sent, they follow; a create that is discarded
// keeps them blocked. Each run makes its own timesheets (the fixtures' worker 3, hire 110), so
// the file can run twice against one server.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage, openPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

const WORKER = "3";
const HIRE = "110"; // worker 3's ACTIVE hire, 2026-01-05..2026-12-31
const week = (n) => [`2026-03-${String(2 + n).padStart(2, "0")}`, `2026-03-${String(8 + n).padStart(2, "0")}`];

async function offlineWorker(env, database) {
  const fresh = await freshPage(env);
  await fresh.context.setOffline(true);
  await fresh.page.evaluate(async (db) => {
    await openClient({ database: db, user: `worker-${db}`, worksome: true, gcdirectory: false });
    window.currentWorksomeToken = "ws-worker-token";
  }, database);
  return fresh;
}

/** The three calls of the scenario: a create, an edit and a registration through its placeholder. */
async function createThenEdit(page, [start, end], registrationDate) {
  return page.evaluate(async ({ start, end, registrationDate, worker, hire }) => {
    const created = await call("createTimesheet", { worker, hire, startDate: start, endDate: "2026-03-31" }, "worksome");
    const tmp = created.placeholders?.id;
    const edited = await call("updateTimesheet", { id: tmp, startDate: start, endDate: end }, "worksome");
    const registered = await call("updateTimesheet", {
      id: tmp,
      registrations: [{ type: "DAY", date: registrationDate, duration: 7.5, unit: "HOURS", comments: "placeholder e2e" }],
    }, "worksome");
    return { created, edited, registered };
  }, { start, end, registrationDate, worker: WORKER, hire: HIRE });
}

function noPlaceholderSent(requests) {
  for (const r of requests) {
    const body = r.request.postData() ?? "";
    assert.ok(!body.includes("tmp:"), `a request was sent with a placeholder: ${body.slice(0, 300)}`);
  }
}

async function timesheet(id) {
  const r = await env.server.graphql("worksome", "ws-worker-token",
    "query($id: ID!) { timesheet(id: $id) { id startDate endDate registrations { data { id date duration comments } } } }", { id });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data.timesheet;
}

test("offline: a create, an edit and a registration through its placeholder are sent in order to the real id", { timeout: 90_000 }, async () => {
  const { context, page, requests } = await offlineWorker(env, `ph-a-${Date.now()}`);
  try {
    const { created, edited, registered } = await createThenEdit(page, week(0), "2026-03-04");
    assert.equal(created.status, "queued", JSON.stringify(created));
    assert.deepEqual(created.placeholders, { id: `tmp:${created.id}` }, "the placeholder names the create's entry");
    assert.equal(edited.status, "queued", JSON.stringify(edited));
    assert.equal(registered.status, "queued", JSON.stringify(registered));
    assert.equal(edited.placeholders, undefined, "only creates return placeholders");
    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.dependsOn), [[], [created.id], [created.id]], "the dependants depend on the create");
    assert.equal(listed[1].variables.input.id, created.placeholders.id, "stored with the placeholder until the first send");

    // A placeholder naming no entry of this user is refused at the call, nothing stored.
    const bad = await page.evaluate(() => call("updateTimesheet", { id: "tmp:no-such-entry" }, "worksome"));
    assert.equal(bad.error?.name, "ValidationError", JSON.stringify(bad));
    assert.equal(bad.error.details.path, "input.id");
    assert.equal((await page.evaluate(() => window.client.outbox.list())).length, 3);

    await context.setOffline(false);
    const ids = [created.id, edited.id, registered.id];
    const settled = await page.evaluate((ids) => settleAll(ids, 30000), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    const realId = settled[0].data.id;
    assert.ok(/^\d+$/.test(realId), `the server's id: ${realId}`);
    assert.equal(settled[1].data.id, realId, "the edit's result shows the real id");
    assert.equal(settled[2].data.id, realId);

    const sentEvent = await page.evaluate((id) => window.events.find((e) => e.id === id && e.type === "sent"), created.id);
    assert.deepEqual(sentEvent.created, { placeholder: created.placeholders.id, id: realId }, "the create's sent event maps placeholder to id");
    // Sent in creation order, each key once, none with a placeholder in it.
    const sentKeys = requests.map((r) => r.key);
    assert.deepEqual(sentKeys, ids, "one request each, in order");
    noPlaceholderSent(requests);
    const byKey = await env.server.requestsByKey();
    for (const id of ids) assert.equal(byKey.get(id)?.length, 1, `key ${id} received ${byKey.get(id)?.length ?? 0} times`);

    // The server applied the edits to the real timesheet.
    const ts = await timesheet(realId);
    assert.equal(ts.startDate, "2026-03-02");
    assert.equal(ts.endDate, "2026-03-08", "the edit applied to the real id");
    assert.deepEqual(ts.registrations.data.map((r) => [r.date, r.duration, r.comments]), [["2026-03-04", 7.5, "placeholder e2e"]]);
    const after = await page.evaluate(() => window.client.outbox.list());
    assert.equal(after[1].variables.input.id, realId, "list() shows the real id once sent");
  } finally {
    await context.close();
  }
});

test("a create the server refuses blocks its dependants (reason: its id), none sent; retried and sent, they follow", { timeout: 90_000 }, async () => {
  const { context, page, requests } = await offlineWorker(env, `ph-b-${Date.now()}`);
  try {
    const { created, edited, registered } = await createThenEdit(page, week(7), "2026-03-10");
    const dependants = [edited.id, registered.id];
    // The server refuses the create once (a 4xx: the entry goes dead).
    await env.server.addFaults({ api: "worksome", operation: "createTimesheet", status: 400, times: 1 });
    await context.setOffline(false);
    const dead = await page.evaluate((id) => window.client.outbox.settled(id), created.id);
    assert.equal(dead.status, "dead", JSON.stringify(dead));
    await waitFor("both dependants blocked", () =>
      page.evaluate((ids) => window.client.outbox.list().then((l) => ids.every((id) => l.find((e) => e.id === id)?.state === "blocked")), dependants));
    const blocked = await page.evaluate(() => window.events.filter((e) => e.type === "blocked"));
    assert.deepEqual(blocked.map((e) => [e.id, e.reason]), dependants.map((id) => [id, created.id]), "the reason names the create");
    assert.deepEqual(requests.map((r) => r.key), [created.id], "no dependant was sent");

    await page.evaluate((id) => window.client.outbox.retry(id), created.id);
    const settled = await page.evaluate((ids) => settleAll(ids, 30000), [created.id, ...dependants]);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    assert.deepEqual(requests.map((r) => r.key), [created.id, created.id, ...dependants], "sent in order after the retry");
    noPlaceholderSent(requests);
    const ts = await timesheet(settled[0].data.id);
    assert.equal(ts.endDate, "2026-03-15");
    assert.deepEqual(ts.registrations.data.map((r) => r.date), ["2026-03-10"]);
  } finally {
    await context.close();
  }
});

test("a refused create that is discarded keeps its dependants blocked until they are discarded", { timeout: 90_000 }, async () => {
  const { context, page, requests } = await offlineWorker(env, `ph-c-${Date.now()}`);
  try {
    // A hire that does not exist: refused for good (NOT_FOUND), so the app discards the create.
    const r = await page.evaluate(async () => {
      const created = await call("createTimesheet", { worker: "3", hire: "999999", startDate: "2026-04-06", endDate: "2026-04-12" }, "worksome");
      const edited = await call("updateTimesheet", { id: created.placeholders.id, endDate: "2026-04-11" }, "worksome");
      return { created, edited };
    });
    await context.setOffline(false);
    const dead = await page.evaluate((id) => window.client.outbox.settled(id), r.created.id);
    assert.equal(dead.status, "dead");
    assert.equal(dead.errors[0]?.extensions?.code, "NOT_FOUND", JSON.stringify(dead));
    await page.evaluate((id) => window.client.outbox.discard(id), r.created.id);
    await page.evaluate(() => window.client.sync());
    const entry = (await page.evaluate(() => window.client.outbox.list())).find((e) => e.id === r.edited.id);
    assert.equal(entry.state, "blocked", JSON.stringify(entry));
    assert.equal(entry.lastError.kind, "blocked");
    assert.equal(entry.lastError.blockedBy, r.created.id);
    assert.deepEqual(requests.map((x) => x.key), [r.created.id], "the dependant was never sent");
    // A new call cannot use the discarded create's placeholder.
    const late = await page.evaluate((tmp) => call("updateTimesheet", { id: tmp }, "worksome"), r.created.placeholders.id);
    assert.equal(late.error?.name, "ValidationError", JSON.stringify(late));
    await page.evaluate((id) => window.client.outbox.discard(id), r.edited.id);
    const gone = await page.evaluate((id) => window.client.outbox.settled(id), r.edited.id);
    assert.equal(gone.status, "discarded");
    noPlaceholderSent(requests);
  } finally {
    await context.close();
  }
});

test("an entry whose dependsOn names one only another tab can send goes once that tab sends it", { timeout: 60_000 }, async () => {
  const { context, page: gcTab } = await freshPage(env);
  try {
    const wsTab = await openPage(context, env.url);
    const db = `left-${Date.now()}`;
    const user = `worker-${db}`;
    await context.setOffline(true);
    // The Worksome tab (no GC Directory endpoint) gets its token late, so that the GC Directory
    // tab's pass (no Worksome endpoint) runs first and leaves its entry waiting.
    const w1 = await wsTab.evaluate(async ([db, user, worker, hire]) => {
      const late = async () => { await new Promise((r) => setTimeout(r, 1500)); return "ws-worker-token"; };
      await openClient({ database: db, user, worksome: true, gcdirectory: false, extra: { token: late } });
      return call("createTimesheet", { worker, hire, startDate: "2026-04-06", endDate: "2026-04-12" }, "worksome");
    }, [db, user, WORKER, HIRE]);
    assert.equal(w1.status, "queued", JSON.stringify(w1));
    const dependant = await gcTab.evaluate(async ([db, user, id]) => {
      await openClient({ database: db, user });
      return window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "After The Timesheet" } }, { dependsOn: [id] });
    }, [db, user, w1.id]);
    assert.equal(dependant.status, "queued", JSON.stringify(dependant));
    await context.setOffline(false);
    const [first] = await wsTab.evaluate((id) => settleAll([id], 15_000), w1.id);
    assert.equal(first.status, "sent", JSON.stringify(first));
    // No timer of its own: the other tab's events start its pass.
    const [then] = await gcTab.evaluate((id) => settleAll([id], 8_000), dependant.id);
    assert.equal(then.status, "sent", JSON.stringify(then));
  } finally {
    await context.close();
  }
});

test("a call naming a placeholder is stored before the calls made after it in the same turn", { timeout: 60_000 }, async () => {
  // It reads its create from the store before storing itself; before round s27 the call made
  // right after it was stored first, so the earlier edit was sent last and won (found by review).
  const { context, page } = await freshPage(env);
  try {
    await context.setOffline(true);
    const r = await page.evaluate(async () => {
      await openClient({ database: "placeholder-order" });
      const gc = window.client.gcdirectory;
      const t = await gc.createOrgTier({ nameEn: "T", nameFr: "T", organization: { id: "1" }, owner: { gcID: "2" } });
      const calls = [
        gc.modifyProfile({ gcId: "2", data: { team: { id: t.placeholders.id } } }),
        gc.modifyProfile({ gcId: "2", data: { titleEn: "after the placeholder" } }),
        gc.modifyProfile({ gcId: "3", data: { titleEn: "a third" } }),
      ];
      const ids = (await Promise.all(calls)).map((x) => x.id);
      return { ids, listed: (await window.client.outbox.list()).map((e) => e.id).slice(1) };
    });
    assert.deepEqual(r.listed, r.ids, "stored in call order");
  } finally {
    await context.close();
  }
});
