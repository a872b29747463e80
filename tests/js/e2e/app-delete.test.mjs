// Deleting in the timesheet app (www/dist) against the reference server: hours and whole
// timesheets, online (sent at once) and offline (at once: hours and timesheets leave the list,
// the cache's pending layer hides them; counted as waiting, nothing reaching the server), then back online (the panel drains and the server no longer has
// them); a timesheet made offline and deleted before it was sent is made and deleted in order. One
// deletion is done from the keyboard alone, walking the Tab order from the top of the page with
// every stop's focus ring visible. A refused deletion (HTTP 400, a JSON body that is not GraphQL)
// shows in the outbox panel in the server's words and is discarded. No page or console errors.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { waitFor } from "./harness.mjs";
import {
  startApp, SHOTS, PHONE, watchedPage, signIn, pendingCount, said, startTimesheet, fillRegistration, shoot,
  serverTimesheet, serverTimesheetIds,
} from "./app-harness.mjs";

let server, browser, api;
before(async () => { ({ browser, api } = server = await startApp()); });
after(async () => { await server?.stop(); });

const comments = async (id) => (await serverTimesheet(server.url, id)).registrations.data.map((r) => r.comments);
const card = (page, id) => page.locator(`section.sheet[data-timesheet="${id}"]`);
const row = (sheet, text) => sheet.locator("li[data-registration]").filter({ hasText: text });

/** A timesheet made online, with `days` ([day, comment]) of 8 hours each, all sent; its id. */
async function sheetWithHours(page, day, days) {
  const before = await serverTimesheetIds(server.url);
  await startTimesheet(page, day);
  // (The status line may still say so about the timesheet before: the server is asked.)
  const [id, ...more] = await waitFor("the new timesheet on the server", async () => {
    const now = (await serverTimesheetIds(server.url)).filter((t) => !before.includes(t));
    return now.length ? now : null;
  });
  assert.equal(more.length, 0, "one new timesheet");
  await said(page, "New timesheet: sent.");
  // Once the list is read again the card is the cache's (a new element: an open form would go).
  const listed = page.locator(`section.sheet[data-timesheet="${id}"][data-origin="server"]`);
  await listed.waitFor();
  for (const [i, [date, comment]] of days.entries()) {
    await listed.getByRole("button", { name: "Add hours" }).click();
    await fillRegistration(listed, { day: date, hours: "8", comment });
    await waitFor(`${comment} sent`, async () => (await comments(id)).length === i + 1);
  }
  await waitFor("nothing pending", async () => (await pendingCount(page)) === 0);
  return id;
}

/**
 * Reloads the page and presses Tab from its top until `target` has the focus (at most `max` presses);
 * every element on the way must show a focus ring (an outline of at least 2 px). Returns the
 * stops' labels.
 */
async function tabTo(page, target, max = 80) {
  // A fresh load: the Tab order starts at the top, not where the last click left it.
  await page.reload();
  await page.locator('.shell[data-ready="true"]').waitFor();
  await target.waitFor();
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      const s = getComputedStyle(el);
      // A date field's last stop is its calendar button, inside the browser's own shadow tree:
      // the field no longer matches :focus, the page cannot style or see that ring, and
      // Chromium draws its own (a dark 2 px ring, seen in a screenshot).
      const calendarButton = el instanceof HTMLInputElement && el.type === "date" && !el.matches(":focus");
      return { label: el.getAttribute("aria-label") ?? el.textContent?.trim().slice(0, 40) ?? el.tagName,
               tag: el.tagName, ring: calendarButton || (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) };
    });
    stops.push(stop);
    assert.ok(stop.ring, `focus ring visible on ${JSON.stringify(stop)} (stop ${i + 1})`);
    if (await target.evaluate((el) => el === document.activeElement)) return stops;
  }
  assert.fail(`not reached in ${max} Tab presses: ${JSON.stringify(stops.map((s) => s.label))}`);
}

test("deleting hours and timesheets, online and offline", { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: PHONE });
  // The browser logs the refused request of the last step itself; that one is on purpose.
  const { page, problems } = await watchedPage(context, /Failed to load resource: the server responded with a status of 400/);
  // The app asks before deleting a whole timesheet (window.confirm); the worker says yes.
  const asked = [];
  page.on("dialog", (d) => { asked.push(d.message()); void d.accept(); });
  try {
    await signIn(page, server.url);
    // Online: three timesheets, A with three days of hours, B empty, C with one day.
    const a = await sheetWithHours(page, "2026-11-16", [["2026-11-16", "Mon A"], ["2026-11-17", "Tue A"], ["2026-11-18", "Wed A"]]);
    const b = await sheetWithHours(page, "2026-11-23", []);
    const c = await sheetWithHours(page, "2026-11-30", [["2026-12-01", "Tue C"]]);
    assert.deepEqual((await serverTimesheetIds(server.url)).sort(), [a, b, c].sort());

    // Online, with the mouse: Tuesday's hours of A, sent at once.
    await row(card(page, a), "Tue A").getByRole("button", { name: /^Delete/ }).click();
    await said(page, "Hours deleted: sent.");
    await waitFor("Tuesday gone from the card", async () => (await row(card(page, a), "Tue A").count()) === 0);
    assert.deepEqual(await comments(a), ["Mon A", "Wed A"]);

    // Online, from the keyboard alone: Wednesday's hours of A.
    const wedDelete = row(card(page, a), "Wed A").getByRole("button", { name: /^Delete/ });
    const stops = await tabTo(page, wedDelete);
    assert.ok(stops.some((s) => s.label === "Start timesheet"), "the new-timesheet form is on the way");
    await page.keyboard.press("Enter");
    await said(page, "Hours deleted: sent.");
    await waitFor("Wednesday gone from the card", async () => (await row(card(page, a), "Wed A").count()) === 0);
    assert.deepEqual(await comments(a), ["Mon A"]);

    // Online: timesheet B, after the app asked.
    await card(page, b).getByRole("button", { name: /^Delete timesheet/ }).click();
    await said(page, "Timesheet deleted: sent.");
    assert.deepEqual(asked, ["Delete this timesheet and its hours?"]);
    await waitFor("B gone from the list", async () => (await card(page, b).count()) === 0);
    assert.deepEqual((await serverTimesheetIds(server.url)).sort(), [a, c].sort());
    const appliedOnline = (await api.applied()).length;

    // Offline: Monday's hours of A and the whole of C; both leave the list at once and wait.
    await context.setOffline(true);
    await page.getByTestId("network").filter({ hasText: "Offline" }).waitFor();
    await row(card(page, a), "Mon A").getByRole("button", { name: /^Delete/ }).click();
    await said(page, "Hours deleted: saved on this device");
    await waitFor("Monday gone from the card", async () => (await row(card(page, a), "Mon A").count()) === 0);
    await waitFor("1 pending", async () => (await pendingCount(page)) === 1);
    await card(page, c).getByRole("button", { name: /^Delete timesheet/ }).click();
    await said(page, "Timesheet deleted: saved on this device");
    // C leaves the list at once, as deleted hours do: the cache's pending layer hides what a
    // waiting delete names; the outbox panel counts it until it is sent.
    await waitFor("C gone from the list", async () => (await card(page, c).count()) === 0);
    await waitFor("2 pending", async () => (await pendingCount(page)) === 2);
    // Gone from the list, the deletions show as waiting in the outbox panel.
    const waiting = page.getByTestId("waiting-list").locator("li");
    await waitFor("both deletions listed as waiting", async () => (await waiting.count()) === 2);
    assert.deepEqual(await waiting.locator(".what").allTextContents(), ["Hours deleted", "Timesheet deleted"]);
    assert.deepEqual(await waiting.locator(".state").allTextContents(), ["waiting", "waiting"]);

    // Offline: a timesheet made and deleted before it was ever sent. The delete names it by its
    // placeholder and waits behind its create (discarding the create instead would strand
    // anything added to it since), so both go out; the server ends without it.
    const d = await startTimesheet(page, "2026-12-07");
    await said(page, "New timesheet: saved on this device");
    const tmp = await d.getAttribute("data-timesheet");
    assert.match(tmp, /^tmp:/);
    await waitFor("3 pending", async () => (await pendingCount(page)) === 3);
    await card(page, tmp).getByRole("button", { name: /^Delete timesheet/ }).click();
    await waitFor("4 pending", async () => (await pendingCount(page)) === 4);
    await waitFor("the offline timesheet gone from the list", async () => (await card(page, tmp).count()) === 0);
    assert.equal((await api.applied()).length, appliedOnline, "nothing reached the server while offline");
    assert.deepEqual(await comments(a), ["Mon A"]);
    assert.deepEqual((await serverTimesheetIds(server.url)).sort(), [a, c].sort());
    await shoot(page, "5-offline-deleted");

    // Back online: both deletions are applied, once each; the list holds A alone, with no hours.
    await context.setOffline(false);
    await waitFor("the drain to finish", async () => (await pendingCount(page)) === 0, 30_000);
    await page.getByTestId("waiting-list").waitFor({ state: "detached" });
    assert.deepEqual(await comments(a), []);
    assert.deepEqual(await serverTimesheetIds(server.url), [a]);
    const applied = (await api.applied()).slice(appliedOnline);
    assert.deepEqual(applied.map((r) => [r.operation, r.timesApplied]), [
      ["deleteTimesheetRegistration", 1], ["deleteTimesheet", 1], ["createTimesheet", 1], ["deleteTimesheet", 1],
    ], "the offline work, in order, once each");
    await waitFor("only A listed", async () => (await page.locator("section.sheet").count()) === 1);
    assert.equal(await page.locator("section.sheet").getAttribute("data-timesheet"), a);
    await card(page, a).getByText("No hours yet.").waitFor();

    // Refused: deleting A answers HTTP 400 with the server's JSON error body (not GraphQL). The
    // panel shows the entry with the server's words; Discard drops it and A stays.
    await api.addFaults({ api: "worksome", operation: "deleteTimesheet", status: 400 });
    await card(page, a).getByRole("button", { name: /^Delete timesheet/ }).click();
    await said(page, "Timesheet deleted: the server refused it: HTTP 400: injected fault (INJECTED_FAULT)");
    const dead = page.getByTestId("dead-list").locator("li");
    await dead.first().waitFor();
    assert.equal(await dead.count(), 1);
    assert.equal(await dead.first().locator(".why").textContent(), "HTTP 400: injected fault (INJECTED_FAULT)");
    assert.match(await dead.first().textContent(), /^Timesheet deleted/);
    await shoot(page, "6-dead-delete");
    await dead.first().getByRole("button", { name: "Discard" }).click();
    await page.getByTestId("dead-list").waitFor({ state: "detached" });
    await waitFor("A listed, unmarked", async () =>
      (await card(page, a).count()) === 1 && (await card(page, a).locator(".mark").count()) === 0);
    assert.deepEqual(await serverTimesheetIds(server.url), [a]);
    assert.equal(await pendingCount(page), 0);
    assert.deepEqual(problems, [], "no page errors or console errors");
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, "failure-delete.png"), fullPage: true }).catch(() => {});
    e.message += `\nproblems: ${JSON.stringify(problems)}`;
    throw e;
  } finally {
    await context.close();
  }
});
