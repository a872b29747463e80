// React bindings, the package's entry point `graphql-outbox/react` (issue 11), copied into pkg/
// by scripts/build-pkg.sh. Plain JS with React.createElement (no JSX), so the package needs no
// build step and works in any bundler or an import map; `react` is a peer dependency.
// There is no `useQuery` yet: the package has no query cache to watch (a separate issue).
import { createContext, createElement, useCallback, useContext, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import { createOutboxStore } from "./store.js";

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
