// Issue 7: two tabs of an app served over plain http from an intranet host name, where there
// are no Web Locks (`navigator.locks` exists only in secure contexts), drain one outbox at the
// same time. The claim each entry gets in IndexedDB before it is sent must keep them from ever
// sending one entry twice at once; here, with no faults, each entry is sent exactly once, in
// creation order. The server's request log (every request, replays included, with receive and
// answer times) is the judge: the applied log cannot see a duplicate send the server replayed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, gcMutation, overlappingSends } from "./harness.mjs";

const HOST = "outbox.internal";
const PER_TAB = 250;

let env;
before(async () => {
  // The name resolves to the loopback server, but the origin is not a secure context
  // (only localhost, 127.0.0.1 and https are), so Chromium gives its pages no navigator.locks.
  env = await startAll({ browserArgs: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
});
after(async () => { await env?.stop(); });

// Runs in every page before its scripts: records what this tab itself sends (fetch) and emits
// (BroadcastChannel posts; a tab's subscribers also see other tabs' events, so they cannot tell).
function instrument() {
  window.sends = [];
  window.posted = [];
  const fetch0 = window.fetch;
  window.fetch = async (input, init) => {
    const key = input instanceof Request ? input.headers.get("idempotency-key") : null;
    const row = { key, start: performance.now(), end: null };
    if (key) window.sends.push(row);
    try { return await fetch0(input, init); } finally { row.end = performance.now(); }
  };
  const post0 = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (msg) {
    try { window.posted.push(JSON.parse(msg).event); } catch { /* not an outbox event */ }
    return post0.call(this, msg);
  };
}

test("two tabs without Web Locks never send one entry at once; each entry once, in order", { timeout: 300_000 }, async () => {
  const url = env.url.replace("127.0.0.1", HOST);
  const context = await env.browser.newContext();
  await context.addInitScript(instrument);
  try {
    const tabs = [await openPage(context, url), await openPage(context, url)];
    for (const page of tabs) {
      const where = await page.evaluate(() => ({ locks: navigator.locks === undefined, secure: isSecureContext, origin: location.origin }));
      assert.deepEqual(where, { locks: true, secure: false, origin: url }, "the page must have no Web Locks");
    }

    // Offline, both tabs open a client on one database and user and queue at the same time.
    await context.setOffline(true);
    for (const page of tabs) await page.evaluate(() => openClient({ database: "no-locks" }));
    const queued = await Promise.all(tabs.map((page, t) => page.evaluate((calls) => callAll(calls),
      Array.from({ length: PER_TAB }, (_, i) => gcMutation(2 * i + t)))));
    queued.flat().forEach((r) => assert.equal(r.status, "queued", JSON.stringify(r)));
    const idsOf = queued.map((results) => results.map((r) => r.id));
    const listed = (await tabs[0].evaluate(() => window.client.outbox.list())).map((e) => e.id);
    assert.equal(listed.length, 2 * PER_TAB);
    assert.deepEqual(await env.server.requests(), [], "nothing sent while offline");

    // Online: both tabs get the `online` event and both call sync() at once.
    await context.setOffline(false);
    await Promise.all(tabs.map((page) => page.evaluate(() => { window.syncing = window.client.sync(); return true; })));
    const settled = await tabs[0].evaluate((ids) => settleAll(ids, 120_000), listed);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    await Promise.all(tabs.map((page) => page.evaluate(() => window.syncing)));

    // What each tab itself did: fetches, and the events it emitted.
    const seen = await Promise.all(tabs.map((page) => page.evaluate(() => ({
      sends: window.sends.length,
      sending: window.posted.filter((e) => e.type === "sending").length,
      busy: window.posted.filter((e) => e.type === "paused" && e.reason === "busy").length,
    }))));
    console.log(`per tab: ${JSON.stringify(seen)}`);

    // The server's view: every request, replays included.
    const requests = await env.server.requests();
    const byKey = await env.server.requestsByKey();
    const overlaps = overlappingSends(byKey);
    console.log(`requests: ${requests.length} for ${listed.length} entries; overlapping sends of one key: ${overlaps.length}`);
    assert.deepEqual(overlaps, [], "two sends of one key were in flight at once");
    assert.equal(requests.length - listed.length, 0, "sends beyond one per entry (no faults were injected)");
    assert.deepEqual([...byKey.keys()].sort(), [...listed].sort(), "every entry sent");
    // In order: each entry's send began after the previous entry's was answered.
    const bySend = [...requests].sort((a, b) => a.receivedMs - b.receivedMs);
    assert.deepEqual(bySend.map((r) => r.idempotencyKey), listed, "sent in creation order across both tabs");
    for (const ids of idsOf) {
      const mine = bySend.map((r) => r.idempotencyKey).filter((k) => ids.includes(k));
      assert.deepEqual(mine, ids, "a tab's entries were sent in the order it made them");
    }
    // Competition: both tabs attempted while the other drained (sent, or stopped at an entry
    // the other had claimed).
    for (const [t, s] of seen.entries()) {
      assert.ok(s.sending + s.busy > 0, `tab ${t} never tried to send: no competition (${JSON.stringify(seen)})`);
    }
    assert.equal(seen[0].sends + seen[1].sends, 2 * PER_TAB, "fetches made by the two tabs");

    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), listed, "applied in creation order");
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
  } finally {
    await context.close();
  }
});
