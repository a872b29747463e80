// Scenario 4 of issue 4: a GraphQL error on entry 3 of 10 makes it dead without blocking the
// other 9 (none depends on it); after the server state is fixed (the org tier it edits is
// created), retry(id) sends it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("entry 3 of 10 is dead on a GraphQL error, the others are sent; retry after the fix sends it", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "s4" }));
    // Org tier 3 does not exist yet (the fixtures have 1 and 2), so entry 3 fails with
    // E2TeamNotExist. The other entries edit profiles and never name tier 3.
    const profiles = ["1", "2", "4", "5"];
    const calls = Array.from({ length: 10 }, (_, i) => i === 2
      ? ["modifyOrgTier", { id: "3", data: { nameEn: "Fixed later" } }]
      : ["modifyProfile", { gcId: profiles[i % 4], data: { titleEn: `Step ${i + 1}` } }]);
    const results = await page.evaluate((c) => callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    const ids = results.map((r) => r.id);

    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i), ids);
    settled.forEach((s, i) => assert.equal(s.status, i === 2 ? "dead" : "sent", `entry ${i + 1}: ${JSON.stringify(s)}`));
    assert.equal(settled[2].errors?.[0]?.extensions?.code, "E2TeamNotExist", JSON.stringify(settled[2]));
    const dead = await page.evaluate(() => window.client.outbox.list({ state: "dead" }));
    assert.deepEqual(dead.map((e) => e.id), [ids[2]]);
    const others = ids.filter((_, i) => i !== 2);
    let applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => a.idempotencyKey), others, "the 9 others applied, in order");

    // Fix the server state: create org tier 3 (directly, not through the outbox), then retry.
    const created = await env.server.graphql("gcdirectory", "gc-admin-token",
      'mutation { createOrgTier(nameEn: "New", nameFr: "Nouveau", organization: {id: 1}, owner: {gcID: 1}) { id } }');
    assert.deepEqual(created, { data: { createOrgTier: { id: "3" } } });
    await page.evaluate((id) => window.client.outbox.retry(id), ids[2]);
    const [again] = await page.evaluate((id) => settleAll([id]), ids[2]);
    assert.equal(again.status, "sent", JSON.stringify(again));
    assert.equal(again.data.nameEn, "Fixed later");

    applied = await env.server.applied();
    // The direct createOrgTier (sent without a key) sits between the 9 and the retried entry.
    assert.deepEqual(applied.map((a) => [a.operation, a.idempotencyKey]),
      [...others.map((k) => ["modifyProfile", k]), ["createOrgTier", null], ["modifyOrgTier", ids[2]]]);
    for (const a of applied) assert.equal(a.timesApplied, 1, JSON.stringify(a));
    assert.deepEqual(await page.evaluate(() => window.client.outbox.list({ state: "dead" })), []);
  } finally {
    await context.close();
  }
});
