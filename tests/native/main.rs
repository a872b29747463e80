//! Native tests of the plain-Rust layers (no browser): input formats and validation against
//! the generated tables, answer classification, coverage of the mutation list, the store
//! conformance suite on MemoryStore, and the outbox policy with fakes.
#![cfg(not(target_arch = "wasm32"))]

mod cache;
mod cache_evict;
mod cache_memo;
mod cache_pending;
mod cache_tables;
mod cache_updates;
mod batching;
mod classify;
mod coverage;
mod drain;
mod envelope_crate;
mod fakes;
mod first;
mod formats;
mod hostile;
mod lease;
mod placeholders;
mod skew;
mod store;
mod tables;
mod tombstones;
mod validate;
mod worksome;
