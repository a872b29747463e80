// Batched drains against the reference server (issue 9): entries queued offline go out in
// GraphQL-over-HTTP batches (each key once, each applied once); one element's GraphQL error
// kills only its entry; an endpoint that refuses batches gets single requests and the app a
// `warning` event, one with a batch limit shorter batches; concurrent calls group-commit their
// IndexedDB writes.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage, openPage, waitFor } from "./harness.mjs";
import { manyProfilesFixture, profileId } from "./many-profiles.mjs";

let env;
before(async () => { env = await startAll({ serverArgs: ["--fixtures", manyProfilesFixture(500)] }); });
after(async () => { await env?.stop(); });

/** `n` profile edits that share no entity (so none depends on another), from profile `from`. */
const edits = (n, from = 0, label = "t") => Array.from({ length: n }, (_, i) => ["modifyProfile", { gcId: profileId(from + i), data: { titleEn: `${label} ${i}` } }]);

/** The requests the server received for `ids`, per key. */
async function perKey(ids) {
  const byKey = await env.server.requestsByKey();
  return ids.map((id) => byKey.get(id) ?? []);
}

test("200 entries queued offline drain in batches of 50 (the default), each key received and applied once, in order", { timeout: 120_000 }, async () => {
  const { context, page, requests } = await freshPage(env);
  try {
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "batch200" }));
    const results = await page.evaluate((c) => callAll(c), edits(200, 0));
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);
    const before = requests.length;
    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i, 60_000), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    assert.equal(requests.length - before, 4, "200 entries in 4 POSTs");
    for (const [i, rows] of (await perKey(ids)).entries()) {
      assert.equal(rows.length, 1, `key of entry ${i} received ${rows.length} times`);
      assert.equal(rows[0].status, 200);
    }
    const applied = (await env.server.applied()).filter((a) => ids.includes(a.idempotencyKey));
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids, "applied once each, in creation order");
    assert.ok(applied.every((a) => a.timesApplied === 1));
  } finally {
    await context.close();
  }
});

test("a drain posts one BroadcastChannel message per turn, not one per event; another tab's subscriber still gets every event, in order", { timeout: 120_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    // Every postMessage of every client on the channel, counted in each page.
    const count = () => {
      const post = BroadcastChannel.prototype.postMessage;
      window.posted = 0;
      BroadcastChannel.prototype.postMessage = function (m) { window.posted++; return post.call(this, m); };
    };
    const other = await openPage(context, env.url);
    await page.evaluate(count);
    await other.evaluate(count);
    // Batches of 20, so that a drain of 200 has 10 batches to count messages over.
    await other.evaluate(() => openClient({ database: "batchbc", extra: { batch: { max: 20 } } }));
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "batchbc", extra: { batch: { max: 20 } } }));
    const results = await page.evaluate((c) => callAll(c), edits(200, 300, "bc"));
    const ids = results.map((r) => r.id);
    await page.evaluate(() => { window.posted = 0; });
    await other.evaluate(() => { window.posted = 0; });
    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i, 60_000), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    // The other tab's subscriber: each entry's sending then sent, once each, in creation order
    // (whichever tab sent it: its own events or the other's over the channel).
    const seen = async () => other.evaluate((i) => window.events.filter((e) => i.includes(e.id) && (e.type === "sending" || e.type === "sent")).map((e) => [e.type, e.id]), ids);
    await waitFor("the other tab's sent events", async () => (await seen()).filter(([t]) => t === "sent").length === ids.length);
    const events = await seen();
    assert.deepEqual(events.filter(([t]) => t === "sent").map(([, id]) => id), ids, "one sent event per entry, in creation order");
    for (const id of ids) {
      const mine = events.filter(([, x]) => x === id).map(([t]) => t);
      assert.deepEqual(mine, ["sending", "sent"], `events of ${id}`);
    }
    // 10 batches of 20: 400 events and 200 cache notices were 600 messages; now about two
    // per batch (its claim's turn and its outcome's) plus the pass's own.
    const posted = (await page.evaluate(() => window.posted)) + (await other.evaluate(() => window.posted));
    assert.ok(posted <= 60, `${posted} BroadcastChannel messages for 200 entries in 10 batches`);
  } finally {
    await context.close();
  }
});

test("a GraphQL error in one element kills only that entry; the rest of the batch is sent", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await freshPage(env);
  try {
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "batchdead" }));
    // Org tier 99 does not exist: E2TeamNotExist.
    const calls = edits(4, 200);
    calls.splice(2, 0, ["modifyOrgTier", { id: "99", data: { nameEn: "Nope" } }]);
    const ids = (await page.evaluate((c) => callAll(c), calls)).map((r) => r.id);
    const before = requests.length;
    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i), ids);
    assert.deepEqual(settled.map((s) => s.status), ["sent", "sent", "dead", "sent", "sent"]);
    assert.equal(settled[2].errors?.[0]?.extensions?.code, "E2TeamNotExist", JSON.stringify(settled[2]));
    assert.equal(requests.length - before, 1, "one batch");
    const events = await page.evaluate((id) => window.events.filter((e) => e.id === id).map((e) => e.type), ids[2]);
    assert.deepEqual(events, ["queued", "sending", "dead"]);
  } finally {
    await context.close();
  }
});

/** Opens a client of `database` offline (none: the page's own), queues `calls`, goes online and
 * waits until every entry has settled: their ids, outcomes and how many requests that took. */
async function queueThenDrain({ context, page, requests }, database, calls) {
  await context.setOffline(true);
  if (database) await page.evaluate((d) => openClient({ database: d }), database);
  const ids = (await page.evaluate((c) => callAll(c), calls)).map((r) => r.id);
  const before = requests.length;
  await context.setOffline(false);
  const settled = await page.evaluate((i) => settleAll(i), ids);
  return { ids, settled, requests: requests.length - before };
}

test("an endpoint that refuses batches (400) gets single requests, and subscribers a warning", { timeout: 60_000 }, async () => {
  const tab = await freshPage(env);
  const { context, page } = tab;
  await env.server.refuseBatches(true);
  try {
    const { ids, settled, requests } = await queueThenDrain(tab, "batchrefused", edits(5, 210));
    assert.deepEqual(settled.map((s) => s.status), Array(5).fill("sent"));
    assert.equal(requests, 1 + 5, "the refused batch, then one request per entry");
    const warnings = await page.evaluate(() => window.events.filter((e) => e.type === "warning"));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.equal(warnings[0].reason, "batchRefused");
    assert.equal(warnings[0].api, "gcdirectory");
    assert.equal(warnings[0].error.status, 400);
    for (const rows of await perKey(ids)) {
      assert.deepEqual(rows.map((r) => r.status), [400, 200], "received in the refused batch, then applied alone");
    }
    // From then on this client sends singly: two more entries, two requests.
    assert.equal((await queueThenDrain(tab, null, edits(2, 220))).requests, 2);
  } finally {
    await env.server.refuseBatches(false);
    await context.close();
  }
});

test("an endpoint with a batch limit (413, as GraphQL Yoga's) gets batches half as long until they pass, and subscribers a warning each time", { timeout: 60_000 }, async () => {
  const tab = await freshPage(env);
  const { context, page } = tab;
  await env.server.batchLimit(10);
  try {
    const { ids, settled, requests } = await queueThenDrain(tab, "batchlimit", edits(30, 240));
    assert.deepEqual(settled.map((s) => s.status), Array(30).fill("sent"));
    // 30 refused, 15 refused, then 7, 7, 7, 7 and 2.
    assert.equal(requests, 2 + 5);
    const warnings = await page.evaluate(() => window.events.filter((e) => e.type === "warning"));
    assert.deepEqual(warnings.map((w) => [w.reason, w.api, w.error.status, w.error.max]), [["batchRefused", "gcdirectory", 413, 15], ["batchRefused", "gcdirectory", 413, 7]]);
    assert.match(warnings[1].error.message, /Batching is limited to 10 operations per request\..*batches of at most 7/);
    for (const [i, rows] of (await perKey(ids)).entries()) {
      const want = i < 15 ? [413, 413, 200] : [413, 200];
      assert.deepEqual(rows.map((r) => r.status), want, `entry ${i}: refused in each batch it was in, then applied`);
    }
    const applied = (await env.server.applied()).filter((a) => ids.includes(a.idempotencyKey));
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids, "applied once each, in creation order");
    // From then on this client's batches are 7 long: 10 more entries, two requests, no warning.
    assert.equal((await queueThenDrain(tab, null, edits(10, 280))).requests, 2);
    assert.equal(await page.evaluate(() => window.events.filter((e) => e.type === "warning").length), 2);
  } finally {
    await env.server.batchLimit(0);
    await context.close();
  }
});

test("one entry too large for the server's body limit (413) dies alone; the batches go back to their length, and subscribers are told", { timeout: 90_000 }, async () => {
  const tab = await freshPage(env);
  const { context, page } = tab;
  try {
    // 12 edits, the fifth with a title over the reference server's 2 MB body limit (axum's
    // default, answered 413 before the handler): each batch holding it is refused.
    const calls = edits(12, 300);
    calls[4][1].data.titleEn = "x".repeat(2_200_000);
    const { ids, settled, requests } = await queueThenDrain(tab, "toolarge", calls);
    assert.deepEqual(settled.map((s) => s.status), [...Array(4).fill("sent"), "dead", ...Array(7).fill("sent")]);
    assert.equal(settled[4].error.status, 413);
    // 12 refused, 6 refused, 3 sent, 3 refused, 1 sent, the large one refused alone, then the
    // last 7 in one batch (before: one request each, for this client's life).
    assert.equal(requests, 7);
    const warnings = await page.evaluate(() => window.events.filter((e) => e.type === "warning"));
    assert.deepEqual(warnings.map((w) => [w.reason, w.id, w.error.status, w.error.max]), [
      ["batchRefused", ids[0], 413, 6], ["batchRefused", ids[0], 413, 3], ["batchRefused", ids[3], 413, 1], ["batchRestored", ids[4], 413, 50],
    ]);
    assert.match(warnings[3].error.message, /too large, not the batches; sending batches of at most 50/);
    const applied = (await env.server.applied()).filter((a) => ids.includes(a.idempotencyKey));
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids.filter((_, i) => i !== 4), "applied once each, in creation order");
    // Later drains of this client batch again: 10 more entries, one request.
    assert.equal((await queueThenDrain(tab, null, edits(10, 320))).requests, 1);
  } finally {
    await context.close();
  }
});

test("concurrent online calls group-commit: far fewer IndexedDB transactions than calls", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    await page.evaluate(() => openClient({ database: "groupcommit" }));
    // A first call: the first pass that meets an API reads its token in a second pass.
    assert.equal((await page.evaluate((c) => callAll(c), edits(1, 290)))[0].status, "sent");
    // Count every transaction the SDK opens, by mode (and, for the single calls, stores).
    await page.evaluate(() => {
      window.txs = [];
      window.txStores = [];
      const open = IDBDatabase.prototype.transaction;
      IDBDatabase.prototype.transaction = function (names, mode, options) {
        window.txs.push(`${mode ?? "readonly"}:${options?.durability ?? "default"}`);
        window.txStores.push([names].flat().join("+"));
        return open.call(this, names, mode, options);
      };
    });
    // Online calls awaited one by one: each stored and claimed in one strict transaction, its
    // outcome written in a second; no list, no separate claim, no read back of the entry.
    for (const [op, args] of edits(3, 230)) {
      const one = await page.evaluate(async ([op, args]) => {
        window.txs.length = 0;
        window.txStores.length = 0;
        const r = await window.client.gcdirectory[op](args);
        return { status: r.status, id: r.id, txs: [...window.txs], stores: [...window.txStores] };
      }, [op, args]);
      assert.equal(one.status, "sent");
      assert.deepEqual(one.txs, ["readwrite:strict", "readwrite:strict"], `one online call: ${JSON.stringify(one)}`);
      assert.deepEqual(one.stores, ["entries", "entries"]);
      const events = await page.evaluate((id) => window.events.filter((e) => e.id === id).map((e) => e.type), one.id);
      assert.deepEqual(events, ["queued", "sending", "sent"]);
      const rows = (await env.server.requestsByKey()).get(one.id);
      assert.equal(rows?.length, 1, "sent once");
    }

    const many = await page.evaluate(async (calls) => {
      window.txs.length = 0;
      window.txStores.length = 0;
      const rs = await Promise.all(calls.map(([op, args]) => window.client.gcdirectory[op](args)));
      return { statuses: rs.map((r) => r.status), txs: [...window.txs], stores: [...window.txStores] };
    }, edits(60, 240));
    assert.deepEqual([...new Set(many.statuses)], ["sent"]);
    const strict = many.txs.filter((t) => t === "readwrite:strict").length;
    // The first call goes the direct way (stored and claimed in one strict transaction, its
    // outcome in another); the 59 made meanwhile are stored in ONE transaction, then per batch
    // of 20 one outcome write (strict). Under the Web Lock an API with idempotency keys gets
    // no claim write (it was the one relaxed write of the entries; round drain4).
    assert.ok(many.txs.length <= 12, `60 concurrent calls: ${many.txs.length} transactions ${JSON.stringify(many.txs)}`);
    assert.ok(strict <= 2 + 1 + 3, `strict: ${strict} ${JSON.stringify(many.txs)}`);
    const claims = many.txs.filter((t, i) => t === "readwrite:relaxed" && many.stores[i] === "entries");
    assert.deepEqual(claims, [], `no claim transaction under the Web Lock: ${JSON.stringify(many.txs)} ${JSON.stringify(many.stores)}`);
  } finally {
    await context.close();
  }
});

test("online calls made together are stored and applied in the order they were made, the first one too", { timeout: 60_000 }, async () => {
  const { context, page } = await freshPage(env);
  try {
    await page.evaluate(() => openClient({ database: "callorder" }));
    // Warm: the first pass that meets an API reads its token.
    assert.equal((await page.evaluate((c) => callAll(c), edits(1, 340)))[0].status, "sent");
    // Three edits of one profile in one turn: the last one made must be the value that stays.
    // The first takes the direct way (the token callback and the Web Lock are awaited before
    // it is stored); before round s27 the two made meanwhile were stored first, in a group,
    // and it was stored and applied after them.
    const titles = ["first", "second", "third"];
    const rs = await page.evaluate(async ([gcId, titles]) => {
      const calls = titles.map((t) => window.client.gcdirectory.modifyProfile({ gcId, data: { titleEn: t } }));
      return (await Promise.all(calls)).map((r) => ({ status: r.status, id: r.id }));
    }, [profileId(341), titles]);
    assert.deepEqual(rs.map((r) => r.status), ["sent", "sent", "sent"]);
    const listed = await page.evaluate(async () => (await window.client.outbox.list()).map((e) => e.id));
    const applied = (await env.server.applied()).filter((a) => rs.some((r) => r.id === a.idempotencyKey));
    assert.deepEqual(applied.map((a) => a.idempotencyKey), rs.map((r) => r.id), `applied in call order (list: ${JSON.stringify(listed)})`);
    const now = await env.server.graphql("gcdirectory", "gc-admin-token", "query($g: ID!) { profile(gcId: $g) { titleEn } }", { g: profileId(341) });
    assert.equal(now.data.profile.titleEn, "third", "the last call's value stays");
  } finally {
    await context.close();
  }
});
