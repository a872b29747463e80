// The SDK in a page, driven by the Playwright tests through page.evaluate. Nothing here decides
// an outcome: it opens clients, forwards calls and records the outbox's events with a timestamp.
import init, * as sdk from "/pkg/graphql_outbox.js";

/** Every outbox event seen by this page, with `at` (Date.now()) added. */
window.events = [];
/** The token the `token` callback returns; tests change it. */
window.currentToken = "gc-admin-token";
/** Resolves once the wasm module is initialised. */
window.outboxReady = init().then(() => {
  window.sdk = sdk;
  return true;
});

/** Whether this build of the package has the Worksome API (`client.worksome`). */
window.hasWorksome = () => Object.getOwnPropertyDescriptor(sdk.Client.prototype, "worksome") !== undefined;
/** The Worksome token the `token` callback returns (the fixtures' company user). */
window.currentWorksomeToken = "ws-company-token";

/**
 * Opens a client on this origin's GC Directory endpoint (and Worksome's, with `worksome: true`)
 * as `window.client`.
 */
window.openClient = async ({ user = "alice", database = "e2e", token = "gc-admin-token", worksome = false, gcdirectory = true, outbox, extra = {} } = {}) => {
  window.currentToken = token;
  const endpoints = gcdirectory ? { gcdirectory: `${location.origin}/graphql/gcdirectory` } : {};
  if (worksome) endpoints.worksome = `${location.origin}/graphql/worksome`;
  const options = {
    endpoints,
    // Tokens are per API on the reference server.
    token: async (api) => (api === "worksome" ? window.currentWorksomeToken : window.currentToken),
    user,
    database,
  };
  if (outbox) options.outbox = outbox;
  Object.assign(options, extra);
  const client = await sdk.Client.open(options);
  client.outbox.subscribe((e) => window.events.push({ ...e, at: Date.now() }));
  window.client = client;
  return true;
};

/** Calls `client[api][operation](args)` (api defaults to gcdirectory); a rejection comes back as `{ error }`. */
window.call = async (operation, args, api = "gcdirectory") => {
  try {
    return await window.client[api][operation](args);
  } catch (e) {
    return { error: { name: e.name, message: e.message, details: e.details } };
  }
};

/** Makes the calls (`[operation, args, api?]`) one after another; returns their results in order. */
window.callAll = async (calls) => {
  const results = [];
  for (const [operation, args, api] of calls) results.push(await window.call(operation, args, api));
  return results;
};

/** `settled(id)` for each id, in order; rejects after `ms` naming how many had settled. */
window.settleAll = (ids, ms = 30000) => {
  let done = 0;
  const all = Promise.all(ids.map((id) => window.client.outbox.settled(id).then((r) => { done += 1; return r; })));
  const timeout = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`only ${done} of ${ids.length} entries settled within ${ms} ms`)), ms));
  return Promise.race([all, timeout]);
};

/**
 * Values no app should pass, as `[label, value, neverValid]`: `neverValid` ones cannot be JSON
 * arguments of any function (a mutation must reject them with ValidationError); the others may
 * happen to be valid somewhere. Built once (the 10 MB string).
 */
window.hostileValues = () => {
  if (window.hostileCache) return window.hostileCache;
  const cyclic = { a: 1 };
  cyclic.self = cyclic;
  const thrower = () => { throw new Error("hostile trap"); };
  const proxy = new Proxy({}, {
    get: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower, getPrototypeOf: thrower,
  });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  let deep = [];
  for (let i = 0; i < 200_000; i++) deep = [deep];
  window.hostileCache = [
    ["a function", () => 1, true],
    ["an async function", async () => 1, true],
    ["a symbol", Symbol("hostile"), true],
    ["a BigInt", 10n, true],
    ["a cyclic object", cyclic, true],
    ["a throwing getter", { get a() { throw new Error("getter"); } }, true],
    ["a Proxy whose traps throw", proxy, true],
    ["a revoked Proxy", revocable.proxy, true],
    ["a throwing toJSON", { toJSON() { throw new Error("toJSON"); } }, true],
    ["a nesting 200 000 deep", deep, true],
    // Where a string is expected, the glue of a `String` parameter would read this `length`.
    ["{ length: 2 ** 31 }", { length: 2 ** 31 }, false],
    ["a lone surrogate", "\uD800", false],
    ["a 10 MB string", "é".repeat(5_000_000), false],
    ["holes of undefined", [undefined, , 1], false],
    ["a Promise", Promise.resolve(1), false],
    ["a Date", new Date(0), false],
    ["a fake Blob", Object.create(Blob.prototype), false],
    ["undefined", undefined, false],
    ["null", null, false],
    ["NaN", NaN, false],
    ["42", 42, false],
    ["an empty string", "", false],
    ["an empty object", {}, false],
    ["an empty array", [], false],
  ];
  return window.hostileCache;
};

/**
 * Calls `f()` and reports how it ended within `ms`: `{ threw }`, `{ returned }` (not a promise),
 * `{ resolved }`, `{ rejected }` (each with the error's name), or `{ timeout: true }`.
 */
window.settleWithin = async (f, ms = 1000) => {
  const error = (e) => ({ name: e?.name, message: String(e?.message).slice(0, 300), details: e?.details });
  let r;
  try {
    r = f();
  } catch (e) {
    return { threw: error(e) };
  }
  if (!(r instanceof Promise)) return { returned: typeof r };
  let timer;
  const timeout = new Promise((res) => { timer = setTimeout(() => res({ timeout: true }), ms); });
  const ended = r.then((v) => ({ resolved: v?.status ?? typeof v }), (e) => ({ rejected: error(e) }));
  const outcome = await Promise.race([ended, timeout]);
  clearTimeout(timer);
  return outcome;
};

/** Starts the package in a module dedicated worker (worker.js) as `window.worker`. */
window.startWorker = () => {
  window.worker = new Worker("/worker.js", { type: "module" });
  return true;
};

/** Runs one step of remote.js in `window.worker`; resolves its `{ ok }` or `{ error }`. */
window.workerStep = (message) => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = (e) => resolve(e.data);
  window.worker.postMessage(message, [channel.port2]);
});
