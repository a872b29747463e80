// What an app's `cache.updates` costs as offline work piles up (issue 8; a script, not a test):
// one headless Chromium with an on-disk profile, the release reference server seeded with LIST
// timesheets of one worker, and the app function of the README (a created timesheet is appended
// to the cached `timesheets` list). Each figure is a ratio to a baseline of the same run:
//   reads with N timesheets created offline (N = 0, 25, 100, 200): a cache-only read of the list
//     and of another query (`hire`), medians of 7, and the time from one more create to a
//     watcher of the list showing it; against the same with no entry pending (N = 0);
//   a drain of DRAIN offline creates, from `online` to every entry settled and a watcher of the
//     list showing no pending entry; against the same drain with no watcher.
// Prints a table, then one JSON line. Needs the built package (scripts/build-pkg.sh); builds the
// release server. Run from the root: node bench/updates.mjs [--drain=100] [--pkg=DIR]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { timesheetsFixture } from "./cache-fixture.mjs";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { useReleaseServer } from "./release-server.mjs";

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const PKG = resolve(option("pkg") ?? join(ROOT, "pkg"));
const DRAIN = Number(option("drain") ?? 100);
if (!Number.isInteger(DRAIN) || DRAIN < 1) throw new Error(`--drain must be a positive integer, not ${option("drain")}`);
const LIST = 50;
const STEPS = [0, 25, 100, 200];
const log = (...a) => console.error("[updates-bench]", ...a);

useReleaseServer(ROOT, log);

// Installed after every load: the client with the app's function, and timed helpers.
const PAGE_HELPERS = () => {
  const day = (k) => new Date(Date.UTC(2030, 0, 7) + k * 7 * 86_400_000).toISOString().slice(0, 10);
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  window.bench = {
    async open(database, first) {
      const list = { first };
      const updates = { worksome: { createTimesheet: (result, cache) => cache.updateQuery("timesheets", list, (data) => data && { ...data, timesheets: { ...data.timesheets, data: [...data.timesheets.data, result] } }) } };
      await openClient({ database, user: "worker-3", worksome: true, gcdirectory: false, extra: { cache: { updates } } });
      window.currentWorksomeToken = "ws-worker-token";
      await client.worksome.query.timesheets(list, { policy: "network-only" });
      await client.worksome.query.hire({ id: "110" }, { policy: "network-only" });
    },
    /** Creates timesheets `from`..`to` (weeks from 2030), one call after another. */
    async create(from, to) {
      const ids = [];
      for (let k = from; k < to; k++) ids.push((await client.worksome.createTimesheet({ worker: "3", hire: "110", startDate: day(k), endDate: day(k) })).id);
      return ids;
    },
    async time(f, reps) {
      const xs = [];
      for (let i = 0; i < reps; i++) { const t = performance.now(); await f(); xs.push(performance.now() - t); }
      return median(xs);
    },
    /** Reads with the entries now pending: the list, another query, one more create to a watcher. */
    async reads(first, week) {
      let shown = 0;
      const list = await window.bench.time(async () => { shown = (await client.worksome.query.timesheets({ first }, { policy: "cache-only" })).data.timesheets.data.length; }, 7);
      const other = await window.bench.time(() => client.worksome.query.hire({ id: "110" }, { policy: "cache-only" }), 7);
      let seen;
      const shows = new Promise((r) => (seen = r));
      const stop = client.worksome.watch.timesheets({ first }, (x) => { if (x.data.timesheets.data.length === shown + 1) seen(); }, { policy: "cache-only" });
      await new Promise((r) => setTimeout(r, 50));
      const t = performance.now();
      const [id] = await window.bench.create(week, week + 1);
      await shows;
      const watch = performance.now() - t;
      stop();
      await client.outbox.discard(id);
      return { shown, list, other, watch };
    },
  };
};

const server = await startServer({ testMode: false, pkg: PKG, args: ["--fixtures", timesheetsFixture(ROOT, LIST, 5000)] });
const profile = mkdtempSync(join(tmpdir(), "outbox-updates-bench-"));
const context = await launchProfile(profile);
const reads = [];
const drains = {};
try {
  const page = await openPage(context, server.url);
  await page.evaluate(PAGE_HELPERS);
  log(`reads with ${STEPS.join(", ")} creates pending`);
  await page.evaluate(() => window.bench.open("bench-reads", 50));
  await context.setOffline(true);
  // One untimed round first (JIT, the cache's load, the outbox's first writes).
  await page.evaluate(([first, week]) => window.bench.reads(first, week), [LIST, 9_000]);
  let made = 0;
  for (const n of STEPS) {
    await page.evaluate(([from, to]) => window.bench.create(from, to), [made, n]);
    made = n;
    reads.push({ pending: n, ...(await page.evaluate(([first, week]) => window.bench.reads(first, week), [LIST, 10_000 + n])) });
  }
  await page.evaluate(() => window.client.close());
  await context.setOffline(false);

  for (const watched of [false, true]) {
    log(`drain of ${DRAIN} creates, ${watched ? "with" : "without"} a watcher of the list`);
    await page.reload();
    await page.evaluate(() => window.outboxReady);
    await page.evaluate(PAGE_HELPERS);
    await page.evaluate((db) => window.bench.open(db, 500), `bench-drain-${watched}`);
    await context.setOffline(true);
    const ids = await page.evaluate(([n, week, watched]) => window.bench.create(week, week + n).then((ids) => {
      window.rounds = 0;
      window.last = null;
      if (watched) client.worksome.watch.timesheets({ first: 500 }, (x) => { window.rounds++; window.last = x; }, { policy: "cache-first" });
      return ids;
    }), [DRAIN, 20_000 * (watched ? 2 : 1), watched]);
    await page.waitForTimeout(300);
    await context.setOffline(false);
    drains[watched ? "watched" : "plain"] = await page.evaluate(async (ids) => {
      const t = performance.now();
      const outcomes = await Promise.all(ids.map((id) => client.outbox.settled(id)));
      if (outcomes.some((o) => o.status !== "sent")) throw new Error(`not every create was sent: ${JSON.stringify(outcomes.find((o) => o.status !== "sent"))}`);
      const clean = (x) => !x || (x.pending.length === 0 && !x.data.timesheets.data.some((s) => s.id.startsWith("tmp:")));
      while (!clean(window.last)) await new Promise((r) => setTimeout(r, 5));
      return { ms: performance.now() - t, callbacks: window.rounds };
    }, ids);
    await page.evaluate(() => window.client.close());
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.stop();
}

const r2 = (x) => Math.round(x * 100) / 100;
const base = reads[0];
const rows = reads.map((r) => [r.pending, r.shown, r.list, r.other, r.watch]);
console.log(`\ncache.updates: a list of ${LIST} timesheets, an app function appending each created one (${PKG})\n`);
console.log("| creates pending | list shows | read list, ms | read another query, ms | create -> watcher, ms |");
console.log("|---:|---:|---:|---:|---:|");
for (const [n, shown, list, other, watch] of rows) console.log(`| ${n} | ${shown} | ${list.toFixed(1)} (${r2(list / base.list)}x) | ${other.toFixed(1)} (${r2(other / base.other)}x) | ${watch.toFixed(1)} (${r2(watch / base.watch)}x) |`);
console.log(`\n| drain of ${DRAIN} creates | ms | watcher callbacks |\n|---|---:|---:|`);
console.log(`| no watcher | ${drains.plain.ms.toFixed(0)} | – |`);
console.log(`| a watcher of the list | ${drains.watched.ms.toFixed(0)} (${r2(drains.watched.ms / drains.plain.ms)}x) | ${drains.watched.callbacks} |`);
const last = reads.at(-1);
console.log(JSON.stringify({
  read_list_vs_none_pending: r2(last.list / base.list),
  read_other_vs_none_pending: r2(last.other / base.other),
  watch_vs_none_pending: r2(last.watch / base.watch),
  pending: last.pending,
  drain_watched_vs_plain: r2(drains.watched.ms / drains.plain.ms),
  drain_ms: { plain: Math.round(drains.plain.ms), watched: Math.round(drains.watched.ms) },
  watcher_callbacks: drains.watched.callbacks,
  reads: reads.map((r) => ({ pending: r.pending, list_ms: r2(r.list), other_ms: r2(r.other), watch_ms: r2(r.watch) })),
}));
