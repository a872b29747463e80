// The MV3 extension example (examples/extension), loaded unpacked in Chromium: its popup asks
// the extension's service worker to save a GC Directory title; online it is sent at once;
// offline it waits in the worker's outbox; the browser is then closed (the worker with it) and
// started again online on the same profile, and the new worker sends it, applied once.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { CHROMIUM_FLAGS, ROOT, startServer, TestServer, waitFor } from "./harness.mjs";

let server, api, context, extDir, profile;
before(async () => {
  extDir = mkdtempSync(join(tmpdir(), "outbox-ext-"));
  execFileSync(join(ROOT, "examples", "extension", "build.sh"), [extDir], { stdio: "ignore" });
  server = await startServer();
  api = new TestServer(server.url);
  profile = mkdtempSync(join(tmpdir(), "outbox-ext-profile-"));
  try { context = await launch(); } catch (e) { await server.stop(); throw e; }
});
after(async () => {
  try { await context?.close(); } finally {
    await server?.stop();
    for (const d of [extDir, profile]) if (d) rmSync(d, { recursive: true, force: true });
  }
});

/** Chromium on the test's on-disk profile with the unpacked extension loaded. */
function launch() {
  return chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: false, // --headless=new below: the old headless mode loads no extensions
    args: [...CHROMIUM_FLAGS.filter((f) => f !== "--headless"), "--headless=new",
           `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`],
  });
}

const extensionWorker = () => context.serviceWorkers().find((w) => w.url().startsWith("chrome-extension://"));

async function openPopup(id) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${id}/popup.html`);
  await page.locator("#gcId option").first().waitFor({ state: "attached" });
  return page;
}

async function save(popup, title) {
  await popup.fill("#titleEn", title);
  await popup.click('#title button[type="submit"]');
  await waitFor(`"${title}" saved`, async () => /^(Sent|Saved)/.test(await popup.textContent("#status")));
  return popup.textContent("#status");
}

const uma = () => api.graphql("gcdirectory", "gc-admin-token", '{ profile(gcId: "2") { titleEn } }').then((r) => r.data.profile.titleEn);

test("the extension's service worker queues offline, survives being stopped, and syncs", { timeout: 120_000 }, async () => {
  const worker = extensionWorker() ?? await context.waitForEvent("serviceworker", { predicate: (w) => w.url().startsWith("chrome-extension://") });
  const id = new URL(worker.url()).host;

  let popup = await openPopup(id);
  await popup.fill("#server", server.url);
  await popup.selectOption("#gcId", "2");
  await popup.click('#settings button[type="submit"]');
  await waitFor("settings saved", async () => (await popup.textContent("#status")) === "Settings saved.");

  // Online: sent at once.
  assert.equal(await save(popup, "Analyst (online)"), "Sent.");
  assert.equal(await uma(), "Analyst (online)");

  // Offline: kept in the worker's outbox.
  await context.setOffline(true);
  assert.match(await save(popup, "Senior Analyst (queued offline)"), /^Saved; it will be sent/);
  await waitFor("1 waiting", async () => (await popup.textContent("#pending")) === "1");
  assert.equal((await api.applied()).length, 1, "nothing reached the server while offline");

  // Stop the worker the hard way: close the browser (the worker goes with it; the entry is only
  // in IndexedDB), then start it again on the same profile, online.
  await popup.close();
  await context.close();
  context = await launch();
  await waitFor("the extension's worker after the restart", async () => !!extensionWorker());

  // The new worker opens its client (on startup, or the popup's first message), which drains.
  popup = await openPopup(id);
  await waitFor("0 waiting", async () => (await popup.textContent("#pending")) === "0", 30_000);
  const applied = await api.applied();
  assert.deepEqual(applied.map((r) => [r.api, r.operation, r.timesApplied]),
    [["gcdirectory", "modifyProfile", 1], ["gcdirectory", "modifyProfile", 1]], "both applied once, in order");
  assert.equal(await uma(), "Senior Analyst (queued offline)");
});
