//! Work a batched pass holds back until its next request is on its way (issue 9, round drain3).
//! Under the Web Lock, between the answer to batch n and the POST of batch n+1 the main thread
//! used to write batch n's outcomes, report its events (subscribers, other contexts, cache
//! writes of the answers), write batch n+1's claim and report its `sending` events: ~5 ms per
//! batch with the network idle. Only the answer's classification must come before the next
//! POST (a failure stops the pass: order). The rest is held here, in the order it was made, and
//! done right after the next request has been issued (`Started`), while it is in flight, or at
//! the end of the pass, or before the pass reads a create's outcome for a placeholder. Writes of
//! different entries commute, and the held writes are issued in order, before any later write:
//! what lands on disk is as before, only sooner for the network.

use super::event::Event;
use crate::outbox::entry::Entry;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// One held item.
pub(super) enum Held {
    /// Entries to write (claims or outcomes), strict or relaxed. A flush writes all the held
    /// ones in ONE transaction, in order (strict if one of them is): a batch's outcomes and
    /// the next batch's claims cost one transaction instead of two.
    Write(Vec<Entry>, bool),
    /// An event, reported at the flush.
    Event(Event),
}

/// What a pass holds back (empty outside a batched pass under the Web Lock).
#[derive(Default)]
pub struct Hold {
    pub(super) items: RefCell<Vec<Held>>,
    /// Set while a batch's outcomes are being made: their events are held too.
    pub(super) holding: Cell<bool>,
}

/// `f`, with `then` run right after its first poll. The first poll of a transport's `send`
/// issues the request (the browser's `fetch`), so `then` runs while it is in flight.
pub(super) struct Started<F, G> {
    pub(super) f: Pin<Box<F>>,
    pub(super) then: Option<G>,
}

impl<F: Future, G: FnOnce() + Unpin> Future for Started<F, G> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let r = this.f.as_mut().poll(cx);
        if let Some(then) = this.then.take() {
            then();
        }
        r
    }
}
