// Scenario 7 of issue 4: user A's entries queued offline are never sent by user B's client on
// the same origin and database; they are sent when A opens again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("user B never sends user A's queued entries; A's next open does", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    let page = await openPage(context, env.url);
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "s7", user: "alice", token: "gc-admin-token" }));
    const calls = Array.from({ length: 5 }, (_, i) => ["modifyProfile", { gcId: "1", data: { titleEn: `Alice ${i + 1}` } }]);
    const results = await page.evaluate((c) => callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const aliceIds = results.map((r) => r.id);
    await page.close();
    await context.setOffline(false);

    // Bob, online, on the same database: drains his own outbox only.
    page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "s7", user: "bob", token: "gc-user-uma-token" }));
    await page.evaluate(() => window.client.sync());
    const bobSees = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(bobSees.filter((e) => aliceIds.includes(e.id)), [], "bob's list shows alice's entries");
    const own = await page.evaluate(() => call("modifyProfile", { gcId: "2", data: { titleEn: "Bob was here" } }));
    assert.equal(own.status, "sent", `bob's own call: ${JSON.stringify(own)}`);
    await new Promise((r) => setTimeout(r, 1000));
    assert.deepEqual((await env.server.applied()).map((a) => a.idempotencyKey), [own.id], "only bob's entry reached the server");
    await page.close();

    // Alice again: her entries go.
    page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "s7", user: "alice", token: "gc-admin-token" }));
    const settled = await page.evaluate((i) => settleAll(i), aliceIds);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i + 1}: ${JSON.stringify(s)}`));
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), [own.id, ...aliceIds]);
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
  } finally {
    await context.close();
  }
});
