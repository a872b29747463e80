//! The public JS surface: `Client`, the generated API classes, errors and shared TypeScript.
//! The only layer with `#[wasm_bindgen]` exports.

mod apis;
mod call;
mod errors;
mod js;
mod open;
mod options;
mod typescript;
mod upload;

pub use apis::*;
pub use errors::SdkError;
pub use open::{Client, ClientRef};
