//! The generated API classes (`GcdirectoryApi`, ...) and the `Client` getters for them.

use super::call::CallOptions;
use super::open::{Client, ClientRef};
use super::query::QueryOptions;
use super::watch::WatchOptions;
use wasm_bindgen::prelude::*;

include!(concat!(env!("OUT_DIR"), "/facades.rs"));
