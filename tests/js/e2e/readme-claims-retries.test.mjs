// README "Retries" and the `outbox` options of Client.open, proven in Chromium against the
// reference server's fault injection (issue 7):
// - after `maxHttpAttempts` 5xx/408/429 answers the entry is dead and the call / settled(id)
//   report a NetworkError (and not one request more is made);
// - `baseDelayMs` and `maxDelayMs` set the backoff: every wait is below
//   min(maxDelayMs, baseDelayMs * 2^(n-1)), measured both on the entry's `nextAttemptAt` and on
//   when the next attempt really started. The chosen values are far from the defaults (1000 ms,
//   60 000 ms, 10 attempts), so an SDK that ignored an option fails here.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, freshPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });
// Every test adds its own faults; none may leak into the next one.
const fresh = () => freshPage(env);

/** The `sending` and `retrying` events of `id`, in order, with the page's `at` timestamps. */
const eventsOf = (page, id) => page.evaluate((i) => window.events.filter((e) => e.id === i && (e.type === "sending" || e.type === "retrying")), id);

// How late after its due time an attempt may start (timer, lock, IndexedDB, fetch start).
const SLACK_MS = 500;

test("maxHttpAttempts: 1 — one 503 and the call itself rejects NetworkError; settled reports dead", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-max1", outbox: { maxHttpAttempts: 1 } }));
    await env.server.addFaults({ api: "gcdirectory", status: 503, times: 1 });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Never" } }));
    assert.equal(r.error?.name, "NetworkError", `the call must reject NetworkError: ${JSON.stringify(r)}`);
    assert.equal(r.error.details?.status, 503, JSON.stringify(r));
    const id = r.error.details?.id;
    assert.ok(id, `details.id names the entry: ${JSON.stringify(r)}`);
    const [settled] = await page.evaluate((i) => settleAll([i], 5000), id);
    assert.equal(settled.status, "dead", JSON.stringify(settled));
    assert.equal(settled.error?.kind, "http", JSON.stringify(settled));
    assert.equal(settled.error?.status, 503, JSON.stringify(settled));
    // No fault is left: one more attempt would succeed, so only a dead entry explains silence.
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(requests.length, 1, "exactly one attempt");
    const [listed] = await page.evaluate((i) => window.client.outbox.list().then((l) => l.filter((e) => e.id === i)), id);
    assert.equal(listed.state, "dead", JSON.stringify(listed));
    assert.equal(listed.attempts, 1, JSON.stringify(listed));
    assert.deepEqual((await env.server.applied()).filter((a) => a.idempotencyKey === id), []);
  } finally {
    await context.close();
  }
});

test("maxHttpAttempts: 3 — 503, 429, 408 and the entry is dead after exactly 3 requests", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-max3", outbox: { maxHttpAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 } }));
    await env.server.addFaults([
      { api: "gcdirectory", status: 503, times: 1 },
      { api: "gcdirectory", status: 429, times: 1 },
      { api: "gcdirectory", status: 408, times: 1 },
    ]);
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Never either" } }));
    assert.equal(r.status, "queued", `a 503 with attempts left queues: ${JSON.stringify(r)}`);
    const [settled] = await page.evaluate((i) => settleAll([i], 15000), r.id);
    assert.equal(settled.status, "dead", `a 4th attempt (which would succeed) must not happen: ${JSON.stringify(settled)}`);
    assert.equal(settled.error?.kind, "http", JSON.stringify(settled));
    assert.equal(settled.error?.status, 408, "the last answer is reported");
    await new Promise((res) => setTimeout(res, 1000));
    const statuses = await Promise.all(requests.map(async (q) => (await q.request.response())?.status()));
    assert.deepEqual(statuses, [503, 429, 408]);
    const dead = await page.evaluate(() => window.events.filter((e) => e.type === "dead"));
    assert.equal(dead.length, 1, JSON.stringify(dead));
    assert.equal(dead[0].error?.status, 408, JSON.stringify(dead));
    assert.deepEqual((await env.server.applied()).filter((a) => a.idempotencyKey === r.id), []);
  } finally {
    await context.close();
  }
});

test("maxHttpAttempts: 2 — network errors do not count: three offline attempts, one 503, then sent", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "claims-max2-network", outbox: { maxHttpAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 } }));
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "Counted once" } }));
    assert.equal(r.status, "queued", JSON.stringify(r));
    // Offline, sync() still tries: three attempts that get no answer at all.
    for (let i = 0; i < 3; i++) await page.evaluate(() => window.client.sync());
    const [e] = await page.evaluate((id) => window.client.outbox.list().then((l) => l.filter((x) => x.id === id)), r.id);
    assert.equal(e.attempts, 3, JSON.stringify(e));
    assert.equal(e.lastError?.kind, "network", JSON.stringify(e));
    // Online: one 503 (the first HTTP failure of 2 allowed), then the retry succeeds. Had the
    // network errors counted, the 503 would be the 4th failure and the entry dead.
    await env.server.addFaults({ api: "gcdirectory", status: 503, times: 1 });
    await context.setOffline(false);
    const [settled] = await page.evaluate((id) => settleAll([id], 10000), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    const statuses = await Promise.all(requests.filter((q) => q.key === r.id).map(async (q) => (await q.request.response())?.status()));
    assert.deepEqual(statuses.slice(-2), [503, 200], `the last two attempts: ${JSON.stringify(statuses)}`);
  } finally {
    await context.close();
  }
});

/**
 * Checks the waits of `id`'s attempts: each `retrying` event's nextAttemptAt is less than
 * `ceiling(n)` after the event, and the next `sending` starts no later than that plus slack.
 */
async function checkWaits(page, id, ceiling, expectedRetries) {
  const evs = await eventsOf(page, id);
  const retrying = evs.filter((e) => e.type === "retrying");
  const sending = evs.filter((e) => e.type === "sending");
  assert.equal(retrying.length, expectedRetries, JSON.stringify(evs));
  assert.equal(sending.length, expectedRetries + 1, JSON.stringify(evs));
  retrying.forEach((e, i) => {
    const n = i + 1;
    const planned = e.nextAttemptAt - e.at;
    assert.ok(planned < ceiling(n), `retry ${n}: nextAttemptAt is ${planned} ms after the failure, the ceiling is ${ceiling(n)}`);
    const waited = sending[i + 1].at - e.at;
    assert.ok(waited < ceiling(n) + SLACK_MS, `retry ${n}: the next attempt started ${waited} ms after the failure (ceiling ${ceiling(n)} + ${SLACK_MS} slack)`);
  });
}

test("baseDelayMs: 10 — five retries wait under 10, 20, 40, 80, 160 ms (defaults would be seconds)", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-base", outbox: { baseDelayMs: 10 } }));
    await env.server.addFaults({ api: "gcdirectory", status: 503, times: 5 });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Quick" } }));
    assert.equal(r.status, "queued", JSON.stringify(r));
    // With the default base (1000 ms) the five waits average 15 s: this deadline alone would fail.
    const [settled] = await page.evaluate((i) => settleAll([i], 8000), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    assert.equal(requests.length, 6);
    await checkWaits(page, r.id, (n) => 10 * 2 ** (n - 1), 5);
  } finally {
    await context.close();
  }
});

test("maxDelayMs: 30 caps a huge baseDelayMs — three retries each wait under 30 ms", { timeout: 60_000 }, async () => {
  const { context, page, requests } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-cap", outbox: { baseDelayMs: 100000, maxDelayMs: 30 } }));
    await env.server.addFaults({ api: "gcdirectory", status: 503, times: 3 });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "5", data: { titleEn: "Capped" } }));
    assert.equal(r.status, "queued", JSON.stringify(r));
    const [settled] = await page.evaluate((i) => settleAll([i], 8000), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    assert.equal(requests.length, 4);
    await checkWaits(page, r.id, () => 30, 3);
  } finally {
    await context.close();
  }
});

// README "Errors": NetworkError details are `{ status, retryAfterMs, id }`. This test found
// retryAfterMs always null; the entry's last error now keeps the server's Retry-After.
test("maxHttpAttempts: 1 — a 503 with Retry-After: 7 gives NetworkError details.retryAfterMs 7000", {
  timeout: 60_000,
}, async () => {
  const { context, page } = await fresh();
  try {
    await page.evaluate(() => openClient({ database: "claims-retry-after-ms", outbox: { maxHttpAttempts: 1 } }));
    await env.server.addFaults({ api: "gcdirectory", status: 503, retryAfter: "7", times: 1 });
    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Told to wait" } }));
    assert.equal(r.error?.name, "NetworkError", JSON.stringify(r));
    assert.equal(r.error.details?.status, 503, JSON.stringify(r));
    assert.ok("retryAfterMs" in (r.error.details ?? {}), `details has retryAfterMs: ${JSON.stringify(r)}`);
    assert.equal(r.error.details.retryAfterMs, 7000, `details.retryAfterMs: ${JSON.stringify(r.error.details)}`);
  } finally {
    await context.close();
  }
});
