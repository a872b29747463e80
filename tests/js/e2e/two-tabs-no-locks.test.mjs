// Issue 7: two tabs of an app served over plain http from an intranet host name, where there
// are no Web Locks (`navigator.locks` exists only in secure contexts), drain one outbox at the
// same time. The claim each entry gets in IndexedDB before it is sent must keep them from ever
// sending one entry twice at once, and from sending more than once per entry beyond what
// injected faults force. The server's request log (every request, replays included, with
// receive and answer times) is the judge: the applied log cannot see a duplicate send the
// server replayed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, gcMutation, overlappingSends, recordSends } from "./harness.mjs";

const HOST = "outbox.internal";

let env;
before(async () => {
  // The name resolves to the loopback server, but the origin is not a secure context
  // (only localhost, 127.0.0.1 and https are), so Chromium gives its pages no navigator.locks.
  env = await startAll({ browserArgs: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
});
after(async () => { await env?.stop(); });

/**
 * Two tabs (pages of one browser context) on a non-secure origin queue `perTab` entries each
 * offline, at the same time, on one database and user; then both go online and call sync() at
 * once, with `faults` added to the server first. Resolves when every entry is sent, with the
 * ids in creation order, each tab's ids, what each tab did, and the server's requests for them.
 */
async function drainInTwoTabs({ database, perTab, outbox, faults }) {
  const url = env.url.replace("127.0.0.1", HOST);
  const context = await env.browser.newContext();
  await context.addInitScript(recordSends);
  try {
    const tabs = [await openPage(context, url), await openPage(context, url)];
    for (const page of tabs) {
      const where = await page.evaluate(() => ({ locks: navigator.locks === undefined, secure: isSecureContext, origin: location.origin }));
      assert.deepEqual(where, { locks: true, secure: false, origin: url }, "the page must have no Web Locks");
    }

    await context.setOffline(true);
    for (const page of tabs) await page.evaluate((o) => openClient(o), { database, outbox });
    const queued = await Promise.all(tabs.map((page, t) => page.evaluate((calls) => callAll(calls),
      Array.from({ length: perTab }, (_, i) => gcMutation(2 * i + t)))));
    queued.flat().forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const idsOf = queued.map((results) => results.map((r) => r.id));
    const listed = (await tabs[0].evaluate(() => window.client.outbox.list())).map((e) => e.id);
    assert.equal(listed.length, 2 * perTab);
    const mine = async () => (await env.server.requests()).filter((r) => listed.includes(r.idempotencyKey));
    assert.deepEqual(await mine(), [], "nothing sent while offline");

    if (faults) await env.server.addFaults(faults);
    await context.setOffline(false);
    await Promise.all(tabs.map((page) => page.evaluate(() => { window.syncing = window.client.sync(); return true; })));
    const settled = await tabs[0].evaluate((ids) => settleAll(ids, 120_000), listed);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    await Promise.all(tabs.map((page) => page.evaluate(() => window.syncing)));

    const seen = await Promise.all(tabs.map((page) => page.evaluate(() => ({
      sends: window.sends.length,
      sending: window.posted.filter((e) => e.type === "sending").length,
      busy: window.posted.filter((e) => e.type === "paused" && e.reason === "busy").length,
    }))));
    const requests = await mine();
    const byKey = new Map(listed.map((k) => [k, requests.filter((r) => r.idempotencyKey === k)]));
    const overlaps = overlappingSends(byKey);
    console.log(`${database}: ${requests.length} requests for ${listed.length} entries, ${overlaps.length} overlapping; per tab ${JSON.stringify(seen)}`);
    return { listed, idsOf, seen, requests, byKey, overlaps };
  } finally {
    await context.close();
  }
}

/** Both tabs tried while the other drained: each sent, or stopped at an entry the other held. */
function assertCompetition(seen) {
  for (const [t, s] of seen.entries()) {
    assert.ok(s.sending + s.busy > 0, `tab ${t} never tried to send: no competition (${JSON.stringify(seen)})`);
  }
}

/** Keys in the order their first request reached the server. */
function firstSendOrder(requests) {
  const order = [];
  for (const r of [...requests].sort((a, b) => a.receivedMs - b.receivedMs)) {
    if (!order.includes(r.idempotencyKey)) order.push(r.idempotencyKey);
  }
  return order;
}

test("two tabs without Web Locks never send one entry at once; each entry once, in order", { timeout: 300_000 }, async () => {
  const { listed, idsOf, seen, requests, byKey, overlaps } = await drainInTwoTabs({ database: "no-locks", perTab: 250 });
  assert.deepEqual(overlaps, [], "two sends of one key were in flight at once");
  assert.equal(requests.length - listed.length, 0, "sends beyond one per entry (no faults were injected)");
  for (const [key, reqs] of byKey) assert.equal(reqs.length, 1, `${key} sent ${reqs.length} times`);
  // In order: with one send per entry, the order of receipt is the order of sending.
  const order = firstSendOrder(requests);
  assert.deepEqual(order, listed, "sent in creation order across both tabs");
  for (const ids of idsOf) {
    assert.deepEqual(order.filter((k) => ids.includes(k)), ids, "a tab's entries were sent in the order it made them");
  }
  assertCompetition(seen);
  assert.equal(seen[0].sends + seen[1].sends, listed.length, "fetches made by the two tabs");
  const applied = (await env.server.applied()).filter((a) => listed.includes(a.idempotencyKey));
  assert.deepEqual(applied.map((a) => a.idempotencyKey), listed, "applied in creation order");
  for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
});

test("with injected faults: still never two sends of one key at once, one extra send per fault at most", { timeout: 300_000 }, async () => {
  // Three 503s and three responses lost after commit (the entry is applied; the client sees a
  // network error and sends the key again, which the server replays).
  const faults = [
    { api: "gcdirectory", status: 503, skip: 10, times: 3 },
    { api: "gcdirectory", dropAfterCommit: true, skip: 30, times: 3 },
  ];
  const { listed, seen, requests, overlaps } = await drainInTwoTabs({
    database: "no-locks-faults", perTab: 50, outbox: { baseDelayMs: 50, maxDelayMs: 200 }, faults,
  });
  const left = await fetch(`${env.url}/__test/faults`).then((r) => r.json());
  assert.deepEqual(left, [], "every injected fault fired");
  assert.deepEqual(overlaps, [], "two sends of one key were in flight at once");
  // A fault hits a whole request: with batches, every entry of it is sent again. The rows of
  // one batch share their receive time.
  const perRequest = new Map();
  for (const r of requests) perRequest.set(r.receivedMs, (perRequest.get(r.receivedMs) ?? 0) + 1);
  const largest = Math.max(...perRequest.values());
  const extra = requests.length - listed.length;
  assert.ok(extra >= 1 && extra <= 6 * largest, `sends beyond one per entry: ${extra}, for 6 injected faults on requests of at most ${largest} entries`);
  assert.deepEqual(firstSendOrder(requests), listed, "first sends in creation order across both tabs");
  assertCompetition(seen);
  const applied = (await env.server.applied()).filter((a) => listed.includes(a.idempotencyKey));
  assert.deepEqual(applied.map((a) => a.idempotencyKey), listed, "applied in creation order");
  for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
});
