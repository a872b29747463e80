//! Tombstones (README "Entry states"): kept 24 h so `settled` answers, then deleted by a full pass.

use crate::drain::{gql_error, H, T0};
use crate::fakes::*;
use graphql_outbox::outbox::entry::State;
use graphql_outbox::store::OutboxStore;
use graphql_outbox::sync::{ops, Stop};
use serde_json::json;

/// README "Entry states": sent and discarded entries are kept 24 h as tombstones (so `settled`
/// works), then a full pass (`Client.open`, `sync()`) deletes them; a cheap pass (new call,
/// timer) does not. Entries that are not tombstones are never deleted for age.
#[test]
fn tombstones_are_kept_24_h_for_settled_then_a_full_pass_deletes_them() {
    use graphql_outbox::sync::drain::TOMBSTONE_MS;
    assert_eq!(TOMBSTONE_MS, 24.0 * 3600.0 * 1000.0, "README promises 24 h");
    let h = H::new();
    h.add(1); // e1: sent
    h.add(2); // e2: dead, then discarded
    h.add(3); // e3: dead, stays dead
    h.add_for("v", "deleteOrgTier", json!({ "id": "9" }), &[]); // e4: another user's, sent by v
    h.transport.push(status(200, r#"{"data":{"deleteOrgTier":true}}"#, None));
    h.transport.push(gql_error("E2TeamNotExist"));
    h.transport.push(gql_error("E2TeamNotExist"));
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.drain_as("v"), Stop::Idle);
    block_on(ops::discard(&h.store, "e2", ops::Actor { user: "u", owner: "this-tab", exclusive: false }, h.clock.now.get())).unwrap();
    assert_eq!([h.state("e1"), h.state("e2"), h.state("e3"), h.state("e4")], [State::Sent, State::Discarded, State::Dead, State::Sent]);
    let settled_at = ["e1", "e2", "e4"].map(|id| h.get(id).settled_at);
    assert!(settled_at.iter().all(|t| *t >= T0 && *t <= h.clock.now.get()), "{settled_at:?}");
    let newest = settled_at.iter().cloned().fold(0.0, f64::max);
    let oldest = settled_at.iter().cloned().fold(f64::INFINITY, f64::min);

    // Exactly 24 h after the oldest tombstone: none is older than 24 h yet, so a full pass
    // keeps them all and `settled` still answers from them.
    h.clock.now.set(oldest + TOMBSTONE_MS);
    h.full.set(true);
    h.drain();
    assert_eq!(ops::outcome(&h.get("e1")).unwrap()["status"], "sent");
    assert_eq!(ops::outcome(&h.get("e2")), Some(json!({ "status": "discarded", "id": "e2" })));
    assert_eq!(ops::outcome(&h.get("e4")).unwrap()["status"], "sent");

    // Past 24 h, a cheap pass (new call, timer) deletes nothing.
    h.clock.now.set(newest + TOMBSTONE_MS + 1.0);
    h.full.set(false);
    h.drain();
    for id in ["e1", "e2", "e4"] {
        assert!(block_on(h.store.get(id)).unwrap().is_some(), "{id} deleted by a cheap pass");
    }
    // A full pass (open, sync) deletes every expired tombstone, of any user, and only those.
    h.full.set(true);
    h.drain();
    for id in ["e1", "e2", "e4"] {
        assert!(block_on(h.store.get(id)).unwrap().is_none(), "{id} is an expired tombstone and should be gone");
    }
    assert_eq!(h.state("e3"), State::Dead, "a dead entry is not a tombstone and stays, however old");
    assert_eq!(h.transport.keys(), ["e1", "e2", "e3", "e4"], "nothing was sent again");
}

#[test]
fn discarding_a_discarded_entry_again_keeps_its_tombstone_time() {
    let h = H::new();
    h.add(1);
    let app = || ops::Actor { user: "u", owner: "this-tab", exclusive: false };
    block_on(ops::discard(&h.store, "e1", app(), T0 + 10.0)).unwrap();
    block_on(ops::discard(&h.store, "e1", app(), T0 + 99_999.0)).unwrap();
    assert_eq!(h.get("e1").settled_at, T0 + 10.0);
}
