//! The store conformance suite on `MemoryStore`, and its quota behaviour.

use crate::fakes::block_on;
use graphql_outbox::outbox::entry::Entry;
use graphql_outbox::store::{conformance, MemoryStore, OutboxStore, StoreError};
use serde_json::json;

#[test]
fn memory_store_passes_the_conformance_suite() {
    block_on(conformance::run_all(async || MemoryStore::new()));
}

#[test]
fn a_full_store_refuses_the_new_entry_and_keeps_the_others() {
    block_on(async {
        let s = MemoryStore::new();
        let mut a = Entry::new("a".into(), "gcdirectory", "deleteOrgTier", json!({"id": "1"}), "u", 1.0);
        s.insert(&mut a).await.unwrap();
        s.limit_bytes.set(Some(s.list().await.unwrap().bytes + 10));
        let mut b = Entry::new("b".into(), "gcdirectory", "deleteOrgTier", json!({"id": "2"}), "u", 2.0);
        assert!(matches!(s.insert(&mut b).await, Err(StoreError::Quota(_))));
        let ids: Vec<String> = s.list().await.unwrap().entries.into_iter().map(|e| e.id).collect();
        assert_eq!(ids, ["a"]);
    });
}

#[test]
fn dom_exception_names_map_to_store_errors() {
    assert_eq!(StoreError::from_dom("QuotaExceededError", "full".into()), StoreError::Quota("full".into()));
    assert!(matches!(StoreError::from_dom("InvalidStateError", "closed".into()), StoreError::Unavailable(m) if m.contains("closed")));
    assert!(matches!(StoreError::from_dom("DataError", "bad key".into()), StoreError::Other(m) if m.contains("DataError")));
}

/// The record the IndexedDB store writes is `record_text`, made without a `Value` tree; it must
/// be exactly `to_record` (what the memory store and the upgrade write), hold no `seq` (the
/// record's key), and carry `format`, and `active` only while the entry is live.
#[test]
fn the_record_text_is_the_record_without_its_key() {
    use graphql_outbox::outbox::entry::{Entry, State, FORMAT};
    // A user that needs escaping, and every optional field set: where splicing text could go wrong.
    let user = "a\"b\\c\u{1}é";
    let mut e = Entry::new("k-1".into(), "gcdirectory", "modifyProfile", serde_json::json!({ "gcId": "7", "data": { "titleEn": "é \"q\"" } }), user, 1.5);
    e.seq = 42;
    e.document = Some("mutation modifyProfile { x }".into());
    e.claim = Some(graphql_outbox::outbox::entry::Claim { owner: "tab-1".into(), until: 9.5 });
    e.last_error = Some(serde_json::json!({ "kind": "http", "status": 503, "message": "busy" }));
    e.data = Some(serde_json::json!({ "gcId": "7", "titleEn": null }));
    e.depends_on = vec!["k-0".into()];
    e.entities = vec!["gcdirectory:7".into()];
    for state in [State::Queued, State::Dead, State::Sent, State::Discarded] {
        e.state = state;
        let text: serde_json::Value = serde_json::from_str(&e.record_text()).unwrap();
        assert_eq!(text, e.to_record(), "{state:?}");
        assert!(text.get("seq").is_none(), "{state:?}: the key is not in the value");
        assert_eq!(text["format"], FORMAT);
        let live = !matches!(state, State::Sent | State::Discarded);
        assert_eq!(text.get("active").and_then(|a| a.as_str()), live.then_some(user), "{state:?}");
        let back = Entry::from_record(text).unwrap();
        assert_eq!(Entry { seq: 42, ..back }, e, "{state:?}: reads back as the entry");
    }
}
