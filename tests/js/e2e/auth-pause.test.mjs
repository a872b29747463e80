// Scenario 5 of issue 4: a 401 in the middle of the queue pauses the outbox (it does not retry
// on its own, and the entry is not failed); a new token drains the rest.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("a 401 mid-queue pauses the outbox until a new token; then the rest drains", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "s5", token: "gc-admin-token", outbox: { baseDelayMs: 50, maxDelayMs: 200 } }));
    const calls = Array.from({ length: 10 }, (_, i) => ["modifyProfile", { gcId: ["1", "2", "4", "5"][i % 4], data: { titleEn: `Shift ${i + 1}` } }]);
    const results = await page.evaluate((c) => callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);
    // The old token "expires" after one request: the first batch (entries 1-4; entry 5 edits
    // profile 1 again, so it depends on entry 1 and starts the next batch).
    await env.server.addFaults({ token: "gc-admin-token", skip: 1, status: 401, times: 1000 });

    await context.setOffline(false);
    await page.waitForFunction(() => window.events.some((e) => e.type === "paused" && e.reason === "auth"), null, { timeout: 20000 });
    assert.deepEqual((await env.server.applied()).map((a) => a.idempotencyKey), ids.slice(0, 4));
    const listed = await page.evaluate(() => window.client.outbox.list());
    const state = (i) => listed.find((e) => e.id === ids[i])?.state;
    const states = JSON.stringify(listed.map((e) => [e.id, e.state]));
    assert.equal(state(4), "auth", `entry 5 waits for a token: ${states}`);
    for (let i = 5; i < 10; i++) assert.ok(!["sent", "dead"].includes(state(i)), `entry ${i + 1} moved on: ${states}`);
    assert.equal(await page.evaluate(() => window.client.outbox.list({ state: "dead" }).then((d) => d.length)), 0);

    // Paused means paused: nothing is sent on a timer while the token is the same.
    const posts = [];
    page.on("request", (r) => { if (r.method() === "POST") posts.push(r.url()); });
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(posts, [], "the outbox kept sending while paused for auth");
    assert.equal((await env.server.applied()).length, 4);

    await env.server.addToken("gcdirectory", "admin-refreshed", "gc-admin-token");
    await page.evaluate(() => { window.currentToken = "admin-refreshed"; window.client.setToken("admin-refreshed"); });
    const settled = await page.evaluate((i) => settleAll(i), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i + 1}: ${JSON.stringify(s)}`));
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), ids);
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
  } finally {
    await context.close();
  }
});
