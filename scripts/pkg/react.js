// React bindings, the package's entry point `graphql-outbox/react` (issue 11), copied into pkg/
// by scripts/build-pkg.sh. Plain JS with React.createElement (no JSX), so the package needs no
// build step and works in any bundler or an import map; `react` is a peer dependency.
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { createOutboxStore, createQueryStore } from "./store.js";

const Context = createContext(null);

/** Makes `client` (and a store of its outbox) available to the hooks below. */
export function OutboxProvider({ client, children }) {
  // One store per client. It attaches to the client only while subscribed (store.js), so one
  // made by a render React throws away (StrictMode, suspense) leaks nothing.
  const store = useMemo(() => createOutboxStore(client), [client]);
  const value = useMemo(() => ({ client, store }), [client, store]);
  return createElement(Context.Provider, { value }, children);
}

function useOutboxContext(hook) {
  const value = useContext(Context);
  if (!value) {
    const e = new Error(`${hook}() must be called inside <OutboxProvider client={client}>`);
    e.name = "ConfigError";
    e.details = {};
    throw e;
  }
  return value;
}

/** The `Client` given to the nearest `OutboxProvider`. */
export function useClient() {
  return useOutboxContext("useClient").client;
}

/** The outbox's current snapshot (counts, pending, online, drain); re-renders when it changes. */
export function useOutbox() {
  const { store } = useOutboxContext("useOutbox");
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}

const IDLE = Object.freeze({ status: "idle", data: undefined, error: undefined, id: undefined });

/**
 * `const [mutate, state] = useMutation((client, args) => client.gcdirectory.modifyProfile(args))`.
 * `mutate(args)` calls `fn(client, args)` and resolves its result (or `undefined` when it
 * rejected: the error is in `state.error`, so an onClick handler needs no catch). `state.status`:
 * "pending" until the call answers, then "sent" (with `data`), "error" (with `error`), or
 * "queued" (with `id`), which turns into "sent" or "error" when the entry settles, also after
 * the app comes back online. Only the latest call's outcome is shown.
 */
export function useMutation(fn) {
  const { client } = useOutboxContext("useMutation");
  const [state, setState] = useState(IDLE);
  const fnRef = useRef(fn);
  const latest = useRef(0); // the number of the latest call: older ones no longer set state
  const mounted = useRef(false);
  // The latest fn without making `mutate` change identity on every render.
  useEffect(() => { fnRef.current = fn; });
  useEffect(() => {
    mounted.current = true;
    return () => { mounted.current = false; };
  }, []);

  const mutate = useCallback(async (args) => {
    const n = ++latest.current;
    const set = (s) => { if (mounted.current && latest.current === n) setState(Object.freeze(s)); };
    set({ status: "pending", data: undefined, error: undefined, id: undefined });
    let result;
    try {
      result = await fnRef.current(client, args);
    } catch (error) {
      set({ status: "error", data: undefined, error, id: error?.details?.id });
      return undefined;
    }
    if (result?.status === "sent") {
      set({ status: "sent", data: result.data, error: undefined, id: result.id });
    } else if (result?.status === "queued") {
      set({ status: "queued", data: undefined, error: undefined, id: result.id });
      // Follow the entry to its outcome, however long it waits (offline, retries, auth).
      client.outbox.settled(result.id).then(
        (outcome) => {
          if (outcome.status === "sent") set({ status: "sent", data: outcome.data, error: undefined, id: outcome.id });
          else set({ status: "error", data: undefined, error: outcome, id: outcome.id });
        },
        (error) => set({ status: "error", data: undefined, error, id: result.id }),
      );
    } else {
      // A function that answers without the outbox's envelope (e.g. `worksome.uploadFile`).
      set({ status: "sent", data: result, error: undefined, id: undefined });
    }
    return result;
  }, [client]);

  return [mutate, state];
}

/**
 * `const q = useQuery("gcdirectory", "profile", { gcId }, { policy })`: the query's snapshot
 * (store.js, `createQueryStore`) over `client.<api>.watch.<name>`, re-rendering when what it shows
 * changes: a cache write in any context, an entry queued, sent or dead. `q.status` is "loading",
 * "ready" (`q.result.data`, `q.result.pending`) or "error" (`q.error`).
 * The api and query are named by strings rather than `client => client.gcdirectory.watch.profile`:
 * wasm-bindgen methods need their object (a selected method loses it), and strings give a key
 * to compare, with the same type safety (store.d.ts reads the types off the watch functions).
 * The watch restarts when `api`, `name`, the variables (compared as JSON, so an inline object
 * literal does not restart it every render) or `options.policy` change; the snapshot is then
 * "loading" until the new watch answers.
 */
export function useQuery(api, name, variables, options) {
  const { client } = useOutboxContext("useQuery");
  const policy = options?.policy;
  let key;
  try {
    key = JSON.stringify([api, name, variables === undefined ? null : variables, policy === undefined ? null : policy]);
  } catch (cause) {
    const e = new Error(`useQuery(${String(api)}, ${String(name)}): variables must be JSON (${cause?.message ?? cause})`);
    e.name = "ValidationError";
    e.details = { operation: String(name), path: "variables", reason: "not JSON (a cycle or a BigInt)" };
    throw e;
  }
  // One store per key: the variables of the render that made the key are the ones watched.
  const store = useMemo(() => createQueryStore(client, api, name, variables, { policy }), [client, key]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
