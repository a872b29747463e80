// The offline cache's benchmark (issue 8; a script, not a test): one headless Chromium with an
// on-disk profile (launchPersistentContext: an off-the-record context keeps IndexedDB in
// memory), the release reference server seeded with 500 timesheets of one worker, and the
// generated query `client.worksome.query.timesheets({ first: 500 })` (500 Timesheet entities
// plus their Hire and Worker refs). Every figure is a ratio to a baseline of the same run:
//   write: query(policy "network-only") minus a plain fetch + JSON.parse of the same document
//     (alternated, medians), vs raw IndexedDB putting the very records the SDK stored (its
//     `cache` object store read back, as objects { u, k, v } under the key path [u, k]: the SDK
//     stores each as one JSON text, the baseline the records as an app would store them) in one
//     relaxed transaction, as the SDK's query writes are;
//   cold read after a page reload: Client.open + query(policy "cache-only") vs raw
//     IndexedDB open + getAll of those records (each after its own reload; which comes first
//     alternates run by run, --order), and the query
//     alone vs getAll alone; also raw open + getAll of the SDK's stored form as it is (texts),
//     what IndexedDB alone costs the SDK's read;
//   one changed entity: a timesheet's dates changed on the server, the query re-run
//     network-only; the puts the SDK issued on its `cache` store (counted by patching
//     IDBObjectStore.prototype.put) and the records whose stored value differs before/after;
//   peers (urql Graphcache, Apollo + apollo3-cache-persist, raw IndexedDB) through a copy of
//     ../shared/anchor-bench/cache-run.mjs, npm-installed in a temporary directory (--no-peers);
//   the package's wasm size, raw and gzip -9.
// Prints a table, then one JSON line. Needs the built package (scripts/build-pkg.sh); builds the
// release server. Run from the root: node bench/cache.mjs [--runs=5] [--no-peers] [--pkg=DIR] [--order=alternate]
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { timesheetsFixture } from "./cache-fixture.mjs";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { useReleaseServer } from "./release-server.mjs";

const argv = process.argv.slice(2);
const option = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(option("runs") ?? 5);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, not ${option("runs")}`);
const PEERS = !argv.includes("--no-peers");
// --pkg=DIR: another build of the package (e.g. one kept from before a change) instead of pkg/.
const PKG = resolve(option("pkg") ?? join(ROOT, "pkg"));
// --order: which cold read comes first after the writes: alternate (the default: runs 1, 3, 5…
// the raw reads first, the warm-up and runs 2, 4… the SDK's), sdk-first or raw-first (to see
// the order's own effect: in round s22, 2 runs each of 5, none seen).
const ORDER = option("order") ?? "alternate";
if (!["alternate", "sdk-first", "raw-first"].includes(ORDER)) throw new Error(`--order: alternate, sdk-first or raw-first, not ${ORDER}`);
const ENTITIES = 500;
const FIRST_ID = 5000; // timesheet ids FIRST_ID .. FIRST_ID + ENTITIES - 1: above every seed id
const CHANGED_ID = String(FIRST_ID + ENTITIES / 2);
const TOKEN = "ws-worker-token"; // the fixtures' worker 3 (user 31, account 3)
const DOCUMENT = readFileSync(join(ROOT, "operations", "worksome", "queries", "timesheets.graphql"), "utf8");
const VARIABLES = { first: ENTITIES };
const log = (...a) => console.error("[cache-bench]", ...a);

useReleaseServer(ROOT, log);

// Page helpers, installed after every load: the SDK's records as stored, a raw database with
// the SDK's key path, a put counter on the SDK's `cache` store, anchor-bench's byte measure.
const PAGE_HELPERS = () => {
  const req = (r) => new Promise((res, rej) => { r.onsuccess = () => res(r.result); r.onerror = () => rej(r.error); });
  window.bench = {
    open: (name, create) => new Promise((res, rej) => {
      const r = indexedDB.open(name);
      // create: "objects" (key path [u, k], the baseline) or "texts" (out-of-line keys).
      r.onupgradeneeded = () => { if (create) r.result.createObjectStore("cache", create === "texts" ? undefined : { keyPath: ["u", "k"] }); };
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    }),
    commit: (tx) => new Promise((res, rej) => { tx.oncomplete = res; tx.onabort = () => rej(tx.error); }),
    getAll: (db) => req(db.transaction("cache").objectStore("cache").getAll()),
    /**
     * The SDK's cache records of database `name` (the SDK names it graphql-outbox:<name>) as
     * objects `{ u, k, v }`: the baseline stores these. The SDK stores each as one JSON text
     * `{"k","v"}` under the key [u, k] (schema 4; schema 3 stored these objects as they are),
     * so the baseline is the same records in the form an app would store them raw.
     */
    async records(name) {
      const db = await window.bench.open(`graphql-outbox:${name}`, false);
      try {
        const store = db.transaction("cache").objectStore("cache");
        const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
        return values.map((v, i) => (typeof v === "string" ? { u: keys[i][0], ...JSON.parse(v) } : v));
      } finally { db.close(); }
    },
    /** The SDK's stored values and keys as they are (strings in schema 4). */
    async stored(name) {
      const db = await window.bench.open(`graphql-outbox:${name}`, false);
      try {
        const store = db.transaction("cache").objectStore("cache");
        const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
        return { keys, values };
      } finally { db.close(); }
    },
    // Approximate stored bytes (anchor-bench's pages/cache-common.js sizeOf): strings by length,
    // 8 per number, keys + values for objects, so these bytes compare with the peers'.
    sizeOf(v) {
      if (typeof v === "string") return v.length;
      if (typeof v === "number") return 8;
      if (typeof v === "boolean") return 1;
      if (v === null || typeof v !== "object") return 0;
      let n = 0;
      if (Array.isArray(v)) for (const x of v) n += window.bench.sizeOf(x);
      else for (const k in v) n += k.length + window.bench.sizeOf(v[k]);
      return n;
    },
    puts: null,
    countPuts() {
      window.bench.puts = [];
      if (window.bench.patched) return;
      window.bench.patched = true;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        // Schema 4 puts (JSON text, [user, key]); schema 3 put objects { u, k, v }.
        const text = typeof args[0] === "string";
        if (this.name === "cache" && window.bench.puts) window.bench.puts.push({ k: text ? args[1]?.[1] : args[0]?.k, bytes: window.bench.sizeOf(text ? { u: args[1]?.[0], ...JSON.parse(args[0]) } : args[0]), json: text ? args[0].length : JSON.stringify(args[0]).length });
        return put.apply(this, args);
      };
    },
  };
  window.currentWorksomeToken = "ws-worker-token";
};

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const fixtures = timesheetsFixture(ROOT, ENTITIES, FIRST_ID);
const server = await startServer({ testMode: false, pkg: PKG, args: ["--fixtures", fixtures] });
const profile = mkdtempSync(join(tmpdir(), "outbox-cache-bench-"));
const context = await launchProfile(profile);
const samples = { fetch: [], query: [], rawPut: [], coldOpenRead: [], coldRead: [], coldReadGetAll: [], rawColdOpenGetAll: [], rawGetAll: [], rawTextOpenGetAll: [] };
let change = null;
let shape = null;
try {
  const page = await openPage(context, server.url);
  const reload = async () => { await page.reload(); await page.evaluate(() => window.outboxReady); await page.evaluate(PAGE_HELPERS); };
  await page.evaluate(PAGE_HELPERS);
  const open = (db) => page.evaluate((database) => openClient({ database, user: "bench", worksome: true, gcdirectory: false }), db);

  // One untimed round first (JIT, server, connections, the origin's IndexedDB backing store).
  for (let run = -1; run < RUNS; run++) {
    const timed = run >= 0;
    const db = `bench-${run + 1}`;
    await open(db);
    const w = await page.evaluate(async ({ db, query, variables, token }) => {
      const plain = async () => {
        const t = performance.now();
        const r = await fetch(`${location.origin}/graphql/worksome`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables, operationName: "timesheets" }) });
        const answer = await r.json();
        if (!r.ok || answer.errors) throw new Error(`plain fetch: HTTP ${r.status} ${JSON.stringify(answer).slice(0, 300)}`);
        return { ms: performance.now() - t, items: answer.data.timesheets.data.length, bytes: JSON.stringify(answer).length };
      };
      const before = await plain();
      let t = performance.now();
      const result = await window.client.worksome.query.timesheets(variables, { policy: "network-only" });
      const queryMs = performance.now() - t;
      if (result.source !== "network" || result.data.timesheets.data.length !== before.items) throw new Error(`query: ${result.source}, ${result.data.timesheets.data.length} items`);
      const after = await plain();
      await window.client.close();
      // Raw IndexedDB: the records the SDK stored, put into a fresh database in one transaction.
      const records = await window.bench.records(db);
      const raw = await window.bench.open(`raw-${db}`, "objects");
      t = performance.now();
      const tx = raw.transaction("cache", "readwrite", { durability: "relaxed" });
      for (const r of records) tx.objectStore("cache").put(r);
      await window.bench.commit(tx);
      const rawPut = performance.now() - t;
      raw.close();
      // The SDK's stored form as it is (values and keys), for the second cold-read baseline.
      const stored = await window.bench.stored(db);
      const rawText = await window.bench.open(`rawtext-${db}`, "texts");
      const ttx = rawText.transaction("cache", "readwrite", { durability: "relaxed" });
      stored.values.forEach((v, i) => ttx.objectStore("cache").put(v, stored.keys[i]));
      await window.bench.commit(ttx);
      rawText.close();
      return { fetch: (before.ms + after.ms) / 2, query: queryMs, rawPut, items: before.items, responseBytes: before.bytes, records: records.length, storedBytes: records.reduce((n, r) => n + window.bench.sizeOf(r), 0) };
    }, { db, query: DOCUMENT, variables: VARIABLES, token: TOKEN });
    shape = { items: w.items, responseJsonBytes: w.responseBytes, records: w.records, storedBytes: w.storedBytes };

    // Cold reads, each the first IndexedDB use of a freshly loaded page, in an order that
    // alternates run by run (ORDER): the first read after the writes above may meet IndexedDB's
    // backing store still settling them, and that should not always fall on the same side.
    const sdkCold = () => page.evaluate(async ({ db, variables }) => {
      // When the SDK's getAll on its `cache` store is answered: the IndexedDB part of its read.
      const getAll = IDBObjectStore.prototype.getAll;
      let idb = null;
      IDBObjectStore.prototype.getAll = function (...args) {
        const r = getAll.apply(this, args);
        if (this.name === "cache") { const t0 = performance.now(); r.addEventListener("success", () => { idb = performance.now() - t0; }); }
        return r;
      };
      const t = performance.now();
      await openClient({ database: db, user: "bench", worksome: true, gcdirectory: false });
      const t2 = performance.now();
      const r = await window.client.worksome.query.timesheets(variables, { policy: "cache-only" });
      const end = performance.now();
      if (r.source !== "cache" || r.data.timesheets.data.length !== variables.first) throw new Error(`cold read: ${r.source}`);
      IDBObjectStore.prototype.getAll = getAll;
      return { openRead: end - t, read: end - t2, idb };
    }, { db, variables: VARIABLES });
    const rawCold = (name) => page.evaluate(async (db) => {
      const t = performance.now();
      const conn = await window.bench.open(db, false);
      const t2 = performance.now();
      const all = await window.bench.getAll(conn);
      const end = performance.now();
      conn.close();
      if (!all.length) throw new Error("raw cold read: no records");
      return { openGetAll: end - t, getAll: end - t2 };
    }, name);
    const sdkFirst = ORDER === "sdk-first" || (ORDER === "alternate" && run % 2 !== 0);
    let sdk, raw, rawText;
    for (const read of sdkFirst ? ["sdk", "raw", "rawText"] : ["raw", "rawText", "sdk"]) {
      await reload();
      if (read === "sdk") sdk = await sdkCold();
      else if (read === "raw") raw = await rawCold(`raw-${db}`);
      else rawText = await rawCold(`rawtext-${db}`);
    }
    log(`${timed ? `run ${run + 1}` : "warm-up"}: query ${w.query.toFixed(1)} ms, fetch ${w.fetch.toFixed(1)}, raw put ${w.rawPut.toFixed(1)}; cold open+read ${sdk.openRead.toFixed(1)} (read ${sdk.read.toFixed(1)}, its getAll ${sdk.idb?.toFixed(1)}), raw open+getAll ${raw.openGetAll.toFixed(1)} (getAll ${raw.getAll.toFixed(1)}), of the stored form ${rawText.openGetAll.toFixed(1)}`);
    if (timed) {
      samples.fetch.push(w.fetch); samples.query.push(w.query); samples.rawPut.push(w.rawPut);
      samples.coldOpenRead.push(sdk.openRead); samples.coldRead.push(sdk.read); samples.coldReadGetAll.push(sdk.idb ?? NaN);
      samples.rawColdOpenGetAll.push(raw.openGetAll); samples.rawGetAll.push(raw.getAll);
      samples.rawTextOpenGetAll.push(rawText.openGetAll);
    }
  }

  // One changed entity, in the last run's database.
  log(`one changed entity: timesheet ${CHANGED_ID}`);
  await open(`bench-${RUNS}`);
  change = await page.evaluate(async ({ db, variables, token, id }) => {
    const snapshot = async () => new Map((await window.bench.records(db)).map((r) => [r.k, r]));
    const before = await snapshot();
    const r = await fetch(`${location.origin}/graphql/worksome`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: "mutation($input: UpdateTimesheetInput!) { updateTimesheet(input: $input) { id startDate endDate } }", variables: { input: { id, startDate: "2035-01-01", endDate: "2035-01-07" } } }) });
    const answer = await r.json();
    if (!r.ok || answer.errors) throw new Error(`updateTimesheet: HTTP ${r.status} ${JSON.stringify(answer).slice(0, 300)}`);
    window.bench.countPuts();
    const t = performance.now();
    const result = await window.client.worksome.query.timesheets(variables, { policy: "network-only" });
    const ms = performance.now() - t;
    const puts = window.bench.puts;
    window.bench.puts = null;
    if (!result.data.timesheets.data.some((ts) => ts.id === id && ts.startDate === "2035-01-01")) throw new Error("the changed timesheet is not in the result");
    const after = await snapshot();
    const differ = [...after].filter(([k, v]) => JSON.stringify(before.get(k)) !== JSON.stringify(v));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    await window.client.close();
    return {
      ms, puts: puts.length, putBytes: puts.reduce((n, p) => n + p.bytes, 0), putJsonBytes: puts.reduce((n, p) => n + p.json, 0), putKeys: puts.map((p) => p.k),
      changedRecords: differ.length, changedBytes: differ.reduce((n, [, v]) => n + window.bench.sizeOf(v), 0), changedKeys: differ.map(([k]) => k), removedRecords: removed.length,
    };
  }, { db: `bench-${RUNS}`, variables: VARIABLES, token: TOKEN, id: CHANGED_ID });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.stop();
  rmSync(dirname(fixtures), { recursive: true, force: true });
}

// Peers through the anchor harness (a copy: ../shared is read-only and is not forked here).
let peers = null;
if (PEERS) {
  const dir = mkdtempSync(join(tmpdir(), "anchor-bench-"));
  try {
    log("peers: anchor-bench cache-run.mjs (npm install, then its variants)");
    cpSync(resolve(ROOT, "..", "shared", "anchor-bench"), dir, { recursive: true });
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const only = ["urql-graphcache", "apollo-persist", "idb-relaxed"];
    execFileSync("node", ["cache-run.mjs", `--only=${only.join(",")}`, `--runs=${RUNS}`, "--no-sizes"], { cwd: dir, stdio: ["ignore", "ignore", "inherit"] });
    const out = JSON.parse(readFileSync(join(dir, "cache-results-partial.json"), "utf8"));
    peers = Object.fromEntries(out.results.map((r) => [r.id, {
      name: r.name, writeMs: r.write.ms, coldReadMs: r.coldRead.ms, changeMs: r.change.ms, changePuts: r.change.idbPuts, changeBytes: r.change.idbBytes,
      error: r.write.error ?? r.coldRead.error ?? r.change.error,
    }]));
    peers.fixture = out.fixture;
  } catch (e) {
    log(`peers skipped: ${e.message}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const wasmBytes = readFileSync(join(PKG, "graphql_outbox_bg.wasm"));
const wasm = { raw: wasmBytes.length, gzip: gzipSync(wasmBytes, { level: 9 }).length };
const ms = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
ms.write = median(samples.query.map((q, i) => q - samples.fetch[i]));
const ratio = (a, b) => +(a / b).toFixed(2);
const f = (x) => (Number.isFinite(x) ? x.toFixed(1) : "");
const rows = [
  [`write: query network-only minus plain fetch (${shape.records} records)`, ms.write, `${ratio(ms.write, ms.rawPut)}x raw put`],
  ["  query network-only (fetch + normalize + write + read back)", ms.query, ""],
  ["  plain fetch + JSON.parse of the same document", ms.fetch, ""],
  [`baseline: raw IndexedDB, the same ${shape.records} records, 1 relaxed tx`, ms.rawPut, "1.00x"],
  ["cold read after reload: Client.open + query cache-only", ms.coldOpenRead, `${ratio(ms.coldOpenRead, ms.rawColdOpenGetAll)}x raw open + getAll`],
  ["  query cache-only alone (client open)", ms.coldRead, `${ratio(ms.coldRead, ms.rawGetAll)}x raw getAll`],
  ["    of which the SDK's getAll request (issued to answered)", ms.coldReadGetAll, ""],
  ["baseline: raw IndexedDB open + getAll after reload", ms.rawColdOpenGetAll, "1.00x"],
  ["  getAll alone", ms.rawGetAll, "1.00x"],
  ["raw open + getAll of the SDK's stored form (what the SDK's own read costs IndexedDB)", ms.rawTextOpenGetAll, `SDK ${ratio(ms.coldOpenRead, ms.rawTextOpenGetAll)}x this`],
  [`one changed entity, re-query network-only: ${change.puts} puts, ${change.putBytes} B (${change.changedRecords} records differ, ${change.changedBytes} B)`, change.ms, ""],
];
for (const [id, p] of Object.entries(peers ?? {})) {
  if (id === "fixture") continue;
  rows.push([`peer ${id}: write ${f(p.writeMs)} ms, cold read ${f(p.coldReadMs)} ms, one change ${p.changePuts} put(s) ${p.changeBytes} B in ${f(p.changeMs)} ms`, null, p.error ? `error: ${p.error}` : "anchor-bench fixture"]);
}
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`graphql-outbox cache benchmark: query timesheets(first: ${ENTITIES}), ${shape.items} Timesheet + Hire + Worker, ${shape.responseJsonBytes} B of JSON; ` +
  `medians of ${RUNS} runs after 1 warm-up; headless Chromium, on-disk profile, release reference server`);
console.log(`| ${"case".padEnd(width)} | ${"ms".padStart(7)} | ratio |`);
console.log(`|${"-".repeat(width + 2)}|---------|-------|`);
for (const [what, t, r] of rows) console.log(`| ${what.padEnd(width)} | ${f(t).padStart(7)} | ${r} |`);
console.log(`| stored: ${shape.records} records, ${shape.storedBytes} B; package: wasm ${wasm.raw} B raw / ${wasm.gzip} B gzip -9 |`);
console.log(JSON.stringify({
  entities: ENTITIES, runs: RUNS, records: shape.records, stored_bytes: shape.storedBytes, response_json_bytes: shape.responseJsonBytes,
  write_vs_raw_put: ratio(ms.write, ms.rawPut),
  cold_read_vs_raw_getall: ratio(ms.coldOpenRead, ms.rawColdOpenGetAll),
  cold_query_vs_raw_getall: ratio(ms.coldRead, ms.rawGetAll),
  cold_read_vs_raw_stored_form: ratio(ms.coldOpenRead, ms.rawTextOpenGetAll),
  change_puts: change.puts, change_put_bytes: change.putBytes, change_put_json_bytes: change.putJsonBytes, change_put_keys: change.putKeys,
  change_records_differ: change.changedRecords, change_bytes_differ: change.changedBytes, change_keys_differ: change.changedKeys, change_records_removed: change.removedRecords,
  wasm_bytes: wasm.raw, wasm_gzip_bytes: wasm.gzip,
  ms: Object.fromEntries(Object.entries({ ...ms, change: change.ms }).map(([k, v]) => [k, +v.toFixed(1)])),
  samples: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, v.map((x) => +x.toFixed(1))])),
  peers,
}));
