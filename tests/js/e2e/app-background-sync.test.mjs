// The timesheet app's service worker drains the outbox on Background Sync's `sync` event, with
// no tab of the app open: hours saved offline, the app's page closed, back online, and a `sync`
// event (dispatched through the DevTools protocol, as the browser would on connectivity) makes
// the service worker open the SDK and send them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { waitFor, serviceWorkerSession } from "./harness.mjs";
import { startApp, TOKEN, signIn, said, startTimesheet } from "./app-harness.mjs";

let server, browser, api;
before(async () => { ({ browser, api } = server = await startApp()); });
after(async () => { await server?.stop(); });

const registrations = async (id) => {
  const r = await api.graphql("worksome", TOKEN, "query($id: ID!) { timesheet(id: $id) { registrations(first: 50) { data { date comments } } } }", { id });
  return r.data.timesheet.registrations.data;
};

test("the service worker sends what the closed app left, on `sync`", { timeout: 120_000 }, async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await signIn(page, server.url);
    const hasSync = await page.evaluate(async () => "sync" in (await navigator.serviceWorker.ready));
    assert.ok(hasSync, "this Chromium has Background Sync");

    const sheet = await startTimesheet(page, "2026-11-11");
    await said(page, "New timesheet: sent.");
    const tsId = await sheet.getAttribute("data-timesheet");

    await context.setOffline(true);
    const card = page.locator("section.sheet").first();
    await card.getByRole("button", { name: "Add hours" }).click();
    await card.locator('input[name="comments"]').fill("Logged with no signal");
    await card.locator('form.regform button[type="submit"]').click();
    await said(page, "saved on this device");

    // Close the app: no page of it runs a client now. A blank same-origin page (the precached
    // icon) hosts the DevTools session that plays the browser's part.
    const cdpPage = await context.newPage();
    await cdpPage.goto(`${server.url}/icon.svg`);
    await page.close();
    const { cdp, registrationId } = await serviceWorkerSession(context, cdpPage, server.url);
    assert.deepEqual(await registrations(tsId), [], "nothing was sent while offline");

    await context.setOffline(false);
    await cdp.send("ServiceWorker.dispatchSyncEvent", {
      origin: server.url, registrationId, // The SDK's tag for the app's queue (`<database name>:<user>`, www/src/client.ts).
      tag: "graphql-outbox:timesheets:worksome-worker-3", lastChance: false,
    });
    await waitFor("the hours on the server", async () => (await registrations(tsId)).length === 1, 30_000);
    assert.equal((await registrations(tsId))[0].comments, "Logged with no signal");
  } finally {
    await context.close();
  }
});
