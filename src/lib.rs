//! graphql-outbox: one typed function for every mutation of the Worksome and GC Directory
//! GraphQL APIs, compiled to WebAssembly, through a durable IndexedDB outbox. Layers, top down:
//! `client` (the JS surface, wasm only) -> `sync` (draining, locks, broadcast) -> `outbox`
//! (entries and policy) and `cache` (query results, the pending layer) -> `store` (IndexedDB) and `transport` (fetch); `api` holds the
//! generated tables all of them read.

/// A JSON value's text through serde_json's `Vec` writer. Not `Value`'s `Display`, which goes
/// through the `fmt` machinery: slower on the hot paths (each outbox record, request body and
/// event) and a second copy of the serializer in the wasm.
pub(crate) fn text(v: &serde_json::Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// JSON as a plain JS value, through its text and `JSON.parse` (integers beyond 2^53 round to
/// the nearest double, as every JS reader of the same JSON would). One for the client's values
/// and the store's records: both layers had the same line.
#[cfg(target_arch = "wasm32")]
pub(crate) fn to_js(v: &serde_json::Value) -> wasm_bindgen::JsValue {
    js_sys::JSON::parse(&text(v)).unwrap_or(wasm_bindgen::JsValue::NULL)
}

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

// Talc instead of Rust's default wasm allocator (dlmalloc): a cold cache read makes ~10,000
// small allocations (one String per field, one map per record), where dlmalloc's `malloc` was
// 2.25 ms of self time in the profile; talc is also ~3 KB gzip smaller (measured: wasm
// 253,047 -> 250,029 B gzip -9). The build is single-threaded (no atomics), as talc's
// wasm allocator requires.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

