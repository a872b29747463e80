//! The public JS surface: `Client`, the generated API classes, the `Outbox` view, errors and
//! shared TypeScript. The only layer with `#[wasm_bindgen]` exports.

mod apis;
mod background;
mod args;
mod cached;
mod call;
mod direct;
mod drive;
mod errors;
mod globals;
mod inner;
mod js;
mod open;
mod options;
mod tokens;
mod outbox;
mod query;
mod typescript;
mod updates;
mod upload;
mod waiters;
mod watch;

pub use apis::*;
pub use call::CallOptions;
pub use errors::SdkError;
pub use open::{Client, ClientRef};
pub use outbox::Outbox;
pub use cached::Cache;
pub use query::QueryOptions;
pub use watch::WatchOptions;
