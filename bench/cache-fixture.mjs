// The offline cache benchmarks' server fixtures (bench/cache.mjs, bench/cache-profile.mjs): the
// default seed plus `count` weekly timesheets of the fixtures' worker 3 on hire 110, ids from
// `firstId` (above every seed id). Returns the path of a temporary file; its folder is the
// caller's to remove.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export function timesheetsFixture(root, count, firstId) {
  const seed = JSON.parse(readFileSync(join(root, "server", "fixtures", "seed.json"), "utf8"));
  const monday = Date.UTC(2026, 0, 5);
  const day = (n) => new Date(monday + n * 86_400_000).toISOString().slice(0, 10);
  for (let i = 0; i < count; i++) {
    seed.worksome.objects.push({ type: "Timesheet", id: String(firstId + i), _account: "3", _createdBy: "31",
      worker: "3", hire: "110", startDate: day(7 * i), endDate: day(7 * i + 6) });
  }
  const file = join(mkdtempSync(join(tmpdir(), "outbox-fixtures-")), "fixtures.json");
  writeFileSync(file, JSON.stringify(seed));
  return file;
}
