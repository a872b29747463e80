// Types of the package's entry (index.js): the wasm-bindgen module's declarations, with `init`
// and `initSync` re-exported from it.
export * from "./graphql_outbox.js";
export { default, initSync } from "./graphql_outbox.js";
