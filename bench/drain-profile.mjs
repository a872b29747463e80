// Where a batched drain's time goes (issue 9; a diagnostic, not a test): the setup of
// bench/outbox.mjs (release server with many profiles, headless Chromium with an on-disk
// profile), then per run: `count` modifyProfile calls queued offline (batch.max 50, the default), `online`,
// and the drain until every entry has settled, under the DevTools CPU profiler, with every
// IndexedDB transaction and every POST of the page logged. Prints, summed over the runs: self
// time by function (wasm functions by name when the package keeps its name section, see --pkg),
// and per batch of the last run: the POST (fetch issued → answer read), the gap until the next
// POST, and the IndexedDB transactions (created → complete) of the drain.
//   node bench/drain-profile.mjs [count] [--runs=2] [--pkg=DIR]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { manyProfilesFixture, profileId } from "../tests/js/e2e/many-profiles.mjs";
import { useReleaseServer } from "./release-server.mjs";
import { count, eachSample, printTop, profiler, short } from "./profile.mjs";

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const COUNT = Number(argv.find((a) => !a.startsWith("--")) ?? 1000);
const RUNS = Number(option("runs") ?? 2);
const PKG = resolve(option("pkg") ?? join(ROOT, "pkg"));
const log = (...a) => console.error("[drain-profile]", ...a);
useReleaseServer(ROOT, log);

// Logs the page's IndexedDB transactions (mode, durability, created → complete) and its POSTs
// (issued → answer read), in ms after window.t0.
const SPY = () => {
  window.t0 = performance.now();
  window.txLog = [];
  window.postLog = [];
  // Once per page: the logs are reset per run.
  if (window.spied) return;
  window.spied = true;
  const at = () => +(performance.now() - window.t0).toFixed(2);
  const tx = IDBDatabase.prototype.transaction;
  IDBDatabase.prototype.transaction = function (...args) {
    const row = { stores: [].concat(args[0]).join("+"), mode: args[1] ?? "readonly", durability: args[2]?.durability ?? "default", issued: at(), done: null, puts: 0 };
    window.txLog.push(row);
    const t = tx.apply(this, args);
    t.addEventListener("complete", () => { row.done = at(); });
    return t;
  };
  const put = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (...args) {
    const row = window.txLog.findLast((r) => r.done === null);
    if (row) row.puts += 1;
    return put.apply(this, args);
  };
  const f = window.fetch;
  window.fetch = async function (...args) {
    const row = { issued: at(), answered: null, read: null };
    window.postLog.push(row);
    const r = await f.apply(this, args);
    row.answered = at();
    const text = r.text.bind(r);
    r.text = async () => { const t = await text(); row.read = at(); return t; };
    return r;
  };
};

const server = await startServer({ testMode: false, pkg: PKG, args: ["--fixtures", manyProfilesFixture(COUNT * (RUNS + 1))] });
const profileDir = mkdtempSync(join(tmpdir(), "outbox-drain-profile-"));
const context = await launchProfile(profileDir);
const selfMs = new Map();
const totalMs = new Map();
// The same, for the samples before the first POST (the pass's start: lock, listing, settled()).
const startSelf = new Map();
const startBins = [];
const startTotal = new Map();
let last = null;
const drains = [];
try {
  const page = await openPage(context, server.url);
  const cdp = await profiler(context, page, 100);
  for (let run = 0; run < RUNS; run++) {
    await context.setOffline(true);
    await page.evaluate((db) => openClient({ database: db, user: "bench", extra: { batch: { max: 50 } } }), `drain-profile-${run}`);
    await page.evaluate(async (calls) => {
      window.benchIds = [];
      for (const c of calls) window.benchIds.push((await window.client.gcdirectory.modifyProfile(c)).id);
    }, Array.from({ length: COUNT }, (_, i) => ({ gcId: profileId(run * COUNT + i), data: { titleEn: `p ${run} #${i}` } })));
    await page.evaluate(SPY);
    await page.evaluate(() => {
      window.drained = new Promise((resolve, reject) => {
        addEventListener("online", async () => {
          window.t0 = performance.now();
          try {
            await settleAll(window.benchIds, 600000);
            resolve(performance.now() - window.t0);
          } catch (e) { reject(e); }
        }, { once: true });
      });
    });
    await cdp.send("Profiler.start");
    await context.setOffline(false);
    const took = await page.evaluate(() => window.drained);
    // The last outcome writes land after `settled()`: let them into the log.
    await new Promise((r) => setTimeout(r, 300));
    const pageEnd = await page.evaluate(() => performance.now());
    const { profile } = await cdp.send("Profiler.stop");
    last = await page.evaluate(() => ({ tx: window.txLog, posts: window.postLog, t0: window.t0 }));
    await page.evaluate(() => window.client.close());
    drains.push(took);
    log(`run ${run + 1}: drained ${COUNT} in ${took.toFixed(0)} ms`);
    // Sample times in the page's clock (performance.now()), to within the ~1 ms between the
    // page's last reading and the profiler's stop: both clocks are monotonic.
    const origin = profile.endTime / 1000 - pageEnd;
    const firstPost = last.posts[0]?.issued ?? 0;
    eachSample(profile, (sample) => {
      const { ms, name, stack: seen } = sample;
      const at = sample.at / 1000 - origin - last.t0;
      const early = at >= 0 && at < firstPost;
      if (early && run === RUNS - 1) {
        // The last run's start, in 5 ms bins: which function (innermost named frame) held the thread.
        const bin = Math.floor(at / 5);
        const row = startBins[bin] ?? (startBins[bin] = new Map());
        const named = [...seen].find((n) => /graphql_outbox::(sync|store|client)/.test(n)) ?? name;
        row.set(named, (row.get(named) ?? 0) + ms);
      }
      count(selfMs, totalMs, sample);
      if (early) count(startSelf, startTotal, sample);
    });
  }
} finally {
  await context.close();
  rmSync(profileDir, { recursive: true, force: true });
  await server.stop();
}

const busy = [...selfMs].filter(([k]) => !/^\((idle|program|garbage collector)\)/.test(k)).reduce((a, [, v]) => a + v, 0);
console.log(`drains: ${drains.map((d) => d.toFixed(0)).join(", ")} ms; per run: main thread busy (JS + wasm) ${(busy / RUNS).toFixed(0)} ms, idle ${((selfMs.get("(idle)") ?? 0) / RUNS).toFixed(0)} ms, (program) ${((selfMs.get("(program)") ?? 0) / RUNS).toFixed(0)} ms, GC ${((selfMs.get("(garbage collector)") ?? 0) / RUNS).toFixed(0)} ms`);
console.log(`\nself time, ms per run:`);
printTop(selfMs, RUNS, 40, null);
console.log(`\ntotal time (self + callees), ms per run:`);
printTop(totalMs, RUNS, 60);

console.log(`\nbefore the first POST: self time, ms per run:`);
printTop(startSelf, RUNS, 25, null);
console.log(`before the first POST: total time, ms per run:`);
printTop(startTotal, RUNS, 50);

console.log(`\nthe last run before its first POST, 5 ms bins (ms after online: the busiest SDK frame, else the sampled one):`);
startBins.forEach((row, i) => {
  const top = [...row].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([n, ms]) => `${ms.toFixed(1)} ${short(n).slice(0, 90)}`).join(" | ");
  console.log(`${String(i * 5).padStart(5)}  ${top}`);
});

// Per batch of the last run: the POST and what happened between POSTs.
const { tx, posts } = last;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const inFlight = posts.map((p) => (p.read ?? p.answered) - p.issued);
const gaps = posts.slice(1).map((p, i) => p.issued - (posts[i].read ?? posts[i].answered));
console.log(`\nlast run: ${posts.length} POSTs; first issued at ${posts[0]?.issued} ms after online; POST issued → answer read: sum ${sum(inFlight).toFixed(0)} ms, mean ${(sum(inFlight) / posts.length).toFixed(2)} ms; gap answer read → next POST: sum ${sum(gaps).toFixed(0)} ms, mean ${(sum(gaps) / Math.max(1, gaps.length)).toFixed(2)} ms; last answer read at ${posts.at(-1)?.read}`);
const kinds = new Map();
for (const t of tx) {
  const k = `${t.mode} ${t.durability} ${t.stores}`;
  const v = kinds.get(k) ?? { n: 0, ms: 0, puts: 0 };
  v.n += 1; v.ms += (t.done ?? t.issued) - t.issued; v.puts += t.puts;
  kinds.set(k, v);
}
console.log("IndexedDB transactions of the last run (created → complete):");
for (const [k, v] of kinds) console.log(`  ${String(v.n).padStart(5)} × ${k}: mean ${(v.ms / v.n).toFixed(2)} ms, ${v.puts} puts`);
console.log("\nfirst 12 POSTs and the transactions around them (ms after online):");
for (const p of posts.slice(0, 12)) {
  console.log(`  POST ${p.issued} → ${p.answered} (read ${p.read})`);
}
for (const t of tx.slice(0, 30)) console.log(`  tx ${t.mode} ${t.durability} ${t.stores} ${t.issued} → ${t.done} puts ${t.puts}`);
void readFileSync;
