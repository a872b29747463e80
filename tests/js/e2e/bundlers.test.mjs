// The bundler matrix of issue 11: the PACKED tarball (`npm pack` of pkg/) installed into a fresh
// temporary project per bundler, built the way a newcomer would, then one GC Directory mutation
// (`modifyProfile`) against the reference server: in headless Chromium for the bundled pages and
// the plain import-map page, in a Node process for Node and Vitest. Each checks `status: "sent"` and that
// the server's applied log holds that entry's key once.
//
// Where a bundler needs a setting, the app below uses exactly the one line that scripts/pkg/
// README.md's "Bundlers" section documents (`SETTING`; a test checks the README shows each).
// The bundlers are pinned in tests/js/bundlers/package.json; the temporary projects are made
// in tests/js/bundlers/tmp-* so that Node's resolution finds the bundlers (and their plugins)
// in its node_modules, while `graphql-outbox` comes from each project's own install of the
// tarball.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT, TestServer, launchBrowser, startServer } from "./harness.mjs";

const run = promisify(execFile);
const BUNDLERS = join(ROOT, "tests", "js", "bundlers");
const BIN = join(BUNDLERS, "node_modules", ".bin");

let work; // this run's folder: the tarball and every temporary project
let tarball;
let browser;

before(async () => {
  if (!existsSync(join(BIN, "vite"))) throw new Error("tests/js/bundlers has no node_modules; run scripts/test.sh (or npm ci there)");
  work = await mkdtemp(join(BUNDLERS, "tmp-"));
  const { stdout } = await run("npm", ["pack", "--silent", "--pack-destination", work], { cwd: join(ROOT, "pkg") });
  tarball = join(work, stdout.trim().split("\n").pop());
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A fresh project `name` with `files` written and the tarball installed; returns its folder. */
async function project(name, files) {
  const dir = join(work, name);
  await mkdir(dir);
  await writeFile(join(dir, "package.json"), JSON.stringify({ name: `app-${name}`, private: true, type: "module" }));
  for (const [file, text] of Object.entries(files)) {
    await mkdir(join(dir, file, ".."), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  // A local tarball with no dependencies: nothing is fetched from the registry.
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", "--offline", tarball], { cwd: dir });
  return dir;
}

/** Runs a bundler's command from tests/js/bundlers/node_modules/.bin in `dir`. */
async function bundle(dir, bin, args) {
  try {
    // A timeout, so a tool that waits for input (webpack without webpack-cli asks to install it) fails instead of hanging.
    await run(join(BIN, bin), args, { cwd: dir, maxBuffer: 16 << 20, timeout: 90_000 });
  } catch (e) {
    throw new Error(`${bin} ${args.join(" ")} failed:\n${e.stdout}\n${e.stderr}`);
  }
}

const TITLE = "Bundled title";

/** The one setting each bundler needs, used below as is; the README's "Bundlers" section must show each. */
const SETTING = {
  esbuild: "--loader:.wasm=file",
  rollup: "plugins: [nodeResolve(), importMetaAssets()]",
  node: 'import "fake-indexeddb/auto";',
};

/** Node's way to the wasm bytes (its `fetch` does not read files), in an ES module. */
const WASM_BYTES = 'await readFile(createRequire(import.meta.url).resolve("graphql-outbox/graphql_outbox_bg.wasm"))';
const NODE_IMPORTS = `${SETTING.node}\nimport { readFile } from "node:fs/promises";\nimport { createRequire } from "node:module";`;

test("the README's bundler notes show each setting the matrix uses", async () => {
  const readme = await readFile(join(ROOT, "scripts", "pkg", "README.md"), "utf8");
  const notes = readme.slice(readme.indexOf("## Bundlers"));
  for (const [bundler, line] of Object.entries(SETTING)) assert.ok(notes.includes(line), `${bundler}: ${line}`);
});

/**
 * The app: init (`initCall`, after `imports`), open a client on `origin`'s server, one mutation.
 * `report` gets the expression of its outcome (a promise of `{ status, id }` or `{ error }`) and
 * returns the statement that hands it over; by default to `window.outboxResult`.
 */
function app({ imports = "", initCall = "init()", origin = "location.origin", report = (o) => `window.outboxResult = ${o};` } = {}) {
  const outcome = `(async () => {
  await ${initCall};
  const client = await Client.open({
    endpoints: { gcdirectory: ${origin} + "/graphql/gcdirectory" },
    token: async () => "gc-admin-token",
    user: "alice",
    database: "bundler-matrix",
  });
  try {
    const r = await client.gcdirectory.modifyProfile({ gcId: "1", data: { titleEn: ${JSON.stringify(TITLE)} } });
    return { status: r.status, id: r.id };
  } finally {
    client.close();
  }
})().catch((e) => ({ error: e.name + ": " + e.message }))`;
  return `import init, { Client } from "graphql-outbox";
${imports}
${report(outcome)}
`;
}

const page = (script) => `<!doctype html>
<html><head><meta charset="utf-8"><title>bundler matrix</title></head>
<body>${script}</body></html>
`;

/** Serves `www` (a built app) on a fresh reference server, opens it, checks the one mutation. */
async function checkInBrowser(www) {
  const server = await startServer({ www });
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    await p.goto(`${server.url}/index.html`);
    await p.waitForFunction(() => window.outboxResult !== undefined, null, { timeout: 20_000 })
      .catch(() => { throw new Error(`the app never ran: ${errors.join("; ")}`); });
    const r = await p.evaluate(() => window.outboxResult);
    await checkApplied(server.url, r);
  } finally {
    await context.close();
    await server.stop();
  }
}

/** `r` is sent, and the server applied modifyProfile under its key exactly once. */
async function checkApplied(url, r) {
  assert.equal(r.status, "sent", JSON.stringify(r));
  const applied = await new TestServer(url).applied();
  assert.deepEqual(
    applied.map(({ api, operation, idempotencyKey, timesApplied }) => ({ api, operation, idempotencyKey, timesApplied })),
    [{ api: "gcdirectory", operation: "modifyProfile", idempotencyKey: r.id, timesApplied: 1 }],
  );
}

test("Vite: no setting", { timeout: 120_000 }, async () => {
  const dir = await project("vite", {
    "index.html": page('<script type="module" src="/main.js"></script>'),
    "main.js": app(),
  });
  await bundle(dir, "vite", ["build", "--logLevel", "warn"]);
  await checkInBrowser(join(dir, "dist"));
});

test("Vite, module worker: no setting", { timeout: 120_000 }, async () => {
  const dir = await project("vite-worker", {
    "index.html": page('<script type="module" src="/main.js"></script>'),
    // Vite's documented way to start a module worker: the URL form it rewrites at build time.
    "main.js": `const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
window.outboxResult = new Promise((resolve) => {
  worker.onmessage = (e) => resolve(e.data);
  worker.onerror = (e) => resolve({ error: "worker: " + e.message });
});
`,
    "worker.js": app({ report: (o) => `${o}.then((r) => self.postMessage(r));` }),
  });
  await bundle(dir, "vite", ["build", "--logLevel", "warn"]);
  await checkInBrowser(join(dir, "dist"));
});

test("webpack 5: no setting", { timeout: 120_000 }, async () => {
  const dir = await project("webpack", {
    "src/index.js": app(),
    "webpack.config.mjs": `export default { mode: "production", entry: "./src/index.js", output: { path: new URL("./dist", import.meta.url).pathname } };\n`,
    "dist/index.html": page('<script src="main.js"></script>'),
  });
  await bundle(dir, "webpack", ["--config", "webpack.config.mjs"]);
  await checkInBrowser(join(dir, "dist"));
});

test("esbuild: --loader:.wasm=file, and init with the imported URL", { timeout: 120_000 }, async () => {
  const dir = await project("esbuild", {
    "main.js": app({
      imports: 'import wasmUrl from "graphql-outbox/graphql_outbox_bg.wasm";',
      initCall: "init({ module_or_path: wasmUrl })",
    }),
    "dist/index.html": page('<script type="module" src="main.js"></script>'),
  });
  await bundle(dir, "esbuild", ["main.js", "--bundle", "--format=esm", "--outdir=dist", SETTING.esbuild]);
  await checkInBrowser(join(dir, "dist"));
});

test("Rollup: node-resolve and import-meta-assets", { timeout: 120_000 }, async () => {
  const dir = await project("rollup", {
    "main.js": app(),
    "rollup.config.mjs": `import { nodeResolve } from "@rollup/plugin-node-resolve";
import { importMetaAssets } from "@web/rollup-plugin-import-meta-assets";
export default {
  input: "main.js",
  output: { dir: "dist", format: "es" },
  // importMetaAssets() emits the wasm that new URL(..., import.meta.url) names
  ${SETTING.rollup},
};
`,
    "dist/index.html": page('<script type="module" src="main.js"></script>'),
  });
  await bundle(dir, "rollup", ["--config", "rollup.config.mjs", "--silent"]);
  await checkInBrowser(join(dir, "dist"));
});

test("plain <script type=module> with an import map: no setting", { timeout: 120_000 }, async () => {
  const dir = await project("plain", {
    "index.html": page(`<script type="importmap">{ "imports": { "graphql-outbox": "./node_modules/graphql-outbox/index.js" } }</script>
<script type="module" src="main.js"></script>`),
    "main.js": app(),
  });
  // No build: the project folder itself is the site.
  await checkInBrowser(dir);
});

// This one takes about 11 s: the Node process only exits tokenTimeoutMs (10 s) after the call,
// even though the client is closed; the token callback's timeout timer seems not to be cleared
// once the token arrives (exit comes 2 s after with tokenTimeoutMs: 2000). Left visible here.
test("Node: fake-indexeddb/auto, and init with the wasm bytes", { timeout: 120_000 }, async () => {
  const server = await startServer({ www: work });
  try {
    const dir = await project("node", {
      "main.mjs": app({
        imports: NODE_IMPORTS,
        initCall: `init({ module_or_path: ${WASM_BYTES} })`,
        origin: "process.env.ORIGIN",
        report: (o) => `console.log(JSON.stringify(await ${o}));`,
      }),
    });
    const { stdout } = await run(process.execPath, ["main.mjs"], {
      cwd: dir,
      env: { ...process.env, ORIGIN: server.url },
    }).catch((e) => { throw new Error(`node main.mjs failed:\n${e.stdout}\n${e.stderr}`); });
    await checkApplied(server.url, JSON.parse(stdout.trim().split("\n").pop()));
  } finally {
    await server.stop();
  }
});

test("Vitest (Node): the same setting as Node", { timeout: 120_000 }, async () => {
  const server = await startServer({ www: work });
  try {
    const dir = await project("vitest", {
      // The outcome goes to a file: Vitest decorates the test's stdout.
      "outbox.test.js": app({
        imports: `${NODE_IMPORTS}\nimport { writeFileSync } from "node:fs";\nimport { test } from "vitest";`,
        initCall: `init({ module_or_path: ${WASM_BYTES} })`,
        origin: "process.env.ORIGIN",
        report: (o) => `test("one mutation", async () => { writeFileSync("outcome.json", JSON.stringify(await ${o})); });`,
      }),
    });
    await run(join(BIN, "vitest"), ["run", "--reporter=dot"], {
      cwd: dir,
      env: { ...process.env, ORIGIN: server.url },
      timeout: 90_000,
    }).catch((e) => { throw new Error(`vitest run failed:\n${e.stdout}\n${e.stderr}`); });
    await checkApplied(server.url, JSON.parse(await readFile(join(dir, "outcome.json"), "utf8")));
  } finally {
    await server.stop();
  }
});
