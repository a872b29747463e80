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

use super::req::{db_error, to_json};
use crate::to_js;
use crate::outbox::entry::Entry;
use crate::race::{first, First};
use crate::store::StoreError;
use indexed_db_futures::database::Database;
use indexed_db_futures::error::OpenDbError;
use indexed_db_futures::factory::DBFactory;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::KeyPath;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

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

/// `indexedDB` of the global scope (the crate finds it in windows, workers and service workers).
fn factory() -> Result<DBFactory, StoreError> {
    DBFactory::new().map_err(open_error)
}

fn open_error(e: OpenDbError) -> StoreError {
    match e {
        OpenDbError::Base(e) => db_error(e),
        _ => StoreError::Unavailable("no indexedDB in this context".into()),
    }
}

/// Converts a v1 record into a current entry record.
pub fn from_v1(v: &Value) -> Result<Value, String> {
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string).ok_or_else(|| format!("v1 record without {k}"));
    let mut e = Entry::new(s("key")?, &s("api")?, &s("operation")?, v.get("variables").cloned().unwrap_or(json!({})), &s("user")?, 0.0);
    e.created_at = v.get("createdAt").and_then(Value::as_f64).unwrap_or(0.0);
    let rec = e.to_record();
    Entry::from_record(rec.clone())?;
    Ok(rec)
}

/// The upgrade, run by the crate in `upgradeneeded`. An error returned from it aborts the
/// version-change transaction, so the database stays at its old version, untouched.
fn upgrade(old: u32, db: &Database) -> indexed_db_futures::Result<()> {
    if old < 2 {
        let entries = db.create_object_store(ENTRIES).with_auto_increment(true).build()?;
        entries.create_index("id", KeyPath::One("id")).with_unique(true).build()?;
        entries.create_index("user", KeyPath::One("user")).build()?;
        // Sparse: only live entries carry `active` (= their user), so a drain reads just those.
        entries.create_index("active", KeyPath::One("active")).build()?;
        db.create_object_store(QUARANTINE).with_auto_increment(true).build()?;
        if old == 1 {
            migrate_v1(db.as_sys(), entries.transaction().as_sys())?;
        }
    }
    if old == 3 {
        // Version 3's records are objects under a key path: not worth converting.
        db.delete_object_store(CACHE)?;
    }
    if old < 4 {
        // Out-of-line keys `[user, key]`, one key range per user.
        db.create_object_store(CACHE).build()?;
    }
    Ok(())
}

/// Moves v1 records into `entries` (in `createdAt` order) and drops the v1 store, chained in
/// the read's success callback on the raw version-change transaction. Not the crate's
/// `async-upgrade` feature: that adds a task and a channel to the open for one read followed by
/// writes (about 1.1 KB gzip, measured by the previous port).
fn migrate_v1(db: &web_sys::IdbDatabase, tx: &web_sys::IdbTransaction) -> Result<(), JsValue> {
    let old: web_sys::IdbObjectStore = tx.object_store(V1_STORE)?;
    let all = old.get_all()?;
    let (db, tx, all2) = (db.clone(), tx.clone(), all.clone());
    let on = Closure::once_into_js(move |_: web_sys::Event| {
        let step = || -> Result<(), JsValue> {
            let entries = tx.object_store(ENTRIES)?;
            let quarantine = tx.object_store(QUARANTINE)?;
            let records: js_sys::Array = all2.result()?.unchecked_into();
            // v1 keys were the idempotency keys (random): creation order is `createdAt`. Ordered
            // through a serde_json `Map` (a BTreeMap the wasm has anyway) keyed by the zero-padded
            // time and the read position (ties keep their order): a `sort_by` here was the last
            // stable-sort instance in the wasm (~1 KB gzip) for a one-time migration.
            let mut rows = serde_json::Map::new();
            for (i, r) in records.iter().enumerate() {
                let json = to_json(&r).map(|j| j.0).unwrap_or(Value::Null);
                let at = json["createdAt"].as_f64().filter(|t| *t > 0.0).unwrap_or(0.0) as u64;
                rows.insert(format!("{at:020}{i:010}"), json);
            }
            for (_, json) in rows {
                match from_v1(&json) {
                    Ok(rec) => {
                        entries.add(&to_js(&rec))?;
                    }
                    Err(reason) => {
                        let q = json!({ "seq": null, "raw": json, "reason": format!("schema upgrade: {reason}"), "at": js_sys::Date::now() });
                        quarantine.add(&to_js(&q))?;
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
pub async fn open(name: &str) -> Result<Database, StoreError> {
    // An upgrade waits while another context holds an older version open and does not close it
    // (an SDK build without a `versionchange` handler, a hung tab). Rather than hang
    // `Client.open`, give up after BLOCKED_GRACE_MS with a named error.
    let mut on_blocked: Option<js_sys::Function> = None;
    let blocked = js_sys::Promise::new(&mut |resolve, _| on_blocked = Some(resolve));
    let on_blocked = on_blocked.unwrap_or_else(|| js_sys::Function::new_no_args(""));
    let upgrading = std::rc::Rc::new(std::cell::Cell::new(false));
    let started = upgrading.clone();
    let mut opening = Box::pin(
        factory()?
            .open_db(name)
            .with_version(VERSION)
            .with_on_blocked(move |_| {
                let _ = on_blocked.call0(&JsValue::NULL);
                Ok(())
            })
            .with_on_upgrade_needed(move |event, db| {
                started.set(true);
                upgrade(event.old_version() as u32, &db)
            })
            .build()
            .map_err(open_error)?,
    );
    let after_blocked = async {
        let _ = JsFuture::from(blocked).await;
        let _ = crate::timers::wait(BLOCKED_GRACE_MS).await;
    };
    // An open queued behind another request that is itself blocked (a retry of this one, a
    // second tab) never gets `blocked`: bounded too, unless its upgrade has begun (found by
    // review in round s27: a retried `Client.open` never settled).
    let queued = async {
        let _ = crate::timers::wait(QUEUED_GRACE_MS).await;
        if upgrading.get() {
            std::future::pending::<()>().await;
        }
    };
    let grace = async {
        let _ = first(after_blocked, queued).await;
    };
    match first(opening.as_mut(), grace).await {
        First::Left(db) => db.map_err(open_error),
        First::Right(()) => {
            // Not dropped: that would remove its upgrade handler, and an open that goes ahead
            // later would leave the database at the new version without its stores. It runs to
            // its end (upgrade included) and lets go of the connection at once.
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(db) = opening.await {
                    db.close();
                }
            });
            Err(StoreError::Unavailable(format!(
                "opening {name} is blocked: another tab or worker keeps an older version of it open; close it and try again"
            )))
        }
    }
}

/// How long `open` waits once the browser reports it blocked, before failing `Unavailable`.
pub const BLOCKED_GRACE_MS: f64 = 3000.0;

/// How long `open` waits for a connection when neither `blocked` nor an upgrade came (queued
/// behind a blocked request), before failing `Unavailable`. An open normally takes
/// milliseconds; an upgrade, once begun, is not cut short.
pub const QUEUED_GRACE_MS: f64 = 10_000.0;

/// Deletes the database (tests and `purge` of everything).
pub async fn delete(name: &str) -> Result<(), StoreError> {
    factory()?.delete_db(name).map_err(db_error)?.await.map_err(db_error)
}
