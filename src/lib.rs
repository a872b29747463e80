//! graphql-outbox: one typed function for every mutation of the Worksome and GC Directory
//! GraphQL APIs, compiled to WebAssembly, through a durable IndexedDB outbox. Layers, top down:
//! `client` (the JS surface, wasm only) -> `sync` (draining, locks, broadcast) -> `outbox`
//! (entries and policy) and `cache` (query results, the pending layer) -> `store` (IndexedDB) and `transport` (fetch); `api` holds the
//! generated tables all of them read.

pub mod api;
pub mod cache;
#[cfg(target_arch = "wasm32")]
pub mod client;
pub mod outbox;
pub mod race;
#[cfg(target_arch = "wasm32")]
pub mod timers;
pub mod store;
pub mod sync;
pub mod transport;

#[cfg(target_arch = "wasm32")]
pub use client::Client;
