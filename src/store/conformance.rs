//! The store conformance suite, written once over `OutboxStore`: native tests run it on
//! `MemoryStore`, browser tests on `IdbStore`. Each check panics with what went wrong.
//! Every check expects an empty store.

use super::{Claimed, OutboxStore, StoreError};
use crate::outbox::entry::{Claim, Entry, State};
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

/// `e` as a drainer claims it: sending, one more attempt, leased to `owner` until `until`.
fn claimed(e: &Entry, owner: &str, until: f64) -> Entry {
    Entry { state: State::Sending, attempts: e.attempts + 1, claim: Some(Claim { owner: owner.into(), until }), ..e.clone() }
}

/// The lease: free → taken; another owner's unexpired claim → busy (nothing written); expired
/// → taken; the same owner → taken; a stale `expected` → changed; the outcome write clears it;
/// a removed entry → NotFound.
pub async fn claim_is_a_lease<S: OutboxStore>(s: &S) {
    let mut e = entry(1, "alice");
    s.insert(&mut e).await.expect("insert");
    let a = claimed(&e, "tab-a", 5000.0);
    assert_eq!(s.claim(&e, &a, "tab-a", 1000.0).await.expect("claim"), Claimed::Taken, "free");
    assert_eq!(s.get(&e.id).await.expect("get").expect("present"), a, "the claim is stored");

    let b = claimed(&a, "tab-b", 6000.0);
    let busy = s.claim(&a, &b, "tab-b", 4999.0).await.expect("claim");
    assert_eq!(busy, Claimed::Busy { owner: "tab-a".into(), until: 5000.0 }, "held by another, unexpired");
    assert_eq!(s.get(&e.id).await.expect("get").expect("present"), a, "busy writes nothing");

    let again = claimed(&a, "tab-a", 7000.0);
    assert_eq!(s.claim(&a, &again, "tab-a", 4000.0).await.expect("claim"), Claimed::Taken, "same owner");
    let b = claimed(&again, "tab-b", 9000.0);
    assert_eq!(s.claim(&again, &b, "tab-b", 7000.0).await.expect("claim"), Claimed::Taken, "expired (until <= now)");

    let stale = claimed(&a, "tab-c", 9999.0);
    assert_eq!(s.claim(&a, &stale, "tab-c", 9500.0).await.expect("claim"), Claimed::Changed, "expected is stale");
    assert_eq!(s.get(&e.id).await.expect("get").expect("present"), b, "changed writes nothing");

    let mut sent = Entry { state: State::Sent, claim: None, ..b.clone() };
    s.update(&sent).await.expect("outcome write");
    let stored = s.get(&e.id).await.expect("get").expect("present");
    assert_eq!(stored.claim, None, "the outcome write clears the claim");
    assert_eq!(s.claim(&b, &claimed(&b, "tab-c", 1.0e12), "tab-c", 8000.0).await.expect("claim"), Claimed::Changed, "sent meanwhile");

    s.remove(&[e.seq]).await.expect("remove");
    sent.state = State::Queued;
    assert!(matches!(s.claim(&sent, &claimed(&sent, "tab-a", 1.0e12), "tab-a", 0.0).await, Err(StoreError::NotFound(_))), "gone");
}

/// A batch's claim: taken in order up to the first that is not, nothing written after it; a
/// batch's outcomes in one write, skipping an entry that is gone.
pub async fn claim_many_stops_at_the_first_not_taken<S: OutboxStore>(s: &S) {
    let mut es = vec![];
    for n in 0..4 {
        let mut e = entry(n, "alice");
        s.insert(&mut e).await.expect("insert");
        es.push(e);
    }
    let held = claimed(&es[2], "tab-b", 9000.0);
    assert_eq!(s.claim(&es[2], &held, "tab-b", 0.0).await.expect("claim"), Claimed::Taken);
    let next: Vec<Entry> = es.iter().map(|e| claimed(e, "tab-a", 5000.0)).collect();
    let got = s.claim_many(&es, &next, "tab-a", 1000.0).await.expect("claim_many");
    assert_eq!(got, [Some(Claimed::Taken), Some(Claimed::Taken), Some(Claimed::Busy { owner: "tab-b".into(), until: 9000.0 })]);
    assert_eq!(s.get(&es[1].id).await.expect("get").expect("present"), next[1], "taken ones are written");
    assert_eq!(s.get(&es[3].id).await.expect("get").expect("present"), es[3], "nothing after the busy one");

    s.remove(&[es[0].seq]).await.expect("remove");
    let sent: Vec<Entry> = next[..2].iter().map(|e| Entry { state: State::Sent, claim: None, ..e.clone() }).collect();
    s.update_many_issued(sent.clone(), true).await.expect("one write, the gone one skipped");
    assert_eq!(s.get(&es[1].id).await.expect("get").expect("present"), sent[1]);
    assert_eq!(s.get(&es[0].id).await.expect("get"), None, "not revived");
    let gone = s.claim_many(&es[..1], &next[..1], "tab-a", 1000.0).await.expect("claim_many");
    assert_eq!(gone, [None], "gone");
}

/// An online call's store-and-claim: claimed when the user has nothing live before it (or only
/// a dead entry it does not depend on), queued behind a live entry, behind a dead one it
/// depends on, or behind a long queue; other users' entries do not count.
pub async fn insert_first_claims_only_the_first_in_line<S: OutboxStore>(s: &S) {
    let fresh = |n: u32, user: &str| {
        let e = entry(n, user);
        let c = claimed(&e, "tab-a", 5000.0);
        (e, c)
    };
    let (mut a, ca) = fresh(1, "alice");
    assert!(s.insert_first(&mut a, &ca).await.expect("insert_first"), "nothing before it: claimed");
    let stored = s.get(&a.id).await.expect("get").expect("present");
    assert_eq!(stored, Entry { seq: a.seq, ..ca.clone() }, "stored as claimed, with its seq");

    let (mut b, cb) = fresh(2, "alice");
    assert!(!s.insert_first(&mut b, &cb).await.expect("insert_first"), "behind a live entry: queued");
    assert!(b.seq > a.seq);
    assert_eq!(s.get(&b.id).await.expect("get").expect("present"), b, "stored as queued");
    let (mut other, co) = fresh(3, "bob");
    assert!(s.insert_first(&mut other, &co).await.expect("insert_first"), "alice's queue is not bob's");

    // Alice's two die (after the next call is made, so an entity they share would hold it).
    for e in [&a, &b] {
        let dead = Entry { state: State::Dead, claim: None, settled_at: 9.0e12, ..s.get(&e.id).await.expect("get").expect("present") };
        s.update(&dead).await.expect("update");
    }
    let (mut c, cc) = fresh(4, "alice");
    assert!(s.insert_first(&mut c, &cc).await.expect("insert_first"), "dead entries it does not depend on: claimed");
    s.update(&Entry { state: State::Sent, claim: None, seq: c.seq, ..cc.clone() }).await.expect("update");
    let mut d = Entry { depends_on: vec![a.id.clone()], ..entry(5, "alice") };
    let cd = claimed(&d, "tab-a", 5000.0);
    assert!(!s.insert_first(&mut d, &cd).await.expect("insert_first"), "depends on a dead entry: queued");
    s.update(&Entry { state: State::Discarded, ..d.clone() }).await.expect("update");

    for n in 10..10 + super::FIRST_LOOKAHEAD {
        let mut e = entry(n, "carol");
        s.insert(&mut e).await.expect("insert");
        s.update(&Entry { state: State::Dead, ..e }).await.expect("update");
    }
    let (mut f, cf) = fresh(99, "carol");
    assert!(!s.insert_first(&mut f, &cf).await.expect("insert_first"), "a long queue is the pass's to sort out");
}

/// Runs every check, each on a fresh store from `make`.
pub async fn run_all<S: OutboxStore, F: AsyncFnMut() -> S>(mut make: F) {
    insert_assigns_increasing_seq_and_lists_in_order(&make().await).await;
    update_and_get(&make().await).await;
    remove_deletes_only_those(&make().await).await;
    corrupt_records_are_quarantined(&make().await).await;
    list_active_skips_other_users_and_tombstones(&make().await).await;
    claim_is_a_lease(&make().await).await;
    claim_many_stops_at_the_first_not_taken(&make().await).await;
    insert_first_claims_only_the_first_in_line(&make().await).await;
}
