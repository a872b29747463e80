// Shared by the Playwright end-to-end tests and bench/outbox.mjs: starts the built reference
// server (test mode, in-memory database, serving the test page and pkg/) on a free loopback port,
// launches the system Chromium through playwright-core (no browser download), and talks to the
// server's /__test/* endpoints. Everything started here is stopped by the returned `stop`.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const ROOT = resolve(here, "..", "..", "..");

/** Chromium flags known to work headless on this machine kind (see DESIGN.md). */
export const CHROMIUM_FLAGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** The server binary: $OUTBOX_SERVER_BIN, else $CARGO_TARGET_DIR/debug, else target/debug. */
export function serverBinary() {
  const candidates = [
    process.env.OUTBOX_SERVER_BIN,
    process.env.CARGO_TARGET_DIR && join(resolve(ROOT, process.env.CARGO_TARGET_DIR), "debug", "outbox-server"),
    join(ROOT, "target", "debug", "outbox-server"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`outbox-server not built (looked at ${candidates.join(", ")}); run cargo build -p outbox-server`);
  return found;
}

/**
 * Starts the reference server (test mode unless `testMode: false`) on `port` (0: a free one);
 * `args`: more flags, e.g. `--fixtures`. Resolves `{ url, stop }` once it printed its
 * `listening on` line.
 */
export function startServer({ www = join(here, "page"), pkg = join(ROOT, "pkg"), testMode = true, port = 0, args = [] } = {}) {
  if (!existsSync(join(pkg, "graphql_outbox.js"))) {
    throw new Error(`${pkg} has no built package; run scripts/build-pkg.sh`);
  }
  const child = spawn(
    serverBinary(),
    ["--port", String(port), "--db", ":memory:", ...(testMode ? ["--test-mode"] : []), "--www", www, "--pkg", pkg, ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += d; });
  const exited = new Promise((res) => child.once("exit", res));
  // If the test process dies without running its hooks, do not leave the server behind.
  const onExit = () => child.kill("SIGKILL");
  process.once("exit", onExit);
  const stop = async () => {
    process.removeListener("exit", onExit);
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((res, rej) => {
    let out = "";
    const timer = setTimeout(() => { stop(); rej(new Error(`server did not start in 10 s: ${stderr}`)); }, 10_000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
      if (m) { clearTimeout(timer); res({ url: m[1], stop }); }
    });
    child.once("exit", (code) => { clearTimeout(timer); rej(new Error(`server exited (${code}): ${stderr}`)); });
  });
}

/** Headless system Chromium with an on-disk profile in `dir` (IndexedDB on disk, as for a user). */
export function launchProfile(dir) {
  return chromium.launchPersistentContext(dir, { executablePath: "/usr/bin/chromium", args: CHROMIUM_FLAGS, headless: true });
}

/** Launches headless system Chromium, with `args` added to the usual flags. */
export function launchBrowser({ args = [] } = {}) {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: [...CHROMIUM_FLAGS, ...args], headless: true });
}

/**
 * Starts a server and a browser for one test file; `stop()` ends both (browser first), whatever
 * state they are in. Use with node:test's before/after so a failing test still cleans up.
 */
export async function startAll({ browserArgs = [], serverArgs = [] } = {}) {
  const server = await startServer({ args: serverArgs });
  let browser;
  try {
    browser = await launchBrowser({ args: browserArgs });
  } catch (e) {
    await server.stop();
    throw e;
  }
  return {
    url: server.url,
    browser,
    server: new TestServer(server.url),
    stop: async () => {
      try { await browser.close(); } finally { await server.stop(); }
    },
  };
}

/** Opens the test page in `context` and waits until the SDK is initialised in it. */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error(`[page error] ${e.message}`));
  await page.goto(`${url}/index.html`);
  await page.evaluate(() => window.outboxReady);
  return page;
}

/**
 * A new browser context and page for one test, after clearing the server's fault rules (none
 * may leak from the test before), with every GraphQL POST the page sends recorded as
 * `{ api, key, auth, request }` (`request`: Playwright's). `env` is what `startAll` returned.
 */
export async function freshPage(env) {
  await env.server.clearFaults();
  const context = await env.browser.newContext();
  const page = await openPage(context, env.url);
  const requests = [];
  page.on("request", (r) => {
    if (r.method() !== "POST" || !r.url().includes("/graphql/")) return;
    const h = r.headers();
    requests.push({ api: r.url().split("/graphql/")[1], key: h["idempotency-key"], auth: h.authorization, request: r });
  });
  return { context, page, requests };
}

/** The reference server's test endpoints. */
export class TestServer {
  constructor(url) { this.url = url; }

  async #json(method, path, body) {
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: HTTP ${r.status} ${text}`);
    return JSON.parse(text);
  }

  /** Rows of the applied-mutations log, in order of first application. */
  applied() { return this.#json("GET", "/__test/applied"); }
  /**
   * Every GraphQL request the server received, replays included, in order of receipt:
   * `{ seq, api, idempotencyKey, receivedMs, answeredMs, status, replayed }` (monotonic ms).
   */
  requests() { return this.#json("GET", "/__test/requests"); }
  /** `requests()` grouped by idempotency key (requests without one are left out). */
  async requestsByKey() {
    const byKey = new Map();
    for (const r of await this.requests()) {
      if (r.idempotencyKey === null) continue;
      if (!byKey.has(r.idempotencyKey)) byKey.set(r.idempotencyKey, []);
      byKey.get(r.idempotencyKey).push(r);
    }
    return byKey;
  }
  /** Adds fault rules (see server/README.md). */
  addFaults(rules) { return this.#json("POST", "/__test/faults", rules); }
  /** Removes every fault rule. */
  clearFaults() { return this.#json("DELETE", "/__test/faults"); }
  /** Makes the server refuse GraphQL batches with HTTP 400 (`true`) or take them again. */
  refuseBatches(refuse) { return this.#json("POST", "/__test/batches", { refuse }); }
  /** Makes the server answer a batch of more than `n` operations with 413, as GraphQL Yoga does over its limit (0: its own 100). */
  batchLimit(n) { return this.#json("POST", "/__test/batches", { limit: n }); }
  /** Adds a token for the caller `sameAs` names. */
  addToken(api, token, sameAs) { return this.#json("POST", "/__test/tokens", { api, token, sameAs }); }

  /** Sends one GraphQL request directly (not through the SDK); returns the parsed body. */
  async graphql(api, token, query, variables = {}) {
    const r = await fetch(`${this.url}/graphql/${api}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return r.json();
  }
}

/**
 * Keys whose requests were in flight at the same time (by the server's receive and answer
 * times), from `requestsByKey()`: `[[key, [request, request]], ...]`.
 */
export function overlappingSends(byKey) {
  const overlaps = [];
  for (const [key, reqs] of byKey) {
    const sorted = [...reqs].sort((a, b) => a.receivedMs - b.receivedMs);
    // The earlier request that ends last; one still unanswered never ends.
    let open = null;
    for (const r of sorted) {
      const end = (x) => (x.answeredMs === null ? Infinity : x.answeredMs);
      if (open && r.receivedMs < end(open)) overlaps.push([key, [open, r]]);
      if (!open || end(r) > end(open)) open = r;
    }
  }
  return overlaps;
}

// Runs in every page before its scripts: records what this tab itself sends (fetch) and emits
// (BroadcastChannel posts; a tab's subscribers also see other tabs' events, so they cannot tell).
export function recordSends() {
  window.sends = [];
  window.posted = [];
  const fetch0 = window.fetch;
  window.fetch = async (input, init) => {
    const key = input instanceof Request ? input.headers.get("idempotency-key") : null;
    if (key) window.sends.push(key);
    // A batch carries its keys in its elements (extensions.idempotencyKey).
    else if (input instanceof Request && input.method === "POST") {
      try {
        const ops = JSON.parse(await input.clone().text());
        if (Array.isArray(ops)) for (const op of ops) window.sends.push(op?.extensions?.idempotencyKey);
      } catch { /* not a GraphQL batch */ }
    }
    return fetch0(input, init);
  };
  const post0 = BroadcastChannel.prototype.postMessage;
  BroadcastChannel.prototype.postMessage = function (msg) {
    // Outbox events only: the channel also carries the cache's changed-record messages.
    try { const ev = JSON.parse(msg).event; if (ev) window.posted.push(ev); } catch { /* not JSON */ }
    return post0.call(this, msg);
  };
}

/** Polls `check` (async, returns truthy when done) until it holds or `ms` pass. */
export async function waitFor(what, check, ms = 20_000, every = 50) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await check();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

/**
 * A DevTools session on `page` (playing the browser's part for service workers) and the id of
 * the service worker registration whose scope is `origin` + "/".
 */
export async function serviceWorkerSession(context, page, origin) {
  const cdp = await context.newCDPSession(page);
  const regs = [];
  cdp.on("ServiceWorker.workerRegistrationUpdated", (e) => regs.push(...e.registrations));
  await cdp.send("ServiceWorker.enable");
  const scope = `${origin}/`;
  await waitFor(`the registration of ${scope}`, async () => regs.some((r) => r.scopeURL === scope));
  return { cdp, registrationId: regs.find((r) => r.scopeURL === scope).registrationId };
}

/**
 * The i-th of a mixed run of GC Directory mutations that all succeed for the Admin token, in any
 * number: profile edits, new org tiers, org tier edits. Returns `[operation, args]`.
 */
export function gcMutation(i) {
  switch (i % 3) {
    case 0:
      return ["modifyProfile", { gcId: ["1", "2", "4", "5"][i % 4], data: { titleEn: `Title ${i}` } }];
    case 1:
      return ["createOrgTier", { nameEn: `Team ${i}`, nameFr: `Équipe ${i}`, organization: { id: "1" }, owner: { gcID: "1" } }];
    default:
      return ["modifyOrgTier", { id: ["1", "2"][i % 2], data: { descriptionEn: `Description ${i}` } }];
  }
}
