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

use super::req::{done, request, store_error, transaction, transaction_relaxed};
use super::schema::CACHE;
use super::IdbStore;
use crate::store::cache::{CacheStore, Durability};
use crate::store::StoreError;
use serde::Deserialize;
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

fn key(user: &str, k: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(user), &JsValue::from_str(k)).into()
}

#[wasm_bindgen]
extern "C" {
    // The global `TextEncoder` (windows and workers alike), bound here to take a JS string:
    // web-sys's `encode_with_input` takes a Rust one.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &js_sys::JsString) -> js_sys::Uint8Array;
}

/// A JS string's UTF-8 bytes in wasm memory: one native encode and one copy (wasm-bindgen's
/// own string passing copies ASCII a character at a time in JS, slow before the JIT warms up,
/// which is when a cold load runs).
fn utf8(text: &js_sys::JsString) -> Vec<u8> {
    TextEncoder::new().encode(text).to_vec()
}

#[derive(Deserialize)]
struct Row {
    k: String,
    v: Value,
}

/// Stored texts (a JS array) as (key, value): joined into one JSON array in JS, parsed once.
/// If that fails (a value another build wrote, or damaged), each text is parsed on its own and
/// the unreadable ones are skipped: a cache may lose a record (the read misses, the network
/// answers again).
fn rows(texts: &js_sys::Array) -> Vec<(String, Value)> {
    let joined = js_sys::JsString::from("[").concat(&texts.join(",")).concat(&"]".into());
    let parsed = serde_json::from_slice::<Vec<Row>>(&utf8(&joined)).ok();
    let rows = parsed.unwrap_or_else(|| texts.iter().filter_map(|t| t.as_string().and_then(|t| serde_json::from_str::<Row>(&t).ok())).collect());
    rows.into_iter().map(|r| (r.k, r.v)).collect()
}

impl IdbStore {
    fn cache_tx(&self, db: &web_sys::IdbDatabase, durability: Option<Durability>) -> Result<web_sys::IdbTransaction, StoreError> {
        match durability {
            None => transaction(db, &[CACHE], false),
            Some(Durability::Strict) => transaction(db, &[CACHE], true),
            Some(Durability::Relaxed) => transaction_relaxed(db, &[CACHE]),
        }
    }
}

impl CacheStore for IdbStore {
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let tx = self.cache_tx(&self.conn.ready().await?, None)?;
        let store = tx.object_store(CACHE).map_err(js_err)?;
        let all = request(store.get_all_with_key(&user_range(user)?).map_err(js_err)?).await?;
        Ok(rows(all.unchecked_ref()))
    }

    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, StoreError> {
        let tx = self.cache_tx(&self.conn.ready().await?, None)?;
        let store = tx.object_store(CACHE).map_err(js_err)?;
        // Every request is issued before the first await (one transaction, no round trip each).
        let pending: Vec<_> = keys.iter().map(|k| store.get(&key(user, k)).map(request).map_err(js_err)).collect::<Result<_, _>>()?;
        let found = js_sys::Array::new();
        for p in pending {
            let v = p.await?;
            if !v.is_undefined() {
                found.push(&v);
            }
        }
        Ok(rows(&found))
    }

    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], durability: Durability) -> Result<(), StoreError> {
        // The values as one text, a line each; the keys as one JSON array of `[user, key]`.
        let user_json = Value::String(user.into()).to_string();
        let (mut values, mut keys) = (String::new(), String::from("["));
        for (i, (k, v)) in puts.iter().enumerate() {
            let k = Value::String(k.clone()).to_string();
            if i > 0 {
                values.push('\n');
                keys.push(',');
            }
            values.push_str(&format!("{{\"k\":{k},\"v\":{v}}}"));
            keys.push_str(&format!("[{user_json},{k}]"));
        }
        keys.push(']');
        let values = js_sys::JsString::from(values).split("\n");
        let keys: js_sys::Array = js_sys::JSON::parse(&keys).map_err(js_err)?.unchecked_into();
        let tx = self.cache_tx(&self.conn.ready().await?, Some(durability))?;
        let committed = done(&tx);
        let store = tx.object_store(CACHE).map_err(js_err)?;
        for i in 0..puts.len() as u32 {
            store.put_with_key(&values.get(i), &keys.get(i)).map_err(js_err)?;
        }
        for k in deletes {
            store.delete(&key(user, k)).map_err(js_err)?;
        }
        committed.await
    }

    async fn clear(&self, user: &str) -> Result<(), StoreError> {
        let tx = self.cache_tx(&self.conn.ready().await?, Some(Durability::Strict))?;
        let committed = done(&tx);
        tx.object_store(CACHE).map_err(js_err)?.delete(&user_range(user)?).map_err(js_err)?;
        committed.await
    }

    /// One `getKey` per user, not every key: each asks for the first key past the previous
    /// user's range (`[user, []]` sorts after all of that user's keys). Every key of every user
    /// came back before, and that request ran at each open, ahead of the first read's `getAll`.
    async fn users(&self) -> Result<Vec<String>, StoreError> {
        let mut users: Vec<String> = vec![];
        let mut from = web_sys::IdbKeyRange::lower_bound(&js_sys::Array::new()).map_err(js_err)?;
        loop {
            let tx = self.cache_tx(&self.conn.ready().await?, None)?;
            let key = request(tx.object_store(CACHE).map_err(js_err)?.get_key(&from).map_err(js_err)?).await?;
            let Some(user) = js_sys::Reflect::get_u32(&key, 0).ok().and_then(|u| u.as_string()) else { return Ok(users) };
            let past = js_sys::Array::of2(&JsValue::from_str(&user), &js_sys::Array::new());
            from = web_sys::IdbKeyRange::lower_bound_with_open(&past, true).map_err(js_err)?;
            users.push(user);
        }
    }
}
