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
