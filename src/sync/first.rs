//! An online call's own entry, sent without a pass: stored and claimed in ONE transaction
//! (`OutboxStore::insert_first`) when nothing of its user must go before it, sent alone, its
//! outcome written in a second. Two IndexedDB transactions per online call in the common case,
//! where a pass costs four (insert, list, claim, outcome). Anything else (a queue, a dependency,
//! placeholders, no token at hand, the auth pause) goes the ordinary way: the entry is stored
//! queued (or not yet stored at all) and a pass sends it.

use super::drain::{Drain, Stop, Tokens};
use super::event::Event;
use crate::outbox::clock::Clock;
use crate::outbox::entry::Entry;
use crate::outbox::request;
use crate::store::{OutboxStore, StoreError};
use crate::transport::Transport;

/// What became of a new entry offered to `Drain::first`.
#[derive(Debug)]
pub enum First {
    /// Not stored: this pass cannot send it now (no token read, the auth pause, no endpoint, no
    /// request). The caller stores it the ordinary way.
    NotTried,
    /// Stored queued (something of its user goes first): a pass must send it.
    Queued,
    /// Stored claimed and sent; the stop the attempt ended with, or why its outcome could not
    /// be written (the entry stays claimed, and is sent again with its key after the lease).
    Sent(Result<Stop, StoreError>),
}

impl<'a, S: OutboxStore, T: Transport, C: Clock, K: Tokens> Drain<'a, S, T, C, K> {
    /// Stores new entry `e` (not stored yet) and, if it is first in line, sends it. Holding the
    /// drain lock (the caller's), like a pass. `Err`: nothing was stored.
    /// `stored` is called once `e` is on disk (before it is sent).
    pub async fn first(&self, e: &mut Entry, stored: &dyn Fn()) -> Result<First, StoreError> {
        // The checks `ready` makes, before anything is stored.
        if !self.tokens.has(&e.api) {
            return Ok(First::NotTried);
        }
        let Ok(token) = self.tokens.token(&e.api).await else { return Ok(First::NotTried) };
        if let Some((api, refused)) = self.pause.0.borrow().as_ref() {
            if *api == e.api && *refused == token {
                return Ok(First::NotTried);
            }
        }
        let Some(url) = (self.endpoint)(&e.api) else { return Ok(First::NotTried) };
        let Ok(req) = request::build(e, &url, token.as_deref()) else { return Ok(First::NotTried) };
        let mut claimed = e.clone();
        self.claimed(&mut claimed, self.clock.now_ms());
        self.epoch.set(self.store.epoch());
        let first = self.store.insert_first(e, &claimed).await?;
        stored();
        (self.emit)(Event::of("queued", e));
        if !first {
            return Ok(First::Queued);
        }
        *self.pause.0.borrow_mut() = None;
        *e = Entry { seq: e.seq, claim: None, ..claimed };
        (self.emit)(Event::of("sending", e));
        let sent = self.send_alone(e, req, token).await;
        Ok(First::Sent(sent))
    }

    /// Sends claimed `e` and waits for its outcome write.
    async fn send_alone(&self, e: &mut Entry, req: crate::transport::HttpRequest, token: Option<String>) -> Result<Stop, StoreError> {
        let mut writes = vec![];
        let stop = self.send(e, req, token, &mut writes).await?;
        self.finish(writes).await?;
        Ok(stop.unwrap_or(Stop::Idle))
    }
}
