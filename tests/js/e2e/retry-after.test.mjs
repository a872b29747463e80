// Scenario 3 of issue 4: 503 with Retry-After: 1 twice, then 200: each retry waits at least the
// second the server asked for (backoff is set far shorter, so only Retry-After explains the
// wait), and the entry is sent and applied once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("503 with Retry-After: 1 twice, then sent; retries wait at least 1 s", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    // Timed by Chromium's own network timing: when each POST started and when its answer came.
    const requests = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/graphql/gcdirectory")) requests.push(r);
    });
    await page.evaluate(() => openClient({ database: "s3", outbox: { baseDelayMs: 20, maxDelayMs: 100 } }));
    await env.server.addFaults({ status: 503, retryAfter: "1", times: 2 });

    const r = await page.evaluate(() => call("modifyProfile", { gcId: "4", data: { titleEn: "Patient" } }));
    assert.equal(r.status, "queued", `a 503 leaves the entry queued: ${JSON.stringify(r)}`);
    const [settled] = await page.evaluate((id) => settleAll([id]), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    assert.equal(settled.data.titleEn, "Patient");

    assert.equal(requests.length, 3, "three attempts expected");
    const attempts = await Promise.all(requests.map(async (q) => ({
      key: q.headers()["idempotency-key"],
      status: (await q.response())?.status(),
      start: q.timing().startTime,
      answered: q.timing().startTime + Math.max(q.timing().responseStart, 0),
    })));
    assert.ok(attempts.every((a) => a.key === r.id), JSON.stringify(attempts));
    assert.deepEqual(attempts.map((a) => a.status), [503, 503, 200]);
    for (const i of [1, 2]) {
      const waited = attempts[i].start - attempts[i - 1].answered;
      assert.ok(waited >= 1000, `attempt ${i + 1} started ${waited} ms after the 503 that said Retry-After: 1`);
    }
    const retrying = await page.evaluate((id) => window.events.filter((e) => e.type === "retrying" && e.id === id), r.id);
    assert.equal(retrying.length, 2, `two retrying events expected: ${JSON.stringify(retrying)}`);
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => [a.idempotencyKey, a.timesApplied]), [[r.id, 1]]);
  } finally {
    await context.close();
  }
});
