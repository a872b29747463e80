//! `OutboxStore` in memory, for native tests. Same record handling as IndexedDB (JSON values,
//! quarantine on read), plus an optional byte limit that behaves like a full disk.

use super::{claim_check, decode, sort_unreadable, Claimed, Listing, OutboxStore, Quarantined, StoreError};
use crate::outbox::entry::Entry;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// In-memory store; `limit_bytes` makes inserts past it fail with `Quota`.
#[derive(Debug, Default)]
pub struct MemoryStore {
    records: RefCell<BTreeMap<u64, Value>>,
    quarantine: RefCell<Vec<Quarantined>>,
    next: Cell<u64>,
    /// Total record bytes allowed (None = unlimited).
    pub limit_bytes: Cell<Option<u64>>,
    /// `OutboxStore::epoch`: raised by `lose`.
    epoch: Cell<u64>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// As if another context deleted the database: every record gone, keys from the start
    /// again, the epoch raised (tests).
    pub fn lose(&self) {
        self.records.borrow_mut().clear();
        self.next.set(0);
        self.epoch.set(self.epoch.get() + 1);
    }

    fn bytes(&self) -> u64 {
        self.records.borrow().values().map(|v| v.to_string().len() as u64).sum()
    }

    /// `Quota` if storing `raw` in place of `old` (none for a new record) would pass the limit:
    /// a full disk refuses a growing update as it refuses an insert.
    fn check_room(&self, old: Option<&Value>, raw: &Value) -> Result<(), StoreError> {
        if let Some(limit) = self.limit_bytes.get() {
            let freed = old.map(|o| o.to_string().len() as u64).unwrap_or(0);
            if self.bytes() - freed + raw.to_string().len() as u64 > limit {
                return Err(StoreError::Quota(format!("memory limit of {limit} bytes")));
            }
        }
        Ok(())
    }

    fn put_new(&self, raw: Value) -> Result<u64, StoreError> {
        self.check_room(None, &raw)?;
        let seq = self.next.get() + 1;
        self.next.set(seq);
        self.records.borrow_mut().insert(seq, raw);
        Ok(seq)
    }
}

impl MemoryStore {
    /// Replaces record `entry.seq`, if it exists and the limit allows.
    fn replace(&self, entry: &Entry) -> Result<(), StoreError> {
        let raw = entry.to_record();
        let old = self.records.borrow().get(&entry.seq).cloned();
        let Some(old) = old else { return Err(StoreError::NotFound(entry.id.clone())) };
        self.check_room(Some(&old), &raw)?;
        self.records.borrow_mut().insert(entry.seq, raw);
        Ok(())
    }
}

impl OutboxStore for MemoryStore {
    fn epoch(&self) -> u64 {
        self.epoch.get()
    }

    async fn insert(&self, entry: &mut Entry) -> Result<u64, StoreError> {
        let seq = self.put_new(entry.to_record())?;
        entry.seq = seq;
        Ok(seq)
    }

    async fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        self.replace(entry)
    }

    async fn insert_first(&self, queued: &mut Entry, claimed: &Entry) -> Result<bool, StoreError> {
        // No await between the read and the write: as one IndexedDB transaction.
        let live = self.records.borrow().values().filter(|r| r.get("active").and_then(Value::as_str) == Some(queued.user.as_str())).take(super::FIRST_LOOKAHEAD as usize).map(|r| decode(0, r.clone())).collect::<Result<Vec<_>, _>>().ok();
        let first = super::first_in_line(live.as_deref(), queued);
        let seq = self.put_new(if first { claimed.to_record() } else { queued.to_record() })?;
        queued.seq = seq;
        Ok(first)
    }

    fn update_issued(&self, entry: Entry) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        std::future::ready(self.replace(&entry))
    }

    async fn claim(&self, expected: &Entry, next: &Entry, owner: &str, now: f64) -> Result<Claimed, StoreError> {
        // One borrow for the check and the write: nothing can come in between (as one
        // IndexedDB transaction).
        let mut recs = self.records.borrow_mut();
        let Some(raw) = recs.get_mut(&next.seq) else { return Err(StoreError::NotFound(next.id.clone())) };
        let Ok(stored) = decode(next.seq, raw.clone()) else { return Ok(Claimed::Changed) };
        if let Some(no) = claim_check(&stored, expected, owner, now) {
            return Ok(no);
        }
        *raw = next.to_record();
        Ok(Claimed::Taken)
    }

    async fn claim_many(&self, expected: &[Entry], next: &[Entry], owner: &str, now: f64) -> Result<Vec<Option<Claimed>>, StoreError> {
        let mut out = vec![];
        for (x, n) in expected.iter().zip(next) {
            let c = match self.claim(x, n, owner, now).await {
                Ok(c) => Some(c),
                Err(StoreError::NotFound(_)) => None,
                Err(e) => return Err(e),
            };
            let taken = c == Some(Claimed::Taken);
            out.push(c);
            if !taken {
                break;
            }
        }
        Ok(out)
    }

    fn update_many_issued(&self, entries: Vec<Entry>, _strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        let mut r = Ok(());
        for e in &entries {
            match self.replace(e) {
                Ok(()) | Err(StoreError::NotFound(_)) => {}
                Err(err) => {
                    r = Err(err);
                    break;
                }
            }
        }
        std::future::ready(r)
    }

    async fn get(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        Ok(self.list().await?.entries.into_iter().find(|e| e.id == id))
    }

    async fn list(&self) -> Result<Listing, StoreError> {
        let mut listing = Listing { bytes: self.bytes(), ..Listing::default() };
        let mut bad = vec![];
        for (seq, raw) in self.records.borrow().iter() {
            match decode(*seq, raw.clone()) {
                Ok(e) => listing.entries.push(e),
                Err(reason) => bad.extend(sort_unreadable(&mut listing, Quarantined { seq: *seq, raw: raw.clone(), reason, at: 0.0 })),
            }
        }
        for q in &bad {
            self.records.borrow_mut().remove(&q.seq);
            self.quarantine.borrow_mut().push(q.clone());
        }
        listing.quarantined = bad;
        Ok(listing)
    }

    async fn list_active(&self, user: &str) -> Result<Vec<Entry>, StoreError> {
        let recs = self.records.borrow();
        let live = recs.iter().filter(|(_, r)| r.get("active").and_then(Value::as_str) == Some(user));
        Ok(live.filter_map(|(seq, r)| decode(*seq, r.clone()).ok()).collect())
    }

    async fn remove(&self, seqs: &[u64]) -> Result<(), StoreError> {
        let mut recs = self.records.borrow_mut();
        seqs.iter().for_each(|s| {
            recs.remove(s);
        });
        Ok(())
    }

    async fn quarantine(&self) -> Result<Vec<Quarantined>, StoreError> {
        Ok(self.quarantine.borrow().clone())
    }

    async fn insert_raw(&self, raw: Value) -> Result<u64, StoreError> {
        self.put_new(raw)
    }
}
