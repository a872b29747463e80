// Scenario 2 of issue 4: the server commits a mutation and its idempotency record, then drops the
// connection; the outbox retries with the same key and gets the stored response, applied once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage, overlappingSends } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("a response lost after commit is retried with the same key and applied once", { timeout: 120_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    const attempts = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/graphql/gcdirectory")) attempts.push(r.headers()["idempotency-key"]);
    });
    await page.evaluate(() => openClient({ database: "s2", outbox: { baseDelayMs: 200, maxDelayMs: 1000 } }));
    await env.server.addFaults({ operation: "modifyProfile", dropAfterCommit: true });

    const r = await page.evaluate(() => call("modifyProfile", { gcId: "2", data: { name: "Once Only" } }));
    assert.equal(r.status, "queued", `a lost response must leave the entry queued: ${JSON.stringify(r)}`);
    const [settled] = await page.evaluate((id) => settleAll([id]), r.id);
    assert.equal(settled.status, "sent", JSON.stringify(settled));
    assert.equal(settled.data.name, "Once Only");

    assert.deepEqual(await env.server.graphql("gcdirectory", "gc-admin-token", "{ profile(gcId: 2) { name } }"),
      { data: { profile: { name: "Once Only" } } });
    assert.deepEqual(await env.server.clearFaults(), { cleared: 0 }, "the drop fault must have fired");
    assert.ok(attempts.length >= 2 && attempts.every((k) => k === r.id),
      `expected at least two attempts, all with key ${r.id}: ${JSON.stringify(attempts)}`);
    const applied = await env.server.applied();
    assert.deepEqual(applied.map((a) => [a.idempotencyKey, a.timesApplied]), [[r.id, 1]]);
    // As the server saw it: the first request applied (its answer lost), then replays only,
    // one after another.
    const received = (await env.server.requestsByKey()).get(r.id);
    assert.equal(received.length, attempts.length, "every attempt reached the server");
    assert.deepEqual(received.map((q) => q.replayed), [false, ...received.slice(1).map(() => true)]);
    assert.deepEqual(overlappingSends(new Map([[r.id, received]])), [], "no attempt while another was in flight");
  } finally {
    await context.close();
  }
});
