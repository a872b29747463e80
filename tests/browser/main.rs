//! Browser tests (wasm-bindgen-test in headless Chromium) against the reference server that
//! the test script starts. Compiled for wasm32 only.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod cache;
mod cache_bench;
#[path = "../native/cache_tables.rs"]
mod cache_tables;
mod gcdirectory;
mod outbox;
mod queries;
mod store;
mod support;
mod worksome;
