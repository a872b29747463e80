//! `OutboxStore` on IndexedDB. Writes are "strict" transactions awaited to `complete`, so a
//! call resolves only once its entry is on disk. Records are plain JSON-shaped objects; their
//! out-of-line auto-increment key is the entry's `seq`.

mod cache;
mod conn;
mod first;
mod group;
mod req;
pub mod schema;

use super::{claim_check, decode, sort_unreadable, Claimed, Listing, OutboxStore, Quarantined, StoreError};
use crate::outbox::entry::Entry;
use req::{done, request, store_error, to_js, to_json, transaction};
use schema::{ENTRIES, QUARANTINE};
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// The IndexedDB outbox store.
#[derive(Clone)]
pub struct IdbStore {
    pub(super) conn: Rc<conn::Conn>,
    name: String,
    /// New entries of this turn (group commit) and lookups by id of this turn (`group.rs`).
    inserts: Rc<group::Turn<JsValue, f64>>,
    gets: Rc<group::Turn<String, group::Found>>,
}

pub(super) fn record(e: &Entry) -> JsValue {
    let mut rec = e.to_record();
    // `seq` is the record's key, not part of the value.
    rec.as_object_mut().expect("object").remove("seq");
    to_js(&rec)
}

fn js_err(e: JsValue) -> StoreError {
    store_error(&e)
}

impl IdbStore {
    /// Opens `graphql-outbox` (or `graphql-outbox:<name>`), creating or upgrading it.
    pub async fn open(name: Option<&str>) -> Result<IdbStore, StoreError> {
        let name = schema::database_name(name);
        Ok(IdbStore { conn: Rc::new(conn::Conn::open(&name).await?), name, inserts: Rc::default(), gets: Rc::default() })
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
    async fn add(&self, value: &JsValue) -> Result<u64, StoreError> {
        Ok(self.inserts.join(value.clone(), self.conn.clone(), group::add_all).await? as u64)
    }

    /// Replaces entry `seq` if it still exists. Check and write run in one transaction, the
    /// write chained in the check's success callback (no await in between, so the transaction
    /// cannot commit early): a discarded or purged entry is never revived.
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
        // `done` is called now (it hooks the transaction's events at once): this future may
        // first be polled after the transaction has completed. Issued now unless the
        // connection must be reopened first (another context closed it), then after that.
        let now = self.conn.current().map(|db| db.map(|db| Self::issue_puts(&db, &entries, strict, checked).map(|(tx, found)| (done(&tx), found))));
        let conn = self.conn.clone();
        async move {
            let (committed, found) = match now? {
                Some(issued) => issued?,
                None => Self::issue_puts(&conn.ready().await?, &entries, strict, checked).map(|(tx, found)| (done(&tx), found))?,
            };
            committed.await?;
            Ok(found.get())
        }
    }

    /// The synchronous half of `put_many`: the transaction and its requests.
    fn issue_puts(db: &web_sys::IdbDatabase, entries: &[Entry], strict: bool, checked: bool) -> Result<(web_sys::IdbTransaction, Rc<Cell<usize>>), StoreError> {
        let tx = if strict { transaction(db, &[ENTRIES], true)? } else { req::transaction_relaxed(db, &[ENTRIES])? };
        let store = tx.object_store(ENTRIES).map_err(js_err)?;
        let found = Rc::new(Cell::new(0));
        for entry in entries {
            let key = JsValue::from_f64(entry.seq as f64);
            if !checked {
                store.put_with_key(&record(entry), &key).map_err(js_err)?;
                found.set(found.get() + 1);
                continue;
            }
            let get = store.count_with_key(&key).map_err(js_err)?;
            let (g2, s2, f2, value) = (get.clone(), store.clone(), found.clone(), record(entry));
            let on = Closure::once_into_js(move |_: web_sys::Event| {
                if g2.result().ok().and_then(|c| c.as_f64()).unwrap_or(0.0) > 0.0 {
                    f2.set(f2.get() + 1);
                    let _ = s2.put_with_key(&value, &key);
                }
            });
            get.set_onsuccess(Some(on.unchecked_ref()));
        }
        Ok((tx, found))
    }

    async fn quarantine_records(&self, bad: &[Quarantined]) -> Result<(), StoreError> {
        let tx = transaction(&self.conn.ready().await?, &[ENTRIES, QUARANTINE], true)?;
        let entries = tx.object_store(ENTRIES).map_err(js_err)?;
        let q = tx.object_store(QUARANTINE).map_err(js_err)?;
        for b in bad {
            q.add(&to_js(&json!({ "seq": b.seq, "raw": b.raw, "reason": b.reason, "at": b.at }))).map_err(js_err)?;
            entries.delete(&JsValue::from_f64(b.seq as f64)).map_err(js_err)?;
        }
        done(&tx).await
    }
}

impl OutboxStore for IdbStore {
    async fn insert(&self, entry: &mut Entry) -> Result<u64, StoreError> {
        let seq = self.add(&record(entry)).await?;
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
        // Checks and writes in one transaction, each write chained in its read's success
        // callback (no await in between, so the transaction cannot commit early and no other
        // context's readwrite transaction on `entries` can run between them). Reads answer in
        // the order issued, so once one is not taken the later ones write nothing. Durability
        // "relaxed": a claim lost in a crash is harmless, its owner died with it.
        let tx = req::transaction_relaxed(&self.conn.ready().await?, &[ENTRIES])?;
        let committed = done(&tx);
        let store = tx.object_store(ENTRIES).map_err(js_err)?;
        // One slot per pair: None while unread or gone (purged or removed), and nothing after
        // the first that is not taken.
        let outcomes: Rc<RefCell<Vec<Option<Claimed>>>> = Rc::new(RefCell::new(vec![]));
        let stopped = Rc::new(Cell::new(false));
        for (x, n) in expected.iter().zip(next) {
            let key = JsValue::from_f64(n.seq as f64);
            let get = store.get(&key).map_err(js_err)?;
            let (g2, s2, out, stop, value, seq) = (get.clone(), store.clone(), outcomes.clone(), stopped.clone(), record(n), n.seq);
            let (expected, owner) = (x.clone(), owner.to_string());
            let on = Closure::once_into_js(move |_: web_sys::Event| {
                if stop.get() {
                    return;
                }
                let raw = g2.result().unwrap_or(JsValue::UNDEFINED);
                let outcome = if raw.is_undefined() {
                    None
                } else {
                    Some(match to_json(&raw).ok().and_then(|(j, _)| decode(seq, &j).ok()) {
                        Some(stored) => claim_check(&stored, &expected, &owner, now).unwrap_or(Claimed::Taken),
                        None => Claimed::Changed,
                    })
                };
                if outcome == Some(Claimed::Taken) {
                    let _ = s2.put_with_key(&value, &key);
                } else {
                    stop.set(true);
                }
                out.borrow_mut().push(outcome);
            });
            get.set_onsuccess(Some(on.unchecked_ref()));
        }
        committed.await?;
        let outcomes = outcomes.take();
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
        let (key, value) = self.gets.join(id.to_string(), self.conn.clone(), group::get_all).await?;
        let Some(seq) = key.as_f64() else { return Ok(None) };
        Ok(to_json(&value).ok().and_then(|(j, _)| decode(seq as u64, &j).ok()))
    }

    async fn list(&self) -> Result<Listing, StoreError> {
        let tx = transaction(&self.conn.ready().await?, &[ENTRIES], false)?;
        let store = tx.object_store(ENTRIES).map_err(js_err)?;
        let keys = request(store.get_all_keys().map_err(js_err)?);
        let values = request(store.get_all().map_err(js_err)?);
        let (keys, values): (js_sys::Array, js_sys::Array) = (keys.await?.unchecked_into(), values.await?.unchecked_into());
        let mut listing = Listing::default();
        let now = js_sys::Date::now();
        for (k, v) in keys.iter().zip(values.iter()) {
            let seq = k.as_f64().unwrap_or(0.0) as u64;
            let read = to_json(&v).and_then(|(j, n)| {
                listing.bytes += n;
                decode(seq, &j).map_err(|r| (r, j)).map_err(|(r, _)| r)
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
        let tx = transaction(&self.conn.ready().await?, &[ENTRIES], false)?;
        let index = tx.object_store(ENTRIES).map_err(js_err)?.index("active").map_err(js_err)?;
        let user = JsValue::from_str(user);
        let keys = request(index.get_all_keys_with_key(&user).map_err(js_err)?);
        let values = request(index.get_all_with_key(&user).map_err(js_err)?);
        let (keys, values): (js_sys::Array, js_sys::Array) = (keys.await?.unchecked_into(), values.await?.unchecked_into());
        // Equal index keys come in primary-key order: creation order.
        Ok(keys
            .iter()
            .zip(values.iter())
            .filter_map(|(k, v)| to_json(&v).ok().and_then(|(j, _)| decode(k.as_f64().unwrap_or(0.0) as u64, &j).ok()))
            .collect())
    }

    async fn remove(&self, seqs: &[u64]) -> Result<(), StoreError> {
        let tx = transaction(&self.conn.ready().await?, &[ENTRIES], true)?;
        let store = tx.object_store(ENTRIES).map_err(js_err)?;
        for s in seqs {
            store.delete(&JsValue::from_f64(*s as f64)).map_err(js_err)?;
        }
        done(&tx).await
    }

    async fn quarantine(&self) -> Result<Vec<Quarantined>, StoreError> {
        let tx = transaction(&self.conn.ready().await?, &[QUARANTINE], false)?;
        let all: js_sys::Array = request(tx.object_store(QUARANTINE).map_err(js_err)?.get_all().map_err(js_err)?).await?.unchecked_into();
        Ok(all
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
        self.add(&to_js(&raw)).await
    }
}
