// README "Entries survive reloads, tab closes and browser restarts" (issue 7): with a persistent
// Chromium profile, entries queued offline are still listed after the whole browser was closed
// and launched again on the same profile directory, and are then sent, each applied once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startServer, TestServer, CHROMIUM_FLAGS, openPage } from "./harness.mjs";

let server;
let profile;
before(async () => {
  server = await startServer();
  profile = await mkdtemp(join(tmpdir(), "outbox-profile-"));
});
after(async () => {
  await server?.stop();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const launch = () => chromium.launchPersistentContext(profile, { executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS, headless: true });

test("entries queued offline survive a browser restart, are listed, then sent once each", { timeout: 120_000 }, async () => {
  const api = new TestServer(server.url);
  const calls = Array.from({ length: 5 }, (_, i) => ["modifyProfile", { gcId: ["1", "2", "4", "5"][i % 4], data: { titleEn: `Restart ${i}` } }]);

  // First browser: queue offline, then close the whole browser.
  let ids;
  let context = await launch();
  try {
    const page = await openPage(context, server.url);
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "claims-restart" }));
    const results = await page.evaluate((c) => callAll(c), calls);
    results.forEach((r, i) => assert.equal(r.status, "queued", `call ${i}: ${JSON.stringify(r)}`));
    ids = results.map((r) => r.id);
  } finally {
    await context.close();
  }
  assert.deepEqual(await api.applied(), [], "nothing was sent before the restart");

  // Second browser on the same profile: the entries are there, then they are sent.
  context = await launch();
  try {
    const page = await openPage(context, server.url); // online, to load the page
    await context.setOffline(true);
    await page.evaluate(() => openClient({ database: "claims-restart" }));
    const listed = await page.evaluate(() => window.client.outbox.list());
    assert.deepEqual(listed.map((e) => e.id), ids, "the restarted browser lists the entries in creation order");
    assert.deepEqual(listed.map((e) => e.variables.data.titleEn), calls.map(([, a]) => a.data.titleEn));
    for (const e of listed) assert.equal(e.state, "queued", JSON.stringify(e));

    await context.setOffline(false);
    const settled = await page.evaluate((i) => settleAll(i, 20000), ids);
    settled.forEach((s, i) => assert.equal(s.status, "sent", `entry ${i}: ${JSON.stringify(s)}`));
    const applied = await api.applied();
    assert.deepEqual(applied.map((a) => [a.idempotencyKey, a.timesApplied]), ids.map((id) => [id, 1]), "applied once each, in order");
  } finally {
    await context.close();
  }
});
