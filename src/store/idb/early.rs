//! A cold start's first reads, requested the moment `Client.open` has the database: the user's
//! live outbox entries (the pending layer of the app's first query), then the user's cache
//! records. Requested by the first query instead, they were answered beside the drain's first
//! listing and one another, and the first read waited for them (bench/cache.mjs, cold read of
//! 500 entities: the records came ~0.8 ms later, and the live entries' answer was handled after
//! the records' decode instead of before).
//!
//! The first `CacheStore::load` of the user takes the records. The first pending-layer read
//! (`live`) takes the entries, unless this instance began a write on `entries` since they
//! were requested, or another context's event came: then it reads again, so that an entry the
//! app has just queued shows, and one another tab has just sent does not.

use super::cache::request as records;
use super::conn::Db;
use super::req::entry_writes;
use super::IdbStore;
use crate::outbox::entry::Entry;
use crate::store::{OutboxStore, StoreError};
use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::prelude::*;

/// A user's stored cache texts (a JS array), once IndexedDB answers.
pub type Texts = Pin<Box<dyn Future<Output = Result<JsValue, StoreError>>>>;
/// A user's live entries, once IndexedDB answers.
pub type Live = Pin<Box<dyn Future<Output = Result<Vec<Entry>, StoreError>>>>;

/// What was requested ahead, by user; each part is taken once.
#[derive(Default)]
pub struct Early {
    records: Option<(String, Texts)>,
    /// With the count of `entries` writes begun before it was requested.
    live: Option<(String, u64, Live)>,
}

impl IdbStore {
    /// Requests `user`'s live entries and cache records now (see the module comment). Best
    /// effort: what cannot be requested here is read when it is needed.
    pub fn read_ahead(&self, user: &str) {
        if let Ok(Some(db)) = self.conn.current() {
            if let Ok(early) = request(db, user) {
                *self.early.borrow_mut() = early;
            }
        }
    }

    /// The records requested ahead for `user`, if any (taken: a later load reads again).
    pub(super) fn take_records(&self, user: &str) -> Option<Texts> {
        let (u, texts) = self.early.borrow_mut().records.take()?;
        (u == user).then_some(texts)
    }

    /// Another context changed entries (its event came): the live entries read ahead may be
    /// stale, and no write of this instance says so; the first pending-layer read lists them
    /// again (found by review: an entry sent by another tab after this open showed pending).
    pub fn drop_read_ahead(&self) {
        self.early.borrow_mut().live = None;
    }

    /// `user`'s live entries for a pending layer: those requested ahead, if this is the first
    /// such read, for this user, this instance has begun no write on `entries` since, and
    /// IndexedDB answered them; else listed now (`list_active`).
    pub async fn live(&self, user: &str) -> Result<Vec<Entry>, StoreError> {
        let ahead = self.early.borrow_mut().live.take();
        if let Some((u, writes, live)) = ahead {
            if u == user && writes == entry_writes() {
                if let Ok(entries) = live.await {
                    return Ok(entries);
                }
            }
        }
        self.list_active(user).await
    }
}

/// Issues both reads, the live entries first, each on its own readonly transaction: one over
/// `entries` and `cache` would hold the app's first outbox writes back until the records are
/// read (a readwrite transaction waits for the earlier ones it overlaps).
fn request(db: Db, user: &str) -> Result<Early, StoreError> {
    let writes = entry_writes();
    let live = super::request_live(db, user)?;
    let texts = records(db, user)?;
    Ok(Early { records: Some((user.to_string(), texts)), live: Some((user.to_string(), writes, live)) })
}
