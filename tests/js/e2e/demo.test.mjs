// The README's first command, ./scripts/demo.sh, as a user meets it: its serve step
// (`--serve-only`: the package and the app are built by then; rebuilding pkg/ here would pull it
// from under the other tests) on a free port with its state in an SQLite file. The app it serves
// signs in, starts a timesheet that reaches the server, and after the server is stopped and
// started again on the same file the timesheet is still there, in the server and in the app.
// No test routes: the demo runs the server as it ships.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, launchBrowser, waitFor } from "./harness.mjs";
import { PHONE, SHOTS, assertBuilt, watchedPage, signIn, said, startTimesheet, shoot, serverTimesheet } from "./app-harness.mjs";

const dir = mkdtempSync(join(tmpdir(), "outbox-demo-"));
const DB = join(dir, "demo.sqlite");
let browser, demo;
after(async () => {
  try { await browser?.close(); } finally {
    await demo?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Runs `scripts/demo.sh --serve-only` (PORT=0: the server picks a free port) in its own process
 * group; resolves `{ url, stop }` once the server printed its address. The script builds the
 * release server first if it is missing (minutes, once), hence the long wait.
 */
function startDemo() {
  const child = spawn(join(ROOT, "scripts", "demo.sh"), ["--serve-only"], {
    cwd: ROOT, env: { ...process.env, PORT: "0", DB }, stdio: ["ignore", "pipe", "pipe"], detached: true,
  });
  let log = "";
  child.stderr.on("data", (d) => { log += d; });
  const exited = new Promise((res) => child.once("exit", res));
  const onExit = () => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } };
  process.once("exit", onExit);
  const stop = async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGTERM");
    await exited;
  };
  return new Promise((res, rej) => {
    let out = "";
    const timer = setTimeout(() => { void stop(); rej(new Error(`demo.sh did not serve in 15 min: ${log}`)); }, 15 * 60_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
      if (m) { clearTimeout(timer); res({ url: m[1], stop, log: () => log }); }
    });
    child.once("exit", (code) => { clearTimeout(timer); rej(new Error(`demo.sh exited (${code}): ${log}`)); });
  });
}

test("demo.sh serves the app and keeps its state in the SQLite file", { timeout: 20 * 60_000 }, async () => {
  assertBuilt();
  demo = await startDemo();
  assert.match(demo.log(), /serving the timesheet app/);
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: PHONE });
  const { page, problems } = await watchedPage(context);
  try {
    // The package beside the app, and no test routes.
    assert.equal((await fetch(`${demo.url}/pkg/graphql_outbox_bg.wasm`)).headers.get("content-type"), "application/wasm");
    assert.equal((await fetch(`${demo.url}/__test/applied`)).status, 404, "test routes are off in the demo");

    await signIn(page, demo.url);
    const sheet = await startTimesheet(page, "2026-11-04");
    await said(page, "New timesheet: sent.");
    const id = await sheet.getAttribute("data-timesheet");
    assert.match(id, /^\d+$/);
    const saved = await serverTimesheet(demo.url, id);
    assert.deepEqual([saved.startDate, saved.endDate, saved.hire.id], ["2026-11-02", "2026-11-08", "110"]);
    await shoot(page, "0-demo");

    // Stop the server and start it again on the same file: the timesheet outlived it. The page
    // leaves the old origin first, or its refetches of the stopped server are console errors.
    await page.goto("about:blank");
    await demo.stop();
    demo = await startDemo();
    assert.deepEqual(await serverTimesheet(demo.url, id), saved);
    // The app on the new server (a new port: a new origin, so a first visit) lists it.
    await signIn(page, demo.url);
    await waitFor("the timesheet listed", async () => (await page.locator(`section.sheet[data-timesheet="${id}"]`).count()) === 1);
    assert.deepEqual(problems, [], "no page errors or console errors");
  } catch (e) {
    await page.screenshot({ path: join(SHOTS, "failure-demo.png"), fullPage: true }).catch(() => {});
    e.message += `\nproblems: ${JSON.stringify(problems)}`;
    throw e;
  } finally {
    await context.close();
  }
});
