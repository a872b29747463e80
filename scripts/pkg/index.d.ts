// Types of the package's entry (index.js): the wasm-bindgen module's declarations, with `init`
// and `initSync` re-exported from it, and the typed errors the entry adds.
export * from "./graphql_outbox.js";
export { default, initSync } from "./graphql_outbox.js";

import type { ErrorCode, GraphQLErrorItem } from "./graphql_outbox.js";

/** Where `client.worksome.uploadFile` failed (on any of its errors). */
export type UploadStep = "uploadFiles" | "put" | "markFilesAsUploaded";

/** The `details` of each error code (README's error table). */
export interface OutboxErrorDetails {
  /** Arguments that do not fit the schema, or a bad argument to any other function; nothing stored. */
  ValidationError: { operation: string; path: string; reason: string };
  /** Bad `Client.open` options, no endpoint for the API, or a call before `init()`; nothing stored. */
  ConfigError: { step?: UploadStep };
  /** 401/403 or the token callback failed; `id`: the stored entry, paused in `auth`. */
  AuthError: { status: number | null; id?: string; step?: UploadStep };
  /** The server refused it (GraphQL errors or another 4xx); `id`: the dead entry. */
  GraphQLError: { status: number; errors: GraphQLErrorItem[]; id?: string; step?: UploadStep };
  /** Dead after `maxHttpAttempts`, or (`state: "unknown"`) no answer from a server without idempotency keys. */
  NetworkError: { status: number | null; retryAfterMs: number | null; id?: string; state?: "unknown"; step?: UploadStep };
  /** IndexedDB refused to store the call's entry; nothing was stored. */
  StorageError: { reason: "quota" | "unavailable" | "other"; step?: UploadStep };
  /** No entry with this id for this user. */
  NotFoundError: { id: string };
  /** The upload URL refused the bytes. */
  UploadError: { status: number; step: "put" };
  /** A query with policy "cache-only" found no complete cached result; `operation`: the query's name. */
  CacheMissError: { operation: string };
}

/** An error of this SDK with code `N`: `e.name` narrows `e.details`. */
export type OutboxError<N extends ErrorCode = ErrorCode> = {
  [K in N]: Error & { readonly name: K; readonly details: OutboxErrorDetails[K] };
}[N];

/** Every `name` in `ErrorCode`, at run time. */
export declare const ERROR_NAMES: readonly ErrorCode[];

/**
 * Whether `e` is an error of this SDK, of code `name` if given:
 * `catch (e) { if (isOutboxError(e, "AuthError")) e.details.status }`.
 */
export declare function isOutboxError<N extends ErrorCode = ErrorCode>(e: unknown, name?: N): e is OutboxError<N>;

export { createOutboxStore, createQueryStore } from "./store.js";
export type {
  OutboxStore, OutboxSnapshot, DrainProgress,
  QueryStore, QuerySnapshot, QueryStoreOptions, QueryApi, QueryName, QueryVariablesOf, QueryDataOf,
} from "./store.js";
