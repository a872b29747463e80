// The npm package as `npm pack` of pkg/ makes it (issue 11): the files a consumer gets, the
// package.json fields (exports with types, files), the README and licence texts, and the
// declarations compiled by a consumer with the tsconfig of a Vite vanilla-ts template.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, mkdirSync, symlinkSync, existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { repositoryFields } from "../../scripts/manifest.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pkg = join(root, "pkg");
// OUTBOX_TSC: another TypeScript's bin/tsc (e.g. the TypeScript 7 a Vite template installs).
const tsc = process.env.OUTBOX_TSC || join(here, "node_modules", "typescript", "bin", "tsc");
const manifest = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8"));

const EXPECTED_FILES = [
  "LICENSE-APACHE", "LICENSE-MIT", "README.md",
  "graphql_outbox.d.ts", "graphql_outbox.js", "graphql_outbox_bg.wasm", "graphql_outbox_bg.wasm.d.ts",
  "index.d.ts", "index.js", "package.json", "react.d.ts", "react.js", "store.d.ts", "store.js",
];

test("npm pack ships exactly the entry, the glue, the wasm, their types, README and licences", () => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: pkg, encoding: "utf8" });
  const [packed] = JSON.parse(out);
  assert.equal(packed.name, "graphql-outbox");
  assert.deepEqual(packed.files.map((f) => f.path).sort(), EXPECTED_FILES);
  // The `files` list names each shipped file (package.json is always included by npm).
  assert.deepEqual([...manifest.files, "package.json"].sort(), EXPECTED_FILES);
});

test("package.json: ES module, exports map with types, the wasm importable by path, licence", () => {
  assert.equal(manifest.type, "module");
  assert.equal(manifest.license, "MIT OR Apache-2.0");
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.deepEqual(manifest.exports["."], { types: "./index.d.ts", default: "./index.js" });
  assert.deepEqual(manifest.exports["./graphql_outbox_bg.wasm"], {
    types: "./graphql_outbox_bg.wasm.d.ts",
    default: "./graphql_outbox_bg.wasm",
  });
  assert.equal(manifest.exports["./package.json"], "./package.json");
  // graphql-outbox/react: React is a peer, optional (the main entry does not import it).
  assert.deepEqual(manifest.exports["./react"], { types: "./react.d.ts", default: "./react.js" });
  assert.equal(manifest.peerDependencies.react, ">=18");
  assert.deepEqual(manifest.peerDependenciesMeta, { react: { optional: true } });
  // `types` must come first in each condition object, or TypeScript ignores it.
  for (const [path, target] of Object.entries(manifest.exports)) {
    if (typeof target === "object") assert.equal(Object.keys(target)[0], "types", path);
  }
  assert.equal(manifest.main, "./index.js");
  assert.equal(manifest.types, "./index.d.ts");
  // Every path the manifest points at exists and is shipped.
  const targets = [manifest.main, manifest.module, manifest.types,
    ...Object.values(manifest.exports).flatMap((t) => (typeof t === "string" ? [t] : Object.values(t)))];
  for (const t of targets) {
    assert.ok(existsSync(join(pkg, t)), `${t} missing`);
    assert.ok(EXPECTED_FILES.includes(t.replace(/^\.\//, "")), `${t} not shipped`);
  }
  // repository/homepage/bugs are where this clone was cloned from (scripts/manifest.mjs): its
  // origin's public address, or none (never an invented one) when origin is a path or absent.
  let origin = null;
  try {
    origin = execFileSync("git", ["-C", root, "remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {}
  const fields = process.env.GRAPHQL_OUTBOX_REPOSITORY ? repositoryFields(process.env.GRAPHQL_OUTBOX_REPOSITORY) : repositoryFields(origin);
  assert.deepEqual(manifest.repository, fields.repository);
  assert.equal(manifest.homepage, fields.homepage);
  assert.deepEqual(manifest.bugs, fields.bugs);
});

test("the README covers quick start, options, errors, the outbox, TypeScript and bundlers", () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  for (const heading of ["## Quick start", "## Options of `Client.open`", "## Errors", "## The outbox", "## TypeScript", "## Bundlers", "## License"]) {
    assert.ok(readme.includes(heading), heading);
  }
  for (const code of ["ValidationError", "ConfigError", "AuthError", "GraphQLError", "NetworkError", "StorageError", "NotFoundError", "UploadError"]) {
    assert.match(readme, new RegExp(`\\| \`${code}\` \\|`), code);
  }
  for (const option of ["baseDelayMs: 1000", "maxDelayMs: 60000", "maxHttpAttempts: 10", "requestTimeoutMs: 30000", "tokenTimeoutMs: 10000", "database:", "idempotency:"]) {
    assert.ok(readme.includes(option), option);
  }
  assert.match(readme, /await init\(\)/);
  assert.match(readme, /settled\(id\)/);
});

test("the licence files are the MIT and Apache-2.0 texts", () => {
  const mit = readFileSync(join(pkg, "LICENSE-MIT"), "utf8");
  assert.match(mit, /^MIT License/);
  assert.match(mit, /Permission is hereby granted, free of charge/);
  const apache = readFileSync(join(pkg, "LICENSE-APACHE"), "utf8");
  assert.match(apache, /Apache License\s+Version 2\.0, January 2004/);
  assert.match(apache, /END OF TERMS AND CONDITIONS/);
});

test("no path of the building machine in the wasm: dependency files named from their crate, no home or registry path", () => {
  const text = readFileSync(join(pkg, "graphql_outbox_bg.wasm")).toString("latin1");
  const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
  for (const leak of ["/.cargo/registry", process.env.HOME, process.env.CARGO_HOME, root].filter((p) => p && p.length > 1)) {
    assert.ok(!text.includes(leak), `the wasm contains ${leak}`);
  }
  // Panic locations are still there, relative: this crate's and its dependencies'.
  assert.match(text, /src\/client\/[a-z_]+\.rs/);
  assert.match(text, /serde_json-[0-9.]+\/src\//);
});

// The tarball itself, packed once and unpacked as node_modules/graphql-outbox of a temporary
// project, so imports of "graphql-outbox" resolve through its exports map as a consumer's do.
let installed;
function installedProject() {
  if (installed) return installed;
  const dir = mkdtempSync(join(tmpdir(), "outbox-consumer-"));
  const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], { cwd: pkg, encoding: "utf8" });
  const tarball = join(dir, JSON.parse(out)[0].filename);
  const target = join(dir, "node_modules", "graphql-outbox");
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", target, "--strip-components=1"]);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  installed = dir;
  return dir;
}
process.on("exit", () => { if (installed) rmSync(installed, { recursive: true, force: true }); });

test("in Node, from the tarball: Client.open before init() rejects ConfigError telling to await init(); after initSync it does not", () => {
  const dir = installedProject();
  const script = `
    import { readFileSync } from "node:fs";
    import { createRequire } from "node:module";
    import { Client, initSync, isOutboxError, ERROR_NAMES } from "graphql-outbox";
    const outcome = (p) => p.then(() => ({ resolved: true }), (e) => ({
      isError: e instanceof Error, name: e.name, message: e.message,
      guard: [isOutboxError(e), isOutboxError(e, e.name), isOutboxError(e, "AuthError")],
    }));
    const options = { endpoints: { gcdirectory: "http://127.0.0.1:9/graphql" }, token: async () => "t", user: "u" };
    const before = await outcome(Client.open(options));
    // The wasm by path, through the exports map.
    const wasmPath = createRequire(import.meta.url).resolve("graphql-outbox/graphql_outbox_bg.wasm");
    initSync({ module: readFileSync(wasmPath) });
    const after = await outcome(Client.open(options)); // Node has no indexedDB: StorageError
    const plain = [isOutboxError(new Error("x")), isOutboxError({ name: "AuthError", details: {} }, "AuthError"), isOutboxError(null)];
    console.log(JSON.stringify({ before, after, plain, names: ERROR_NAMES }));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
  const { before, after, plain, names } = JSON.parse(out.trim().split("\n").pop());
  assert.equal(before.isError, true);
  assert.equal(before.name, "ConfigError");
  assert.match(before.message, /await init\(\)/);
  assert.equal(after.name, "StorageError", JSON.stringify(after));
  // The type guard: the SDK's errors pass it (and only for their own name); look-alikes do not.
  assert.deepEqual(before.guard, [true, true, false]);
  assert.deepEqual(after.guard, [true, true, false]);
  assert.deepEqual(plain, [false, false, false], "a plain Error, a non-Error object, null");
  assert.deepEqual(names, ["ValidationError", "ConfigError", "AuthError", "GraphQLError", "NetworkError", "StorageError", "NotFoundError", "UploadError", "CacheMissError"]);
});

// The tsconfig of create-vite's template-vanilla-ts (create-vite 9.3.0), with the two changes a
// package check needs: no `types: ["vite/client"]` (Vite is not installed here) and
// `skipLibCheck: false`, so the package's .d.ts files are checked too; plus `strict`.
const VITE_TSCONFIG = {
  compilerOptions: {
    target: "es2023",
    module: "esnext",
    lib: ["ES2023", "DOM"],
    allowArbitraryExtensions: true,
    skipLibCheck: false,
    strict: true,
    moduleResolution: "bundler",
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: "force",
    noEmit: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
  },
  include: ["src"],
};

const CONSUMER = `import init, { Client, initSync, type ClientOptions } from "graphql-outbox";
import wasmUrl from "graphql-outbox/graphql_outbox_bg.wasm";

export async function main(options: ClientOptions): Promise<string> {
  await init({ module_or_path: wasmUrl });
  void initSync;
  const client = await Client.open(options);
  const r = await client.gcdirectory.modifyApproval({ id: "23", data: { status: "Denied" } });
  client[Symbol.dispose]();
  return r.status === "sent" ? r.data.status ?? "" : r.id;
}
`;

function viteConsumer({ extraLib = [] } = {}) {
  // A project with the unpacked tarball as node_modules/graphql-outbox (its exports map is used).
  const dir = mkdtempSync(join(tmpdir(), "outbox-vite-tsc-"));
  mkdirSync(join(dir, "src"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(join(installedProject(), "node_modules", "graphql-outbox"), join(dir, "node_modules", "graphql-outbox"), "dir");
  const config = structuredClone(VITE_TSCONFIG);
  config.compilerOptions.lib.push(...extraLib);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(config, null, 2));
  writeFileSync(join(dir, "src", "main.ts"), CONSUMER);
  try {
    execFileSync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { encoding: "utf8" });
    return { ok: true, output: "" };
  } catch (e) {
    return { ok: false, output: `${e.stdout}${e.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("tsc --strict, skipLibCheck false, a Vite template's lib (no ESNext.Disposable): the package compiles", () => {
  const r = viteConsumer();
  assert.ok(r.ok, r.output);
});

test("the same with ESNext.Disposable in lib too (the package's Symbol.dispose declaration merges)", () => {
  const r = viteConsumer({ extraLib: ["ESNext.Disposable"] });
  assert.ok(r.ok, r.output);
});
