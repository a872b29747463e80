//! The offline cache on `MemoryCacheStore`: normalization, changed-only merge, assembly,
//! misses, user partitions, and the store conformance suite.

use crate::cache_tables::{query, API};
use crate::fakes::block_on;
use graphql_outbox::cache::record::{field_key, root_key};
use graphql_outbox::cache::{Cache, CacheError, Target};
use graphql_outbox::store::{cache_conformance, CacheStore, Durability, MemoryCacheStore};
use serde_json::{json, Value};

pub fn registration(id: u32, duration: f64) -> Value {
    json!({ "__typename": "TimesheetRegistration", "id": id.to_string(), "date": "2026-11-02", "duration": duration, "comments": null })
}

/// A `timesheet` answer: timesheet 1 of hire 7 with registrations 10, 11.
pub fn timesheet_data(durations: &[f64]) -> Value {
    let data: Vec<Value> = durations.iter().enumerate().map(|(i, d)| registration(10 + i as u32, *d)).collect();
    json!({ "timesheet": {
        "__typename": "Timesheet", "id": "1", "startDate": "2026-11-02",
        "hire": { "__typename": "Hire", "id": "7" },
        "registrations": {
            "__typename": "TimesheetRegistrationPaginator",
            "paginatorInfo": { "__typename": "PaginatorInfo", "total": data.len(), "currentPage": 1, "hasMorePages": false },
            "data": data,
        }
    }})
}

pub fn ts_vars() -> Value {
    json!({ "id": "1", "first": 50 })
}

/// A cache holding `timesheet(id: 1, first: 50)` for user "alice", written at t=1000.
pub fn cache_with_timesheet(durations: &[f64]) -> Cache<MemoryCacheStore> {
    let c = Cache::new(MemoryCacheStore::new());
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(durations), 1000.0)).expect("write");
    c
}

fn stored(c: &Cache<MemoryCacheStore>, user: &str) -> Vec<(String, Value)> {
    block_on(c.store().load(user)).expect("load")
}

#[test]
fn memory_cache_store_passes_the_conformance_suite() {
    block_on(cache_conformance::run_all(async || MemoryCacheStore::new()));
}

#[test]
fn a_result_becomes_entity_records_refs_and_a_root() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let recs = stored(&c, "alice");
    let keys: Vec<&str> = recs.iter().map(|(k, _)| k.as_str()).collect();
    let root = root_key("timesheet", &ts_vars());
    assert_eq!(root, r#"?timesheet{"first":50,"id":"1"}"#, "canonical variables, sorted");
    assert_eq!(keys, [root.as_str(), "Hire:7", "Timesheet:1", "TimesheetRegistration:10", "TimesheetRegistration:11", &format!("~{root}")]);
    let ts = &recs[2].1["f"];
    assert_eq!(ts["hire"], json!({ "__ref": "Hire:7" }), "entities are refs");
    let regs = &ts[r#"registrations{"first":50,"page":1}"#];
    assert_eq!(regs["paginatorInfo"]["total"], 2, "non-entity objects are embedded: {ts}");
    assert_eq!(regs["data"], json!([{ "__ref": "TimesheetRegistration:10" }, { "__ref": "TimesheetRegistration:11" }]));
    assert_eq!(recs[0].1["f"][r#"timesheet{"id":"1"}"#], json!({ "__ref": "Timesheet:1" }), "the root points at the entity");
    assert_eq!(recs[3].1["f"]["duration"], 1.5);
}

#[test]
fn field_keys_substitute_variables_and_omit_absent_ones() {
    let f = &query("timesheet").selection.fields[0].selection.unwrap().fields[4];
    assert_eq!(field_key(f, &json!({ "first": 2 })), r#"registrations{"first":2,"page":1}"#);
    assert_eq!(field_key(f, &json!({})), r#"registrations{"page":1}"#, "an absent variable is omitted");
    let c = cache_with_timesheet(&[1.0, 2.0]);
    let small = json!({ "id": "1", "first": 1 });
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &small, &timesheet_data(&[1.0]), 2000.0)).unwrap();
    let big = block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).expect("first: 50 still readable");
    assert_eq!(big.data["timesheet"]["registrations"]["data"].as_array().map(Vec::len), Some(2), "first: 1 did not overwrite first: 50");
    let one = block_on(c.read("alice", query("timesheet"), &small, &[])).expect("first: 1");
    assert_eq!(one.data["timesheet"]["registrations"]["data"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_read_assembles_exactly_what_was_written() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let got = block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).expect("hit");
    assert_eq!(got.data, timesheet_data(&[1.5, 2.0]));
    assert_eq!(got.pending, Vec::<String>::new());
    assert_eq!(got.fetched_at, 1000.0);
}

#[test]
fn fragments_on_concrete_and_interface_types_assemble() {
    let c = Cache::new(MemoryCacheStore::new());
    let viewer = json!({ "viewer": { "__typename": "Worker", "id": "w1", "name": "Ann", "rating": 4.5,
        "hires": [{ "__typename": "Hire", "id": "7", "status": "ACTIVE", "job": { "__typename": "Job", "id": "j1", "title": "Chef" } }] } });
    block_on(c.write_result("alice", &API, Target::Query(query("viewer")), &json!({}), &viewer, 1.0)).unwrap();
    assert_eq!(block_on(c.read("alice", query("viewer"), &json!({}), &[])).expect("viewer").data, viewer, "Worker: rating, no vatNumber");
    let node = json!({ "node": { "__typename": "Hire", "id": "7", "status": "ACTIVE" } });
    block_on(c.write_result("alice", &API, Target::Query(query("node")), &json!({ "id": "7" }), &node, 2.0)).unwrap();
    assert_eq!(block_on(c.read("alice", query("node"), &json!({ "id": "7" }), &[])).expect("node").data, node);
    // The hire entity is shared: both results wrote into one record, their fields added up.
    let hire = stored(&c, "alice").into_iter().find(|(k, _)| k == "Hire:7").expect("Hire:7").1;
    assert_eq!(hire["f"]["job"], json!({ "__ref": "Job:j1" }), "{hire}");
}

#[test]
fn a_write_stores_only_the_records_that_changed() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    c.store().reset_counters();
    let same = block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.5, 2.0]), 2000.0)).unwrap();
    assert!(same.is_empty(), "nothing changed: {same:?}");
    assert_eq!(c.store().puts.get(), 1, "only the root's fetch stamp is written");
    assert_eq!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).unwrap().fetched_at, 2000.0, "fetchedAt moved");

    c.store().reset_counters();
    let changed = block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.5, 7.25]), 3000.0)).unwrap();
    assert_eq!(changed, ["TimesheetRegistration:11"]);
    assert_eq!((c.store().puts.get(), c.store().transactions.get()), (2, 1), "the entity and the stamp, one transaction");
    assert!(c.store().bytes_put.get() < 1024, "one changed entity writes under 1 KB: {}", c.store().bytes_put.get());
    assert_eq!(c.store().last_durability.get(), Some(Durability::Relaxed), "query results are relaxed");
}

#[test]
fn a_large_result_is_one_transaction_and_one_changed_entity_stays_small() {
    let c = Cache::new(MemoryCacheStore::new());
    let durations: Vec<f64> = (0..500).map(f64::from).collect();
    let vars = json!({ "id": "1", "first": 500 });
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &vars, &timesheet_data(&durations), 1.0)).unwrap();
    assert_eq!((c.store().transactions.get(), c.store().puts.get()), (1, 500 + 4), "500 registrations, timesheet, hire, root, stamp");
    let mut d2 = durations.clone();
    d2[250] = 0.5;
    c.store().reset_counters();
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &vars, &timesheet_data(&d2), 2.0)).unwrap();
    assert!(c.store().bytes_put.get() < 1024, "{} bytes for one changed entity", c.store().bytes_put.get());
}

#[test]
fn misses_name_what_is_missing() {
    let c = cache_with_timesheet(&[1.5]);
    let other = block_on(c.read("alice", query("timesheet"), &json!({ "id": "2", "first": 50 }), &[]));
    let Err(CacheError::Miss(m)) = other else { panic!("never fetched must miss: {other:?}") };
    assert_eq!(m.operation, "timesheet");
    assert!(m.missing[0].contains("record ?timesheet"), "{m:?}");

    // The viewer's hire 7 is the timesheet's hire, known only by id: hire fields are missing.
    let viewer = json!({ "viewer": { "__typename": "Worker", "id": "w1", "name": "Ann", "rating": 1, "hires": [{ "__typename": "Hire", "id": "7", "status": "ACTIVE", "job": null }] } });
    block_on(c.write_result("alice", &API, Target::Query(query("viewer")), &json!({}), &viewer, 1.0)).unwrap();
    let node = block_on(c.read("alice", query("node"), &json!({ "id": "1" }), &[]));
    assert!(matches!(node, Err(CacheError::Miss(_))), "{node:?}");
    // A record written by a smaller selection lacks fields another query needs.
    let hire_only = json!({ "node": { "__typename": "Timesheet", "id": "5" } });
    block_on(c.write_result("alice", &API, Target::Query(query("node")), &json!({ "id": "5" }), &hire_only, 1.0)).unwrap();
    let Err(CacheError::Miss(m)) = block_on(c.read("alice", query("node"), &json!({ "id": "5" }), &[])) else { panic!("startDate is missing") };
    assert_eq!(m.missing, ["node.node.startDate"], "{m:?}");
}

#[test]
fn users_are_partitioned_and_clear_removes_one() {
    let c = cache_with_timesheet(&[1.5]);
    assert!(matches!(block_on(c.read("bob", query("timesheet"), &ts_vars(), &[])), Err(CacheError::Miss(_))), "bob reads nothing of alice's");
    block_on(c.write_result("bob", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[9.0]), 1.0)).unwrap();
    let a = block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).unwrap();
    assert_eq!(a.data["timesheet"]["registrations"]["data"][0]["duration"], 1.5, "bob's write did not touch alice's record");
    block_on(c.clear("alice")).unwrap();
    assert!(stored(&c, "alice").is_empty());
    assert!(matches!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])), Err(CacheError::Miss(_))));
    assert!(block_on(c.read("bob", query("timesheet"), &ts_vars(), &[])).is_ok(), "bob's records stay");
}

#[test]
fn a_cold_cache_reads_what_another_instance_wrote() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let (store, records) = (MemoryCacheStore::new(), stored(&c, "alice"));
    block_on(store.write("alice", &records, &[], Durability::Strict)).unwrap();
    let cold = Cache::new(store);
    let got = block_on(cold.read("alice", query("timesheet"), &ts_vars(), &[])).expect("cold hit");
    assert_eq!((got.data, got.fetched_at), (timesheet_data(&[1.5, 2.0]), 1000.0));
}

#[test]
fn answers_of_the_wrong_shape_are_refused_or_stored_without_panicking() {
    let c = Cache::new(MemoryCacheStore::new());
    let r = block_on(c.write_result("u", &API, Target::Query(query("timesheet")), &ts_vars(), &json!([1, 2]), 1.0));
    assert!(matches!(r, Err(CacheError::Shape(_))), "{r:?}");
    for data in [json!({ "timesheet": 5 }), json!({ "timesheet": { "id": {}, "hire": [[null]], "registrations": "x" } }), json!({ "timesheet": { "__typename": 3, "id": 1.5 } })] {
        block_on(c.write_result("u", &API, Target::Query(query("timesheet")), &ts_vars(), &data, 1.0)).expect("stored as given");
        let _ = block_on(c.read("u", query("timesheet"), &ts_vars(), &[]));
    }
}

#[test]
fn numbers_compare_by_value_so_a_reloaded_1_equals_a_fresh_1_0() {
    use graphql_outbox::cache::merge::same;
    assert!(same(&json!({ "a": [1, { "b": 2 }] }), &json!({ "a": [1.0, { "b": 2.0 }] })));
    assert!(!same(&json!(1), &json!(1.5)));
    assert!(!same(&json!({ "a": 1 }), &json!({ "a": 1, "b": null })));
    let c = Cache::new(MemoryCacheStore::new());
    let vars = ts_vars();
    block_on(c.write_result("u", &API, Target::Query(query("timesheet")), &vars, &timesheet_data(&[1.0]), 1.0)).unwrap();
    // As IndexedDB gives it back: integral floats as integers.
    let text = serde_json::to_string(&block_on(c.store().load("u")).unwrap()).unwrap().replace("1.0", "1");
    let reloaded: Vec<(String, Value)> = serde_json::from_str(&text).unwrap();
    let store = MemoryCacheStore::new();
    block_on(store.write("u", &reloaded, &[], Durability::Strict)).unwrap();
    let cold = Cache::new(store);
    let changed = block_on(cold.write_result("u", &API, Target::Query(query("timesheet")), &vars, &timesheet_data(&[1.0]), 2.0)).unwrap();
    assert_eq!(changed, Vec::<String>::new());
}

/// A store whose loads and gets read at once but answer only once `open` is set: a read in flight.
struct GatedLoads {
    inner: MemoryCacheStore,
    open: std::rc::Rc<std::cell::Cell<bool>>,
}

impl CacheStore for GatedLoads {
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, graphql_outbox::store::StoreError> {
        let read = self.inner.load(user).await;
        std::future::poll_fn(|_| if self.open.get() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }).await;
        read
    }
    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, graphql_outbox::store::StoreError> {
        let read = self.inner.get(user, keys).await;
        std::future::poll_fn(|_| if self.open.get() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }).await;
        read
    }
    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], d: Durability) -> Result<(), graphql_outbox::store::StoreError> {
        self.inner.write(user, puts, deletes, d).await
    }
    async fn clear(&self, user: &str) -> Result<(), graphql_outbox::store::StoreError> {
        self.inner.clear(user).await
    }
    async fn users(&self) -> Result<Vec<String>, graphql_outbox::store::StoreError> {
        self.inner.users().await
    }
}

/// A cache over a `GatedLoads` store that holds alice's timesheet query, answered at `at`
/// (loads answer while the returned flag is set, at first `open`).
fn gated_with_timesheet(at: f64, open: bool, limits: graphql_outbox::cache::Limits) -> (Cache<GatedLoads>, std::rc::Rc<std::cell::Cell<bool>>) {
    let store = MemoryCacheStore::new();
    let writer = Cache::new(MemoryCacheStore::new());
    block_on(writer.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.5]), at)).unwrap();
    block_on(store.write("alice", &block_on(writer.store().load("alice")).unwrap(), &[], Durability::Strict)).unwrap();
    let gate = std::rc::Rc::new(std::cell::Cell::new(open));
    (Cache::with_limits(GatedLoads { inner: store, open: gate.clone() }, limits), gate)
}

#[test]
fn a_load_in_flight_during_clear_does_not_bring_the_cleared_records_back() {
    use std::future::Future;
    let (c, open) = gated_with_timesheet(1.0, false, Default::default());
    // A read starts the load (it reads the records as before the clear) and waits for its answer.
    let vars = ts_vars();
    let mut read = std::pin::pin!(c.read("alice", query("timesheet"), &vars, &[]));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(read.as_mut().poll(&mut cx).is_pending());
    // The app clears (a sign-out) while it is in flight; then IndexedDB answers the load.
    block_on(c.clear("alice")).unwrap();
    open.set(true);
    let std::task::Poll::Ready(r) = read.as_mut().poll(&mut cx) else { panic!("the read finished") };
    assert!(matches!(r, Err(CacheError::Miss(_))), "the cleared records came back: {r:?}");
    assert!(matches!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])), Err(CacheError::Miss(_))));
}

#[test]
fn an_updater_whose_values_came_back_through_json_rewrites_only_what_changed() {
    // Stored as the server sent them, `8.0`; an app's updater gets them through JSON as `8`.
    let c = cache_with_timesheet(&[8.0, 8.0, 8.0]);
    let vars = ts_vars();
    let mut append = |u: &mut graphql_outbox::cache::Updating<'_, '_>| {
        let read = u.read(query("timesheet"), &vars).expect("cached");
        let mut data: Value = serde_json::from_str(&read.to_string().replace("8.0", "8")).unwrap();
        data["timesheet"]["registrations"]["data"].as_array_mut().unwrap().push(registration(13, 4.0));
        u.write(query("timesheet"), &vars, &data).expect("its own shape");
    };
    let changed = block_on(c.commit_update("alice", &API, "e1", 2000.0, &mut append)).expect("commit");
    assert!(changed.contains(&"TimesheetRegistration:13".to_string()), "{changed:?}");
    assert!(!changed.iter().any(|k| ["TimesheetRegistration:10", "TimesheetRegistration:11", "TimesheetRegistration:12"].contains(&k.as_str())), "rewritten though equal: {changed:?}");
}

#[test]
fn an_eviction_that_read_its_copy_before_a_write_deletes_nothing() {
    use graphql_outbox::cache::Limits;
    use std::future::Future;
    let (c, open) = gated_with_timesheet(1000.0, true, Limits { max_bytes: u64::MAX, max_age_ms: 1000.0 });
    assert!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).is_ok(), "in memory");
    // Eviction reads its copy (the root is past the age limit in it) and waits for the answer...
    open.set(false);
    let mut evict = std::pin::pin!(c.evict(10_000.0));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(evict.as_mut().poll(&mut cx).is_pending());
    // ...while the app answers the query again (unchanged: only its stamp is stored).
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.5]), 9_500.0)).unwrap();
    open.set(true);
    let std::task::Poll::Ready(evicted) = evict.as_mut().poll(&mut cx) else { panic!("eviction finished") };
    let evicted = evicted.unwrap();
    assert_eq!((evicted.records, evicted.stopped), (0, true), "planned on a copy older than the write: stopped, to run again later");
    // After a reload the query is still there.
    let cold = Cache::new(MemoryCacheStore::new());
    block_on(cold.store().write("alice", &block_on(c.store().inner.load("alice")).unwrap(), &[], Durability::Strict)).unwrap();
    assert!(block_on(cold.read("alice", query("timesheet"), &ts_vars(), &[])).is_ok(), "the answered query stays readable");
}

#[test]
fn a_refresh_in_flight_while_another_user_is_forgotten_still_lands() {
    use std::future::Future;
    let (c, open) = gated_with_timesheet(1.0, true, Default::default());
    assert!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).is_ok(), "loaded");
    // Another context stores a new duration for registration 10 and says so.
    let other = Cache::new(MemoryCacheStore::new());
    block_on(other.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[2.5]), 2.0)).unwrap();
    let changed: Vec<(String, Value)> = block_on(other.store().load("alice")).unwrap().into_iter().filter(|(k, _)| k == "TimesheetRegistration:10").collect();
    block_on(c.store().inner.write("alice", &changed, &[], Durability::Strict)).unwrap();
    open.set(false);
    let keys = vec!["TimesheetRegistration:10".to_string()];
    let mut refresh = std::pin::pin!(c.refresh("alice", &keys));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    assert!(refresh.as_mut().poll(&mut cx).is_pending());
    // Meanwhile another user's records are dropped (a clear notice for bob, an eviction).
    c.forget("bob");
    open.set(true);
    assert!(matches!(refresh.as_mut().poll(&mut cx), std::task::Poll::Ready(Ok(()))));
    let read = block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).unwrap();
    assert_eq!(read.data["timesheet"]["registrations"]["data"][0]["duration"], 2.5, "alice's refresh was dropped");
}
