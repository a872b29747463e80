//! The cache store conformance suite, written once over `CacheStore`: native tests run it on
//! `MemoryCacheStore`, browser tests on the IndexedDB store. Each check panics with what went
//! wrong. Every check expects an empty store. Values are ones JSON gives back unchanged
//! through JavaScript (IndexedDB returns `10.0` as `10`; the cache compares numbers by value).

use super::cache::{CacheStore, Durability};
use serde_json::{json, Value};

fn keys(v: &[(String, Value)]) -> Vec<&str> {
    v.iter().map(|(k, _)| k.as_str()).collect()
}

/// Records round-trip unchanged, whatever their keys hold (quotes, braces, non-ASCII, the
/// cache's `?` and `~` prefixes); load returns one user's records in key order.
pub async fn records_round_trip_per_user<S: CacheStore>(s: &S) {
    let odd = r#"?timesheet{"id":"1","note":"é \" ü 😀"}"#.to_string();
    let a = vec![
        ("Timesheet:2".to_string(), json!({ "f": { "id": "2", "n": 1.5, "x": null, "l": [1, { "__ref": "A:1" }] }, "at": 10 })),
        (odd.clone(), json!({ "f": { "timesheet{\"id\":\"1\"}": { "__ref": "Timesheet:1" } } })),
        (format!("~{odd}"), json!({ "at": 12 })),
    ];
    s.write("alice", &a, &[], Durability::Strict).await.expect("write alice");
    s.write("al", &[("Timesheet:2".into(), json!({ "f": { "id": "other" } }))], &[], Durability::Relaxed).await.expect("write al");
    s.write("alice2", &[("A:1".into(), json!({ "f": {} }))], &[], Durability::Relaxed).await.expect("write alice2");
    let mut want = a.clone();
    want.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(s.load("alice").await.expect("load"), want, "alice's records, unchanged, in key order");
    assert_eq!(keys(&s.load("al").await.expect("load")), ["Timesheet:2"], "a user whose name prefixes another's");
    assert_eq!(s.load("al").await.expect("load")[0].1, json!({ "f": { "id": "other" } }), "partitioned by user");
    assert!(s.load("nobody").await.expect("load").is_empty());
    let mut users = s.users().await.expect("users");
    users.sort();
    assert_eq!(users, ["al", "alice", "alice2"]);
}

/// One write puts and deletes; a put replaces; get returns the present keys among those asked.
pub async fn write_puts_replaces_and_deletes<S: CacheStore>(s: &S) {
    let rec = |n: u32| json!({ "f": { "n": n }, "at": n });
    let puts: Vec<(String, Value)> = (0..5).map(|n| (format!("T:{n}"), rec(n))).collect();
    s.write("u", &puts, &[], Durability::Relaxed).await.expect("write");
    s.write("u", &[("T:1".into(), rec(100)), ("T:9".into(), rec(9))], &["T:0".into(), "T:3".into(), "T:missing".into()], Durability::Strict)
        .await
        .expect("write with deletes");
    let all = s.load("u").await.expect("load");
    assert_eq!(keys(&all), ["T:1", "T:2", "T:4", "T:9"]);
    assert_eq!(all[0].1, rec(100), "the put replaced T:1");
    let got = s.get("u", &["T:9".into(), "T:0".into(), "T:1".into()]).await.expect("get");
    assert_eq!(keys(&got), ["T:9", "T:1"], "present keys, in the order asked");
    assert!(s.get("other", &["T:1".into()]).await.expect("get").is_empty(), "another user's keys are not theirs");
}

/// `clear(user)` removes exactly that user's records.
pub async fn clear_removes_one_user<S: CacheStore>(s: &S) {
    for u in ["a", "b", "a:b"] {
        s.write(u, &[("T:1".into(), json!({ "f": { "u": u } }))], &[], Durability::Relaxed).await.expect("write");
    }
    s.clear("a").await.expect("clear");
    assert!(s.load("a").await.expect("load").is_empty(), "a's records are gone");
    assert_eq!(s.load("b").await.expect("load").len(), 1, "b's stay");
    assert_eq!(s.load("a:b").await.expect("load").len(), 1, "a:b's stay");
}

/// Many records in one write, read back whole (the shape of a 500-entity result).
pub async fn a_large_write_reads_back<S: CacheStore>(s: &S) {
    let puts: Vec<(String, Value)> = (0..500).map(|n| (format!("TimesheetRegistration:{n:04}"), json!({ "f": { "id": n.to_string(), "hours": n } , "at": 1 }))).collect();
    s.write("u", &puts, &[], Durability::Relaxed).await.expect("write");
    assert_eq!(s.load("u").await.expect("load"), puts);
}

/// Runs every check, each on a fresh store from `make`.
pub async fn run_all<S: CacheStore, F: AsyncFnMut() -> S>(mut make: F) {
    records_round_trip_per_user(&make().await).await;
    write_puts_replaces_and_deletes(&make().await).await;
    clear_removes_one_user(&make().await).await;
    a_large_write_reads_back(&make().await).await;
}
