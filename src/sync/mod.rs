//! Draining: one pass over a user's queue (`drain`, plain Rust), the events it reports, and in
//! the browser who may run it (`lock`: Web Locks across tabs, workers and service workers) and
//! how other contexts hear of changes (`broadcast`: BroadcastChannel).

pub mod batch;
pub mod drain;
pub mod event;
mod first;
pub mod gather;
mod hold;
pub mod ops;
mod send;
pub mod placeholders;
#[cfg(target_arch = "wasm32")]
pub mod lock;
#[cfg(target_arch = "wasm32")]
pub mod broadcast;

pub use drain::{AuthPause, Drain, Stop, Tokens};
pub use event::Event;
pub use first::First;
pub use hold::Hold;
