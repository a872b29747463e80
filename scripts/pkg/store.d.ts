// Types of the framework-neutral stores (store.js), re-exported by the package's entry: the
// outbox's state, and one watched query.
import type { Client, EntryState, QueryPolicy, QueryResult } from "./graphql_outbox.js";

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

// ---- A watched query --------------------------------------------------------------------------
// The query's types are read off the generated watch functions
// (`client.<api>.watch.<name>(variables, callback: (result: QueryResult<Data>) => void, options)`),
// so `api` and `name` autocomplete and fix the variables' and the data's types.

/** The client's APIs that have queries: `"worksome" | "gcdirectory"`. */
export type QueryApi = {
  [A in keyof Client]: Client[A] extends { readonly watch: object } ? A : never;
}[keyof Client];

type Watches<A extends QueryApi> = Client[A]["watch"];

/** The query names of API `A` (`"profile" | "orgTier" | "approval"` for `"gcdirectory"`). */
export type QueryName<A extends QueryApi> = {
  [N in keyof Watches<A>]: Watches<A>[N] extends (variables: never, callback: never, options?: never) => () => void ? N : never;
}[keyof Watches<A>] & string;

/** The variables of query `N` of `A`: `QueryVariablesOf<"gcdirectory", "profile">` is `Gcdirectory.ProfileQueryVariables`. */
export type QueryVariablesOf<A extends QueryApi, N extends QueryName<A>> =
  Watches<A>[N] extends (variables: infer V, callback: never, options?: never) => () => void ? V : never;

/** The data of query `N` of `A`: `QueryDataOf<"gcdirectory", "profile">` is `Gcdirectory.ProfileQueryData`. */
export type QueryDataOf<A extends QueryApi, N extends QueryName<A>> =
  Watches<A>[N] extends (variables: never, callback: (result: QueryResult<infer T>) => void, options?: never) => () => void ? T : never;

/** The options of a query store: how the watch's first result is read (default "network-first"). */
export interface QueryStoreOptions {
  policy?: QueryPolicy;
}

/**
 * A watched query at one moment, narrowed by `status`. Frozen; `getSnapshot()` returns the same
 * object until the watch calls back with a changed result or fails.
 */
export type QuerySnapshot<T> =
  /** Nothing read yet. */
  | { readonly status: "loading"; readonly result: undefined; readonly error: undefined }
  /** The latest result: `result.data`, `result.pending` (entry ids whose values it shows), `source`, `fetchedAt`. */
  | { readonly status: "ready"; readonly result: QueryResult<T>; readonly error: undefined }
  /**
   * The first read failed (`NetworkError` offline with "network-only", `CacheMissError` with
   * "cache-only", ...) or the watch refused its variables (`ValidationError`) or the API has no
   * endpoint (`ConfigError`); `result` is the last one shown, if any. A watch that started goes
   * on, and turns "ready" once the cache can answer.
   */
  | { readonly status: "error"; readonly result: QueryResult<T> | undefined; readonly error: unknown };

export interface QueryStore<T> {
  /**
   * Calls `listener()` (no argument) after every change of the snapshot; returns the
   * unsubscribe function. The watch runs from the first listener to the last unsubscribe.
   */
  subscribe(listener: () => void): () => void;
  /** The current snapshot, synchronously. */
  getSnapshot(): QuerySnapshot<T>;
  /** Drops every listener and stops the watch. */
  destroy(): void;
}

/**
 * A store of `client.<api>.watch.<name>(variables, ..., options)` for any UI framework:
 * `createQueryStore(client, "gcdirectory", "profile", { gcId: "1" })`. Throws `ValidationError`
 * for an API or query the client does not have, `ConfigError` for a non-client.
 */
export declare function createQueryStore<A extends QueryApi, N extends QueryName<A>>(
  client: Client,
  api: A,
  name: N,
  variables: QueryVariablesOf<A, N>,
  options?: QueryStoreOptions,
): QueryStore<QueryDataOf<A, N>>;
