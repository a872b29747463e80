//! TypeScript declarations shared by every API, appended to the package's `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_COMMON: &'static str = r#"
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options of `Client.open`. */
/** The optional last argument of every mutation function. */
export interface CallOptions {
  /**
   * Ids of earlier entries this one depends on: it is not sent while one of them is dead, and
   * waits until they are sent (the same as wrapping the call in `client.outbox.after(ids, ...)`).
   */
  dependsOn?: string[];
}

export interface ClientOptions {
  /** GraphQL endpoint of each API the app calls. */
  endpoints: Endpoints;
  /**
   * Returns the bearer token for an API, or a promise of it; `null` sends no Authorization header.
   * Called at the start of every drain pass (outside the drain lock, so it may itself call
   * `sync()`, `outbox.discard()` or `outbox.purge()`), so a refreshed token is used at once.
   * Never written to storage.
   */
  token?: (api: ApiName) => string | null | undefined | Promise<string | null | undefined>;
  /** The signed-in account; partitions the outbox (another user's entries are never sent). */
  user: string;
  /**
   * Names the IndexedDB database (`graphql-outbox:<database>`); default: one outbox per origin
   * (`graphql-outbox`). Clients opened with the same name share their entries. At most 200
   * characters.
   */
  database?: string;
  /** Retry settings of the outbox. */
  outbox?: RetryOptions;
  /**
   * Abort a request that has no complete answer after this many ms (default 30000); it counts as
   * no answer (retried with backoff).
   */
  requestTimeoutMs?: number;
  /**
   * How long a drain pass waits for the `token` callback (default 10000 ms) before pausing in
   * `auth`; when the callback answers later, draining resumes.
   */
  tokenTimeoutMs?: number;
  /**
   * Per API, whether its server honours the `Idempotency-Key` header (`"header"`, the default:
   * an attempt with no answer is resent with the same key) or not (`"none"`: after an attempt
   * with no answer, only mutations idempotent by nature — set/update/delete by id, see each
   * function's doc — are resent; any other goes to state `unknown` for the app to decide).
   */
  idempotency?: Partial<Record<ApiName, "header" | "none">>;
  /**
   * Batched drains: when several entries wait, up to `max` of them (default 50, at most 100;
   * `1` turns batching off) go out in one GraphQL-over-HTTP batch (a JSON array of operations,
   * each with its entry's key in `extensions.idempotencyKey`), for every API or per API
   * (`{ max: 20, worksome: { max: 1 } }`). An endpoint that answers a batch 413 or 422 (too
   * long: GraphQL Yoga's limit is 10 by default) gets batches half as long from then on, until
   * they pass; one that refuses it otherwise (HTTP 400, or an answer that is not an array) gets
   * one request per entry. Each time a `warning` event says so; set `max` to the server's limit
   * to skip that.
   */
  batch?: BatchOptions & Partial<Record<ApiName, BatchOptions>>;
  /** The offline cache: its limits and the app's `updates`. */
  cache?: CacheOptions;
}

/** The last argument of a `cache.updates` function. */
export interface UpdateInfo {
  /** The outbox entry the function runs for. */
  entryId: string;
  /** true: the entry waits and `result` was built from its variables; false: the server's answer. */
  pending: boolean;
}

/** `cache` options of `Client.open`. */
export interface CacheOptions {
  /** Size cap over all users of the database, bytes (default 8 MiB). */
  maxBytes?: number;
  /** Results not answered by the server for this long are dropped, ms (default 30 days). */
  maxAgeMs?: number;
  /**
   * Per API and mutation, `(result, cache, variables, info) => void`: puts what the mutation made into
   * cached query results with `cache.updateQuery(name, variables, (data) => newData)`, as urql
   * Graphcache's `updates`. It runs on every read while an entry of the mutation waits, with a
   * result built from the entry's variables (a created entity's id is its `tmp:` placeholder):
   * the change shows with `pending` naming the entry, survives a reload, and goes if the entry
   * dies or is discarded. When this client sends the entry, it runs once more with the server's
   * answer and that change is stored (the list then holds the real id). A list never holds one
   * entity twice after an update. A context opened without it does not show those entities.
   */
  updates?: CacheUpdates;
}

/** `batch` settings of one API (or all). */
export interface BatchOptions {
  /** Most entries per request (default 50, 1 to 100; 1: no batching). */
  max?: number;
}

/** Retry settings. Network errors (no answer at all) are retried without limit. */
export interface RetryOptions {
  /** First backoff ceiling in ms (default 1000); doubles per failed attempt, full jitter. */
  baseDelayMs?: number;
  /** Largest backoff ceiling in ms (default 60000). `Retry-After` may ask for longer. */
  maxDelayMs?: number;
  /** After this many HTTP 5xx/408/429 answers in a row the entry goes dead (default 10). */
  maxHttpAttempts?: number;
}

/** Where an outbox entry is in its life. */
export type EntryState = "queued" | "sending" | "retrying" | "auth" | "blocked" | "dead" | "unknown" | "sent" | "discarded";

/** Why an entry last failed. `kind`: `network` (no answer), `http` (5xx/408/429), `auth`
 * (401/403 or the token callback failed), `graphql` (errors in the answer, or another 4xx),
 * `unknown` (no answer from a server that ignores `Idempotency-Key`; see `idempotency`). */
export interface EntryError {
  kind: "network" | "http" | "auth" | "graphql" | "config" | "unknown" | "batch" | "blocked";
  status: number | null;
  message: string;
  /** `kind: "blocked"`: the create whose placeholder this entry uses and that has no id to give
   * (dead, discarded, gone); the entry waits in state `blocked` until it is sent. */
  blockedBy?: string;
  /** The server's GraphQL errors (`kind: "graphql"`). */
  errors?: GraphQLErrorItem[];
  /** The wait the server's `Retry-After` asked for, ms (`kind: "http"`, when it sent one). */
  retryAfterMs?: number;
  /** `kind: "batch"` (a `warning`): the most entries per batch this client sends that API from now on (1: one request per entry). */
  max?: number;
}

/** One error of a GraphQL answer. */
export interface GraphQLErrorItem {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: JsonValue | undefined };
}

/** An outbox entry as `outbox.list()` returns it. */
export interface OutboxEntry {
  /** Made once at the call; also the `Idempotency-Key` of every attempt. */
  id: string;
  /** Creation number: entries of a user are sent in this order. */
  seq: number;
  api: ApiName;
  operation: string;
  variables: { [arg: string]: JsonValue };
  user: string;
  /** Epoch ms. */
  createdAt: number;
  state: EntryState;
  /** Attempts that got an answer other than 401/403, or none at all. */
  attempts: number;
  /** Epoch ms before which it is not retried (0: now). */
  nextAttemptAt: number;
  lastError: EntryError | null;
  /** Entries it depends on: declared (`dependsOn`, `outbox.after`) and the creates whose
   * placeholders it uses. */
  dependsOn: string[];
  /** The mutation's data once sent. */
  data: JsonValue | null;
}

/** What `subscribe` listeners receive. Events of other tabs/workers on the same database arrive too. */
export type OutboxEvent = {
  type: "queued" | "sending" | "sent" | "retrying" | "paused" | "blocked" | "dead" | "discarded" | "quarantined" | "skipped" | "unknown" | "warning";
  id: string;
  api: ApiName | "";
  operation: string;
  user: string;
  attempts: number;
  state: EntryState;
  /** `retrying`: epoch ms of the next attempt. */
  nextAttemptAt?: number;
  /** `paused`: `"auth"` or `"offline"`; `blocked`: the id it waits for; `quarantined`, `skipped`: why;
   * `warning`: `"batchRefused"` (the endpoint of `api` refused a batch led by entry `id`; its
   * entries go out again in batches of at most `error.max`, as every later one of that API for
   * this client; `max` 1: one by one) or `"batchRestored"` (entry `id` alone was refused as the
   * batches holding it were, 413/422: it is too large itself, and the API's batches are at most
   * `error.max` long again, as before those refusals). */
  reason?: string;
  /** `retrying`, `paused`, `dead`, `blocked` (on a create with no id to give): the failure; `warning`: `{ kind: "batch", status, message, max }`. */
  error?: EntryError;
  /** `sent`: the mutation's data. */
  data?: JsonValue;
  /** `sent` of a create: its placeholder and the real id that replaces it from now on. */
  created?: { placeholder: string; id: string };
};

/** How an entry ended, as `outbox.settled(id)` resolves. */
export type SettledOutcome =
  | { status: "sent"; id: string; data: JsonValue }
  | { status: "dead"; id: string; errors: GraphQLErrorItem[]; error: EntryError | null }
  | { status: "discarded"; id: string }
  /** No answer from a server that ignores `Idempotency-Key` (`idempotency: "none"`): it may have
   * been applied. Waits for `outbox.retry(id)` or `outbox.discard(id)`. */
  | { status: "unknown"; id: string; error: EntryError | null };

export interface Client {
  /**
   * Uses `token` (a string, or null for none) instead of the `token` callback, for `api` or for
   * every API; kept in memory only. Ends an auth pause and drains. Throws `ValidationError`
   * for a token that cannot be sent in an HTTP header (a CR, LF, NUL or a character above
   * U+00FF).
   */
  setToken(token: string | null, api?: ApiName): void;
}

export interface Outbox {
  /** This user's entries in creation order, optionally only those in `filter.state`. */
  list(filter?: { state?: EntryState }): Promise<OutboxEntry[]>;
  /**
   * Runs `call` (which makes one mutation call) so that the entry it makes depends on the
   * entries `ids`: it is not sent while one of them is dead. Returns what `call` returns.
   * `call` must make the mutation call synchronously (before its first `await`).
   */
  after<T, P = never>(ids: string[], call: () => Promise<MutationResult<T, P>>): Promise<MutationResult<T, P>>;
}

/** `outbox.stats()`. */
export interface OutboxStats {
  byState: Record<EntryState, number>;
  total: number;
  /** Age in ms of the oldest entry not yet sent (pending or dead); null when none. */
  oldestAgeMs: number | null;
  /** Size of all stored entries (every user) as JSON, bytes. */
  bytes: number;
  /** Records moved to the quarantine because they could not be read. */
  quarantined: number;
  /** Records a newer SDK wrote (unknown format or state): left in place for it, not sent here. */
  skipped: number;
}

/**
 * How a mutation call ended: sent now (with its data), or queued in the outbox. `P`: for a
 * mutation that creates an entity, the `placeholders` a queued call returns — the new entity's
 * id as `"tmp:<entry id>"`, shaped like the part of `data` that will hold it (`{ id: string }`);
 * usable in later calls' `ID` arguments until the real id is known.
 */
export type MutationResult<T, P = never> =
  | { status: "sent"; /** The entry's id, also its idempotency key. */ id: string; data: T }
  | ([P] extends [never] ? { status: "queued"; id: string } : { status: "queued"; id: string; placeholders: P });

/** The `name` of every error the SDK rejects with. */
export type ErrorCode =
  | "ValidationError" | "ConfigError" | "AuthError" | "GraphQLError" | "NetworkError" | "StorageError" | "NotFoundError"
  | "UploadError" | "CacheMissError";
"#;
