// Shared by the timesheet app's Playwright tests (app*.test.mjs, demo.test.mjs): the built app's
// folder, signing in, the page's errors, the registration form, screenshots, and the server's
// view of a worker's timesheets read over GraphQL (no test routes needed).
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT, startServer, launchBrowser, TestServer, waitFor } from "./harness.mjs";

export const DIST = join(ROOT, "www", "dist");
export const SHOTS = join(ROOT, "tests", "js", "e2e", "screenshots");
export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
/** Wanda Worker's token: the account the tests sign in as. */
export const TOKEN = "ws-worker-token";

/** Throws unless www/dist holds the built app and its service worker. */
export function assertBuilt() {
  if (!existsSync(join(DIST, "index.html")) || !existsSync(join(DIST, "sw.js"))) {
    throw new Error("www/dist is not built; run: bash -c 'source scripts/setup.sh && build_www'");
  }
  mkdirSync(SHOTS, { recursive: true });
}

/**
 * The built app served by a reference server in test mode, and a browser: `{ url, browser, api,
 * stop }` (`api`: the server's test routes). For node:test's before/after.
 */
export async function startApp() {
  assertBuilt();
  const server = await startServer({ www: DIST });
  let browser;
  try { browser = await launchBrowser(); } catch (e) { await server.stop(); throw e; }
  return {
    url: server.url, browser, api: new TestServer(server.url),
    stop: async () => { try { await browser.close(); } finally { await server.stop(); } },
  };
}

/**
 * A new page in `context` that records page errors and console errors into the returned
 * `problems` (the browser's own line for each refused request matching `allowed` excepted).
 */
export async function watchedPage(context, allowed = null) {
  const problems = [];
  const page = await context.newPage();
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !(allowed && allowed.test(m.text()))) problems.push(`console.error: ${m.text()}`);
  });
  return { page, problems };
}

/** Opens the app at `url`, signs in as Wanda Worker and waits for the list and the service worker. */
export async function signIn(page, url) {
  await page.goto(url);
  await page.getByRole("button", { name: /Wanda Worker/ }).click();
  await page.locator('.shell[data-ready="true"]').waitFor();
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await waitFor("the service worker to control the page", () => page.evaluate(() => !!navigator.serviceWorker.controller));
}

/** The panel's count of entries waiting. */
export const pendingCount = (page) => page.getByTestId("pending-count").textContent().then(Number);

/** Waits for the status line to hold `text`. */
export const said = (page, text) => page.getByRole("status").filter({ hasText: text }).waitFor();

/** Starts a timesheet for hire 110 in the week holding `day`; returns its card (the newest). */
export async function startTimesheet(page, day) {
  await page.getByRole("combobox", { name: /^Hire/ }).selectOption("110");
  await page.getByLabel("Any day of the week").fill(day);
  await page.getByRole("button", { name: "Start timesheet" }).click();
  return page.locator("section.sheet").first();
}

/** Fills and submits the open registration form of `card`. */
export async function fillRegistration(card, { day, start = "", end = "", hours = "", comment = "" }) {
  const form = card.locator("form.regform");
  if (day !== undefined) await form.locator('select[name="date"]').selectOption(day);
  await form.locator('input[name="startTime"]').fill(start);
  await form.locator('input[name="endTime"]').fill(end);
  if (hours) await form.locator('input[name="hours"]').fill(hours);
  await form.locator('input[name="comments"]').fill(comment);
  await form.locator('button[type="submit"]').click();
}

/** Screenshots of the page at phone and desktop width into SHOTS (`<name>-phone.png`, ...). */
export async function shoot(page, name) {
  for (const [label, size] of [["phone", PHONE], ["desktop", DESKTOP]]) {
    await page.setViewportSize(size);
    await page.screenshot({ path: join(SHOTS, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize(PHONE);
}

/** Sends one GraphQL request as Wanda to the server at `url`; asserts it has no errors. */
export async function asWorker(url, query, variables = {}) {
  const r = await fetch(`${url}/graphql/worksome`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ query, variables }),
  }).then((res) => res.json());
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  return r.data;
}

/** The timesheet `id` as the server at `url` has it, with its live registrations. */
export async function serverTimesheet(url, id) {
  const data = await asWorker(url, `query($id: ID!) { timesheet(id: $id) { id startDate endDate hire { id }
       registrations(first: 50) { data { id date startTime endTime duration comments } } } }`, { id });
  return data.timesheet;
}

/** Ids of Wanda's timesheets on the server at `url`. */
export async function serverTimesheetIds(url) {
  const data = await asWorker(url, "{ timesheets(first: 100) { data { id } } }");
  return data.timesheets.data.map((t) => t.id);
}
