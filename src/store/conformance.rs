//! The store conformance suite, written once over `OutboxStore`: native tests run it on
//! `MemoryStore`, browser tests on `IdbStore`. Each check panics with what went wrong.
//! Every check expects an empty store.

use super::{OutboxStore, StoreError};
use crate::outbox::entry::{Entry, State};
use serde_json::json;

fn entry(n: u32, user: &str) -> Entry {
    Entry::new(format!("id-{n}-{user}"), "gcdirectory", "deleteOrgTier", json!({ "id": n.to_string() }), user, 1000.0 + n as f64)
}

/// Inserts get increasing creation numbers; list returns entries in that order, unchanged.
pub async fn insert_assigns_increasing_seq_and_lists_in_order<S: OutboxStore>(s: &S) {
    let mut seqs = vec![];
    for n in 0..5 {
        let mut e = entry(n, if n % 2 == 0 { "alice" } else { "bob" });
        let seq = s.insert(&mut e).await.expect("insert");
        assert_eq!(e.seq, seq, "insert sets entry.seq");
        seqs.push(seq);
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "seqs increase: {seqs:?}");
    let listing = s.list().await.expect("list");
    let ids: Vec<&str> = listing.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["id-0-alice", "id-1-bob", "id-2-alice", "id-3-bob", "id-4-alice"]);
    assert_eq!(listing.entries[1], { let mut e = entry(1, "bob"); e.seq = seqs[1]; e });
    assert!(listing.bytes > 100, "bytes counts the records: {}", listing.bytes);
    assert!(listing.quarantined.is_empty());
}

/// Updates replace the record by seq; get finds it by id; an unknown seq is NotFound.
pub async fn update_and_get<S: OutboxStore>(s: &S) {
    let mut e = entry(7, "alice");
    s.insert(&mut e).await.expect("insert");
    e.state = State::Dead;
    e.attempts = 3;
    e.last_error = Some(json!({ "kind": "graphql", "errors": [{ "message": "no" }] }));
    s.update(&e).await.expect("update");
    let got = s.get(&e.id).await.expect("get").expect("present");
    assert_eq!(got, e);
    assert_eq!(s.get("nope").await.expect("get"), None);
    let mut ghost = entry(8, "alice");
    ghost.seq = 999_999;
    assert!(matches!(s.update(&ghost).await, Err(StoreError::NotFound(_))), "update of a missing entry");
}

/// Remove deletes exactly the given entries.
pub async fn remove_deletes_only_those<S: OutboxStore>(s: &S) {
    let mut a = entry(1, "alice");
    let mut b = entry(2, "alice");
    let mut c = entry(3, "bob");
    for e in [&mut a, &mut b, &mut c] {
        s.insert(e).await.expect("insert");
    }
    s.remove(&[a.seq, c.seq]).await.expect("remove");
    let ids: Vec<String> = s.list().await.expect("list").entries.into_iter().map(|e| e.id).collect();
    assert_eq!(ids, [b.id.clone()]);
}

/// A record that is not an entry moves to the quarantine with a reason; the rest still list.
pub async fn corrupt_records_are_quarantined<S: OutboxStore>(s: &S) {
    let mut good = entry(1, "alice");
    s.insert(&mut good).await.expect("insert");
    let bad1 = s.insert_raw(json!({ "id": 42, "garbage": true })).await.expect("insert_raw");
    let bad2 = s.insert_raw(json!("just a string")).await.expect("insert_raw");
    let listing = s.list().await.expect("list");
    assert_eq!(listing.entries.len(), 1, "only the good entry lists");
    assert_eq!(listing.entries[0].id, good.id);
    let mut q: Vec<u64> = listing.quarantined.iter().map(|q| q.seq).collect();
    q.sort();
    assert_eq!(q, [bad1, bad2], "both bad records reported");
    assert!(listing.quarantined.iter().all(|q| q.reason.contains("unreadable")), "{:?}", listing.quarantined);
    let stored = s.quarantine().await.expect("quarantine");
    assert_eq!(stored.len(), 2, "the quarantine keeps them");
    assert!(stored.iter().any(|q| q.raw == json!("just a string")));
    assert!(s.list().await.expect("list").quarantined.is_empty(), "reported once, then gone from entries");
}

/// `list_active` returns one user's entries that are neither sent nor discarded, in order.
pub async fn list_active_skips_other_users_and_tombstones<S: OutboxStore>(s: &S) {
    let mut all = vec![];
    for (n, user, state) in [(1, "alice", State::Queued), (2, "bob", State::Queued), (3, "alice", State::Sent),
        (4, "alice", State::Dead), (5, "alice", State::Discarded), (6, "alice", State::Retrying)] {
        let mut e = entry(n, user);
        s.insert(&mut e).await.expect("insert");
        e.state = state;
        s.update(&e).await.expect("update");
        all.push(e);
    }
    let ids: Vec<String> = s.list_active("alice").await.expect("list_active").into_iter().map(|e| e.id).collect();
    assert_eq!(ids, ["id-1-alice", "id-4-alice", "id-6-alice"]);
    let mut back = all[0].clone();
    back.state = State::Sent;
    s.update(&back).await.expect("update");
    assert_eq!(s.list_active("alice").await.expect("list_active").len(), 2, "a sent entry leaves the active list");
}

/// Runs every check, each on a fresh store from `make`.
pub async fn run_all<S: OutboxStore, F: AsyncFnMut() -> S>(mut make: F) {
    insert_assigns_increasing_seq_and_lists_in_order(&make().await).await;
    update_and_get(&make().await).await;
    remove_deletes_only_those(&make().await).await;
    corrupt_records_are_quarantined(&make().await).await;
    list_active_skips_other_users_and_tombstones(&make().await).await;
}
