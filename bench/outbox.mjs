// Benchmark (not a test): in one page and one run against the local reference server, times
//   1. enqueueing 1,000 mutations offline (each call resolves "queued" after its IndexedDB write),
//   2. draining those 1,000 queued mutations once the page is back online,
//   3. the same 1,000 mutations as plain sequential fetch calls from the page (the baseline),
// and prints each with its ratio to the baseline. Needs the built package (scripts/build-pkg.sh)
// and server (cargo build -p outbox-server); OUTBOX_SERVER_BIN picks another server binary.
// Run: node bench/outbox.mjs [count]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";

const COUNT = Number(process.argv[2] ?? 1000);
if (!Number.isInteger(COUNT) || COUNT < 1) throw new Error(`count must be a positive integer, not ${process.argv[2]}`);
const DOCUMENT = readFileSync(join(ROOT, "operations", "gcdirectory", "modifyProfile.graphql"), "utf8");
const TOKEN = "gc-admin-token";
// One mutation shape for all three runs, so they do the same server work: a profile title edit.
const args = (phase, i) => ({ gcId: "4", data: { titleEn: `${phase} ${i}` } });

// Without test mode: ordinary keep-alive connections, as a deployed server would have.
const server = await startServer({ testMode: false });
// An on-disk profile: an off-the-record context keeps IndexedDB in memory, which would time
// neither the strict-durability writes nor their flushes.
const profile = mkdtempSync(join(tmpdir(), "outbox-bench-"));
const context = await launchProfile(profile);
try {
  const page = await openPage(context, server.url);

  // 1. Enqueue offline.
  await context.setOffline(true);
  await page.evaluate(() => openClient({ database: "bench", user: "bench" }));
  const enqueue = await page.evaluate(async ({ count, calls }) => {
    const ids = [];
    const t = performance.now();
    for (let i = 0; i < count; i++) {
      const r = await window.client.gcdirectory.modifyProfile(calls[i]);
      if (r.status !== "queued") throw new Error(`call ${i} was ${r.status}, not queued`);
      ids.push(r.id);
    }
    window.benchIds = ids;
    return performance.now() - t;
  }, { count: COUNT, calls: Array.from({ length: COUNT }, (_, i) => args("Outbox", i)) });

  // 2. Drain: from the page's `online` event until every entry has settled as sent.
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

  // 3. Baseline: the same requests as plain sequential fetch calls, each with its own key.
  const baseline = await page.evaluate(async ({ count, calls, query, token }) => {
    const url = `${location.origin}/graphql/gcdirectory`;
    const t = performance.now();
    for (let i = 0; i < count; i++) {
      const r = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}`, "idempotency-key": crypto.randomUUID() },
        body: JSON.stringify({ query, variables: calls[i], operationName: "modifyProfile" }),
      });
      const body = await r.json();
      if (!r.ok || body.errors) throw new Error(`fetch ${i}: HTTP ${r.status} ${JSON.stringify(body)}`);
    }
    return performance.now() - t;
  }, { count: COUNT, calls: Array.from({ length: COUNT }, (_, i) => args("Fetch", i)), query: DOCUMENT, token: TOKEN });

  const stats = await page.evaluate(() => window.client.outbox.stats());
  const fmt = (ms) => `${ms.toFixed(0).padStart(7)} ms  ${(ms / COUNT).toFixed(3).padStart(7)} ms/mutation`;
  console.log(`graphql-outbox benchmark: ${COUNT} modifyProfile mutations, one page, headless Chromium (on-disk profile), reference server at ${server.url}`);
  console.log(`  enqueue offline (IndexedDB)   ${fmt(enqueue)}  ${(enqueue / baseline).toFixed(2)}x baseline`);
  console.log(`  drain online (outbox -> HTTP) ${fmt(drain)}  ${(drain / baseline).toFixed(2)}x baseline`);
  console.log(`  baseline: sequential fetch    ${fmt(baseline)}  1.00x`);
  console.log(`  outbox after the run: ${JSON.stringify(stats)}`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  await server.stop();
}
