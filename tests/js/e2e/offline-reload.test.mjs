// Scenario 1 of issue 4: offline, a mixed run of 200 mutations all queue; they survive a reload;
// back online they are all sent, and the server applied each idempotency key exactly once, in
// creation order. Every fourth mutation is a Worksome createJob, the rest GC Directory ones, so
// both APIs share one ordered outbox.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, gcMutation } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("200 mutations queued offline survive a reload and are applied once each, in order", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const worksome = await page.evaluate(() => hasWorksome());
    assert.ok(worksome, "the package must have client.worksome: the run mixes both APIs");
    await context.setOffline(true);
    await page.evaluate((w) => openClient({ database: "s1", worksome: w }), worksome);
    const calls = Array.from({ length: 200 }, (_, i) => (i % 4 === 3
      ? ["createJob", { company: "1", name: `Job ${i}`, skills: ["rust"] }, "worksome"]
      : gcMutation(i)));
    const results = await page.evaluate((c) => callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);
    assert.equal(new Set(ids).size, 200, "ids are not unique");

    // Reload. The client is closed first so the page load (which needs the network) does not
    // give it a chance to drain; the new page opens its client offline again.
    await page.evaluate(() => window.client.close());
    await context.setOffline(false);
    await page.reload();
    await page.evaluate(() => window.outboxReady);
    await context.setOffline(true);
    await page.evaluate((w) => openClient({ database: "s1", worksome: w }), worksome);
    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.id), ids, "after the reload the outbox holds the 200 entries in creation order");
    assert.deepEqual(listed.map((e) => e.operation), calls.map(([op]) => op));
    for (const e of listed) assert.equal(e.state, "queued", JSON.stringify(e));
    assert.deepEqual(await env.server.applied(), [], "nothing may reach the server while offline");

    // Online: the `online` event starts the drain.
    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i, 60000), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));

    const applied = await env.server.applied();
    assert.deepEqual(applied.map((r) => r.idempotencyKey), ids, "applied in creation order, each key once");
    assert.deepEqual(applied.map((r) => [r.api, r.operation]), calls.map(([op, , api]) => [api ?? "gcdirectory", op]));
    for (const r of applied) assert.equal(r.timesApplied, 1, JSON.stringify(r));
    // Sends, not only applications (the server replays a known key without applying it).
    const byKey = await env.server.requestsByKey();
    for (const id of ids) assert.equal(byKey.get(id)?.length, 1, `key ${id} was received ${byKey.get(id)?.length ?? 0} times`);
    const stats = await page.evaluate(() => window.client.outbox.stats());
    assert.equal(stats.byState.queued ?? 0, 0, JSON.stringify(stats));
  } finally {
    await context.close();
  }
});
