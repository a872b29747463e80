// The SDK in a worker (dedicated or service), driven step by step from a page: the page posts
// `{ step, ...args }` with a MessagePort and gets `{ ok }` or `{ error }` back on it. Nothing
// here decides an outcome: it opens a client, forwards calls and queries, and reports.
import { Client } from "/pkg/graphql_outbox.js";

/** An error as plain data (it crosses postMessage). */
const plain = (e) => ({ name: e?.name, message: e?.message ?? String(e), details: e?.details });

/**
 * The steps, over this worker's current client (`state.client`). `opened`: a client the worker
 * opened itself at start (a promise), which `open` with `{ existing: true }` adopts.
 */
export function steps(state, opened) {
  const client = () => {
    if (!state.client) throw new Error("no client: run the `open` step first");
    return state.client;
  };
  return {
    /** Opens a client on `endpoint` (the GC Directory's) for `database` and `user`. */
    async open({ endpoint, database, user = "alice", outbox, existing }) {
      state.client?.close();
      state.client = existing ? await opened : await Client.open({
        endpoints: { gcdirectory: endpoint },
        token: async () => "gc-admin-token",
        user,
        database,
        ...(outbox ? { outbox } : {}),
      });
      return { user: state.client.user, scope: self.constructor.name, hasWindow: typeof window !== "undefined", hasDocument: typeof document !== "undefined" };
    },
    /** The calls `[operation, args]`, one after another; a rejection comes back as `{ error }`. */
    async calls({ calls }) {
      const results = [];
      for (const [operation, args] of calls) results.push(await client().gcdirectory[operation](args).catch((e) => ({ error: plain(e) })));
      return results;
    },
    query: ({ name, variables, policy }) => client().gcdirectory.query[name](variables, { policy }).catch((e) => ({ error: plain(e) })),
    list: async () => (await client().outbox.list()).map((e) => ({ id: e.id, state: e.state })),
    settled: ({ ids }) => Promise.all(ids.map((id) => client().outbox.settled(id))),
    sync: () => client().sync(),
    close() {
      state.client?.close();
      state.client = null;
      return true;
    },
  };
}

/** Runs one message's step; answers on its port. */
export function answer(table, message, port) {
  return Promise.resolve()
    .then(() => {
      const f = table[message?.step];
      if (!f) throw new Error(`no step ${message?.step}`);
      return f(message);
    })
    .then((ok) => port.postMessage({ ok }), (e) => port.postMessage({ error: plain(e) }));
}
