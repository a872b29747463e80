// W3C WebDriver sessions (selenium-webdriver, talking to a driver this file starts) in the three
// engines the SDK is tested in: Chromium (chromedriver), Firefox (geckodriver) and WebKitGTK's
// MiniBrowser (WebKitWebDriver, in a private virtual X display: WebKitGTK has no working
// headless mode here). Playwright drives only Chromium here, so the engine tests use WebDriver
// in all three, Chromium included, to run one test body everywhere. Paths come from the
// environment scripts/setup.sh exports (ensure_firefox, ensure_geckodriver, ensure_webkit), with
// the Debian defaults.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Builder } from "selenium-webdriver";
import { describe, before, after } from "node:test";
import { ROOT, CHROMIUM_FLAGS, waitFor, startServer } from "../e2e/harness.mjs";

/** The engines to run, from OUTBOX_ENGINES (comma-separated), default all three. */
export const ENGINES = (process.env.OUTBOX_ENGINES ?? "chromium,firefox,webkit").split(",").map((s) => s.trim()).filter(Boolean);

/** A free TCP port on 127.0.0.1 (nothing listens on it once this resolves). */
export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => res(port)); });
  });
}

function need(path, what) {
  if (!existsSync(path)) throw new Error(`${what} not found at ${path}; run scripts/setup.sh's ensure_* (scripts/test.sh does)`);
  return path;
}

/** Driver command and session capabilities of `engine`. */
function engineSetup(engine, port) {
  switch (engine) {
    case "chromium":
      return {
        cmd: [need(process.env.CHROMEDRIVER ?? "/usr/bin/chromedriver", "chromedriver"), `--port=${port}`],
        caps: { browserName: "chrome", "goog:chromeOptions": { binary: "/usr/bin/chromium", args: CHROMIUM_FLAGS } },
      };
    case "firefox":
      return {
        cmd: [need(process.env.GECKODRIVER_BIN ?? join(ROOT, ".tools", "bin", "geckodriver"), "geckodriver"), "--host", "127.0.0.1", "--port", String(port)],
        caps: { browserName: "firefox", "moz:firefoxOptions": { binary: need(process.env.FIREFOX_BIN ?? "/usr/bin/firefox-esr", "firefox-esr"), args: ["-headless"] } },
      };
    case "webkit":
      return {
        // xvfb-run -a: a free display number, so parallel runs do not collide.
        cmd: ["xvfb-run", "-a", need(process.env.SAFARIDRIVER_BIN ?? "/usr/bin/WebKitWebDriver", "WebKitWebDriver"), `--port=${port}`],
        caps: {
          browserName: "MiniBrowser",
          "webkitgtk:browserOptions": { binary: need(process.env.MINIBROWSER ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser", "MiniBrowser"), args: ["--automation"] },
        },
      };
    default:
      throw new Error(`unknown engine ${engine} (chromium, firefox or webkit)`);
  }
}

/**
 * Starts `engine`'s driver and one session; resolves `{ driver, stop }`. `stop` ends the session,
 * then the driver's whole process group (the driver, the browser it started and, for WebKit,
 * Xvfb): only processes this call started.
 */
export async function startSession(engine) {
  const port = await freePort();
  const { cmd, caps } = engineSetup(engine, port);
  // Its own process group, so stop() can end the browser and Xvfb the driver started too.
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "ignore", "pipe"], detached: true });
  let stderr = "";
  child.stderr.on("data", (d) => { stderr = (stderr + d).slice(-4000); });
  const exited = new Promise((res) => child.once("exit", res));
  const killGroup = (sig) => { try { process.kill(-child.pid, sig); } catch { /* already gone */ } };
  const onExit = () => killGroup("SIGKILL");
  process.once("exit", onExit);
  const stopDriver = async () => {
    process.removeListener("exit", onExit);
    killGroup("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    killGroup("SIGKILL");
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${engine} driver on ${url}`, async () => {
      if (child.exitCode !== null) throw new Error(`${cmd[0]} exited (${child.exitCode}): ${stderr}`);
      try { return (await fetch(`${url}/status`)).ok; } catch { return false; }
    }, 30_000, 100);
    const driver = await new Builder().usingServer(url).withCapabilities(caps).build();
    await driver.manage().setTimeouts({ script: 120_000 });
    return {
      driver,
      stop: async () => {
        try { await driver.quit(); } catch { /* the group kill below ends it */ } finally { await stopDriver(); }
      },
    };
  } catch (e) {
    await stopDriver();
    throw new Error(`${engine}: no WebDriver session: ${e.message}\n${stderr}`);
  }
}

/** Opens the e2e test page (tests/js/e2e/page) at `url` and waits until the SDK is initialised. */
export async function openPage(driver, url) {
  await driver.get(`${url}/index.html`);
  await waitFor("the test page's module script", () => driver.executeScript("return typeof window.outboxReady === 'object'"), 20_000, 100);
  await driver.executeScript("return window.outboxReady");
}

/**
 * Runs `fn` (a function, serialised) in the page with `args` and resolves what its promise
 * resolves to (W3C Execute Script awaits a returned promise).
 */
export function inPage(driver, fn, ...args) {
  return driver.executeScript(`return (${fn.toString()})(...arguments)`, ...args);
}

/**
 * One `describe` per engine of ENGINES: a reference server serving the test page and a WebDriver
 * session, started before the suite's tests and stopped after them. `body(engine, env)` declares
 * the tests; `env.page` (the server) and `env.session` are set once the suite has started.
 */
export function eachEngine(body) {
  for (const engine of ENGINES) {
    describe(`in ${engine}`, () => {
      const env = { page: null, session: null };
      before(async () => {
        env.page = await startServer();
        try { env.session = await startSession(engine); } catch (e) { await env.page.stop(); throw e; }
      });
      after(async () => {
        try { await env.session?.stop(); } finally { await env.page?.stop(); }
      });
      body(engine, env);
    });
  }
}
