//! An online call's direct way (`Drain::first`): its new entry stored already claimed when
//! nothing of its user goes first, sent alone, its outcome written; else stored queued for a
//! pass, or not stored at all when it cannot be sent now. MemoryStore + fakes.

use crate::drain::{gql_error, H, T0};
use crate::fakes::*;
use graphql_outbox::api::gcdirectory;
use graphql_outbox::outbox::entry::{Claim, Entry, State};
use graphql_outbox::store::{OutboxStore, StoreError};
use graphql_outbox::sync::{ops, First, Stop};
use serde_json::json;

/// A new (unstored) entry of `u` deleting org tier `tier`, with id `id`.
fn fresh(h: &H, id: &str, tier: u32) -> Entry {
    let api = &gcdirectory::API;
    ops::new_entry(api, api.operation("deleteOrgTier").unwrap(), json!({ "id": tier.to_string() }), "u", id.into(), vec![], h.clock.now.get())
}

fn first(h: &H, e: &mut Entry) -> Result<First, StoreError> {
    h.with_drain("u", &|api: &str| Some(format!("http://server/graphql/{api}")), |d| block_on(d.first(e, &|| {})))
}

#[test]
fn with_nothing_before_it_the_entry_is_stored_claimed_sent_and_settled() {
    let h = H::new();
    let mut e = fresh(&h, "c1", 1);
    assert!(matches!(first(&h, &mut e), Ok(First::Sent(Ok(Stop::Idle)))));
    assert_eq!(h.transport.keys(), ["c1"]);
    assert_eq!(h.kinds("c1"), ["queued", "sending", "sent"]);
    let stored = h.get("c1");
    assert_eq!((stored.state, stored.attempts, stored.claim), (State::Sent, 1, None));
    assert_eq!(stored.data, Some(json!({ "key": "c1" })));
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys().len(), 1, "a pass after it sends nothing again");
}

#[test]
fn behind_a_queued_entry_it_is_stored_queued_and_a_pass_sends_both_in_order() {
    let h = H::new();
    h.add(1); // e1, queued
    let mut e = fresh(&h, "c2", 2);
    assert!(matches!(first(&h, &mut e), Ok(First::Queued)));
    assert!(h.transport.sent.borrow().is_empty(), "nothing sent");
    assert_eq!(h.state("c2"), State::Queued);
    assert_eq!(h.kinds("c2"), ["queued"]);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "c2"]);
}

#[test]
fn an_entry_another_tab_is_sending_goes_first() {
    let h = H::new();
    let e1 = h.add(1);
    let held = Entry { state: State::Sending, claim: Some(Claim { owner: "other-tab".into(), until: T0 + 60_000.0 }), ..e1.clone() };
    block_on(h.store.update(&held)).unwrap();
    let mut e = fresh(&h, "c3", 3);
    assert!(matches!(first(&h, &mut e), Ok(First::Queued)));
    assert!(h.transport.sent.borrow().is_empty());
}

#[test]
fn a_dead_entry_holds_it_back_only_if_it_depends_on_it() {
    let h = H::new();
    h.add(1);
    h.transport.push(gql_error("E2TeamNotExist"));
    h.drain();
    assert_eq!(h.state("e1"), State::Dead);
    let mut unrelated = fresh(&h, "c4", 2);
    assert!(matches!(first(&h, &mut unrelated), Ok(First::Sent(Ok(Stop::Idle)))));
    let mut dependant = fresh(&h, "c5", 3);
    dependant.depends_on = vec!["e1".into()];
    assert!(matches!(first(&h, &mut dependant), Ok(First::Queued)));
    assert_eq!(h.transport.keys(), ["e1", "c4"]);
}

#[test]
fn what_cannot_be_sent_now_is_not_stored() {
    let h = H::new();
    // The auth pause with the token that was refused.
    h.add(1);
    h.transport.push(status(401, "", None));
    assert_eq!(h.drain(), Stop::Auth);
    block_on(h.store.update(&Entry { state: State::Discarded, ..h.get("e1") })).unwrap();
    let mut e = fresh(&h, "c6", 2);
    assert!(matches!(first(&h, &mut e), Ok(First::NotTried)));
    assert!(block_on(h.store.get("c6")).unwrap().is_none(), "not stored");
    // No token to be had.
    *h.tokens.0.borrow_mut() = Err("callback threw".into());
    assert!(matches!(first(&h, &mut e), Ok(First::NotTried)));
    // No endpoint.
    h.tokens.set("new");
    let none = h.with_drain("u", &|_: &str| None, |d| block_on(d.first(&mut e, &|| {})));
    assert!(matches!(none, Ok(First::NotTried)));
    assert!(block_on(h.store.get("c6")).unwrap().is_none());
    // A new token lifts the pause.
    assert!(matches!(first(&h, &mut e), Ok(First::Sent(Ok(Stop::Idle)))));
}

#[test]
fn a_failed_attempt_is_recorded_like_a_pass_records_it() {
    let h = H::new();
    h.transport.push(status(503, "", None));
    let mut e = fresh(&h, "c7", 1);
    assert!(matches!(first(&h, &mut e), Ok(First::Sent(Ok(Stop::WaitUntil(_))))));
    let stored = h.get("c7");
    assert_eq!((stored.state, stored.attempts, stored.claim), (State::Retrying, 1, None));
    assert_eq!(h.kinds("c7"), ["queued", "sending", "retrying"]);
}
