// Lays out the React test page (react/) in a temporary www directory for the reference server,
// with React taken from tests/js/node_modules (a pinned devDependency), offline: React 19 ships
// only CommonJS builds, so vendor.js defines each production build as a CommonJS module behind
// a tiny require(), and react.mjs / react-dom-client.mjs re-export them as ES modules, which the
// page's import map names. No bundler, no network.
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "..", "package.json"));
// The files are read by path: the packages' `exports` maps do not expose their cjs/ builds.
const modules = join(here, "..", "node_modules");

const MODULES = {
  react: "react/cjs/react.production.js",
  "react-dom": "react-dom/cjs/react-dom.production.js",
  "react-dom/client": "react-dom/cjs/react-dom-client.production.js",
  scheduler: "scheduler/cjs/scheduler.production.js",
};

function vendorScript() {
  const defs = Object.entries(MODULES).map(([name, file]) =>
    `${JSON.stringify(name)}: function (module, exports, require) {\n${readFileSync(join(modules, file), "utf8")}\n}`);
  return `(() => {
  const defs = {\n${defs.join(",\n")}\n};
  const cache = {};
  function require(name) {
    if (cache[name]) return cache[name].exports;
    const module = (cache[name] = { exports: {} });
    defs[name](module, module.exports, require);
    return module.exports;
  }
  window.__vendor = { react: require("react"), "react-dom/client": require("react-dom/client") };
})();\n`;
}

function shim(name, keys) {
  const lines = keys.filter((k) => /^[A-Za-z_$][\w$]*$/.test(k)).map((k) => `export const ${k} = M.${k};`);
  return `const M = window.__vendor[${JSON.stringify(name)}];\nexport default M;\n${lines.join("\n")}\n`;
}

/** Writes the page into a new temporary directory; returns `{ www, remove }`. */
export function makeReactPage() {
  const www = mkdtempSync(join(tmpdir(), "outbox-react-"));
  writeFileSync(join(www, "vendor.js"), vendorScript());
  // The names React exports (the same in every build); react-dom/client's are two.
  writeFileSync(join(www, "react.mjs"), shim("react", Object.keys(require("react"))));
  writeFileSync(join(www, "react-dom-client.mjs"), shim("react-dom/client", ["createRoot", "hydrateRoot", "version"]));
  for (const f of ["index.html", "app.js"]) copyFileSync(join(here, "react", f), join(www, f));
  return { www, remove: () => rmSync(www, { recursive: true, force: true }) };
}
