// The batched drain of bench/outbox.mjs for two or more builds of the package in turns (a
// diagnostic for deciding whether a change is faster; bench/outbox.mjs is the benchmark): one
// release server and one on-disk Chromium profile per build, then per round, for each build:
// `count` modifyProfile calls queued offline (concurrently: the enqueue is not measured here),
// `online`, and the drain until every entry settled (batch.max 50, the default); and the batched limit (the
// same batches POSTed by plain JS, no storage) once per round. Prints each run and, per build,
// the median drain and its median ratio to the batched limit of the same round.
//   node bench/drain-ab.mjs --pkg=DIR_A --pkg=DIR_B [count] [--rounds=5]
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ROOT, launchProfile, startServer, openPage } from "../tests/js/e2e/harness.mjs";
import { manyProfilesFixture, profileId } from "../tests/js/e2e/many-profiles.mjs";
import { useReleaseServer } from "./release-server.mjs";

const argv = process.argv.slice(2);
const PKGS = argv.filter((a) => a.startsWith("--pkg=")).map((a) => resolve(a.slice(6)));
const ROUNDS = Number(argv.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 5);
const COUNT = Number(argv.find((a) => !a.startsWith("--")) ?? 1000);
if (PKGS.length < 1) throw new Error("give at least one --pkg=DIR");
const BATCH = 50;
const DOCUMENT = readFileSync(join(ROOT, "operations", "gcdirectory", "modifyProfile.graphql"), "utf8");
const TOKEN = "gc-admin-token";
const log = (...a) => console.error("[drain-ab]", ...a);
useReleaseServer(ROOT, log);

const calls = (run) => Array.from({ length: COUNT }, (_, i) => ({ gcId: profileId(run * COUNT + i), data: { titleEn: `ab ${run} #${i}` } }));
const setups = [];
try {
  for (const pkg of PKGS) {
    const server = await startServer({ testMode: false, pkg, args: ["--fixtures", manyProfilesFixture(COUNT * (ROUNDS + 1))] });
    const dir = mkdtempSync(join(tmpdir(), "outbox-drain-ab-"));
    const context = await launchProfile(dir);
    const page = await openPage(context, server.url);
    await page.evaluate(async ({ query, token }) => {
      for (let i = 0; i < 20; i++) {
        await fetch(`${location.origin}/graphql/gcdirectory`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables: { gcId: "1", data: { titleEn: "warm" } } }) });
      }
    }, { query: DOCUMENT, token: TOKEN });
    setups.push({ pkg, server, dir, context, page, drains: [], ratios: [] });
  }
  for (let round = 0; round < ROUNDS; round++) {
    // The batched limit, on the first build's page (plain JS: the build does not matter).
    const limit = await setups[0].page.evaluate(async ({ batched, query, token, size }) => {
      const url = `${location.origin}/graphql/gcdirectory`;
      const t = performance.now();
      for (let i = 0; i < batched.length; i += size) {
        const ops = batched.slice(i, i + size).map((c) => ({ query, variables: c, operationName: "modifyProfile", extensions: { idempotencyKey: crypto.randomUUID() } }));
        const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(ops) });
        await r.json();
      }
      return performance.now() - t;
    }, { batched: calls(ROUNDS).map((c, i) => ({ ...c, data: { titleEn: `limit ${round} #${i}` } })), query: DOCUMENT, token: TOKEN, size: BATCH });
    for (const s of setups) {
      await s.context.setOffline(true);
      await s.page.evaluate(async ({ db, batch, calls }) => {
        await openClient({ database: db, user: "bench", extra: { batch } });
        const rs = await Promise.all(calls.map((c) => window.client.gcdirectory.modifyProfile(c)));
        window.benchIds = rs.map((r) => r.id);
        window.drained = new Promise((resolve, reject) => {
          addEventListener("online", async () => {
            const t = performance.now();
            try {
              const settled = await settleAll(window.benchIds, 600000);
              if (settled.some((x) => x.status !== "sent")) throw new Error("an entry did not reach sent");
              resolve(performance.now() - t);
            } catch (e) { reject(e); }
          }, { once: true });
        });
      }, { db: `ab-${round}`, batch: { max: BATCH }, calls: calls(round) });
      await s.context.setOffline(false);
      const drain = await s.page.evaluate(() => window.drained);
      await s.page.evaluate(() => window.client.close());
      s.drains.push(drain);
      s.ratios.push(drain / limit);
      log(`round ${round + 1}: ${s.pkg}: drain ${drain.toFixed(0)} ms, batched limit ${limit.toFixed(0)} ms, ${(drain / limit).toFixed(2)}x`);
    }
  }
} finally {
  for (const s of setups) {
    await s.context.close();
    rmSync(s.dir, { recursive: true, force: true });
    await s.server.stop();
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const s of setups) {
  console.log(`${s.pkg}: drain ${s.drains.map((d) => d.toFixed(0)).join(", ")} ms (median ${median(s.drains).toFixed(0)}); vs batched limit ${s.ratios.map((r) => r.toFixed(2)).join(", ")} (median ${median(s.ratios).toFixed(2)}x)`);
}
