//! TypeScript declarations shared by every API, appended to the package's `.d.ts`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_COMMON: &'static str = r#"
/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Options of `Client.open`. */
export interface ClientOptions {
  /** GraphQL endpoint of each API the app calls. */
  endpoints: Endpoints;
  /**
   * Returns the bearer token for an API, or a promise of it; `null` sends no Authorization header.
   * Called before every send, so a refreshed token is used at once. Never written to storage.
   */
  token?: (api: ApiName) => string | null | undefined | Promise<string | null | undefined>;
  /** The signed-in account; partitions the outbox (another user's entries are never sent). */
  user: string;
}

/** How a mutation call ended: sent now (with its data), or queued in the outbox. */
export type MutationResult<T> =
  | { status: "sent"; /** The entry's id, also its idempotency key. */ id: string; data: T }
  | { status: "queued"; id: string };

/** The `name` of every error the SDK rejects with. */
export type ErrorCode = "ValidationError" | "ConfigError" | "AuthError" | "GraphQLError" | "NetworkError" | "UploadError";
"#;
