//! The generated API classes (`GcdirectoryApi`, ...) and the `Client` getters for them.

use super::call::CallOptions;
use super::open::{Client, ClientRef};
use super::query::QueryOptions;
use wasm_bindgen::prelude::*;

include!(concat!(env!("OUT_DIR"), "/facades.rs"));
