// The package's TypeScript declarations, checked the way a consumer would use them:
// the good file compiles under --strict, the bad one fails on exactly its marked lines,
// and the API classes declare no `any`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";

const here = dirname(fileURLToPath(import.meta.url));
const tsc = join(here, "node_modules", "typescript", "bin", "tsc");
const dts = join(here, "..", "..", "pkg", "graphql_outbox.d.ts");

function typecheck(file) {
  // A per-file tsconfig that extends the shared one, so `paths` maps "graphql-outbox" to pkg/.
  const dir = mkdtempSync(join(tmpdir(), "outbox-tsc-"));
  const config = join(dir, "tsconfig.json");
  writeFileSync(config, JSON.stringify({ extends: join(here, "tsconfig.json"), files: [join(here, "types", file)] }));
  try {
    execFileSync(process.execPath, [tsc, "-p", config, "--pretty", "false"], { encoding: "utf8" });
    return { ok: true, output: "" };
  } catch (e) {
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  }
}

// One good/bad pair per API, and one for the outbox API.
for (const api of ["gcdirectory", "outbox"]) {
  test(`${api}: a correct consumer type-checks under --strict`, () => {
    const r = typecheck(`${api}.ok.ts`);
    assert.ok(r.ok, r.output);
  });

  test(`${api}: every marked mistake is a type error, and nothing else is`, () => {
    const r = typecheck(`${api}.bad.ts`);
    assert.ok(!r.ok, "the bad consumer must not type-check");
    const source = readFileSync(join(here, "types", `${api}.bad.ts`), "utf8").split("\n");
    const marked = source.flatMap((line, i) => (line.includes("// ERROR:") ? [i + 1] : []));
    const errored = [...new Set([...r.output.matchAll(/\.bad\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1])))];
    assert.deepEqual(errored.sort((a, b) => a - b), marked, r.output);
  });
}

test("the API classes and their types declare no `any`", () => {
  const text = readFileSync(dts, "utf8");
  const classes = [...text.matchAll(/export (?:class|interface) (\w+Api|Client|Outbox) \{[\s\S]*?\n\}/g)];
  assert.ok(classes.length >= 1, "no API class found in the .d.ts");
  for (const [body, name] of classes) assert.doesNotMatch(body, /\bany\b/, `${name} mentions any`);
  const namespaces = [...text.matchAll(/export namespace (\w+) \{[\s\S]*?\n\}/g)];
  assert.ok(namespaces.length >= 1, "no API namespace found in the .d.ts");
  for (const [body, name] of namespaces) assert.doesNotMatch(body, /\bany\b/, `namespace ${name} mentions any`);
});
