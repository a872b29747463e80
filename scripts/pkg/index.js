// The package's entry (`import init, { Client } from "graphql-outbox"`), copied into pkg/ by
// scripts/build-pkg.sh. It re-exports the wasm-bindgen module (graphql_outbox.js) and adds two
// things the generated glue does not do:
// - `Client.open` before `init()` rejects with a `ConfigError` saying so (the glue would throw
//   "Cannot read properties of undefined (reading 'client_open')"). No implicit init: where the
//   wasm is fetched from is the app's choice (`init({ module_or_path })`), and a hidden fetch
//   would fail in bundles that do not emit the file, with a less clear error.
// - `client[Symbol.dispose]()` (`using client = ...`) closes the client, then frees it (the glue
//   only frees it, which leaves its timer and listeners running).
// - `isOutboxError(e, name?)`, the type guard for the SDK's errors (plain `Error`s whose `name`
//   is a stable code and whose `details` depend on it), so a `catch` needs no cast.
import glueInit, { initSync as glueInitSync, Client } from "./graphql_outbox.js";

export * from "./graphql_outbox.js";

let initialised = false;

/** Loads the wasm module; await it once before `Client.open` (later calls return at once). */
export default async function init(moduleOrPath) {
  const out = await glueInit(moduleOrPath);
  initialised = true;
  return out;
}

/** Synchronous `init` from the wasm bytes or a compiled `WebAssembly.Module`. */
export function initSync(module) {
  const out = glueInitSync(module);
  initialised = true;
  return out;
}

function notInitialised(what) {
  const e = new Error(`${what} was called before the wasm module was loaded: \`await init()\` (the package's default export) first`);
  e.name = "ConfigError";
  e.details = {};
  return e;
}

const open = Client.open;
Object.defineProperty(Client, "open", {
  configurable: true,
  writable: true,
  value: function open_(options) {
    let result;
    try {
      result = open.call(this, options);
    } catch (e) {
      // Before init the glue throws synchronously (its `wasm` is undefined); after init (also
      // one done through graphql_outbox.js directly) `open` never throws, it rejects.
      if (!initialised && e instanceof TypeError) return Promise.reject(notInitialised("Client.open"));
      throw e;
    }
    return result;
  },
});

if (typeof Symbol.dispose === "symbol") {
  Object.defineProperty(Client.prototype, Symbol.dispose, {
    configurable: true,
    writable: true,
    value: function dispose() {
      if (!this.__wbg_ptr) return; // already freed
      try {
        this.close();
      } finally {
        this.free();
      }
    },
  });
}

/** The `name` of every error the SDK rejects or throws with. */
export const ERROR_NAMES = Object.freeze([
  "ValidationError", "ConfigError", "AuthError", "GraphQLError", "NetworkError", "StorageError", "NotFoundError", "UploadError",
  "CacheMissError",
]);

/**
 * Whether `e` is an error of this SDK (of code `name`, if given): an `Error` whose `name` is one of
 * `ERROR_NAMES` and which carries a `details` object.
 */
export function isOutboxError(e, name) {
  return (
    e instanceof Error &&
    ERROR_NAMES.includes(e.name) &&
    (name === undefined || e.name === name) &&
    typeof e.details === "object" &&
    e.details !== null
  );
}

// The framework-neutral stores of the outbox's state and of a watched query (store.js): no wasm in it.
export { createOutboxStore, createQueryStore } from "./store.js";
