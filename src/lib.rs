//! graphql-outbox: one typed function for every mutation of the Worksome and GC Directory
//! GraphQL APIs, compiled to WebAssembly. Layers, top down: `client` (the JS surface) ->
//! `outbox` (policy) -> `transport` (fetch); `api` holds the generated tables all of them read.

pub mod api;
pub mod client;
pub mod outbox;
pub mod store;
pub mod sync;
pub mod transport;

pub use client::Client;
