//! `CacheStore` on IndexedDB: object store `cache` of the outbox's database, out-of-line keys
//! `[user, key]`, each value one JSON text `{"k": key, "v": value}`. A user's records are the
//! key range `[user] .. [user, []]` (an array sorts after every string), so a cold load is one
//! `getAll` and `clear` one `delete(range)`.
//!
//! Why text: a string is the cheapest value IndexedDB clones in and out (no object graph to
//! rebuild per record), and a load joins the user's texts in JS (`Array.prototype.join`) into
//! one JSON array that crosses into the wasm once and is parsed once, where records stored as
//! objects cost a `JSON.stringify` of them all first. A write likewise hands its values over as
//! one text, split in JS into the stored strings (compact JSON never holds a raw newline).

use super::req::{commit, db_error, store_error, transaction, utf8, Mode};
use super::schema::CACHE;
use super::IdbStore;
use crate::store::cache::{CacheStore, Durability};
use crate::store::StoreError;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use super::early::Texts;
use serde_json::Value;
use wasm_bindgen::prelude::*;

fn js_err(e: JsValue) -> StoreError {
    store_error(&e)
}

/// All keys of `user`.
fn user_range(user: &str) -> Result<JsValue, StoreError> {
    let lower = js_sys::Array::of1(&JsValue::from_str(user));
    let upper = js_sys::Array::of2(&JsValue::from_str(user), &js_sys::Array::new());
    web_sys::IdbKeyRange::bound(&lower, &upper).map(JsValue::from).map_err(js_err)
}

fn record_key(user: &str, k: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(user), &JsValue::from_str(k)).into()
}

/// Stored texts (a JS array) as (key, value): joined into one JSON array in JS, parsed once.
/// If that fails (a value another build wrote, or damaged), each text is parsed on its own and
/// the unreadable ones are skipped: a cache may lose a record (the read misses, the network
/// answers again). Both parse a `str` (`from_str`): one reader type of serde_json's parser in
/// the wasm, where a byte slice's (`from_slice`) beside it cost 3.2 KB gzip (measured).
fn rows(texts: &js_sys::Array) -> Vec<(String, Value)> {
    let joined = js_sys::JsString::from("[").concat(&texts.join(",")).concat(&"]".into());
    let bytes = utf8(&joined);
    let parsed = std::str::from_utf8(&bytes).ok().and_then(outbox_json::records);
    parsed.unwrap_or_else(|| texts.iter().filter_map(|t| t.as_string().and_then(|t| outbox_json::record(&t))).collect())
}

/// A transaction on `cache`: readonly (None) or a write of the given durability.
fn cache_tx(db: super::conn::Db, durability: Option<Durability>) -> Result<Transaction<'static>, StoreError> {
    let mode = match durability {
        None => Mode::Read,
        Some(Durability::Strict) => Mode::Strict,
        Some(Durability::Relaxed) => Mode::Relaxed,
    };
    transaction(db, &[CACHE], mode)
}

/// Requests `user`'s stored texts now; the transaction is held until the answer.
pub(super) fn request(db: super::conn::Db, user: &str) -> Result<Texts, StoreError> {
    let tx = cache_tx(db, None)?;
    let req = cache_store(&tx)?.as_sys().get_all_with_key(&user_range(user)?).map_err(js_err)?;
    // Listening from now on (`raw_result` attaches its handlers at once).
    let answer = super::req::raw_result(req);
    Ok(Box::pin(async move {
        let texts = answer.await;
        drop(tx);
        texts
    }))
}

/// The `cache` store of `tx`.
fn cache_store<'a>(tx: &'a Transaction<'static>) -> Result<indexed_db_futures::object_store::ObjectStore<'a>, StoreError> {
    tx.object_store(CACHE).map_err(db_error)
}

impl CacheStore for IdbStore {
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, StoreError> {
        // A raw getAll (awaited in `req::raw_result`), not the crate's: its future yields the
        // records one JS call each, and rebuilding the array the join needs cost the cold read
        // ~0.5 ms of 504 records (bench/cache.mjs, measured against the crate's getAll).
        let texts = match self.take_records(user) {
            Some(texts) => match texts.await {
                Ok(t) => t,
                // E.g. a `versionchange` closed the connection meanwhile: asked again below.
                Err(_) => request(self.conn.ready().await?, user)?.await?,
            },
            None => request(self.conn.ready().await?, user)?.await?,
        };
        Ok(rows(texts.unchecked_ref()))
    }

    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, StoreError> {
        let tx = cache_tx(self.conn.ready().await?, None)?;
        let store = tx.object_store(CACHE).map_err(db_error)?;
        // Every request is issued before the first await (one transaction, no round trip each).
        let mut pending = Vec::with_capacity(keys.len());
        for k in keys {
            pending.push(store.get::<JsValue, _, _>(record_key(user, k)).primitive().map_err(db_error)?);
        }
        let found = js_sys::Array::new();
        for p in pending {
            if let Some(v) = p.await.map_err(db_error)? {
                found.push(&v);
            }
        }
        Ok(rows(&found))
    }

    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], durability: Durability) -> Result<(), StoreError> {
        // The values as one text, a line each; the keys as one JSON array of `[user, key]`.
        let user_json = crate::text(&Value::String(user.into()));
        let (mut values, mut keys) = (String::new(), String::from("["));
        for (i, (k, v)) in puts.iter().enumerate() {
            let k = crate::text(&Value::String(k.clone()));
            if i > 0 {
                values.push('\n');
                keys.push(',');
            }
            values.push_str(&format!("{{\"k\":{k},\"v\":{}}}", crate::text(v)));
            keys.push_str(&format!("[{user_json},{k}]"));
        }
        keys.push(']');
        let values = js_sys::JsString::from(values).split("\n");
        let keys: js_sys::Array = js_sys::JSON::parse(&keys).map_err(js_err)?.unchecked_into();
        let tx = cache_tx(self.conn.ready().await?, Some(durability))?;
        let store = tx.object_store(CACHE).map_err(db_error)?;
        for i in 0..puts.len() as u32 {
            drop(store.put(values.get(i)).with_key(keys.get(i)).primitive().map_err(db_error)?);
        }
        for k in deletes {
            drop(store.delete(record_key(user, k)).primitive().map_err(db_error)?);
        }
        drop(store);
        commit(tx).await
    }

    async fn clear(&self, user: &str) -> Result<(), StoreError> {
        let tx = cache_tx(self.conn.ready().await?, Some(Durability::Strict))?;
        drop(tx.object_store(CACHE).map_err(db_error)?.delete(user_range(user)?).primitive().map_err(db_error)?);
        commit(tx).await
    }

    /// One `getKey` per user, not every key: each asks for the first key from `[user + "\0"]`,
    /// which sorts after every `[user, …]` key. Every key of every user came back before, and
    /// that request ran at each open, ahead of the first read's `getAll`. Keys the SDK never
    /// writes (another script's) cannot stall it: before round s27 a `[user, ["x"]]` key sorted
    /// past the bound `[user, []]` it used, so the same user came back for ever, and a key with a
    /// number first ended the listing before any user (found by the store review).
    async fn users(&self) -> Result<Vec<String>, StoreError> {
        let mut users: Vec<String> = vec![];
        let mut from = web_sys::IdbKeyRange::lower_bound(&js_sys::Array::new()).map_err(js_err)?;
        loop {
            let tx = cache_tx(self.conn.ready().await?, None)?;
            let store = tx.object_store(CACHE).map_err(db_error)?;
            let found: Option<JsValue> = store.get_key(JsValue::from(from)).primitive().map_err(db_error)?.await.map_err(db_error)?;
            let Some(first) = found.and_then(|k| js_sys::Reflect::get_u32(&k, 0).ok()) else { return Ok(users) };
            let next = match first.as_string() {
                Some(user) if users.last() == Some(&user) => return Ok(users),
                Some(user) => {
                    let past = js_sys::Array::of1(&JsValue::from_str(&format!("{user}\0")));
                    users.push(user);
                    past
                }
                // A number or a date sorts before every string: go on from the first string.
                None if first.as_f64().is_some() || first.is_instance_of::<js_sys::Date>() => js_sys::Array::of1(&JsValue::from_str("")),
                // A binary key or an array sorts after every string: no user after it.
                None => return Ok(users),
            };
            from = web_sys::IdbKeyRange::lower_bound(&next).map_err(js_err)?;
        }
    }
}
