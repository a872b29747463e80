//! The database's name, version, object stores and upgrade path. The one place that knows them.
//!
//! Version 4 (current): version 2 plus `cache`, out-of-line keys `[user, record key]`, each value
//! one JSON text `{"k": key, "v": value}` (see `idb/cache.rs`: a string is the cheapest value to
//! clone in and out, and a user's records come back as one text). Upgrading from 3 deletes and
//! recreates `cache` (its records were objects under the key path `[u, k]`; a cache may be
//! dropped, the network answers again); from 2 it only adds the store. Entries always stay.
//! Version 3: version 2 plus `cache` with key path `[u, k]` and records `{ u, k, v }`.
//! Version 2: `entries` (out-of-line auto-increment keys = creation order; indexes
//! `id` unique, `user`, and `active` = user of entries neither sent nor discarded), `quarantine` (auto-increment; `{ seq, raw, reason, at }`).
//! Version 1 (the first prototype's layout): one store `outbox`, key path `key`, records
//! `{ key, api, operation, variables, user, createdAt }`. Upgrading moves each v1 record into
//! `entries` as a queued entry (in `createdAt` order) and drops `outbox`; a v1 record that
//! cannot be read goes to the quarantine.

use super::req::store_error;
use crate::race::{first, First};
use wasm_bindgen_futures::JsFuture;
use crate::outbox::entry::Entry;
use crate::store::StoreError;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use web_sys::{IdbDatabase, IdbFactory, IdbObjectStore, IdbObjectStoreParameters, IdbOpenDbRequest, IdbTransaction};

/// Current schema version.
pub const VERSION: u32 = 4;
/// Store of entries (current layout).
pub const ENTRIES: &str = "entries";
/// Store of unreadable records.
pub const QUARANTINE: &str = "quarantine";
/// Store of offline cache records (version 4; version 3 had another layout).
pub const CACHE: &str = "cache";
const V1_STORE: &str = "outbox";

/// The database name: `graphql-outbox`, or `graphql-outbox:<name>` for a named outbox.
pub fn database_name(name: Option<&str>) -> String {
    match name {
        Some(n) if !n.is_empty() => format!("graphql-outbox:{n}"),
        _ => "graphql-outbox".into(),
    }
}

/// `indexedDB` of the global scope (window, worker, service worker).
pub fn factory() -> Result<IdbFactory, StoreError> {
    let f = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).map_err(|e| store_error(&e))?;
    f.dyn_into::<IdbFactory>().map_err(|_| StoreError::Unavailable("no indexedDB in this context".into()))
}

/// Converts a v1 record into a current entry record.
pub fn from_v1(v: &Value) -> Result<Value, String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("v1 record without {k}"));
    let mut e = Entry::new(s("key")?, &s("api")?, &s("operation")?, v.get("variables").cloned().unwrap_or(json!({})), &s("user")?, 0.0);
    e.created_at = v.get("createdAt").and_then(Value::as_f64).unwrap_or(0.0);
    let mut rec = e.to_record();
    rec.as_object_mut().expect("object").remove("seq");
    Entry::from_record(&rec)?;
    Ok(rec)
}

fn create_v2(db: &IdbDatabase) -> Result<(), JsValue> {
    let params = IdbObjectStoreParameters::new();
    params.set_auto_increment(true);
    let entries = db.create_object_store_with_optional_parameters(ENTRIES, &params)?;
    let unique = web_sys::IdbIndexParameters::new();
    unique.set_unique(true);
    entries.create_index_with_str_and_optional_parameters("id", "id", &unique)?;
    entries.create_index_with_str("user", "user")?;
    // Sparse: only live entries carry `active` (= their user), so a drain reads just those.
    entries.create_index_with_str("active", "active")?;
    db.create_object_store_with_optional_parameters(QUARANTINE, &params)?;
    Ok(())
}

/// The cache store (version 4): out-of-line keys `[user, key]`, one key range per user.
fn create_cache(db: &IdbDatabase) -> Result<(), JsValue> {
    db.create_object_store(CACHE)?;
    Ok(())
}

/// Moves v1 records into `entries` inside the upgrade transaction (callbacks only: awaiting
/// would let the version-change transaction commit half done).
fn migrate_v1(db: &IdbDatabase, tx: &IdbTransaction) -> Result<(), JsValue> {
    let old: IdbObjectStore = tx.object_store(V1_STORE)?;
    let all = old.get_all()?;
    let (db, tx, all2) = (db.clone(), tx.clone(), all.clone());
    let on = Closure::once_into_js(move |_: web_sys::Event| {
        let step = || -> Result<(), JsValue> {
            let entries = tx.object_store(ENTRIES)?;
            let quarantine = tx.object_store(QUARANTINE)?;
            let records: js_sys::Array = all2.result()?.unchecked_into();
            let mut rows: Vec<Value> = records.iter().map(|r| super::req::to_json(&r).map(|j| j.0).unwrap_or(Value::Null)).collect();
            // v1 keys were the idempotency keys (random): creation order is `createdAt`.
            rows.sort_by(|a, b| a["createdAt"].as_f64().unwrap_or(0.0).total_cmp(&b["createdAt"].as_f64().unwrap_or(0.0)));
            for json in rows {
                match from_v1(&json) {
                    Ok(rec) => {
                        entries.add(&super::req::to_js(&rec))?;
                    }
                    Err(reason) => {
                        let q = json!({ "seq": null, "raw": json, "reason": format!("schema upgrade: {reason}"), "at": js_sys::Date::now() });
                        quarantine.add(&super::req::to_js(&q))?;
                    }
                }
            }
            db.delete_object_store(V1_STORE)
        };
        if let Err(e) = step() {
            web_sys::console::error_2(&"graphql-outbox: schema upgrade failed".into(), &e);
            let _ = tx.abort();
        }
    });
    all.set_onsuccess(Some(on.unchecked_ref()));
    Ok(())
}

/// Opens (creating or upgrading) the database.
pub async fn open(name: &str) -> Result<IdbDatabase, StoreError> {
    let req: IdbOpenDbRequest = factory()?.open_with_u32(name, VERSION).map_err(|e| store_error(&e))?;
    let r2 = req.clone();
    let upgrade = Closure::once_into_js(move |ev: web_sys::IdbVersionChangeEvent| {
        let run = || -> Result<(), JsValue> {
            let db: IdbDatabase = r2.result()?.unchecked_into();
            let tx = r2.transaction().ok_or_else(|| JsValue::from_str("no upgrade transaction"))?;
            let old = ev.old_version() as u32;
            if old < 2 {
                create_v2(&db)?;
                if old == 1 {
                    migrate_v1(&db, &tx)?;
                }
            }
            if old == 3 {
                // Version 3's records are objects under a key path: not worth converting.
                db.delete_object_store(CACHE)?;
            }
            if old < 4 {
                create_cache(&db)?;
            }
            Ok(())
        };
        if let Err(e) = run() {
            web_sys::console::error_2(&"graphql-outbox: schema upgrade failed".into(), &e);
            if let Some(tx) = r2.transaction() {
                let _ = tx.abort();
            }
        }
    });
    req.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    // An upgrade waits while another context holds an older version open and does not close it
    // (an SDK build without a `versionchange` handler, a hung tab). Rather than hang
    // `Client.open`, give up after BLOCKED_GRACE_MS with a named error.
    let mut on_blocked: Option<js_sys::Function> = None;
    let blocked = js_sys::Promise::new(&mut |resolve, _| on_blocked = Some(resolve));
    if let Some(f) = &on_blocked {
        req.set_onblocked(Some(f));
    }
    let opened = super::req::request(req.clone().unchecked_into());
    let grace = async {
        let _ = JsFuture::from(blocked).await;
        let _ = JsFuture::from(crate::timers::sleep(BLOCKED_GRACE_MS)).await;
    };
    match first(opened, grace).await {
        First::Left(db) => {
            req.set_onblocked(None);
            Ok(db?.unchecked_into())
        }
        First::Right(()) => {
            // If it opens after all, let go of it at once: nobody uses this connection.
            let r2 = req.clone();
            let close = Closure::once_into_js(move || {
                if let Ok(db) = r2.result() {
                    db.unchecked_into::<IdbDatabase>().close();
                }
            });
            req.set_onsuccess(Some(close.unchecked_ref()));
            req.set_onerror(None);
            Err(StoreError::Unavailable(format!(
                "opening {name} is blocked: another tab or worker keeps an older version of it open; close it and try again"
            )))
        }
    }
}

/// How long `open` waits once the browser reports it blocked, before failing `Unavailable`.
pub const BLOCKED_GRACE_MS: f64 = 3000.0;

/// Deletes the database (tests and `purge` of everything).
pub async fn delete(name: &str) -> Result<(), StoreError> {
    let req = factory()?.delete_database(name).map_err(|e| store_error(&e))?;
    super::req::request(req.unchecked_into()).await.map(|_| ())
}

