// Issue 7's error contract, online: a call that rejects ValidationError or ConfigError stored
// nothing and sent nothing — asserted on outbox.list() and on the requests the server received
// (not only on its applied log) — while a valid call right after is stored, sent once, and seen.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAll, openPage } from "./harness.mjs";

let env;
before(async () => { env = await startAll(); });
after(async () => { await env?.stop(); });

test("ValidationError and ConfigError store nothing and send nothing", { timeout: 60_000 }, async () => {
  const context = await env.browser.newContext();
  try {
    const page = await openPage(context, env.url);
    await page.evaluate(() => openClient({ database: "nothing-stored" })); // GC Directory endpoint only
    const rejected = await page.evaluate(async () => {
      const attempts = [
        () => window.client.gcdirectory.modifyProfile({ gcId: "1", data: { address: { postalCode: "nope" } } }),
        () => window.client.gcdirectory.modifyApproval({ id: "23", data: { status: "Maybe" } }),
        () => window.client.gcdirectory.deleteOrgTier({ id: "3" }, { dependsOn: "not a list" }),
        () => window.client.gcdirectory.createOrgTier(42),
        // A valid Worksome call, but this client has no Worksome endpoint.
        () => window.client.worksome.createJob({ company: "1", name: "No endpoint", skills: ["rust"] }),
      ];
      const out = [];
      for (const a of attempts) out.push(await a().then((r) => ({ resolved: r }), (e) => e.name));
      return out;
    });
    assert.deepEqual(rejected, ["ValidationError", "ValidationError", "ValidationError", "ValidationError", "ConfigError"]);
    assert.deepEqual(await page.evaluate(() => window.client.outbox.list()), [], "nothing stored");
    assert.deepEqual(await env.server.requests(), [], "nothing received by the server");
    // The same client, a valid call: stored, sent once, and the server's log shows it.
    const ok = await page.evaluate(() => call("modifyProfile", { gcId: "1", data: { titleEn: "valid" } }));
    assert.equal(ok.status, "sent", JSON.stringify(ok));
    const received = await env.server.requests();
    assert.deepEqual(received.map((r) => r.idempotencyKey), [ok.id]);
    assert.deepEqual((await page.evaluate(() => window.client.outbox.list())).map((e) => e.id), [ok.id]);
  } finally {
    await context.close();
  }
});
