// Issue 7, the queue's edges in a real browser: a stalled request is aborted after
// requestTimeoutMs; close() with 50 calls in flight keeps the error contract; discard() of the
// head waiting out a long backoff lets the rest go at once; purge(otherUser) waits for that
// user's drainer; a backoff longer than setTimeout's limit does not become a tight loop.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, waitFor } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

/** Counts the page's POSTs to the GC Directory endpoint, with their idempotency keys. */
function countPosts(page) {
  const keys = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && r.url().endsWith("/graphql/gcdirectory")) keys.push(r.headers()["idempotency-key"]);
  });
  return keys;
}

async function withPage(fn) {
  const context = await env.browser.newContext();
  try {
    await env.server.clearFaults();
    await fn(await openPage(context, env.url), context);
  } finally {
    await context.close();
    await env.server.clearFaults();
  }
}

test("a stalled request is aborted after requestTimeoutMs and retried with the same key", { timeout: 60_000 }, () => withPage(async (page) => {
  const keys = countPosts(page);
  await page.evaluate(() => openClient({ database: "timeout", extra: { requestTimeoutMs: 500 }, outbox: { baseDelayMs: 10, maxDelayMs: 50 } }));
  await env.server.addFaults({ operation: "modifyProfile", delayMs: 3000 });
  const t0 = Date.now();
  const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "stalled" } }));
  assert.equal(r.status, "queued", JSON.stringify(r));
  assert.ok(Date.now() - t0 < 2500, `the call answered after ${Date.now() - t0} ms, before the server did`);
  const retrying = await page.evaluate(() => window.events.find((e) => e.type === "retrying"));
  assert.match(retrying.error.message, /no answer within 500 ms/);
  const settled = await page.evaluate((id) => window.client.outbox.settled(id), r.id);
  assert.equal(settled.status, "sent");
  assert.ok(keys.length >= 2 && keys.every((k) => k === r.id), JSON.stringify(keys));
  await waitFor("the stalled request to finish on the server", async () => (await env.server.applied()).some((a) => a.idempotencyKey === r.id));
  const applied = (await env.server.applied()).filter((a) => a.idempotencyKey === r.id);
  assert.equal(applied[0].timesApplied, 1, "applied once although sent twice");
}));

test("close() with 50 calls in flight: each call resolves or rejects StorageError, and exactly the resolved ones are stored", { timeout: 60_000 }, () => withPage(async (page) => {
  // Online, so calls are mid-drain when the database closes under them.
  await page.evaluate(() => openClient({ database: "closing" }));
  const outcomes = await page.evaluate(async () => {
    const calls = [];
    // Close once ten entries are stored: those are mid-drain, the rest mid-write or not yet.
    let stored = 0;
    window.client.outbox.subscribe((e) => { if (e.type === "queued" && ++stored === 10) window.client.close(); });
    for (let i = 0; i < 50; i++) {
      calls.push(window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: `closing ${i}` } })
        .then((r) => ({ status: r.status, id: r.id }), (e) => ({ name: e.name, reason: e.details?.reason, id: e.details?.id })));
    }
    await Promise.allSettled(calls);
    const after = await window.client.gcdirectory.modifyProfile({ gcId: "2", data: { titleEn: "after close" } })
      .then((r) => ({ status: r.status }), (e) => ({ name: e.name, reason: e.details?.reason }));
    return { calls: await Promise.all(calls), after };
  });
  for (const o of outcomes.calls) {
    assert.ok(o.status === "queued" || o.status === "sent" || (o.name === "StorageError" && !o.id), JSON.stringify(o));
  }
  const counts = outcomes.calls.reduce((c, o) => ({ ...c, [o.status ?? o.name]: (c[o.status ?? o.name] ?? 0) + 1 }), {});
  console.log(`# close() with 50 calls in flight: ${JSON.stringify(counts)}`);
  assert.deepEqual(outcomes.after, { name: "StorageError", reason: "unavailable" }, "a call after close() stores nothing");
  await page.evaluate(() => openClient({ database: "closing" }));
  const stored = await page.evaluate(() => window.client.outbox.list().then((l) => l.map((e) => e.id)));
  const resolved = outcomes.calls.filter((o) => o.status).map((o) => o.id);
  assert.deepEqual(stored.sort(), resolved.sort(), "stored = resolved: a rejected call stored nothing, a resolved one is kept");
}));

test("discard() of the head entry waiting out a long backoff lets the next entries go at once", { timeout: 60_000 }, () => withPage(async (page) => {
  await page.evaluate(() => openClient({ database: "discard-head" }));
  await env.server.addFaults({ status: 503, retryAfter: "3600" });
  const head = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "head" } }));
  const next = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "behind the head" } }));
  assert.equal(head.status, "queued");
  assert.equal(next.status, "queued", "waits behind the head (order)");
  const t0 = Date.now();
  await page.evaluate((id) => window.client.outbox.discard(id), head.id);
  const settled = await page.evaluate((id) => window.client.outbox.settled(id), next.id);
  assert.equal(settled.status, "sent");
  assert.ok(Date.now() - t0 < 3000, `sent ${Date.now() - t0} ms after the discard`);
}));

test("purge(otherUser) waits for that user's drainer instead of deleting under it", { timeout: 60_000 }, () => withPage(async (page) => {
  const alice = await page.context().newPage();
  await alice.goto(`${env.url}/index.html`);
  await alice.evaluate(() => window.outboxReady);
  await alice.evaluate(() => openClient({ database: "purge-lock", user: "alice" }));
  await page.evaluate(() => openClient({ database: "purge-lock", user: "bob" }));
  await env.server.addFaults({ operation: "modifyProfile", delayMs: 1500 });
  const sending = alice.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "in flight" } }));
  await waitFor("alice's send to start", () => alice.evaluate(() => window.events.some((e) => e.type === "sending")));
  const purged = await page.evaluate(async () => ({ n: await window.client.outbox.purge("alice"), at: Date.now() }));
  const r = await sending;
  assert.equal(r.status, "sent", JSON.stringify(r));
  const sentAt = await alice.evaluate(() => window.events.find((e) => e.type === "sent").at);
  assert.ok(purged.at >= sentAt, `purge finished at ${purged.at}, before alice's pass ended at ${sentAt}`);
  assert.equal(purged.n, 1, "it deleted alice's (now sent) entry");
}));

test("a backoff longer than setTimeout's limit (2^31-1 ms) waits instead of looping", { timeout: 60_000 }, () => withPage(async (page) => {
  const keys = countPosts(page);
  await page.evaluate(() => openClient({ database: "huge-backoff", outbox: { baseDelayMs: 3e9, maxDelayMs: 4e9 } }));
  await env.server.addFaults({ status: 503, times: 1000 });
  const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "far off" } }));
  assert.equal(r.status, "queued");
  await new Promise((ok) => setTimeout(ok, 1500));
  // The jitter may draw a short wait once in a while; a tight loop sends hundreds.
  assert.ok(keys.length <= 3, `${keys.length} requests in 1.5 s`);
}));
