//! Reference GraphQL server for graphql-outbox: schemas built at runtime from `schemas/*.graphql`,
//! state in SQLite, bearer-token auth, idempotency keys, and test-only endpoints.

pub mod api;
pub mod app;
pub mod batch;
pub mod clock;
pub mod coerce;
pub mod conn;
pub mod cors;
pub mod db;
pub mod faults;
pub mod gcdirectory;
pub mod graphql;
pub mod http_error;
pub mod idempotency;
pub mod resolve;
pub mod scalars;
pub mod schema_builder;
pub mod sql_json;
pub mod state;
pub mod static_files;
pub mod test_mode;
pub mod worksome;

pub use app::{app, serve};
pub use state::{AppState, Config};
