// The project's benchmark (a script, not a test): one run, one headless Chromium with an
// on-disk profile (an off-the-record context keeps IndexedDB in memory, so "strict" would mean
// nothing), against the reference server built in release mode. Every figure is a ratio to a
// baseline measured in the same run:
//   drain 1,000 queued entries: batching on (batch.max 50, the default; --batch=N), batching off (max 1), plain
//     sequential fetch, the batched limit (the same batches POSTed by plain JS, no storage), and
//     the durable batched limit (the same again, each batch's outcomes written as the SDK
//     writes them: its own records, one per entry, read back from its drain, one strict
//     transaction per batch, while the next batch is in flight; timed like the drain, to the
//     last outcomes issued: what those writes cost here, the SDK's own work aside);
//   enqueue 1,000 calls awaited one by one vs raw IndexedDB, one strict transaction per record;
//   1,000 concurrent calls vs one strict transaction of 1,000 records (each measured --reps
//     times in turns, 5 by default: the medians are compared);
//   peers (Workbox background-sync Queue, raw IndexedDB, fetch) through ../shared/anchor-bench,
//     copied to a temporary directory and npm-installed (skip with --no-peers);
//   the package's size: wasm + JS glue, raw and gzip -9.
// Prints a table, then one JSON line. Needs the built package (scripts/build-pkg.sh); builds the
// release server if it is missing. Run from the root: node bench/outbox.mjs [count] [--no-peers]
// [--reps=N] [--batch=N] [--pkg=DIR] (DIR: another build of the package, e.g. one kept from before a change; default pkg/).
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { manyProfilesFixture, profileId } from "../tests/js/e2e/many-profiles.mjs";
import { useReleaseServer } from "./release-server.mjs";

const argv = process.argv.slice(2);
const COUNT = Number(argv.find((a) => !a.startsWith("--")) ?? 1000);
if (!Number.isInteger(COUNT) || COUNT < 1) throw new Error(`count must be a positive integer, not ${argv[0]}`);
const PEERS = !argv.includes("--no-peers");
const PKG = resolve(argv.find((a) => a.startsWith("--pkg="))?.slice(6) ?? join(ROOT, "pkg"));
// The SDK's default batch.max (50); --batch=N measures another (the baselines use the same N).
const BATCH = Number(argv.find((a) => a.startsWith("--batch="))?.slice(8) ?? 50);
if (!Number.isInteger(BATCH) || BATCH < 1 || BATCH > 100) throw new Error("--batch must be a whole number from 1 to 100");
const REPS = Number(argv.find((a) => a.startsWith("--reps="))?.slice(7) ?? 5);
if (!Number.isInteger(REPS) || REPS < 1) throw new Error("--reps must be a positive integer");
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const DOCUMENT = readFileSync(join(ROOT, "operations", "gcdirectory", "modifyProfile.graphql"), "utf8");
const TOKEN = "gc-admin-token";
const log = (...a) => console.error("[bench]", ...a);

useReleaseServer(ROOT, log);

// Every mutation edits its own profile: entries that share an ID-typed value depend on each
// other and are never batched together, and no two runs touch the same profile.
const PER_RUN = COUNT;
const args = (run, i) => ({ gcId: profileId(run * PER_RUN + i), data: { titleEn: `run ${run} #${i}` } });
const calls = (run) => Array.from({ length: COUNT }, (_, i) => args(run, i));

// Without test mode: ordinary keep-alive connections, as a deployed server would have.
const server = await startServer({ testMode: false, pkg: PKG, args: ["--fixtures", manyProfilesFixture(PER_RUN * 8)] });
const profile = mkdtempSync(join(tmpdir(), "outbox-bench-"));
const context = await launchProfile(profile);
const ms = {};
// Every sample of the figures measured more than once (--reps), by the name of their median in `ms`.
const samples = { concurrent: [], rawStrictOneTx: [], rawStrictOneTxSame: [] };
try {
  const page = await openPage(context, server.url);

  /** Enqueues run `run`'s calls offline in database `db`, then times the drain from `online`. */
  async function queueThenDrain(db, run, batch) {
    await context.setOffline(true);
    await page.evaluate(({ db, batch }) => openClient({ database: db, user: "bench", extra: { batch } }), { db, batch });
    const enqueue = await page.evaluate(async (calls) => {
      const ids = [];
      const t = performance.now();
      for (const c of calls) {
        const r = await window.client.gcdirectory.modifyProfile(c);
        if (r.status !== "queued") throw new Error(`a call was ${r.status}, not queued`);
        ids.push(r.id);
      }
      window.benchIds = ids;
      return performance.now() - t;
    }, calls(run));
    await page.evaluate(() => {
      window.drained = new Promise((resolve, reject) => {
        addEventListener("online", async () => {
          const t = performance.now();
          try {
            const settled = await settleAll(window.benchIds, 600000);
            const notSent = settled.filter((s) => s.status !== "sent");
            if (notSent.length) throw new Error(`${notSent.length} entries did not reach sent: ${JSON.stringify(notSent[0])}`);
            resolve(performance.now() - t);
          } catch (e) { reject(e); }
        }, { once: true });
      });
    });
    await context.setOffline(false);
    const drain = await page.evaluate(() => window.drained);
    await page.evaluate(() => window.client.close());
    return { enqueue, drain };
  }

  // Warm-up: server, connections, the page's JIT.
  await page.evaluate(async ({ query, token }) => {
    for (let i = 0; i < 20; i++) {
      await fetch(`${location.origin}/graphql/gcdirectory`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables: { gcId: "1", data: { titleEn: "warm" } } }) });
    }
  }, { query: DOCUMENT, token: TOKEN });

  log("drain, batching on");
  const on = await queueThenDrain("bench-on", 0, { max: BATCH });
  ms.enqueue = on.enqueue;
  ms.drainBatched = on.drain;
  log("drain, batching off");
  ms.drainSingle = (await queueThenDrain("bench-off", 1, { max: 1 })).drain;

  // Page helpers for the baselines below: a request or a transaction as a promise, the raw
  // databases, the SDK's own records read back, and a batch's body.
  await page.evaluate(() => {
    window.req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
    window.committed = (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onabort = () => rej(tx.error); });
    window.dropDb = (name) => req(indexedDB.deleteDatabase(name));
    // A fresh database with one auto-increment store (every raw baseline's).
    window.rawDb = () => {
      const r = indexedDB.open(`bench-raw-${Math.random()}`, 1);
      r.onupgradeneeded = () => r.result.createObjectStore("entries", { autoIncrement: true });
      return req(r);
    };
    // A fresh database whose store has the SDK's key and indexes (id unique, user, active).
    window.sdkLikeDb = () => {
      const r = indexedDB.open(`bench-raw-same-${Math.random()}`, 1);
      r.onupgradeneeded = () => {
        const s = r.result.createObjectStore("entries", { autoIncrement: true });
        s.createIndex("id", "id", { unique: true });
        s.createIndex("user", "user");
        s.createIndex("active", "active");
      };
      return req(r);
    };
    // The records (and keys) the SDK stored in its database `database`.
    window.sdkRecords = async (database) => {
      const name = (await indexedDB.databases()).map((d) => d.name).find((n) => n.endsWith(`:${database}`));
      if (!name) throw new Error(`no SDK database named *:${database}`);
      const src = await req(indexedDB.open(name));
      const store = src.transaction("entries").objectStore("entries");
      const [keys, records] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
      src.close();
      return { name, keys, records };
    };
    // One batch's body: its calls as modifyProfile operations, each with a new idempotency key.
    window.batchBody = (calls, query) => JSON.stringify(calls.map((c) => ({ query, variables: c, operationName: "modifyProfile", extensions: { idempotencyKey: crypto.randomUUID() } })));
    // Adds `records` to `db`'s `entries` in one strict transaction: ms until it has committed.
    // The database is deleted after (untimed), so no run writes beside the last one's files.
    window.oneTx = async (db, records) => {
      const t = performance.now();
      const tx = db.transaction("entries", "readwrite", { durability: "strict" });
      for (const rec of records) tx.objectStore("entries").add(rec);
      await committed(tx);
      const took = performance.now() - t;
      db.close();
      await dropDb(db.name);
      return took;
    };
  });

  log("plain sequential fetch and the batched limit");
  const plain = await page.evaluate(async ({ seq, batched, query, token, size }) => {
    const url = `${location.origin}/graphql/gcdirectory`;
    const post = async (body, key) => {
      const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
      if (key) headers["idempotency-key"] = key;
      const r = await fetch(url, { method: "POST", headers, body });
      const answer = await r.json();
      if (!r.ok || answer.errors || (Array.isArray(answer) && answer.some((a) => a.errors))) throw new Error(`HTTP ${r.status} ${JSON.stringify(answer).slice(0, 300)} for ${body.slice(0, 300)}`);
    };
    let t = performance.now();
    for (const c of seq) await post(JSON.stringify({ query, variables: c, operationName: "modifyProfile" }), crypto.randomUUID());
    const sequential = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < batched.length; i += size) await post(batchBody(batched.slice(i, i + size), query));
    return { sequential, batchedLimit: performance.now() - t };
  }, { seq: calls(2), batched: calls(3), query: DOCUMENT, token: TOKEN, size: BATCH });
  ms.sequentialFetch = plain.sequential;
  ms.batchedLimit = plain.batchedLimit;

  log("the durable batched limit");
  ms.durableLimit = await page.evaluate(async ({ batched, query, token, size }) => {
    // The SDK's records of the batched drain (sent: its outcome records), with their keys.
    const { keys, records } = await sdkRecords("bench-on");
    if (records.length !== batched.length) throw new Error(`the drain stored ${records.length} records`);
    // A store like the SDK's (same key and indexes), holding them as they were queued
    // (untimed; a live record carries `active`, which the `active` index holds): each outcome
    // write replaces a queued record with its sent one, as the SDK's does.
    const db = await sdkLikeDb();
    const fill = db.transaction("entries", "readwrite");
    records.forEach((r, i) => fill.objectStore("entries").put({ ...r, state: "queued", attempts: 0, settledAt: 0, data: null, active: r.user }, keys[i]));
    await committed(fill);
    const url = `${location.origin}/graphql/gcdirectory`;
    const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
    const writes = [];
    const outcomes = (lo, hi) => {
      const tx = db.transaction("entries", "readwrite", { durability: "strict" });
      for (let k = lo; k < hi; k++) tx.objectStore("entries").put(records[k], keys[k]);
      writes.push(committed(tx));
    };
    const t = performance.now();
    for (let i = 0; i < batched.length; i += size) {
      const answer = fetch(url, { method: "POST", headers, body: batchBody(batched.slice(i, i + size), query) });
      if (i > 0) outcomes(i - size, i);
      const r = await answer;
      const body = await r.json();
      if (!r.ok || !Array.isArray(body) || body.some((a) => a.errors)) throw new Error(`HTTP ${r.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
    outcomes(batched.length - (batched.length % size || size), batched.length);
    // Timed to here, as the drain is timed to its last `settled()`: the SDK reports a batch's
    // outcomes before their write commits (the write is issued right after).
    const took = performance.now() - t;
    await Promise.all(writes);
    db.close();
    await dropDb(db.name);
    return took;
  }, { batched: calls(6), query: DOCUMENT, token: TOKEN, size: BATCH });

  log(`raw IndexedDB strict baselines; concurrent calls and one strict transaction, ${REPS} rounds in turns`);
  const records = calls(4).map((variables) => ({ operation: "modifyProfile", variables }));
  ms.rawStrictPerRecord = await page.evaluate(async (records) => {
    const db = await rawDb();
    const t = performance.now();
    for (const rec of records) {
      const tx = db.transaction("entries", "readwrite", { durability: "strict" });
      tx.objectStore("entries").add(rec);
      await committed(tx);
    }
    const took = performance.now() - t;
    db.close();
    await dropDb(db.name);
    return took;
  }, records);
  // The concurrent calls and their baselines take ~50-120 ms each, where this machine's noise
  // is tens of ms (one strict transaction of the same records took 38-67 ms in eight runs):
  // each is measured REPS times in turns (which comes first alternates), a fresh database each
  // time, deleted after, and the medians compared.
  const plainOneTx = async () => samples.rawStrictOneTx.push(await page.evaluate(async (records) => oneTx(await rawDb(), records), records));
  for (let rep = 0; rep < REPS; rep++) {
    if (rep % 2 === 0) await plainOneTx();
    await context.setOffline(true);
    const database = `bench-concurrent-${rep}`;
    await page.evaluate((database) => openClient({ database, user: "bench" }), database);
    samples.concurrent.push(await page.evaluate(async (calls) => {
      const t = performance.now();
      const rs = await Promise.all(calls.map((c) => window.client.gcdirectory.modifyProfile(c)));
      const took = performance.now() - t;
      if (rs.some((r) => r.status !== "queued")) throw new Error("a concurrent call was not queued");
      return took;
    }, calls(5)));
    await page.evaluate(() => window.client.close());
    // The same baseline with what the SDK stores: its 1,000 records, read back, in one strict
    // transaction into a store with the same key and indexes (id unique, user, active). The
    // difference to the plain baseline is the cost of the record and its indexes, not the SDK's.
    samples.rawStrictOneTxSame.push(await page.evaluate(async ({ count, database }) => {
      const { name, records } = await sdkRecords(database);
      if (records.length !== count) throw new Error(`the concurrent calls stored ${records.length} records`);
      await dropDb(name);
      return oneTx(await sdkLikeDb(), records);
    }, { count: COUNT, database }));
    await context.setOffline(false);
    if (rep % 2 === 1) await plainOneTx();
  }
  for (const [k, v] of Object.entries(samples)) ms[k] = median(v);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.stop();
}

// Peers through the anchor harness (a copy: ../shared is read-only and is not forked here).
let peers = null;
if (PEERS) {
  const dir = mkdtempSync(join(tmpdir(), "anchor-bench-"));
  try {
    log("peers: anchor-bench (npm install, then its cases)");
    cpSync(resolve(ROOT, "..", "shared", "anchor-bench"), dir, { recursive: true });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const only = ["idb-tx-per-record-strict", "idb-one-tx-strict", "sw-workbox-push", "fetch-seq", "fetch-batched", "sw-workbox-replay"];
    execFileSync("node", ["run.mjs", `--only=${only.join(",")}`, "--no-sizes"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const out = JSON.parse(readFileSync(join(dir, "results-partial.json"), "utf8"));
    peers = Object.fromEntries(out.results.map((r) => [r.id, { what: r.what, n: r.n, medianMs: r.medianMs }]));
  } catch (e) {
    log(`peers skipped: ${e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The package's size: what an app downloads (wasm + JS glue + entry).
const pkg = PKG;
const size = (f) => { const b = readFileSync(join(pkg, f)); return { raw: b.length, gzip: gzipSync(b, { level: 9 }).length }; };
const wasm = size("graphql_outbox_bg.wasm");
const glue = ["graphql_outbox.js", "index.js"].map(size).reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }));

const ratio = (a, b) => +(a / b).toFixed(2);
const N = COUNT.toLocaleString("en-US");
const rows = [
  [`drain ${N} queued, batching on (max ${BATCH})`, ms.drainBatched, `${ratio(ms.drainBatched, ms.batchedLimit)}x batched limit, ${ratio(ms.drainBatched, ms.sequentialFetch)}x sequential fetch`],
  [`drain ${N} queued, batching off (max 1)`, ms.drainSingle, `${ratio(ms.drainSingle, ms.sequentialFetch)}x sequential fetch`],
  [`baseline: plain sequential fetch x${N}`, ms.sequentialFetch, "1.00x"],
  ["baseline: batched limit (same batches, plain JS)", ms.batchedLimit, "1.00x"],
  ["baseline: durable batched limit (+ the SDK's outcome records, strict tx/batch)", ms.durableLimit, `${ratio(ms.durableLimit, ms.batchedLimit)}x batched limit; drain ${ratio(ms.drainBatched, ms.durableLimit)}x this`],
  [`enqueue ${N} awaited one by one (offline)`, ms.enqueue, `${ratio(ms.enqueue, ms.rawStrictPerRecord)}x raw strict per record`],
  ["baseline: raw IndexedDB, strict, 1 tx/record", ms.rawStrictPerRecord, "1.00x"],
  [`${N} concurrent calls (offline), median of ${REPS}`, ms.concurrent, `${ratio(ms.concurrent, ms.rawStrictOneTx)}x one strict tx`],
  [`baseline: raw IndexedDB, strict, ${N} records in 1 tx, median of ${REPS}`, ms.rawStrictOneTx, "1.00x"],
  [`baseline: the same, with the SDK's ${N} records and indexes, median of ${REPS}`, ms.rawStrictOneTxSame, `${ratio(ms.concurrent, ms.rawStrictOneTxSame)}x (concurrent calls)`],
];
for (const [id, p] of Object.entries(peers ?? {})) rows.push([`peer (anchor-bench, n=${p.n}): ${p.what}`, p.medianMs * (COUNT / p.n), "scaled to this count"]);
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`graphql-outbox benchmark: ${COUNT} modifyProfile mutations, headless Chromium, on-disk profile, release reference server`);
console.log(`| ${"case".padEnd(width)} | ${"ms".padStart(8)} | ${"ms/op".padStart(6)} | ratio |`);
console.log(`|${"-".repeat(width + 2)}|----------|--------|-------|`);
for (const [what, t, r] of rows) console.log(`| ${what.padEnd(width)} | ${t.toFixed(0).padStart(8)} | ${(t / COUNT).toFixed(3).padStart(6)} | ${r} |`);
console.log(`| package: wasm ${wasm.raw} B raw / ${wasm.gzip} B gzip -9; JS glue + entry ${glue.raw} B / ${glue.gzip} B; total gzip ${wasm.gzip + glue.gzip} B |`);
console.log(JSON.stringify({
  count: COUNT,
  drain_vs_batched_limit: ratio(ms.drainBatched, ms.batchedLimit),
  drain_vs_sequential: ratio(ms.drainBatched, ms.sequentialFetch),
  // What durability alone costs here: plain JS with the SDK's outcome writes, no SDK.
  durable_limit_vs_batched_limit: ratio(ms.durableLimit, ms.batchedLimit),
  drain_vs_durable_limit: ratio(ms.drainBatched, ms.durableLimit),
  drain_unbatched_vs_sequential: ratio(ms.drainSingle, ms.sequentialFetch),
  enqueue_vs_raw_strict: ratio(ms.enqueue, ms.rawStrictPerRecord),
  concurrent_vs_one_tx: ratio(ms.concurrent, ms.rawStrictOneTx),
  // The same turn by turn: the median of each turn's ratio.
  concurrent_vs_one_tx_paired: +median(samples.concurrent.map((c, i) => c / samples.rawStrictOneTx[i])).toFixed(2),
  concurrent_vs_one_tx_same_records: ratio(ms.concurrent, ms.rawStrictOneTxSame),
  wasm_bytes: wasm.raw,
  wasm_gzip_bytes: wasm.gzip,
  glue_gzip_bytes: glue.gzip,
  ms: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, +v.toFixed(1)])),
  samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => +x.toFixed(1))])),
  peers,
}));
