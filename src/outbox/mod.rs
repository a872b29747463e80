//! The outbox's model and policy: entries and their states, how a server answer is
//! classified, retry/backoff and the auth pause, dependencies, placeholders of
//! entities created offline, idempotency keys and the clock.
//! Plain Rust, tested natively.

pub mod classify;
pub mod clock;
pub mod deps;
pub mod envelope;
pub mod entry;
pub mod key;
pub mod placeholders;
pub mod policy;
pub mod request;
