//! IndexedDB store: the conformance suite on `IdbStore`, the upgrade from the previous schema
//! version (a database written with the v1 layout by this test), quarantine via the client.

use crate::support::*;
use graphql_outbox::outbox::entry::State;
use graphql_outbox::store::idb::{schema, IdbStore};
use graphql_outbox::store::{conformance, OutboxStore};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn idb_store_passes_the_conformance_suite() {
    conformance::run_all(async || IdbStore::open(Some(&fresh_db())).await.expect("opens")).await;
}


/// Writes `db` with the version-1 layout: store `outbox`, key path `key`.
async fn write_v1(db: &str, records: &[serde_json::Value]) {
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let open = factory.open_with_u32(&schema::database_name(Some(db)), 1).unwrap();
    let o2 = open.clone();
    let upgrade = Closure::once_into_js(move |_: web_sys::Event| {
        let d: web_sys::IdbDatabase = o2.result().unwrap().unchecked_into();
        let params = web_sys::IdbObjectStoreParameters::new();
        params.set_key_path(&"key".into());
        d.create_object_store_with_optional_parameters("outbox", &params).unwrap();
    });
    open.set_onupgradeneeded(Some(upgrade.unchecked_ref()));
    let d: web_sys::IdbDatabase = idb_result(&open).await.unchecked_into();
    let tx = d.transaction_with_str_and_mode("outbox", web_sys::IdbTransactionMode::Readwrite).unwrap();
    let store = tx.object_store("outbox").unwrap();
    let mut last = None;
    for r in records {
        last = Some(store.put(&js(&r.to_string())).unwrap());
    }
    idb_result(&last.unwrap()).await;
    d.close();
}

#[wasm_bindgen_test]
async fn a_v1_database_is_upgraded_and_its_entries_are_found_and_sent() {
    let db = fresh_db();
    let v1 = |key: &str, tier: &str, at: f64| {
        json!({ "key": key, "api": "gcdirectory", "operation": "modifyProfile", "user": "v1-user", "createdAt": at,
                "variables": { "gcId": tier, "data": { "name": format!("V1 {key}") } } })
    };
    let k1 = format!("{db}-k1");
    let k2 = format!("{db}-k2");
    // v1 keys sort k1 before k2; creation order is the other way round: the upgrade must
    // follow createdAt, not the keys.
    write_v1(&db, &[v1(&k1, "4", 2000.0), v1(&k2, "3", 1000.0), json!({ "key": "broken", "api": 7 })]).await;

    let store = IdbStore::open(Some(&db)).await.expect("upgrade runs");
    let entries = store.list().await.unwrap().entries;
    let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, [k2.as_str(), k1.as_str()], "both v1 entries, in their creation order");
    assert!(entries.iter().all(|e| e.state == State::Queued && e.user == "v1-user"));
    let q = store.quarantine().await.unwrap();
    assert_eq!(q.len(), 1, "the unreadable v1 record is quarantined: {q:?}");
    assert!(q[0].reason.contains("schema upgrade"), "{}", q[0].reason);
    store.close();

    let c = open(options_in(&db, "v1-user", &gc_endpoint(), "gc-admin-token")).await;
    JsFuture::from(c.sync()).await.unwrap();
    let keys = applied_keys().await;
    for k in [&k1, &k2] {
        assert_eq!(keys.iter().filter(|(a, _)| a == k).count(), 1, "{k} applied once: {keys:?}");
    }
    let p1 = keys.iter().position(|(a, _)| *a == k1).unwrap();
    let p2 = keys.iter().position(|(a, _)| *a == k2).unwrap();
    assert!(p2 < p1, "sent in creation order");
    c.close();
}

#[wasm_bindgen_test]
async fn a_corrupt_record_is_quarantined_reported_and_the_rest_is_sent() {
    let db = fresh_db();
    let c = open(options_in(&db, "test-user", &gc_endpoint(), "gc-admin-token")).await;
    let events = std::rc::Rc::new(std::cell::RefCell::new(vec![]));
    let e2 = events.clone();
    let cb = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| e2.borrow_mut().push(json(&e)));
    let _ = c.outbox().subscribe(cb.as_ref().unchecked_ref::<js_sys::Function>().clone());
    cb.forget();
    let store = IdbStore::open(Some(&db)).await.unwrap();
    store.insert_raw(json!({ "id": "corrupt-1", "user": "test-user", "state": "exploded" })).await.unwrap();
    store.close();
    JsFuture::from(c.sync()).await.unwrap();
    let q: Vec<serde_json::Value> = events.borrow().iter().filter(|e| e["type"] == "quarantined").cloned().collect();
    assert_eq!(q.len(), 1, "{:?}", events.borrow());
    assert_eq!(q[0]["id"], "corrupt-1");
    assert!(q[0]["reason"].as_str().unwrap().contains("unknown variant"), "{}", q[0]);
    let r = settle(c.gcdirectory().modify_profile(js(r#"{"gcId":"5","data":{"name":"After Corruption"}}"#), None)).await.expect("sent");
    assert_eq!(r["status"], "sent");
    let stats = settle(c.outbox().stats()).await.unwrap();
    assert_eq!(stats["quarantined"], 1, "{stats}");
    assert_eq!(stats["byState"]["sent"], 1, "{stats}");
    c.close();
}

#[wasm_bindgen_test]
async fn tokens_are_never_written_to_storage() {
    let db = fresh_db();
    let c = open(options_in(&db, "token-user", UNREACHABLE, "secret-token-4711")).await;
    settle(c.gcdirectory().modify_profile(js(r#"{"gcId":"4","data":{"name":"T"}}"#), None)).await.expect("queued");
    c.set_token(Some("secret-token-0815".into()), None);
    JsFuture::from(c.sync()).await.unwrap();
    c.close();
    // Read every store of the database raw, past the SDK.
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let d: web_sys::IdbDatabase = idb_result(&factory.open(&schema::database_name(Some(&db))).unwrap()).await.unchecked_into();
    let names = d.object_store_names();
    let mut dump = String::new();
    for i in 0..names.length() {
        let name = names.get(i).unwrap();
        let tx = d.transaction_with_str(&name).unwrap();
        let all = idb_result(&tx.object_store(&name).unwrap().get_all().unwrap()).await;
        dump.push_str(&String::from(js_sys::JSON::stringify(&all).unwrap()));
    }
    d.close();
    assert!(dump.contains("token-user") && dump.contains("modifyProfile"), "the dump holds the entry: {dump}");
    assert!(!dump.contains("secret-token"), "a token reached storage: {dump}");
}

/// `claim` awaits its read and then sends its write: both must run in one transaction, or two
/// contexts could both read the entry unclaimed and both take it. Two connections race for
/// one entry, issued together: exactly one takes it, the other sees that claim and is busy.
#[wasm_bindgen_test]
async fn two_connections_racing_to_claim_one_entry_never_both_take_it() {
    use graphql_outbox::outbox::entry::{Claim, Entry};
    use graphql_outbox::store::Claimed;
    use std::future::Future;
    use std::task::Poll;
    let db = fresh_db();
    let (a, b) = (IdbStore::open(Some(&db)).await.unwrap(), IdbStore::open(Some(&db)).await.unwrap());
    for round in 0..5 {
        let mut e = Entry::new(format!("{db}-race-{round}"), "gcdirectory", "deleteOrgTier", json!({ "id": "1" }), "u", 1000.0);
        a.insert(&mut e).await.unwrap();
        let claim = |owner: &str| Entry { state: State::Sending, claim: Some(Claim { owner: owner.into(), until: 1.0e15 }), ..e.clone() };
        let (next_a, next_b) = (claim("tab-a"), claim("tab-b"));
        let (fa, fb) = (a.claim(&e, &next_a, "tab-a", 0.0), b.claim(&e, &next_b, "tab-b", 0.0));
        let (mut fa, mut fb) = (std::pin::pin!(fa), std::pin::pin!(fb));
        let (mut ra, mut rb) = (None, None);
        std::future::poll_fn(|cx| {
            // A finished future is not polled again.
            if ra.is_none() {
                if let Poll::Ready(r) = fa.as_mut().poll(cx) {
                    ra = Some(r);
                }
            }
            if rb.is_none() {
                if let Poll::Ready(r) = fb.as_mut().poll(cx) {
                    rb = Some(r);
                }
            }
            if ra.is_some() && rb.is_some() { Poll::Ready(()) } else { Poll::Pending }
        })
        .await;
        let outcomes = [ra.unwrap().expect("claim a"), rb.unwrap().expect("claim b")];
        let taken = outcomes.iter().filter(|o| **o == Claimed::Taken).count();
        assert_eq!(taken, 1, "round {round}: exactly one connection takes the entry: {outcomes:?}");
        assert!(outcomes.iter().any(|o| matches!(o, Claimed::Busy { .. })), "round {round}: the other sees the claim: {outcomes:?}");
        let stored = a.get(&e.id).await.unwrap().unwrap();
        let winner = if outcomes[0] == Claimed::Taken { &next_a } else { &next_b };
        assert_eq!(&stored, winner, "round {round}: the stored claim is the winner's");
    }
    a.close();
    b.close();
}

/// `update_issued` writes whether or not its future is polled, and writes land in the order
/// they were issued: the write runs in its own task, from a transaction created at the call.
#[wasm_bindgen_test]
async fn issued_updates_land_unpolled_and_in_issue_order() {
    use graphql_outbox::outbox::entry::Entry;
    let db = fresh_db();
    let s = IdbStore::open(Some(&db)).await.unwrap();
    let mut e = Entry::new(format!("{db}-issued"), "gcdirectory", "deleteOrgTier", json!({ "id": "1" }), "u", 1000.0);
    s.insert(&mut e).await.unwrap();
    let step = |attempts: u32| Entry { attempts, ..e.clone() };
    // Never polled: dropped at once. A read made after it waits for its transaction.
    drop(s.update_issued(step(1)));
    assert_eq!(s.get(&e.id).await.unwrap().unwrap().attempts, 1, "the unpolled write landed");
    let (second, third) = (s.update_issued(step(2)), s.update_issued(step(3)));
    // Awaited out of issue order: the last issued still lands last.
    third.await.unwrap();
    second.await.unwrap();
    assert_eq!(s.get(&e.id).await.unwrap().unwrap().attempts, 3, "the last issued write is the stored one");
    let mut gone = step(4);
    gone.seq = 999_999;
    assert!(matches!(s.update_issued(gone).await, Err(graphql_outbox::store::StoreError::NotFound(_))));
    s.close();
}

/// The connection's raw `onversionchange` handler (kept raw: the crate's `version_changes()`
/// needs its tokio-macros feature for what this one handler does) lets another context delete
/// the database while a store has it open, and the store's next operation reopens (recreates) it.
#[wasm_bindgen_test]
async fn another_contexts_delete_is_not_blocked_and_the_store_then_reopens() {
    use graphql_outbox::outbox::entry::Entry;
    use std::cell::Cell;
    use std::rc::Rc;
    let db = fresh_db();
    let s = IdbStore::open(Some(&db)).await.unwrap();
    let mut e = Entry::new(format!("{db}-deleted"), "gcdirectory", "deleteOrgTier", json!({ "id": "1" }), "u", 1000.0);
    s.insert(&mut e).await.unwrap();
    let factory: web_sys::IdbFactory = js_sys::Reflect::get(&js_sys::global(), &"indexedDB".into()).unwrap().unchecked_into();
    let delete = factory.delete_database(&schema::database_name(Some(&db))).unwrap();
    let blocked = Rc::new(Cell::new(false));
    let b2 = blocked.clone();
    let on_blocked = Closure::<dyn FnMut()>::new(move || b2.set(true));
    delete.set_onblocked(Some(on_blocked.as_ref().unchecked_ref()));
    idb_result(&delete).await;
    assert!(!blocked.get(), "the open store closed its connection on versionchange");
    let listing = s.list().await.expect("the store reopens the (recreated) database");
    assert!(listing.entries.is_empty(), "{:?}", listing.entries);
    let mut again = Entry::new(format!("{db}-after"), "gcdirectory", "deleteOrgTier", json!({ "id": "2" }), "u", 1000.0);
    s.insert(&mut again).await.expect("writes go to the new database");
    assert_eq!(s.get(&again.id).await.unwrap().map(|e| e.id), Some(again.id.clone()));
    s.close();
}

/// Polls every future in the same turn (so the store groups them), then waits for all.
async fn all_at_once<T>(mut fs: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = T> + '_>>>) -> Vec<T> {
    let mut out: Vec<Option<T>> = fs.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in fs.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending { std::task::Poll::Pending } else { std::task::Poll::Ready(()) }
    })
    .await;
    out.into_iter().map(|o| o.expect("ready")).collect()
}

/// Counts `IDBIndex.prototype.get` calls from now on (the per-id lookup path makes one per id).
fn count_index_gets() -> js_sys::Function {
    js_sys::Function::new_no_args(
        "if (!IDBIndex.prototype.get.counted) { const get = IDBIndex.prototype.get; \
         IDBIndex.prototype.get = function (...a) { globalThis.indexGets = (globalThis.indexGets || 0) + 1; return get.apply(this, a); }; \
         IDBIndex.prototype.get.counted = true; } globalThis.indexGets = 0;",
    )
}

fn index_gets() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"indexGets".into()).unwrap().as_f64().unwrap_or(0.0)
}

#[wasm_bindgen_test]
async fn lookups_of_one_turn_find_the_same_entries_by_one_read_or_by_id() {
    let s = IdbStore::open(Some(&fresh_db())).await.expect("opens");
    let mut stored = vec![];
    for n in 0..100 {
        let mut e = graphql_outbox::outbox::entry::Entry::new(format!("look-{n}"), "gcdirectory", "modifyProfile", json!({ "gcId": n.to_string(), "data": {} }), if n % 3 == 0 { "b" } else { "a" }, 1000.0 + n as f64);
        if n % 4 == 0 {
            e.state = State::Sent;
            e.data = Some(json!({ "gcId": n.to_string() }));
        }
        e.seq = s.insert(&mut e).await.expect("insert");
        stored.push(e);
    }
    // A record that is not an entry, under an id that is looked up: not found, as one by one.
    s.insert_raw(json!({ "id": "look-bad", "garbage": true })).await.expect("insert_raw");
    let mut ids: Vec<String> = stored.iter().map(|e| e.id.clone()).collect();
    // An id asked twice in the turn gets its entry both times.
    ids.extend(["look-bad".to_string(), "look-absent".to_string(), "look-7".to_string()]);
    ids.reverse();
    let expected: Vec<Option<String>> = ids.iter().map(|id| stored.iter().find(|e| &e.id == id).map(|e| format!("{e:?}"))).collect();
    let look = |ids: &[String]| -> Vec<std::pin::Pin<Box<dyn std::future::Future<Output = Option<String>> + '_>>> {
        let s = &s;
        ids.iter().map(|id| {
            let id = id.clone();
            Box::pin(async move { s.get(&id).await.expect("get").map(|e| format!("{e:?}")) }) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
        }).collect()
    };
    count_index_gets().call0(&JsValue::NULL).unwrap();
    assert_eq!(all_at_once(look(&ids)).await, expected, "103 lookups at once: every entry with its seq, the others not found");
    assert_eq!(index_gets(), 0.0, "103 lookups in a store of 101 records: one read of every record");
    count_index_gets().call0(&JsValue::NULL).unwrap();
    assert_eq!(all_at_once(look(&ids[..10])).await, expected[..10], "10 ids at once");
    assert_eq!(index_gets(), 10.0, "10 ids: looked up one by one");
}

/// From now on: counts readwrite transactions begun (`globalThis.writes`), and makes
/// `IDBObjectStore.add` throw at once, `times` times, for a record whose `id` is `refuse`.
fn watch_adds(refuse: &str, times: u32) {
    js_sys::Function::new_with_args(
        "refuse, times",
        "if (!IDBObjectStore.prototype.add.watched) { const add = IDBObjectStore.prototype.add; \
         IDBObjectStore.prototype.add = function (v, ...a) { const r = globalThis.refuseAdd; \
           if (r && v && v.id === r.id && r.times > 0) { r.times--; throw new DOMException('refused by the test', 'DataCloneError'); } \
           return add.call(this, v, ...a); }; \
         IDBObjectStore.prototype.add.watched = true; const tx = IDBDatabase.prototype.transaction; \
         IDBDatabase.prototype.transaction = function (s, mode, ...a) { if (mode === 'readwrite') globalThis.writes = (globalThis.writes || 0) + 1; return tx.call(this, s, mode, ...a); }; } \
         globalThis.writes = 0; globalThis.refuseAdd = { id: refuse, times };",
    )
    .call2(&JsValue::NULL, &refuse.into(), &times.into())
    .unwrap();
}

fn writes() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &"writes".into()).unwrap().as_f64().unwrap_or(0.0)
}

#[wasm_bindgen_test]
async fn inserts_of_one_turn_share_one_transaction_issued_as_they_join_and_fail_together() {
    use graphql_outbox::outbox::entry::Entry;
    let s = IdbStore::open(Some(&fresh_db())).await.expect("opens");
    let inserts = |prefix: &str, n: usize| -> Vec<std::pin::Pin<Box<dyn std::future::Future<Output = Result<u64, String>> + '_>>> {
        let s = &s;
        (0..n).map(|i| {
            let mut e = Entry::new(format!("{prefix}-{i}"), "gcdirectory", "modifyProfile", json!({ "gcId": i.to_string(), "data": {} }), "u", 1000.0);
            Box::pin(async move { s.insert(&mut e).await.map_err(|e| format!("{e:?}")) }) as std::pin::Pin<Box<dyn std::future::Future<Output = _>>>
        }).collect()
    };
    let stored = |prefix: &'static str| {
        let s = &s;
        async move { s.list().await.unwrap().entries.into_iter().filter(|e| e.id.starts_with(&format!("{prefix}-"))).map(|e| (e.id, e.seq)).collect::<Vec<_>>() }
    };
    let increasing = |seqs: &[u64]| seqs.windows(2).all(|w| w[0] < w[1]);

    watch_adds("", 0);
    let seqs: Vec<u64> = all_at_once(inserts("one", 20)).await.into_iter().map(|r| r.expect("stored")).collect();
    assert!(increasing(&seqs), "in call order: {seqs:?}");
    assert_eq!(writes(), 1.0, "20 inserts of one turn: one transaction");
    assert_eq!(stored("one").await.len(), 20);

    // An add that throws on the transaction begun at the group's opening: the group is written
    // again, whole, in a new one (the first is aborted: nothing is stored twice).
    watch_adds("again-3", 1);
    let seqs: Vec<u64> = all_at_once(inserts("again", 5)).await.into_iter().map(|r| r.expect("stored on the second transaction")).collect();
    assert!(increasing(&seqs), "in call order: {seqs:?}");
    assert_eq!(writes(), 2.0, "the begun transaction, then the group's own");
    let again = stored("again").await;
    assert_eq!(again.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["again-0", "again-1", "again-2", "again-3", "again-4"]);
    assert_eq!(again.iter().map(|(_, seq)| *seq).collect::<Vec<_>>(), seqs);

    // It throws again there: every insert of the group fails, and none is stored.
    watch_adds("fail-2", 2);
    let results = all_at_once(inserts("fail", 4)).await;
    assert!(results.iter().all(|r| r.as_ref().is_err_and(|e| e.contains("refused by the test"))), "{results:?}");
    assert!(stored("fail").await.is_empty());

    // A request that fails after it was issued (an id already stored) aborts the transaction.
    watch_adds("", 0);
    let mut dup = inserts("late", 3);
    dup.extend(inserts("one", 1));
    let results = all_at_once(dup).await;
    assert!(results.iter().all(Result::is_err), "{results:?}");
    assert!(stored("late").await.is_empty());
    s.close();
}
