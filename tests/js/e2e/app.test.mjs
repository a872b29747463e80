// The timesheet app (www/, built into www/dist by scripts/setup.sh's build_www) against the
// reference server, as a worker uses it: online, a timesheet and a day's hours reach the server;
// offline, three more days and an edit wait in the outbox (4 pending); a reload while still
// offline loads the app from its service worker and still shows them; back online the panel
// drains to 0 and the server holds exactly those registrations; a forced server error shows a
// dead entry whose Retry works once the fault is cleared. Screenshots (phone 390 px and desktop)
// go to tests/js/e2e/screenshots/ (ignored by git).
//
// Reads go through the offline cache (issue 8): the server's timesheet (made online) is shown
// from the cache after the offline reload, with this device's unsent work on top (cache +
// outbox). Then a timesheet made offline gets hours through its placeholder (issue 9).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor } from "./harness.mjs";
import { startApp, SHOTS, PHONE, watchedPage, signIn, pendingCount, said, startTimesheet, fillRegistration, shoot, serverTimesheet as readTimesheet } from "./app-harness.mjs";

let server, browser, api;
before(async () => { ({ browser, api } = server = await startApp()); });
after(async () => { await server?.stop(); });

/** The timesheet `id` as the server has it, with its live registrations. */
const serverTimesheet = (id) => readTimesheet(server.url, id);

test("the timesheet app: online, offline with a reload, back online, and a dead entry retried", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: PHONE });
  // The browser itself logs each refused request; the injected 400 below is one on purpose.
  const { page, problems } = await watchedPage(context, /Failed to load resource: the server responded with a status of 400/);
  try {
    // First visit, online: sign in; the service worker installs and takes control.
    const listReads = [];
    page.on("response", (r) => {
      if (r.url().endsWith("/graphql/worksome") && /\btimesheets\(/.test(r.request().postData() ?? "")) listReads.push(r.status());
    });
    await signIn(page, server.url);
    // The list comes from the server through the cache (the watch may answer again from the
    // cache when another query writes to it, so the shell's data-source can say either);
    // no "reads are limited" notice.
    assert.deepEqual(listReads, [200], "the list was read from the server once");
    assert.equal(await page.getByTestId("notice").count(), 0, "no notice while the cache answers");

    // Online: a new timesheet for hire 110, week of 2026-11-02, sent at once.
    // The hires come from the viewer query: a picker, not a typed id.
    const card = await startTimesheet(page, "2026-11-04");
    await said(page, "New timesheet: sent.");
    const tsId = await card.getAttribute("data-timesheet");
    assert.match(tsId, /^\d+$/, "the card carries the server's id");
    const created = await serverTimesheet(tsId);
    assert.deepEqual([created.startDate, created.endDate, created.hire.id], ["2026-11-02", "2026-11-08", "110"]);

    // Online: Monday's hours, sent; the app learns the registration's id from the answer.
    await card.getByRole("button", { name: "Add hours" }).click();
    await fillRegistration(card, { day: "2026-11-02", start: "08:00", end: "16:00", comment: "Site survey" });
    await said(page, "Hours added: sent.");
    const monday = card.locator("li[data-registration]").first();
    await waitFor("Monday's server id", async () => /^\d+$/.test(await monday.getAttribute("data-registration")));
    await waitFor("nothing pending", async () => (await pendingCount(page)) === 0);
    const mondayId = await monday.getAttribute("data-registration");
    await shoot(page, "1-online");

    // Offline: three more days, and Monday's hours changed: 4 entries wait.
    await context.setOffline(true);
    await page.getByTestId("network").filter({ hasText: "Offline" }).waitFor();
    for (const [day, comment] of [["2026-11-03", "Foundations"], ["2026-11-04", "Framing"], ["2026-11-05", "Roofing"]]) {
      await card.getByRole("button", { name: "Add hours" }).click();
      await fillRegistration(card, { day, start: "07:30", end: "15:30", comment });
      await said(page, "Hours added: saved on this device");
    }
    await monday.getByRole("button", { name: /^Edit/ }).click();
    await fillRegistration(monday, { start: "08:00", end: "17:00", comment: "Site survey, long day" });
    await said(page, "Hours changed: saved on this device");
    await waitFor("4 pending", async () => (await pendingCount(page)) === 4);
    assert.equal(await card.locator('li[data-pending="true"]').count(), 4, "each change shows at once, marked pending");
    // Editing hours that were never sent replaces their entry instead of adding one.
    const thursday = card.locator("li[data-registration]").nth(3);
    await thursday.getByRole("button", { name: /^Edit/ }).click();
    await fillRegistration(thursday, { start: "07:30", end: "14:00", comment: "Roofing, rain stopped work" });
    await said(page, "Hours changed: saved on this device");
    await waitFor("Thursday's new comment", async () => (await card.textContent()).includes("rain stopped work"));
    // The count goes 4 -> 3 (discarded) -> 4 (the new add); an edit entry would make it 5.
    const settledCount = await waitFor("the count to settle", async () => {
      const a = await pendingCount(page);
      await new Promise((r) => setTimeout(r, 500));
      return a === (await pendingCount(page)) && a !== 3 ? { a } : null;
    });
    assert.equal(settledCount.a, 4, "the unsent add was replaced, not joined by an edit");
    assert.deepEqual(await api.applied().then((a) => a.length), 2, "nothing reached the server while offline");
    await shoot(page, "2-offline-pending");

    // Reload while offline: the service worker serves the app; the outbox still shows the 4.
    await page.reload();
    await page.locator('.shell[data-ready="true"]').waitFor();
    await waitFor("4 pending after the reload", async () => (await pendingCount(page)) === 4);
    const reloaded = page.locator("section.sheet").first();
    assert.equal(await reloaded.getAttribute("data-timesheet"), tsId);
    assert.equal(await reloaded.locator('li[data-pending="true"]').count(), 4);
    const text = await reloaded.textContent();
    for (const s of ["Site survey, long day", "Foundations", "Framing", "rain stopped work"]) assert.ok(text.includes(s), `${s} after reload`);
    // The server's timesheet and Monday's hours come from the offline cache (its pending layer
    // shows Monday's unsent edit); the three unsent adds from the outbox; no notice.
    assert.equal(await page.locator(".shell").getAttribute("data-source"), "cache");
    assert.equal(await reloaded.getAttribute("data-origin"), "server");
    assert.equal(await reloaded.locator("li[data-registration]").first().getAttribute("data-registration"), mondayId);
    assert.equal(await page.getByTestId("notice").count(), 0, "no notice: the cache answered");
    await page.getByTestId("freshness").waitFor(); // says when the cached copy was read
    await shoot(page, "3-offline-reloaded");

    // Back online: the page drains; the panel shows its progress and counts down to 0. The
    // server answers the hours' requests slowly (1.5 s) so the progress bar can be seen.
    await api.addFaults({ api: "worksome", operation: "updateTimesheet", delayMs: 1500, times: 4 });
    await context.setOffline(false);
    await page.getByRole("progressbar").waitFor();
    assert.match(await page.locator(".drain label").textContent(), /^Sending [1-4] of 4$/);
    await waitFor("the drain to finish", async () => (await pendingCount(page)) === 0, 30_000);
    await waitFor("no pending marks", async () => (await reloaded.locator('li[data-pending="true"]').count()) === 0);
    const regs = (await serverTimesheet(tsId)).registrations.data.map(({ id, ...r }) => r);
    assert.deepEqual(regs, [
      { date: "2026-11-02", startTime: "08:00", endTime: "17:00", duration: 9, comments: "Site survey, long day" },
      { date: "2026-11-03", startTime: "07:30", endTime: "15:30", duration: 8, comments: "Foundations" },
      { date: "2026-11-04", startTime: "07:30", endTime: "15:30", duration: 8, comments: "Framing" },
      { date: "2026-11-05", startTime: "07:30", endTime: "14:00", duration: 6.5, comments: "Roofing, rain stopped work" },
    ], "the server holds exactly the expected registrations");

    // A forced server error: Friday's add is refused (HTTP 400), a dead entry with the message.
    await api.clearFaults();
    await api.addFaults({ api: "worksome", operation: "updateTimesheet", status: 400 });
    await reloaded.getByRole("button", { name: "Add hours" }).click();
    await fillRegistration(reloaded, { day: "2026-11-06", hours: "4", comment: "Snagging" });
    await said(page, "the server refused it");
    const dead = page.getByTestId("dead-list").locator("li");
    await dead.first().waitFor();
    assert.equal(await dead.count(), 1);
    assert.equal(await dead.first().locator(".why").textContent(), "HTTP 400: injected fault (INJECTED_FAULT)");
    assert.match(await dead.first().textContent(), /^Hours added/);
    await shoot(page, "4-dead-entry");
    await api.clearFaults();
    await dead.first().getByRole("button", { name: "Retry" }).click();
    await page.getByTestId("dead-list").waitFor({ state: "detached" });
    await waitFor("Friday on the server", async () => (await serverTimesheet(tsId)).registrations.data.length === 5);
    await waitFor("nothing pending after the retry", async () => (await pendingCount(page)) === 0);

    // Offline again: a new timesheet (next week) and hours on it through its placeholder,
    // one of them edited before it was sent (the unsent add is replaced).
    await context.setOffline(true);
    await page.getByTestId("network").filter({ hasText: "Offline" }).waitFor();
    await page.getByLabel("Any day of the week").fill("2026-11-10");
    await page.getByRole("button", { name: "Start timesheet" }).click();
    await said(page, "New timesheet: saved on this device");
    const fresh = page.locator("section.sheet").first();
    assert.match(await fresh.getAttribute("data-timesheet"), /^tmp:/, "a timesheet made offline carries its placeholder");
    await fresh.getByRole("button", { name: "Add hours" }).click();
    await fillRegistration(fresh, { day: "2026-11-09", start: "09:00", end: "12:00", comment: "Handover" });
    await said(page, "Hours added: saved on this device");
    await fresh.getByRole("button", { name: "Add hours" }).click();
    await fillRegistration(fresh, { day: "2026-11-10", hours: "2", comment: "Punch list" });
    await said(page, "Hours added: saved on this device");
    await waitFor("3 pending", async () => (await pendingCount(page)) === 3);
    const handover = fresh.locator("li[data-registration]").first();
    await handover.getByRole("button", { name: /^Edit/ }).click();
    await fillRegistration(handover, { start: "09:00", end: "13:00", comment: "Handover, with the client" });
    await waitFor("the handover edit", async () => (await fresh.textContent()).includes("with the client"));
    await waitFor("still 3 pending", async () => (await pendingCount(page)) === 3);
    await context.setOffline(false);
    await waitFor("the second drain", async () => (await pendingCount(page)) === 0, 30_000);
    const newId = await waitFor("the new timesheet's server id", async () => {
      const id = await page.locator("section.sheet").first().getAttribute("data-timesheet");
      return /^\d+$/.test(id ?? "") && id !== tsId ? id : null;
    });
    const second = await serverTimesheet(newId);
    assert.deepEqual([second.startDate, second.endDate, second.hire.id], ["2026-11-09", "2026-11-15", "110"]);
    assert.deepEqual(second.registrations.data.map(({ id, ...r }) => r).sort((a, b) => a.date.localeCompare(b.date)), [
      { date: "2026-11-09", startTime: "09:00", endTime: "13:00", duration: 4, comments: "Handover, with the client" },
      { date: "2026-11-10", startTime: null, endTime: null, duration: 2, comments: "Punch list" },
    ], "hours added through a placeholder reach the new timesheet");
    // Once the list is read again the new timesheet is the cache's, shown once.
    await waitFor("the new timesheet from the cache", async () =>
      (await page.locator(`section.sheet[data-timesheet="${newId}"][data-origin="server"]`).count()) === 1);
    assert.equal(await page.locator("section.sheet").count(), 2, "each timesheet shown once");

    assert.deepEqual(problems, [], "no page errors or console errors");
  } catch (e) {
    // What the user saw when it failed, beside the other screenshots.
    const page = context.pages()[0];
    if (page) await page.screenshot({ path: join(SHOTS, "failure.png"), fullPage: true }).catch(() => {});
    e.message += `\nproblems: ${JSON.stringify(problems)}`;
    throw e;
  } finally {
    await context.close();
  }
});
