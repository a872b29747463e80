//! `CacheStore` on IndexedDB: object store `cache` of the outbox's database, records
//! `{ u: user, k: key, v: value }` under the key path `[u, k]`. A user's records are the key
//! range `[user] .. [user, []]` (an array sorts after every string), so a cold load is one
//! `getAll` and `clear` one `delete(range)`. Values cross the JS boundary as one JSON text per
//! call (one `JSON.parse` for a whole write, one `JSON.stringify` for a whole load), which
//! costs far less than converting 500 records one by one.

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

#[derive(Deserialize)]
struct Row {
    k: String,
    v: Value,
}

/// Stored rows (a JS array) as (key, value), through one JSON text.
fn rows(array: &JsValue) -> Result<Vec<(String, Value)>, StoreError> {
    let text = js_sys::JSON::stringify(array).map_err(js_err)?.as_string().unwrap_or_default();
    let rows: Vec<Row> = serde_json::from_str(&text).map_err(|e| StoreError::Other(format!("unreadable cache records: {e}")))?;
    Ok(rows.into_iter().map(|r| (r.k, r.v)).collect())
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
        rows(&all)
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
        rows(&found)
    }

    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], durability: Durability) -> Result<(), StoreError> {
        // The rows as one JSON text, written directly (no intermediate values to clone).
        let user_json = Value::String(user.into()).to_string();
        let mut text = String::from("[");
        for (i, (k, v)) in puts.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&format!("{{\"u\":{user_json},\"k\":{},\"v\":{v}}}", Value::String(k.clone())));
        }
        text.push(']');
        let parsed: js_sys::Array = js_sys::JSON::parse(&text).map_err(js_err)?.unchecked_into();
        let tx = self.cache_tx(&self.conn.ready().await?, Some(durability))?;
        let committed = done(&tx);
        let store = tx.object_store(CACHE).map_err(js_err)?;
        for row in parsed.iter() {
            store.put(&row).map_err(js_err)?;
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

    async fn users(&self) -> Result<Vec<String>, StoreError> {
        let tx = self.cache_tx(&self.conn.ready().await?, None)?;
        let keys: js_sys::Array = request(tx.object_store(CACHE).map_err(js_err)?.get_all_keys().map_err(js_err)?).await?.unchecked_into();
        let mut users: Vec<String> = keys.iter().filter_map(|k| js_sys::Reflect::get_u32(&k, 0).ok().and_then(|u| u.as_string())).collect();
        users.dedup();
        Ok(users)
    }
}
