// A framework-neutral store of the outbox's state (issue 11), re-exported by the package's entry
// (index.js) and used by the React bindings (react.js). It turns the client's event stream and
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
