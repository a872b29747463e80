// The timesheet app's service worker drains the outbox on Background Sync's `sync` event, with
// no tab of the app open: hours saved offline, the app's page closed, back online, and a `sync`
// event (dispatched through the DevTools protocol, as the browser would on connectivity) makes
// the service worker open the SDK and send them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer, launchBrowser, TestServer, waitFor, serviceWorkerSession } from "./harness.mjs";

const DIST = join(ROOT, "www", "dist");
const TOKEN = "ws-worker-token";

let server, browser, api;
before(async () => {
  if (!existsSync(join(DIST, "sw.js"))) throw new Error("www/dist is not built; run: bash -c 'source scripts/setup.sh && build_www'");
  server = await startServer({ www: DIST });
  api = new TestServer(server.url);
  try { browser = await launchBrowser(); } catch (e) { await server.stop(); throw e; }
});
after(async () => {
  try { await browser?.close(); } finally { await server?.stop(); }
});

const registrations = async (id) => {
  const r = await api.graphql("worksome", TOKEN, "query($id: ID!) { timesheet(id: $id) { registrations(first: 50) { data { date comments } } } }", { id });
  return r.data.timesheet.registrations.data;
};

test("the service worker sends what the closed app left, on `sync`", { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await page.getByRole("button", { name: /Wanda Worker/ }).click();
    await page.locator('.shell[data-ready="true"]').waitFor();
    await waitFor("the service worker to control the page", () => page.evaluate(() => !!navigator.serviceWorker.controller));
    const hasSync = await page.evaluate(async () => "sync" in (await navigator.serviceWorker.ready));
    assert.ok(hasSync, "this Chromium has Background Sync");

    await page.getByRole("combobox", { name: /^Hire/ }).selectOption("110");
    await page.getByLabel("Any day of the week").fill("2026-11-11");
    await page.getByRole("button", { name: "Start timesheet" }).click();
    await page.getByRole("status").filter({ hasText: "New timesheet: sent." }).waitFor();
    const tsId = await page.locator("section.sheet").first().getAttribute("data-timesheet");

    await context.setOffline(true);
    const card = page.locator("section.sheet").first();
    await card.getByRole("button", { name: "Add hours" }).click();
    await card.locator('input[name="comments"]').fill("Logged with no signal");
    await card.locator('form.regform button[type="submit"]').click();
    await page.getByRole("status").filter({ hasText: "saved on this device" }).waitFor();

    // Close the app: no page of it runs a client now. A blank same-origin page (the precached
    // icon) hosts the DevTools session that plays the browser's part.
    const cdpPage = await context.newPage();
    await cdpPage.goto(`${server.url}/icon.svg`);
    await page.close();
    const { cdp, registrationId } = await serviceWorkerSession(context, cdpPage, server.url);
    assert.deepEqual(await registrations(tsId), [], "nothing was sent while offline");

    await context.setOffline(false);
    await cdp.send("ServiceWorker.dispatchSyncEvent", {
      origin: server.url, registrationId, tag: "graphql-outbox:worksome-worker-3", lastChance: false,
    });
    await waitFor("the hours on the server", async () => (await registrations(tsId)).length === 1, 30_000);
    assert.equal((await registrations(tsId))[0].comments, "Logged with no signal");
  } finally {
    await context.close();
  }
});
