//! Native tests of the plain-Rust layers (no browser): input formats and validation against
//! the generated tables, answer classification, and coverage of the mutation list.
#![cfg(not(target_arch = "wasm32"))]

mod classify;
mod coverage;
mod formats;
mod validate;
mod worksome;
