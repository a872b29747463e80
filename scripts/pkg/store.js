// Framework-neutral stores (issue 11), re-exported by the package's entry (index.js) and used by
// the React bindings (react.js): the outbox's state (createOutboxStore) and one watched query
// (createQueryStore, at the end). The outbox store turns the client's event stream and
// async `outbox.stats()` into a synchronous `getSnapshot()`, which is what React's
// useSyncExternalStore (and Svelte/Vue/Solid stores) need:
// - the snapshot is frozen and replaced only when a value in it changed; otherwise
//   `getSnapshot()` returns the very same object (useSyncExternalStore loops forever on a new
//   object per call);
// - the counts come from `stats()` (the storage's truth, all contexts' entries of this user),
//   re-read after each event; reads are coalesced (one in flight, one more if events came
//   meanwhile), so a drain of 1,000 entries does not issue 1,000 overlapping reads;
// - the store watches the client only while it has subscribers (attached on the first,
//   detached after the last), so a store made during a render and never subscribed leaks
//   nothing.
// This file does not touch the wasm; it only calls the client it is given.

const STATES = ["queued", "sending", "retrying", "auth", "blocked", "dead", "unknown", "sent", "discarded"];
// States that will still be sent (or wait to be) without the app doing anything but a token.
const PENDING = ["queued", "sending", "retrying", "auth", "blocked"];
// Events that end an entry's attempt for this drain: counted as done.
const DONE = new Set(["sent", "dead", "unknown", "discarded"]);
// Events after which a pass stops (order: later entries wait behind this one).
const STOPS = new Set(["retrying", "paused", "blocked"]);

const ZERO = Object.freeze(Object.fromEntries(STATES.map((s) => [s, 0])));
const IDLE_DRAIN = Object.freeze({ sending: false, done: 0, total: 0 });

function isOnline() {
  // Workers have navigator.onLine too; where there is no navigator, assume online (a hint only).
  return typeof navigator === "undefined" || navigator.onLine !== false;
}

function sameCounts(a, b) {
  return STATES.every((s) => a[s] === b[s]);
}

/**
 * `createOutboxStore(client)` → `{ subscribe(listener) → unsubscribe, getSnapshot(), destroy() }`.
 * See index.d.ts (OutboxSnapshot) and the README for the snapshot's fields.
 */
export function createOutboxStore(client) {
  if (!client || typeof client !== "object" || !client.outbox || typeof client.outbox.subscribe !== "function") {
    const e = new Error("createOutboxStore(client): `client` must be a Client from Client.open");
    e.name = "ConfigError";
    e.details = {};
    throw e;
  }
  const listeners = new Set();
  let snapshot = Object.freeze({ ready: false, counts: ZERO, pending: 0, online: isOnline(), drain: IDLE_DRAIN, error: null });
  let detach = null; // set while attached to the client
  let destroyed = false;
  let reading = false; // a stats() read is in flight
  let dirty = false; // an event came while it was: read again after it

  function update(changes) {
    const next = { ...snapshot, ...changes };
    const changed = Object.keys(changes).some((k) => next[k] !== snapshot[k]);
    if (!changed) return;
    snapshot = Object.freeze(next);
    for (const l of [...listeners]) {
      // One throwing listener must not keep the others stale; its error still surfaces.
      try { l(); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
  }

  // `current`: no event came while these stats were read, so they include every event seen.
  // Only then may they end or resize a drain: a read begun before the drain's first `sending`
  // event shows nothing to send, and would end the drain as it starts.
  function setCounts(byState, current) {
    const counts = Object.fromEntries(STATES.map((s) => [s, Number(byState?.[s]) || 0]));
    const same = sameCounts(counts, snapshot.counts);
    const frozen = same ? snapshot.counts : Object.freeze(counts);
    const pending = PENDING.reduce((n, s) => n + frozen[s], 0);
    let drain = snapshot.drain;
    if (current && drain.sending) {
      const left = frozen.queued + frozen.sending;
      // Nothing left to send (this context's or another's drain finished): the drain is over.
      if (left === 0) drain = Object.freeze({ ...drain, sending: false });
      else if (drain.done + left > drain.total) drain = Object.freeze({ ...drain, total: drain.done + left });
    }
    update({ ready: true, counts: frozen, pending, drain, error: null });
  }

  async function refresh() {
    if (reading) { dirty = true; return; }
    reading = true;
    try {
      do {
        dirty = false;
        let stats;
        try {
          stats = await client.outbox.stats();
        } catch (e) {
          // A closed client or a storage failure: keep the last counts, say why.
          if (detach) update({ error: e });
          return;
        }
        if (detach) setCounts(stats.byState, !dirty);
      } while (dirty && detach);
    } finally {
      reading = false;
    }
  }

  function onEvent(event) {
    const type = event && event.type;
    let drain = snapshot.drain;
    if (type === "sending" && !drain.sending) {
      // A new drain: what it has to do is what is pending now (at least this entry).
      drain = { sending: true, done: 0, total: Math.max(snapshot.pending, 1) };
    } else if (drain.sending && DONE.has(type)) {
      drain = { ...drain, done: drain.done + 1, total: Math.max(drain.total, drain.done + 1) };
    } else if (drain.sending && type === "queued") {
      drain = { ...drain, total: drain.total + 1 }; // a call made during the drain joins it
    } else if (drain.sending && STOPS.has(type)) {
      drain = { ...drain, sending: false };
    }
    if (drain !== snapshot.drain) update({ drain: Object.freeze(drain) });
    refresh();
  }

  const onOnline = () => update({ online: true });
  const onOffline = () => update({ online: false });

  function attach() {
    const unsubscribe = client.outbox.subscribe(onEvent);
    const target = typeof globalThis.addEventListener === "function" ? globalThis : null;
    target?.addEventListener("online", onOnline);
    target?.addEventListener("offline", onOffline);
    detach = () => {
      detach = null;
      try { unsubscribe(); } catch { /* the client was freed: nothing left to unsubscribe */ }
      target?.removeEventListener("online", onOnline);
      target?.removeEventListener("offline", onOffline);
    };
    update({ online: isOnline() }); // it may have changed while nobody watched
    refresh();
  }

  return {
    subscribe(listener) {
      if (typeof listener !== "function") throw new TypeError("subscribe(listener): listener must be a function");
      if (destroyed) return () => {};
      listeners.add(listener);
      if (!detach) attach();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && detach) detach();
      };
    },
    getSnapshot() {
      return snapshot;
    },
    destroy() {
      destroyed = true;
      listeners.clear();
      if (detach) detach();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A store of one watched query (`client.<api>.watch.<name>`), for useSyncExternalStore and the
// like. Same rules as the outbox store: a frozen snapshot replaced only on a change, the watch
// running only while the store has listeners. The snapshot keeps the last result across a
// stop and a restart (StrictMode mounts twice), so a remount shows data at once; the watch's
// own first callback then replaces it.

const LOADING = Object.freeze({ status: "loading", result: undefined, error: undefined });

function invalid(path, reason) {
  const e = new Error(`createQueryStore: ${path}: ${reason}`);
  e.name = "ValidationError";
  e.details = { operation: "createQueryStore", path, reason };
  return e;
}

// The names on a watch class that are not queries (wasm-bindgen adds them to every class).
const NOT_QUERIES = new Set(["constructor", "free"]);

/**
 * `createQueryStore(client, api, name, variables, options?)` →
 * `{ subscribe(listener) → unsubscribe, getSnapshot(), destroy() }` over
 * `client[api].watch[name](variables, callback, { policy, onError })`. See store.d.ts.
 * Throws `ValidationError` for an `api` or `name` the client has no watch for; bad `variables`
 * or `options` surface as the snapshot's `error` (the watch refuses them when it starts).
 */
export function createQueryStore(client, api, name, variables, options) {
  if (!client || typeof client !== "object" || !client.outbox) {
    const e = new Error("createQueryStore(client, ...): `client` must be a Client from Client.open");
    e.name = "ConfigError";
    e.details = {};
    throw e;
  }
  if (typeof api !== "string") throw invalid("api", "expected an API name, e.g. \"gcdirectory\"");
  if (typeof name !== "string" || NOT_QUERIES.has(name)) throw invalid("name", "expected a query name, e.g. \"profile\"");
  let watches;
  try {
    watches = api in client ? client[api]?.watch : undefined;
  } catch {
    watches = undefined; // a freed client's getters throw
  }
  if (!watches || typeof watches !== "object") throw invalid("api", `the client has no API "${api}" with queries`);
  if (typeof watches[name] !== "function") throw invalid("name", `"${api}" has no query "${name}"`);
  const policy = options?.policy;

  const listeners = new Set();
  let snapshot = LOADING;
  let stop = null; // the running watch's stop function
  let run = 0; // which watch is current: callbacks of a stopped one are ignored
  let destroyed = false;

  function set(next) {
    snapshot = Object.freeze(next);
    for (const l of [...listeners]) {
      try { l(); } catch (e) { queueMicrotask(() => { throw e; }); }
    }
  }

  function start() {
    const mine = ++run;
    const live = () => mine === run && stop !== null;
    // A no-op until the watch call returns: its first callback comes later, but be safe.
    stop = () => {};
    try {
      const s = client[api].watch[name](
        variables,
        (result) => { if (live()) set({ status: "ready", result, error: undefined }); },
        {
          policy,
          // The first read failed (offline with "network-only", a cache miss with "cache-only"...):
          // shown with the last result if any; the watch goes on and calls back once it can.
          onError: (error) => { if (live()) set({ status: "error", result: snapshot.result, error }); },
        },
      );
      if (mine === run) stop = typeof s === "function" ? s : () => {};
    } catch (error) {
      // Bad variables or options (ValidationError), no endpoint for the API (ConfigError), a
      // freed client: no watch runs; the snapshot says why.
      stop = () => {};
      set({ status: "error", result: snapshot.result, error });
    }
  }

  function halt() {
    const s = stop;
    stop = null;
    run += 1;
    try { s?.(); } catch { /* the client was freed: its watches are gone with it */ }
  }

  return {
    subscribe(listener) {
      if (typeof listener !== "function") throw new TypeError("subscribe(listener): listener must be a function");
      if (destroyed) return () => {};
      listeners.add(listener);
      if (!stop) start();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && stop) halt();
      };
    },
    getSnapshot() {
      return snapshot;
    },
    destroy() {
      destroyed = true;
      listeners.clear();
      if (stop) halt();
    },
  };
}
