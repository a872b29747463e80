// Server fixtures with many GC Directory profiles, so a test or the benchmark can queue many
// mutations that share no entity (entries that share an ID-typed value depend on each other,
// and a dependant is never batched with its dependency). Written to a temporary file for
// `--fixtures`; `profileId(i)` names the i-th extra profile.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

/** The gcId of extra profile `i` (0-based). */
export const profileId = (i) => String(1000 + i);

/** Writes the default fixtures plus `n` extra User profiles; returns the file's path. */
export function manyProfilesFixture(n) {
  const seed = JSON.parse(readFileSync(join(ROOT, "server", "fixtures", "seed.json"), "utf8"));
  for (let i = 0; i < n; i++) {
    seed.gcdirectory.profiles.push({ gcId: profileId(i), name: `Bench User ${i}`, email: `bench.${i}@canada.ca`, role: "User" });
  }
  const file = join(mkdtempSync(join(tmpdir(), "outbox-fixtures-")), "fixtures.json");
  writeFileSync(file, JSON.stringify(seed));
  return file;
}
