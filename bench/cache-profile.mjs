// Where the offline cache's cold read spends its time (issue 8; a diagnostic, not a test): the
// setup of bench/cache.mjs (release server seeded with 500 timesheets, headless Chromium with an
// on-disk profile), then per run: the query written network-only, a page reload, and
// `Client.open` + `query(..., { policy: "cache-only" })` under the DevTools CPU profiler, with
// every IndexedDB request of the page logged (store/index, method, issued → answered, ms after
// the start). Prints, summed over the runs: self time by function (wasm functions by name when
// the package keeps its name section, see --pkg) and the IndexedDB timeline of the last run.
//   node bench/cache-profile.mjs [--runs=3] [--pkg=DIR] [--flags="CHROMIUM FLAGS"]
// DIR: a package built like scripts/build-pkg.sh but without --remove-name-section, so wasm
// frames are named (default: pkg/, whose wasm frames show as wasm-function[N]).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { timesheetsFixture } from "./cache-fixture.mjs";
import { CHROMIUM_FLAGS, ROOT, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { useReleaseServer } from "./release-server.mjs";
import { count, eachSample, printTop, profiler } from "./profile.mjs";

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(option("runs") ?? 3);
const PKG = resolve(option("pkg") ?? join(ROOT, "pkg"));
// --flags="--js-flags=..." : more Chromium flags (e.g. V8 options, to test where time goes).
const FLAGS = option("flags")?.split(" ").filter(Boolean) ?? [];
// playwright-core as the e2e harness finds it (tests/js/node_modules).
const { chromium } = createRequire(join(ROOT, "tests", "js", "e2e", "harness.mjs"))("playwright-core");
const ENTITIES = 500;
const DOCUMENT = readFileSync(join(ROOT, "operations", "worksome", "queries", "timesheets.graphql"), "utf8");
const log = (...a) => console.error("[cache-profile]", ...a);

useReleaseServer(ROOT, log);

// Logs every IndexedDB request the page issues: which store or index, which method, when it
// was issued and answered (ms after window.t0), and transactions created.
const SPY = () => {
  window.t0 = performance.now();
  window.idbLog = [];
  const at = () => +(performance.now() - window.t0).toFixed(2);
  const wrap = (proto, kind) => {
    for (const m of ["get", "getAll", "getAllKeys", "getKey", "count", "put", "add", "delete", "openCursor"]) {
      const f = proto[m];
      if (typeof f !== "function") continue;
      proto[m] = function (...args) {
        const row = { on: `${kind} ${this.name}`, m, issued: at(), answered: null };
        window.idbLog.push(row);
        const r = f.apply(this, args);
        r.addEventListener("success", () => { row.answered = at(); });
        return r;
      };
    }
  };
  wrap(IDBObjectStore.prototype, "store");
  wrap(IDBIndex.prototype, "index");
  const tx = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    window.idbLog.push({ on: `tx ${[].concat(args[0]).join("+")}`, m: args[1] ?? "readonly", issued: at(), answered: null });
    return tx.apply(this, args);
  };
  const open = IDBFactory.prototype.open;
  IDBFactory.prototype.open = function (...args) {
    const row = { on: `open ${args[0]}`, m: "open", issued: at(), answered: null };
    window.idbLog.push(row);
    const r = open.apply(this, args);
    r.addEventListener("success", () => { row.answered = at(); });
    return r;
  };
};

const fixtures = timesheetsFixture(ROOT, ENTITIES, 5000);
const server = await startServer({ testMode: false, pkg: PKG, args: ["--fixtures", fixtures] });
const profileDir = mkdtempSync(join(tmpdir(), "outbox-cache-profile-"));
const context = await chromium.launchPersistentContext(profileDir, { executablePath: "/usr/bin/chromium", args: [...CHROMIUM_FLAGS, ...FLAGS], headless: true });
const selfMs = new Map();
const totalMs = new Map();
let timeline = null;
const phases = [];
try {
  const page = await openPage(context, server.url);
  const cdp = await profiler(context, page, 50);
  for (let run = -1; run < RUNS; run++) {
    const db = `profile-${run + 1}`;
    await page.evaluate(async ({ db, query }) => {
      window.currentWorksomeToken = "ws-worker-token";
      await openClient({ database: db, user: "bench", worksome: true, gcdirectory: false });
      const r = await window.client.worksome.query.timesheets({ first: 500 }, { policy: "network-only" });
      if (r.data.timesheets.data.length !== 500) throw new Error("the query did not answer 500 timesheets");
      await window.client.close();
      void query;
    }, { db, query: DOCUMENT });
    await page.reload();
    await page.evaluate(() => window.outboxReady);
    await page.evaluate(SPY);
    await cdp.send("Profiler.start");
    const t = await page.evaluate(async (db) => {
      window.t0 = performance.now();
      await openClient({ database: db, user: "bench", worksome: true, gcdirectory: false });
      const opened = performance.now() - window.t0;
      const r = await window.client.worksome.query.timesheets({ first: 500 }, { policy: "cache-only" });
      const end = performance.now() - window.t0;
      if (r.source !== "cache" || r.data.timesheets.data.length !== 500) throw new Error(`cold read: ${r.source}`);
      // What else the open started (drain, eviction) may still be running: let it finish in
      // the profile too, marked after `end`.
      await new Promise((res) => setTimeout(res, 300));
      return { opened, end, log: window.idbLog };
    }, db);
    const { profile } = await cdp.send("Profiler.stop");
    if (run < 0) continue;
    phases.push(t);
    timeline = t.log;
    // Self time per function: samples × the interval between them; total time: the samples
    // with the function anywhere on the stack (counted once per sample).
    eachSample(profile, (sample) => count(selfMs, totalMs, sample));
    await page.evaluate(() => window.client.close());
    log(`run ${run + 1}: open ${t.opened.toFixed(1)} ms, open + read ${t.end.toFixed(1)} ms`);
  }
} finally {
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
  await server.stop();
  rmSync(dirname(fixtures), { recursive: true, force: true });
}

console.log(`(program) self ms per run: ${((selfMs.get("(program)") ?? 0) / RUNS).toFixed(2)}`);
console.log(`self time over ${RUNS} cold reads (each profiled from open to 300 ms after the read), ms per run:`);
printTop(selfMs, RUNS, 40, /^\((idle|program)\)/);
console.log(`\ntotal time (self + callees), ms per run:`);
printTop(totalMs, RUNS, 60);
console.log(`\nphases: ${phases.map((p) => `open ${p.opened.toFixed(1)} / read done ${p.end.toFixed(1)}`).join("; ")}`);
console.log("\nIndexedDB, last run (ms after Client.open was called):");
for (const r of timeline) console.log(`${String(r.issued).padStart(8)} → ${String(r.answered ?? "").padStart(8)}  ${r.m.padEnd(10)} ${r.on}`);
