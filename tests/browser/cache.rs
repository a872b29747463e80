//! The offline cache on IndexedDB: the cache store conformance suite, the upgrades from schema
//! versions 2 and 3 (every outbox entry kept; version 3's cache records dropped), and the cache
//! itself over the real store (a cold read by a second connection, changed-only writes).

use crate::cache_tables::{query, API};
use crate::support::{fresh_db, idb_result};
use graphql_outbox::cache::merge::same;
use graphql_outbox::cache::{Cache, Target};
use graphql_outbox::outbox::entry::{Entry, State};
use graphql_outbox::store::idb::{schema, IdbStore};
use graphql_outbox::store::{cache_conformance, CacheStore, Durability, OutboxStore};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn idb_cache_store_passes_the_conformance_suite() {
    cache_conformance::run_all(async || IdbStore::open(Some(&fresh_db())).await.expect("opens")).await;
}


/// Writes `db` exactly as schema version 2 laid it out (the SDK before the cache), with
/// `records` in `entries`, using raw IndexedDB.
async fn write_v2(db: &str, records: &[Value]) {
    write_old(db, 2, records, &[]).await
}

/// Writes `db` as schema version `version` (2, or 3: version 2 plus `cache`, key path
/// `[u, k]`, records `{ u, k, v }` as objects) laid it out, with `records` in `entries` and
/// `cache` (version 3) in the cache store, using raw IndexedDB.
async fn write_old(db: &str, version: u32, records: &[Value], cache: &[Value]) {
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let open = factory.open_with_u32(&schema::database_name(Some(db)), version).unwrap();
    let o2 = open.clone();
    let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        let d: web_sys::IdbDatabase = o2.result().unwrap().unchecked_into();
        let params = web_sys::IdbObjectStoreParameters::new();
        params.set_auto_increment(true);
        let entries = d.create_object_store_with_optional_parameters("entries", &params).unwrap();
        let unique = web_sys::IdbIndexParameters::new();
        unique.set_unique(true);
        entries.create_index_with_str_and_optional_parameters("id", "id", &unique).unwrap();
        entries.create_index_with_str("user", "user").unwrap();
        entries.create_index_with_str("active", "active").unwrap();
        d.create_object_store_with_optional_parameters("quarantine", &params).unwrap();
        if version == 3 {
            let keyed = web_sys::IdbObjectStoreParameters::new();
            keyed.set_key_path(&js_sys::Array::of2(&"u".into(), &"k".into()));
            d.create_object_store_with_optional_parameters("cache", &keyed).unwrap();
        }
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let d: web_sys::IdbDatabase = idb_result(&open).await.unchecked_into();
    let names: js_sys::Array = if cache.is_empty() { js_sys::Array::of1(&"entries".into()) } else { js_sys::Array::of2(&"entries".into(), &"cache".into()) };
    let tx = d.transaction_with_str_sequence_and_mode(&names, web_sys::IdbTransactionMode::Readwrite).unwrap();
    let (store, mut last) = (tx.object_store("entries").unwrap(), None);
    for r in records {
        last = Some(store.add(&js_sys::JSON::parse(&r.to_string()).unwrap()).unwrap());
    }
    for r in cache {
        last = Some(tx.object_store("cache").unwrap().put(&js_sys::JSON::parse(&r.to_string()).unwrap()).unwrap());
    }
    idb_result(&last.unwrap()).await;
    d.close();
}

fn v2_entry(n: u32, user: &str, state: State) -> Entry {
    let mut e = Entry::new(format!("v2-{n}"), "gcdirectory", "modifyProfile", json!({ "gcId": n.to_string(), "data": { "name": format!("N{n}") } }), user, 1000.0 + n as f64);
    e.state = state;
    e
}

/// Four entries of users a and b in several states, and their records as stored.
fn old_entries() -> (Vec<Entry>, Vec<Value>) {
    let entries: Vec<Entry> = [(1, "a", State::Queued), (2, "b", State::Dead), (3, "a", State::Sent), (4, "a", State::Retrying)]
        .into_iter()
        .map(|(n, u, s)| v2_entry(n, u, s))
        .collect();
    let records = entries.iter().map(|e| serde_json::from_str(&e.record_text()).unwrap()).collect();
    (entries, records)
}

/// Opens `db` (running the upgrade) and checks that `entries` are all there, unchanged, and
/// that the indexes survived.
async fn open_upgraded(db: &str, entries: &[Entry]) -> IdbStore {
    let store = IdbStore::open(Some(db)).await.expect("the upgrade runs");
    let listing = store.list().await.expect("list");
    assert!(listing.quarantined.is_empty(), "{:?}", listing.quarantined);
    let got: Vec<Entry> = listing.entries.into_iter().map(|e| Entry { seq: 0, ..e }).collect();
    assert_eq!(got, entries, "every entry, unchanged, in creation order");
    let active: Vec<String> = store.list_active("a").await.unwrap().into_iter().map(|e| e.id).collect();
    assert_eq!(active, ["v2-1", "v2-4"], "the indexes survived");
    store
}

/// After the upgrade: the cache store takes `value` for user a, and a reopen (no upgrade
/// again) finds the entries and that record.
async fn cache_works_and_reopens(db: &str, store: IdbStore, value: Value) {
    store.write("a", &[("T:1".into(), value.clone())], &[], Durability::Strict).await.expect("the new cache store works");
    assert_eq!(store.load("a").await.unwrap(), [("T:1".to_string(), value)]);
    store.close();
    let again = IdbStore::open(Some(db)).await.expect("reopens at the new version without upgrading again");
    assert_eq!(again.list().await.unwrap().entries.len(), 4);
    assert_eq!(again.load("a").await.unwrap().len(), 1, "records written after the upgrade stay");
    again.close();
}

#[wasm_bindgen_test]
async fn the_upgrade_from_version_2_keeps_every_outbox_entry() {
    let db = fresh_db();
    let (entries, records) = old_entries();
    write_v2(&db, &records).await;
    let store = open_upgraded(&db, &entries).await;
    cache_works_and_reopens(&db, store, json!({ "f": {} })).await;
}

#[wasm_bindgen_test]
async fn the_upgrade_from_version_3_keeps_every_outbox_entry_and_drops_the_old_cache() {
    let db = fresh_db();
    let (entries, records) = old_entries();
    // What version 3 stored for a cached query: objects under the key path [u, k].
    let cache = [
        json!({ "u": "a", "k": "Hire:7", "v": { "f": { "__typename": "Hire", "id": "7" }, "at": 1000.0 } }),
        json!({ "u": "a", "k": "?node{\"id\":\"7\"}", "v": { "f": { "node{\"id\":\"7\"}": { "__ref": "Hire:7" } } } }),
        json!({ "u": "b", "k": "Hire:8", "v": { "f": { "__typename": "Hire", "id": "8" }, "at": 1000.0 } }),
    ];
    write_old(&db, 3, &records, &cache).await;
    let store = open_upgraded(&db, &entries).await;
    assert!(store.load("a").await.unwrap().is_empty(), "version 3's cache records are dropped");
    assert!(store.users().await.unwrap().is_empty());
    // A newline inside a value: the store splits its texts on raw newlines, which JSON escapes.
    cache_works_and_reopens(&db, store, json!({ "f": { "n": "line\nbreak" } })).await;
}

fn timesheet(durations: &[f64]) -> Value {
    let data: Vec<Value> = durations
        .iter()
        .enumerate()
        .map(|(i, d)| json!({ "__typename": "TimesheetRegistration", "id": (10 + i).to_string(), "date": "2026-11-02", "duration": d, "comments": null }))
        .collect();
    json!({ "timesheet": { "__typename": "Timesheet", "id": "1", "startDate": "2026-11-02", "hire": { "__typename": "Hire", "id": "7" },
        "registrations": { "__typename": "TimesheetRegistrationPaginator",
            "paginatorInfo": { "__typename": "PaginatorInfo", "total": data.len(), "currentPage": 1, "hasMorePages": false }, "data": data } } })
}

#[wasm_bindgen_test]
async fn the_cache_reads_cold_from_indexeddb_and_writes_only_changes() {
    let db = fresh_db();
    let vars = json!({ "id": "1", "first": 50 });
    // Integral floats among them: IndexedDB gives `2.0` back as `2`.
    let durations: Vec<f64> = (0..50).map(|n| f64::from(n) + if n % 2 == 0 { 0.0 } else { 0.5 }).collect();
    let c = Cache::new(IdbStore::open(Some(&db)).await.unwrap());
    c.write_result("u", &API, Target::Query(query("timesheet")), &vars, &timesheet(&durations), 1000.0).await.expect("write");
    let mut d2 = durations.clone();
    d2[7] = 0.25;
    let changed = c.write_result("u", &API, Target::Query(query("timesheet")), &vars, &timesheet(&d2), 2000.0).await.unwrap();
    assert_eq!(changed, ["TimesheetRegistration:17"]);

    // A second connection (another context, or after a reload) reads it cold.
    let cold = Cache::new(IdbStore::open(Some(&db)).await.unwrap());
    let got = cold.read("u", query("timesheet"), &vars, &[]).await.expect("cold hit");
    assert!(same(&got.data, &timesheet(&d2)), "{}", got.data);
    assert_eq!(got.fetched_at, 2000.0);
    let again = cold.write_result("u", &API, Target::Query(query("timesheet")), &vars, &timesheet(&d2), 3000.0).await.unwrap();
    assert_eq!(again, Vec::<String>::new(), "the same answer after a reload changes nothing");
    assert!(cold.read("v", query("timesheet"), &vars, &[]).await.is_err(), "another user reads nothing");
    cold.clear("u").await.unwrap();
    assert!(cold.store().load("u").await.unwrap().is_empty());
}

/// Adds `entry` to `db`'s `entries` with raw IndexedDB: a write this instance's count of
/// `entries` writes does not see (as another context's).
async fn raw_add(db: &str, entry: &Entry) {
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let d: web_sys::IdbDatabase = idb_result(&factory.open(&schema::database_name(Some(db))).unwrap()).await.unchecked_into();
    let tx = d.transaction_with_str_and_mode("entries", web_sys::IdbTransactionMode::Readwrite).unwrap();
    idb_result(&tx.object_store("entries").unwrap().add(&js_sys::JSON::parse(&entry.record_text()).unwrap()).unwrap()).await;
    d.close();
}

fn ids(entries: &[Entry]) -> Vec<&str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

/// `Client.open`'s read ahead (store/idb/early.rs): the first load takes the records and the
/// first pending-layer read the live entries, each once; entries read before this instance
/// began a write on `entries` are not used (the new entry must show), nor another user's.
/// A raw write after the read ahead tells whether the entries read ahead were used.
#[wasm_bindgen_test]
async fn reads_ahead_are_taken_once_and_never_after_a_write() {
    let db = fresh_db();
    let first = IdbStore::open(Some(&db)).await.unwrap();
    for (n, state) in [(1, State::Queued), (2, State::Sent), (3, State::Retrying)] {
        first.insert(&mut v2_entry(n, "a", state)).await.unwrap();
    }
    let record = ("Hire:1".to_string(), json!({ "f": { "id": "1", "note": "é 😀" }, "at": 5 }));
    first.write("a", &[record.clone()], &[], Durability::Strict).await.unwrap();
    first.close();
    // As after a reload: a new connection reads ahead at once.
    let store = IdbStore::open(Some(&db)).await.unwrap();
    store.read_ahead("a");
    raw_add(&db, &v2_entry(4, "a", State::Queued)).await;
    assert_eq!(ids(&store.live("a").await.unwrap()), ["v2-1", "v2-3"], "the live ones read ahead, in creation order");
    assert_eq!(ids(&store.live("a").await.unwrap()), ["v2-1", "v2-3", "v2-4"], "taken once: a later read lists again");
    assert_eq!(store.load("a").await.unwrap(), [record.clone()], "the first load takes the records read ahead");
    assert_eq!(store.load("a").await.unwrap(), [record], "and a later one reads again");

    store.read_ahead("a");
    store.insert(&mut v2_entry(5, "a", State::Queued)).await.unwrap();
    assert_eq!(ids(&store.live("a").await.unwrap()), ["v2-1", "v2-3", "v2-4", "v2-5"], "a write began since the read ahead: listed again");
    store.read_ahead("a");
    assert!(store.live("b").await.unwrap().is_empty(), "another user's read never takes them");
    store.close();
}

/// Puts `value` under each raw `keys` entry (a JS key) in `db`'s cache store, with raw
/// IndexedDB: keys another script wrote, in shapes this SDK never writes.
async fn raw_cache_put(db: &str, keys: &[JsValue]) {
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let d: web_sys::IdbDatabase = idb_result(&factory.open(&schema::database_name(Some(db))).unwrap()).await.unchecked_into();
    let tx = d.transaction_with_str_and_mode("cache", web_sys::IdbTransactionMode::Readwrite).unwrap();
    let store = tx.object_store("cache").unwrap();
    for k in keys {
        idb_result(&store.put_with_key(&JsValue::from_str("{}"), k).unwrap()).await;
    }
    d.close();
}

/// `users()` (eviction's list of the users with cached records) over keys another script
/// wrote: `[user, ["x"]]` sorts past the `[user, []]` bound the listing used, which found the
/// same user for ever (an endless loop of `getKey`s, found by review in round s27), and a key
/// with a number first ended the listing before the string users.
#[wasm_bindgen_test]
async fn the_users_listing_ends_and_finds_every_user_whatever_keys_another_script_wrote() {
    let db = fresh_db();
    let store = IdbStore::open(Some(&db)).await.expect("opens");
    for user in ["alice", "bob"] {
        store.write(user, &[("Query.x".to_string(), json!({ "v": 1 }))], &[], Durability::Relaxed).await.expect("writes");
    }
    store.close();
    let arr = |items: &[JsValue]| -> JsValue { items.iter().collect::<js_sys::Array>().into() };
    raw_cache_put(&db, &[
        arr(&["alice".into(), arr(&["x".into()])]),
        arr(&[JsValue::from_f64(5.0), "k".into()]),
        arr(&["carol".into(), arr(&[])]),
    ])
    .await;
    let store = IdbStore::open(Some(&db)).await.expect("reopens");
    let users = graphql_outbox::timers::within(5000.0, store.users()).await.expect("the listing ends").expect("reads");
    assert_eq!(users, ["alice", "bob", "carol"]);
}
