// Writes the npm package's manifest (pkg/package.json); scripts/build-pkg.sh runs it.
//   node scripts/manifest.mjs <out-dir> <version>
// `repository`, `homepage` and `bugs` name where the package is published from: the clone's
// `origin` remote, or GRAPHQL_OUTBOX_REPOSITORY when set (same accepted forms). The project has
// no URL of its own to write in here; a clone of the public repository packs with its address,
// and a clone without a public remote (a local path, a LAN host) packs without the three fields
// and says so, rather than inventing one. Credentials in a remote URL never reach the manifest.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// Hosts whose web UI has an issue tracker at <repo>/issues.
const TRACKERS = new Set(["github.com", "gitlab.com", "codeberg.org", "bitbucket.org"]);

/** The repository's public web address (`https://host/owner/name`) from a git remote URL in the
 *  https, scp-like (`git@host:owner/name.git`), ssh:// or git:// form; null for anything that is
 *  not a public host (a path, file://, localhost, an IP address, a host without a dot). */
export function webAddress(remote) {
  const url = String(remote ?? "").trim();
  let host, path;
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(url);
  if (scp) {
    [, host, path] = scp;
  } else {
    let u;
    try {
      u = new URL(url.replace(/^git\+/, ""));
    } catch {
      return null;
    }
    if (!["https:", "http:", "ssh:", "git:"].includes(u.protocol)) return null;
    host = u.hostname;
    path = u.pathname;
  }
  host = host.toLowerCase();
  if (!host.includes(".") || /^[\d.]+$/.test(host) || host.startsWith("[") || host.endsWith(".localhost")) return null;
  path = path.replace(/^\/+|\/+$/g, "").replace(/\.git$/, "");
  if (!/^[\w.-]+(\/[\w.-]+)+$/.test(path)) return null;
  return `https://${host}/${path}`;
}

/** The manifest fields naming the repository at `remote`, or {} when it names no public one. */
export function repositoryFields(remote) {
  const web = webAddress(remote);
  if (!web) return {};
  const fields = { repository: { type: "git", url: `git+${web}.git` }, homepage: `${web}#readme` };
  if (TRACKERS.has(new URL(web).hostname)) fields.bugs = { url: `${web}/issues` };
  return fields;
}

/** The remote the package is published from: GRAPHQL_OUTBOX_REPOSITORY, else `origin`'s URL. */
function publishedFrom(root) {
  const set = process.env.GRAPHQL_OUTBOX_REPOSITORY;
  if (set !== undefined) {
    if (!webAddress(set)) throw new Error(`GRAPHQL_OUTBOX_REPOSITORY=${set} is not a public git URL (https://host/owner/name, git@host:owner/name.git)`);
    return set;
  }
  try {
    return execFileSync("git", ["-C", root, "remote", "get-url", "origin"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null; // not a git clone, or no `origin`
  }
}

/** The whole manifest of version `version`, its repository fields from `remote`. */
export function manifest(version, remote) {
  return {
    name: "graphql-outbox",
    version,
    description: "Typed GraphQL mutations for Worksome and the GC Directory through a durable IndexedDB outbox",
    keywords: ["graphql", "outbox", "offline", "indexeddb", "wasm", "worksome"],
    license: "MIT OR Apache-2.0",
    ...repositoryFields(remote),
    type: "module",
    main: "./index.js",
    module: "./index.js",
    types: "./index.d.ts",
    // `types` first in each condition object, or TypeScript ignores it.
    exports: {
      ".": { types: "./index.d.ts", default: "./index.js" },
      "./react": { types: "./react.d.ts", default: "./react.js" },
      "./graphql_outbox_bg.wasm": { types: "./graphql_outbox_bg.wasm.d.ts", default: "./graphql_outbox_bg.wasm" },
      "./package.json": "./package.json",
    },
    files: [
      "index.js", "index.d.ts", "graphql_outbox.js", "graphql_outbox.d.ts",
      "graphql_outbox_bg.wasm", "graphql_outbox_bg.wasm.d.ts",
      "store.js", "store.d.ts", "react.js", "react.d.ts",
      "README.md", "LICENSE-MIT", "LICENSE-APACHE",
    ],
    // React is an optional peer: only graphql-outbox/react imports it (useSyncExternalStore:
    // React 18 or later).
    peerDependencies: { react: ">=18" },
    peerDependenciesMeta: { react: { optional: true } },
    sideEffects: ["./index.js"],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, version] = process.argv.slice(2);
  if (!out || !version) throw new Error("usage: node scripts/manifest.mjs <out-dir> <version>");
  const remote = publishedFrom(join(fileURLToPath(import.meta.url), "..", ".."));
  const m = manifest(version, remote);
  writeFileSync(join(out, "package.json"), JSON.stringify(m, null, 2) + "\n");
  console.error(m.repository
    ? `[manifest] repository ${m.repository.url}`
    : `[manifest] no repository/homepage in package.json: the remote ${remote ? `"${remote}"` : "(none)"} is not a public git URL; set GRAPHQL_OUTBOX_REPOSITORY to publish with one`);
}
