//! Typed bindings: the tables generated from `schemas/` and `operations/` (one module per API),
//! the model they fill in, and the input validator. Plain Rust; no JS here.

mod decode;
pub mod formats;
pub mod model;
pub mod validate;

// `gcdirectory`, `worksome`, ...: one module per schema, and `ALL`, every API.
include!(concat!(env!("OUT_DIR"), "/apis.rs"));
