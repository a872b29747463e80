// Types of the framework-neutral outbox store (store.js), re-exported by the package's entry.
import type { Client, EntryState } from "./graphql_outbox.js";

/** Progress of the latest drain, from the client's events (any context's). */
export interface DrainProgress {
  /** A drain is under way: an entry went `sending` and the queue is not empty or stopped yet. */
  readonly sending: boolean;
  /** Entries this drain finished (`sent`, `dead`, `unknown`, `discarded`). */
  readonly done: number;
  /**
   * Entries this drain has to send: the pending count when it started, grown by calls made
   * during it and by what a later `stats()` read shows is left (`done` + queued + sending).
   */
  readonly total: number;
}

/**
 * The outbox's state at one moment. Frozen; `getSnapshot()` returns the same object until a
 * value in it changes (what React's `useSyncExternalStore` requires).
 */
export interface OutboxSnapshot {
  /** False until the first `outbox.stats()` answered (the counts are then all 0). */
  readonly ready: boolean;
  /** This user's entries by state (`outbox.stats().byState`), re-read after every event. */
  readonly counts: Readonly<Record<EntryState, number>>;
  /** Entries still to be sent: queued + sending + retrying + auth + blocked. */
  readonly pending: number;
  /** `navigator.onLine`, kept up to date by the `online` / `offline` events (a hint). */
  readonly online: boolean;
  readonly drain: DrainProgress;
  /** Why the last `stats()` read failed (e.g. a closed client); null after a good one. */
  readonly error: unknown;
}

export interface OutboxStore {
  /**
   * Calls `listener()` (no argument) after every change of the snapshot; returns the
   * unsubscribe function. The store watches the client only while it has listeners.
   */
  subscribe(listener: () => void): () => void;
  /** The current snapshot, synchronously. */
  getSnapshot(): OutboxSnapshot;
  /** Drops every listener and stops watching the client. */
  destroy(): void;
}

/** A store of `client`'s outbox state for any UI framework. Throws `ConfigError` for a non-client. */
export declare function createOutboxStore(client: Client): OutboxStore;
