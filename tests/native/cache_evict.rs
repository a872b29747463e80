//! Eviction: the age limit, the size cap, and collection of unreachable records.

use crate::cache::{registration, timesheet_data, ts_vars};
use crate::cache_tables::{query, API};
use crate::fakes::block_on;
use graphql_outbox::cache::evict::{DEFAULT_MAX_AGE_MS, DEFAULT_MAX_BYTES};
use graphql_outbox::cache::{Cache, CacheError, Limits, Target};
use graphql_outbox::store::{CacheStore, MemoryCacheStore};
use serde_json::json;

fn keys(c: &Cache<MemoryCacheStore>, user: &str) -> Vec<String> {
    block_on(c.store().load(user)).unwrap().into_iter().map(|(k, _)| k).collect()
}

fn node(c: &Cache<MemoryCacheStore>, user: &str, id: &str, at: f64) {
    let data = json!({ "node": { "__typename": "Hire", "id": id, "status": "ACTIVE" } });
    block_on(c.write_result(user, &API, Target::Query(query("node")), &json!({ "id": id }), &data, at)).unwrap();
}

#[test]
fn defaults_are_documented_values() {
    assert_eq!(Limits::default(), Limits { max_bytes: DEFAULT_MAX_BYTES, max_age_ms: DEFAULT_MAX_AGE_MS });
    assert_eq!((DEFAULT_MAX_BYTES, DEFAULT_MAX_AGE_MS), (8 << 20, 2_592_000_000.0));
}

#[test]
fn roots_past_the_age_limit_go_with_what_only_they_reach() {
    let c = Cache::with_limits(MemoryCacheStore::new(), Limits { max_bytes: u64::MAX, max_age_ms: 1000.0 });
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.0, 2.0]), 0.0)).unwrap();
    node(&c, "alice", "7", 5000.0); // Hire:7 is also the timesheet's hire
    let e = block_on(c.evict(5500.0)).unwrap();
    assert_eq!(e.records, 4, "the timesheet root, Timesheet:1 and its two registrations: {e:?}");
    let left = keys(&c, "alice");
    assert_eq!(left, [r#"?node{"id":"7"}"#, "Hire:7", r#"~?node{"id":"7"}"#], "the shared hire stays: {left:?}");
    assert!(matches!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])), Err(CacheError::Miss(_))), "evicted from memory too");
    assert!(block_on(c.read("alice", query("node"), &json!({ "id": "7" }), &[])).is_ok());
}

#[test]
fn records_no_root_reaches_are_collected() {
    let c = Cache::new(MemoryCacheStore::new());
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.0, 2.0]), 0.0)).unwrap();
    // A sent mutation's result for an entity no query shows is not stored at all (it would be
    // a write per sent entry of a record nothing reads).
    let answer = json!({ "updateTimesheetRegistration": registration(99, 1.0) });
    let changed = block_on(c.write_result("alice", &API, Target::Mutation(API.operation("updateTimesheetRegistration").unwrap()), &json!({}), &answer, 1.0)).unwrap();
    assert_eq!(changed, Vec::<String>::new());
    assert!(!keys(&c, "alice").iter().any(|k| k == "TimesheetRegistration:99"));
    // The timesheet now lists only registration 11: 10 becomes unreachable.
    let mut one = timesheet_data(&[2.0]);
    one["timesheet"]["registrations"]["data"][0]["id"] = json!("11");
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &one, 2.0)).unwrap();
    let e = block_on(c.evict(3.0)).unwrap();
    assert_eq!(e.records, 1);
    let left = keys(&c, "alice");
    assert!(!left.iter().any(|k| k == "TimesheetRegistration:99" || k == "TimesheetRegistration:10"), "{left:?}");
    assert!(left.iter().any(|k| k == "TimesheetRegistration:11"));
    assert!(block_on(c.read("alice", query("timesheet"), &ts_vars(), &[])).is_ok());
}

#[test]
fn over_the_size_cap_the_oldest_roots_go_first_least_recent_user_first() {
    let c = Cache::new(MemoryCacheStore::new());
    for (i, at) in [(1, 10.0), (2, 30.0), (3, 20.0)] {
        node(&c, "alice", &i.to_string(), at);
    }
    node(&c, "bob", "1", 5.0);
    let total: u64 = ["alice", "bob"].iter().flat_map(|u| block_on(c.store().load(u)).unwrap()).map(|(k, v)| (k.len() + v.to_string().len()) as u64).sum();
    let per_node = total / 4;
    let capped = Cache::with_limits(MemoryCacheStore::new(), Limits { max_bytes: total - per_node - per_node / 2, max_age_ms: f64::MAX });
    for u in ["alice", "bob"] {
        let recs = block_on(c.store().load(u)).unwrap();
        block_on(capped.store().write(u, &recs, &[], graphql_outbox::store::Durability::Strict)).unwrap();
    }
    let e = block_on(capped.evict(100.0)).unwrap();
    assert!(e.bytes >= per_node + per_node / 2 - 8, "freed enough: {e:?}, per node ~{per_node}");
    assert!(keys(&capped, "bob").is_empty(), "bob (least recent) went first");
    let left = keys(&capped, "alice");
    assert!(!left.iter().any(|k| k.contains(r#""1""#)), "alice's oldest root went next: {left:?}");
    assert!(left.iter().any(|k| k.contains(r#""2""#)) && left.iter().any(|k| k.contains(r#""3""#)), "the newer ones stay: {left:?}");
    assert_eq!(block_on(capped.evict(100.0)).unwrap().records, 0, "under the cap: nothing more");
}

#[test]
fn the_size_counted_is_the_stored_json_of_each_record() {
    // record_bytes counts without building the text: it must agree with the text itself.
    use graphql_outbox::cache::evict::record_bytes;
    use graphql_outbox::cache::record::{decode_all, encode, stamp_key, stored_bytes};
    let c = Cache::new(MemoryCacheStore::new());
    block_on(c.write_result("alice", &API, Target::Query(query("timesheet")), &ts_vars(), &timesheet_data(&[1.0, 2.5]), 1_733_000_000_123.0)).unwrap();
    let records = decode_all(block_on(c.store().load("alice")).unwrap());
    assert!(records.len() > 3);
    for (k, r) in &records {
        let stamp = if k.starts_with('?') { (stamp_key(k).len() + 24) as u64 } else { 0 };
        assert_eq!(record_bytes(k, r), stored_bytes(k, &encode(k, r)) + stamp, "{k}");
    }
}

#[test]
fn an_eviction_that_evicts_nothing_leaves_the_records_reads_use_as_they_were() {
    // Eviction runs in the middle of a session (3 s after the open): it plans on its own copy
    // of the stored records. The records in memory must not change when it deletes nothing
    // (watchers would see what they showed replaced); when it deletes, they are reloaded.
    let c = Cache::new(MemoryCacheStore::new());
    node(&c, "alice", "7", 100.0);
    let vars = json!({ "id": "7" });
    let status = |c: &Cache<MemoryCacheStore>| block_on(c.read("alice", query("node"), &vars, &[])).unwrap().data["node"]["status"].clone();
    assert_eq!(status(&c), "ACTIVE");
    // Behind the cache's back (as another build or a lost write could leave it): the stored
    // record differs from the one in memory.
    let mut stored = block_on(c.store().load("alice")).unwrap();
    stored.iter_mut().filter(|(k, _)| k == "Hire:7").for_each(|(_, v)| v["f"]["status"] = json!("ENDED"));
    block_on(c.store().write("alice", &stored, &[], graphql_outbox::store::Durability::Strict)).unwrap();
    assert_eq!(block_on(c.evict(200.0)).unwrap().records, 0);
    assert_eq!(status(&c), "ACTIVE", "nothing evicted: memory untouched");
    // An unreachable record stored: eviction deletes it, and the user's records are reloaded.
    let orphan = vec![("Hire:99".to_string(), json!({ "f": { "__typename": "Hire", "id": "99" }, "at": 1.0 }))];
    block_on(c.store().write("alice", &orphan, &[], graphql_outbox::store::Durability::Strict)).unwrap();
    assert_eq!(block_on(c.evict(300.0)).unwrap().records, 1);
    assert!(!keys(&c, "alice").iter().any(|k| k == "Hire:99"));
    assert_eq!(status(&c), "ENDED", "evicted: memory reloaded from the store");
}
