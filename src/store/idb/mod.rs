//! `OutboxStore` on IndexedDB, through `indexed_db_futures` (`req.rs` has its rules). Writes are
//! "strict" transactions awaited to `complete`, so a call resolves only once its entry is on disk. Records are plain JSON-shaped objects; their
//! out-of-line auto-increment key is the entry's `seq`.

mod cache;
mod conn;
mod early;
mod first;
mod group;
mod req;
pub mod schema;

use super::{claim_check, decode, sort_unreadable, Claimed, Listing, OutboxStore, Quarantined, StoreError};
use crate::outbox::entry::Entry;
use indexed_db_futures::prelude::*;
use crate::to_js;
use req::{all, commit, db_error, to_json, to_json_many, transaction, Mode, ALL};
use schema::{ENTRIES, QUARANTINE};
use serde_json::{json, Value};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The IndexedDB outbox store.
#[derive(Clone)]
pub struct IdbStore {
    pub(super) conn: Rc<conn::Conn>,
    name: String,
    /// New entries of this turn (group commit) and lookups by id of this turn (`group.rs`).
    inserts: Rc<group::Turn<group::Insert, f64, group::Inserting>>,
    gets: Rc<group::Turn<String, group::Found>>,
    /// A cold start's first reads, requested as soon as the database is open (`early.rs`).
    early: Rc<std::cell::RefCell<early::Early>>,
}

/// Requests `user`'s live entries now (the `active` index's keys and values, one readonly
/// transaction held until both are answered); awaited, the entries in creation order (equal
/// index keys come in primary-key order). Unreadable ones are left to the drain's listing,
/// which quarantines them.
pub(super) fn request_live(db: conn::Db, user: &str) -> Result<early::Live, StoreError> {
    let tx = transaction(db, &[ENTRIES], Mode::Read)?;
    let store = tx.object_store(ENTRIES).map_err(db_error)?;
    let index = store.index("active").map_err(db_error)?;
    let who = JsValue::from_str(user);
    let keys = index.get_all_keys().with_query(who.clone()).with_limit(ALL).primitive().map_err(db_error)?;
    let values = index.get_all().with_query(who).with_limit(ALL).primitive().map_err(db_error)?;
    drop(index);
    drop(store);
    Ok(Box::pin(async move {
        let (keys, values) = (all(keys).await?, all(values).await?);
        drop(tx);
        let mut live = Vec::with_capacity(keys.len());
        decode_entries(&keys, &values, &mut |_, e| live.push(e));
        Ok(live)
    }))
}

/// Stored entries decoded, all at once where they allow it (`to_json_many`), else one by one:
/// `found(i, entry)` for each readable one. `keys` are their seqs; an undefined key is a
/// lookup's absent record, skipped. (A callback, not a `Vec<Option<Entry>>`: each moved
/// `Entry` costs code, ~1 KB of wasm for that version.)
pub(super) fn decode_entries(keys: &[JsValue], values: &[JsValue], found: &mut dyn FnMut(usize, Entry)) {
    let at: Vec<usize> = (0..keys.len()).filter(|&i| seq_of(&keys[i]).is_some()).collect();
    let present: Vec<JsValue> = at.iter().map(|&i| values[i].clone()).collect();
    let seq = |i: usize| seq_of(&keys[i]).unwrap_or(0);
    match to_json_many(&present) {
        Some(all) => {
            for (&i, j) in at.iter().zip(all) {
                if let Ok(e) = decode(seq(i), j) {
                    found(i, e);
                }
            }
        }
        None => {
            for &i in &at {
                if let Some(e) = to_json(&values[i]).ok().and_then(|(j, _)| decode(seq(i), j).ok()) {
                    found(i, e);
                }
            }
        }
    }
}

pub(super) fn record(e: &Entry) -> JsValue {
    js_sys::JSON::parse(&e.record_text()).unwrap_or(JsValue::NULL)
}

/// The entry's `seq` from a record's key: a whole number from 1 to 2^53, what the store's
/// auto-increment gives. Any other key was not written by this SDK (another script, an
/// extension): before round s27 it was read as seq 0, written back at key 0, and the unique
/// `id` index aborted every pass's write (found by the store review).
fn seq_of(key: &JsValue) -> Option<u64> {
    key.as_f64().filter(|k| k.fract() == 0.0 && (1.0..=9_007_199_254_740_992.0).contains(k)).map(|k| k as u64)
}

/// A record's key (the entry's `seq`) as IndexedDB has it.
fn seq_key(seq: u64) -> JsValue {
    JsValue::from_f64(seq as f64)
}

impl IdbStore {
    /// Opens `graphql-outbox` (or `graphql-outbox:<name>`), creating or upgrading it.
    pub async fn open(name: Option<&str>) -> Result<IdbStore, StoreError> {
        let name = schema::database_name(name);
        Ok(IdbStore { conn: Rc::new(conn::Conn::open(&name).await?), name, inserts: Rc::default(), gets: Rc::default(), early: Rc::default() })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Closes the connection (the store is unusable after).
    pub fn close(&self) {
        self.conn.close();
    }

    /// Deletes the database `graphql-outbox[:name]` (tests).
    pub async fn delete(name: Option<&str>) -> Result<(), StoreError> {
        schema::delete(&schema::database_name(name)).await
    }

    /// Adds a record, group-committed with the other adds of this turn (`group.rs`).
    async fn add(&self, value: JsValue) -> Result<u64, StoreError> {
        let insert = group::Insert::new(value);
        Ok(self.inserts.join_with(insert, self.conn.clone(), group::begin_inserts, group::issue_insert, group::add_all).await? as u64)
    }

    /// Replaces entry `seq` if it still exists. Check and write run in one transaction, the
    /// write right after the check (no other await in between, so the transaction cannot
    /// commit early): a discarded or purged entry is never revived.
    fn put_existing(&self, entry: &Entry, strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + 'static {
        let id = entry.id.clone();
        let put = self.put_many(vec![entry.clone()], strict, true);
        async move {
            let found = put.await?;
            if found == 1 { Ok(()) } else { Err(StoreError::NotFound(id)) }
        }
    }

    /// `put_existing` of several entries in one transaction; resolves how many still existed
    /// (and were written). Unless `checked`, written without looking (under the Web Lock).
    fn put_many(&self, entries: Vec<Entry>, strict: bool, checked: bool) -> impl std::future::Future<Output = Result<usize, StoreError>> + 'static {
        // Issued now (the transaction is created at the call: IndexedDB runs readwrite
        // transactions on one store in creation order, so writes land in issue order), unless
        // the connection must be reopened first (another context closed it), then after that.
        let now = self.conn.current().map(|db| db.map(|db| Self::issue_puts(db, &entries, strict, checked)));
        let conn = self.conn.clone();
        async move {
            match now? {
                Some(issued) => issued?.await,
                None => Self::issue_puts(conn.ready().await?, &entries, strict, checked)?.await,
            }
        }
    }

    /// The synchronous half of `put_many`: the transaction and its first requests (the checks,
    /// or the puts when unchecked) are sent now; the rest (each put after its check, the
    /// commit) runs as its own task, so it does not wait for the caller to poll.
    fn issue_puts(db: conn::Db, entries: &[Entry], strict: bool, checked: bool) -> Result<impl std::future::Future<Output = Result<usize, StoreError>>, StoreError> {
        let tx = transaction(db, &[ENTRIES], if strict { Mode::Strict } else { Mode::Relaxed })?;
        let store = tx.object_store(ENTRIES).map_err(db_error)?;
        // Per entry: its existence check and what to put if it exists (None: already put).
        let mut checks = Vec::with_capacity(entries.len());
        for entry in entries {
            let k = seq_key(entry.seq);
            if checked {
                // `getKey`, not `count`: the same request type as the other reads.
                checks.push(Some((store.get_key(k.clone()).primitive().map_err(db_error)?, record(entry), k)));
            } else {
                drop(store.put(record(entry)).with_key(k).primitive().map_err(db_error)?);
                checks.push(None);
            }
        }
        drop(store);
        Ok(req::spawn(async move {
            let mut found = 0;
            for check in checks {
                if let Some((exists, value, k)) = check {
                    // Awaiting a request of this transaction keeps it alive; an error drops
                    // `tx`, which rolls it back: nothing is written.
                    if exists.await.map_err(db_error)?.is_none() {
                        continue;
                    }
                    drop(tx.object_store(ENTRIES).map_err(db_error)?.put(value).with_key(k).primitive().map_err(db_error)?);
                }
                found += 1;
            }
            commit(tx).await.map(|_| found)
        }))
    }

    async fn quarantine_records(&self, bad: &[Quarantined]) -> Result<(), StoreError> {
        let tx = transaction(self.conn.ready().await?, &[ENTRIES, QUARANTINE], Mode::Strict)?;
        let entries = tx.object_store(ENTRIES).map_err(db_error)?;
        let q = tx.object_store(QUARANTINE).map_err(db_error)?;
        for b in bad {
            let add = q.add(to_js(&json!({ "seq": b.seq, "raw": b.raw, "reason": b.reason, "at": b.at })));
            drop(add.with_key_type::<JsValue>().primitive().map_err(db_error)?);
            drop(entries.delete(seq_key(b.seq)).primitive().map_err(db_error)?);
        }
        drop((entries, q));
        commit(tx).await
    }
}

impl OutboxStore for IdbStore {
    fn epoch(&self) -> u64 {
        self.conn.epoch()
    }

    async fn insert(&self, entry: &mut Entry) -> Result<u64, StoreError> {
        let seq = self.add(record(entry)).await?;
        entry.seq = seq;
        Ok(seq)
    }

    async fn update(&self, entry: &Entry) -> Result<(), StoreError> {
        self.put_existing(entry, true).await
    }

    async fn insert_first(&self, queued: &mut Entry, claimed: &Entry) -> Result<bool, StoreError> {
        let (seq, first) = self.add_first(queued, claimed).await?;
        queued.seq = seq;
        Ok(first)
    }

    async fn claim(&self, expected: &Entry, next: &Entry, owner: &str, now: f64) -> Result<Claimed, StoreError> {
        let mut c = self.claim_many(std::slice::from_ref(expected), std::slice::from_ref(next), owner, now).await?;
        c.pop().flatten().ok_or_else(|| StoreError::NotFound(next.id.clone()))
    }

    async fn claim_many(&self, expected: &[Entry], next: &[Entry], owner: &str, now: f64) -> Result<Vec<Option<Claimed>>, StoreError> {
        // Checks and writes in one transaction, each write sent as soon as its read is awaited
        // (its future wakes in a microtask of the read's success event: no other await in
        // between, so the transaction cannot commit early and no other context's readwrite
        // transaction on `entries` can run between them). Reads answer in the order issued,
        // so once one is not taken the later ones write nothing. Durability "strict": for a
        // server that ignores keys the stored `sending` is the only sign the request may have
        // gone out, and a claim an OS crash or a power cut lost would be sent again, applied
        // twice (found by review in round s27; it was "relaxed"); a discard, too, must not be
        // lost. Under the Web Lock an API with keys writes no claim, so the drain's common
        // path pays nothing for it.
        let tx = transaction(self.conn.ready().await?, &[ENTRIES], Mode::Strict)?;
        let store = tx.object_store(ENTRIES).map_err(db_error)?;
        // Every read is issued before the first await (no round trip each).
        let mut reads = Vec::with_capacity(next.len());
        for n in next {
            reads.push(store.get::<JsValue, _, _>(seq_key(n.seq)).primitive().map_err(db_error)?);
        }
        // One slot per pair: None while gone (purged or removed), and nothing after the first
        // that is not taken.
        let mut outcomes = Vec::with_capacity(next.len());
        for ((x, n), read) in expected.iter().zip(next).zip(reads) {
            let outcome = read.await.map_err(db_error)?.map(|raw| match to_json(&raw).ok().and_then(|(j, _)| decode(n.seq, j).ok()) {
                Some(stored) => claim_check(&stored, x, owner, now).unwrap_or(Claimed::Taken),
                None => Claimed::Changed,
            });
            let taken = outcome == Some(Claimed::Taken);
            if taken {
                drop(store.put(record(n)).with_key(seq_key(n.seq)).primitive().map_err(db_error)?);
            }
            outcomes.push(outcome);
            if !taken {
                break;
            }
        }
        drop(store);
        commit(tx).await?;
        Ok(outcomes)
    }

    fn update_many_issued(&self, entries: Vec<Entry>, strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        let put = self.put_many(entries, strict, true);
        async move { put.await.map(|_| ()) }
    }

    fn update_many_locked(&self, entries: Vec<Entry>, strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        let put = self.put_many(entries, strict, false);
        async move { put.await.map(|_| ()) }
    }

    fn update_issued(&self, entry: Entry) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        self.put_existing(&entry, true)
    }


    async fn get(&self, id: &str) -> Result<Option<Entry>, StoreError> {
        // Grouped with the other lookups of this turn (`group.rs`), as adds are.
        self.gets.join(id.to_string(), self.conn.clone(), group::get_all).await
    }

    async fn list(&self) -> Result<Listing, StoreError> {
        let tx = transaction(self.conn.ready().await?, &[ENTRIES], Mode::Read)?;
        let store = tx.object_store(ENTRIES).map_err(db_error)?;
        let keys = store.get_all_keys().with_query(JsValue::UNDEFINED).with_limit(ALL).primitive().map_err(db_error)?;
        let values = store.get_all().with_query(JsValue::UNDEFINED).with_limit(ALL).primitive().map_err(db_error)?;
        let (keys, values) = (all(keys).await?, all(values).await?);
        drop(store);
        drop(tx);
        let mut listing = Listing::default();
        let now = js_sys::Date::now();
        for (k, v) in keys.iter().zip(values.iter()) {
            let Some(seq) = seq_of(k) else {
                // Not an entry's key: left in place and reported, like a newer SDK's record.
                let raw = to_json(v).map(|(j, _)| j).unwrap_or(Value::Null);
                let key: String = js_sys::JSON::stringify(k).ok().and_then(|s| s.as_string()).unwrap_or_default().chars().take(100).collect();
                let reason = format!("a record under key {key}, which this SDK never writes: left in place");
                listing.skipped.push(Quarantined { seq: 0, raw, reason, at: now });
                continue;
            };
            let read = to_json(&v).and_then(|(j, n)| {
                listing.bytes += n;
                decode(seq, j)
            });
            match read {
                Ok(e) => listing.entries.push(e),
                Err(reason) => {
                    let raw = to_json(&v).map(|(j, _)| j).unwrap_or(Value::Null);
                    if let Some(q) = sort_unreadable(&mut listing, Quarantined { seq, raw, reason, at: now }) {
                        listing.quarantined.push(q);
                    }
                }
            }
        }
        if !listing.quarantined.is_empty() {
            self.quarantine_records(&listing.quarantined).await?;
        }
        Ok(listing)
    }

    async fn list_active(&self, user: &str) -> Result<Vec<Entry>, StoreError> {
        request_live(self.conn.ready().await?, user)?.await
    }

    async fn remove(&self, seqs: &[u64]) -> Result<(), StoreError> {
        let tx = transaction(self.conn.ready().await?, &[ENTRIES], Mode::Strict)?;
        let store = tx.object_store(ENTRIES).map_err(db_error)?;
        for s in seqs {
            drop(store.delete(seq_key(*s)).primitive().map_err(db_error)?);
        }
        drop(store);
        commit(tx).await
    }

    async fn quarantine(&self) -> Result<Vec<Quarantined>, StoreError> {
        let tx = transaction(self.conn.ready().await?, &[QUARANTINE], Mode::Read)?;
        let store = tx.object_store(QUARANTINE).map_err(db_error)?;
        let records = all(store.get_all().with_query(JsValue::UNDEFINED).with_limit(ALL).primitive().map_err(db_error)?).await?;
        Ok(records
            .iter()
            .filter_map(|v| to_json(&v).ok())
            .map(|(j, _)| Quarantined {
                seq: j["seq"].as_u64().unwrap_or(0),
                raw: j["raw"].clone(),
                reason: j["reason"].as_str().unwrap_or("").to_string(),
                at: j["at"].as_f64().unwrap_or(0.0),
            })
            .collect())
    }

    async fn insert_raw(&self, raw: Value) -> Result<u64, StoreError> {
        self.add(to_js(&raw)).await
    }
}
