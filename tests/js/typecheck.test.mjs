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
  // A per-file tsconfig that extends the shared one, so `paths` maps "graphql-outbox" to pkg/
  // (and "react" to the pinned @types/react: pkg/ is not under tests/js/node_modules, so
  // pkg/react.d.ts would not find it the way an installed package finds its peer).
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

// One good/bad pair per API, one for the outbox API, the typed errors, and the outbox store with
// the React bindings (graphql-outbox/react).
for (const api of ["gcdirectory", "worksome", "outbox", "errors", "react", "queries", "watch", "updates"]) {
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

test("the Worksome class declares all 80 functions, and the consumer calls each one", () => {
  const text = readFileSync(dts, "utf8");
  const body = text.match(/export class WorksomeApi \{[\s\S]*?\n\}/)[0];
  const declared = [...body.matchAll(/^ +(\w+)\(/gm)].map((m) => m[1]).filter((n) => n !== "free" && n !== "constructor" && n !== "uploadFile");
  const listed = readFileSync(join(here, "..", "data", "mutations.tsv"), "utf8")
    .split("\n")
    .filter((l) => l.startsWith("worksome\t"))
    .map((l) => l.split("\t")[1]);
  assert.equal(listed.length, 80);
  assert.deepEqual([...new Set(declared)].sort(), [...listed].sort());
  assert.match(body, /uploadFile\(file: Blob, options: WorksomeUploadOptions\): Promise<Worksome\.MarkFilesAsUploadedResult\[number\]>/);
  const consumer = readFileSync(join(here, "types", "worksome.ok.ts"), "utf8");
  for (const name of listed) assert.match(consumer, new RegExp(`\\bw\\.${name}\\(`), `worksome.ok.ts does not call ${name}`);
});

test("the API classes and their types declare no `any`", () => {
  // Doc comments are prose ("any event types") and are left out of the check.
  const text = readFileSync(dts, "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
  const classes = [...text.matchAll(/export (?:class|interface) (\w+Api|\w+Queries|Client|Outbox) \{[\s\S]*?\n\}/g)];
  const apis = classes.map((c) => c[1]).filter((n) => n.endsWith("Api")).sort();
  assert.deepEqual(apis, ["GcdirectoryApi", "WorksomeApi"], "one class per API");
  const queries = classes.map((c) => c[1]).filter((n) => n.endsWith("Queries")).sort();
  assert.deepEqual(queries, ["GcdirectoryQueries", "WorksomeQueries"], "one query class per API");
  assert.ok(classes.some((c) => c[1] === "Client") && classes.some((c) => c[1] === "Outbox"), "Client and Outbox are checked too");
  for (const [body, name] of classes) assert.doesNotMatch(body, /\bany\b/, `${name} mentions any`);
  const namespaces = [...text.matchAll(/export namespace (\w+) \{[\s\S]*?\n\}/g)];
  assert.deepEqual(namespaces.map((n) => n[1]).sort(), ["Gcdirectory", "Worksome"], "one namespace per API");
  for (const [body, name] of namespaces) assert.doesNotMatch(body, /\bany\b/, `namespace ${name} mentions any`);
});

test("every custom scalar's type alias documents its format with an example", () => {
  const text = readFileSync(dts, "utf8");
  const custom = ["Email", "PhoneNumber", "E164PhoneNumber", "PostalCode", "Date", "Time", "DateTime", "Decimal",
    "DecimalTwo", "DecimalFour", "Percentage", "StrictPercentage", "URL", "JSON", "Dictionary", "Upload"];
  let seen = 0;
  for (const m of text.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*export type (\w+) = /g)) {
    const [, comment, name] = m;
    if (!custom.includes(name)) continue;
    seen += 1;
    assert.match(comment, /Example/, `${name}'s doc has no example:\n${comment}`);
  }
  const declared = custom.filter((n) => new RegExp(`export type ${n} = `).test(text)).length;
  assert.ok(declared >= 8, `only ${declared} custom scalars declared: the pattern is wrong`);
  assert.equal(seen, declared, "a custom scalar alias has no doc comment at all");
});
