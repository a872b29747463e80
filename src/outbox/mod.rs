//! The outbox's policy: how a server answer is classified, and the idempotency key each
//! mutation carries. Plain Rust, tested natively.

pub mod classify;
pub mod key;
