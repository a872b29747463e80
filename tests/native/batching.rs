//! Batched drains on fakes: which entries go out together (max, dependencies, API, order), one
//! request per batch with each entry's key in `extensions.idempotencyKey`, each entry's own
//! outcome from its element of the answer, a transport failure for all of them, and the fallback
//! to single requests when the endpoint refuses batches.

use crate::drain::{H, T0};
use crate::fakes::*;
use graphql_outbox::outbox::entry::{Claim, Entry, State};
use graphql_outbox::store::OutboxStore;
use graphql_outbox::sync::batch::{next_batch, split, Split};
use graphql_outbox::sync::Stop;
use graphql_outbox::transport::HttpResponse;
use serde_json::{json, Value};

fn batched(max: usize) -> H {
    let h = H::new();
    h.batch_max.set(max);
    h
}

/// `n` entries on distinct org tiers (no shared entity: nothing depends on anything).
fn add_distinct(h: &H, n: u32) {
    for _ in 0..n {
        h.add(100 + h.n.get());
    }
}

fn listed(h: &H) -> Vec<Entry> {
    block_on(h.store.list_active("u")).unwrap()
}

fn array(items: Vec<Value>) -> Answer {
    status(200, &Value::Array(items).to_string(), None)
}

fn ok(op: &str) -> Value {
    json!({ "data": { op: { "id": "x" } } })
}

#[test]
fn next_batch_takes_up_to_max_in_order_and_stops_at_a_dependency_or_another_api() {
    let h = H::new();
    add_distinct(&h, 5);
    let all = listed(&h);
    assert_eq!(next_batch(&all, 0, 3, |_| true), 3);
    assert_eq!(next_batch(&all, 3, 3, |_| true), 5, "the rest");
    assert_eq!(next_batch(&all, 0, 1, |_| true), 1, "max 1: no batching");
    assert_eq!(next_batch(&all, 1, 20, |e| e.id != "e4"), 3, "the first that cannot join ends the batch");

    // e6 shares tier 100 with e1: it starts a new batch. e7 declares it depends on e2.
    h.add(100);
    h.add_for("u", "deleteOrgTier", json!({ "id": "900" }), &["e2"]);
    let all = listed(&h);
    assert_eq!(next_batch(&all, 0, 20, |_| true), 5, "e6 depends on e1 (same tier)");
    assert_eq!(next_batch(&all, 5, 20, |_| true), 7, "e6 and e7 (e2 is in no batch with e7)");
    assert_eq!(next_batch(&all, 1, 20, |_| true), 6, "from e2: e6 joins (e1 is not in it), e7 depends on e2 and ends it");
    let mut other_api = all.clone();
    other_api[2].api = "worksome".into();
    assert_eq!(next_batch(&other_api, 0, 20, |_| true), 2, "another API ends the batch");
}

#[test]
fn queued_entries_go_out_in_batches_of_max_in_creation_order_each_with_its_key() {
    let h = batched(20);
    add_distinct(&h, 45);
    assert_eq!(h.drain(), Stop::Idle);
    let sizes: Vec<usize> = h.transport.batches().iter().map(Vec::len).collect();
    assert_eq!(sizes, [20, 20, 5]);
    let expected: Vec<String> = (1..=45).map(|i| format!("e{i}")).collect();
    assert_eq!(h.transport.keys(), expected, "creation order, each key once");
    let first = &h.transport.sent.borrow()[0];
    assert_eq!(header(first, "idempotency-key"), None, "keys travel in the elements");
    assert_eq!(header(first, "authorization").as_deref(), Some("Bearer good"));
    for i in 1..=45 {
        let e = h.get(&format!("e{i}"));
        assert_eq!((e.state, e.attempts, e.data), (State::Sent, 1, Some(json!({ "key": format!("e{i}") }))));
        assert_eq!(h.kinds(&e.id), ["sending", "sent"], "events per entry");
    }
}

#[test]
fn the_element_is_the_single_body_plus_the_key_and_the_same_bytes_on_every_attempt() {
    let h = batched(20);
    add_distinct(&h, 2);
    h.transport.push(offline());
    assert!(matches!(h.drain(), Stop::Offline(_)));
    h.network_back.set(true);
    assert_eq!(h.drain(), Stop::Idle);
    let sent = h.transport.sent.borrow();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body, "byte-identical across attempts");
    let ops: Value = serde_json::from_str(&sent[0].body).unwrap();
    let single = graphql_outbox::outbox::request::build(&h.get("e1"), "http://x", None).unwrap();
    let mut alone: Value = serde_json::from_str(&single.body).unwrap();
    alone["extensions"] = json!({ "idempotencyKey": "e1" });
    assert_eq!(ops[0], alone);
}

#[test]
fn each_element_decides_its_own_entry_and_a_graphql_error_kills_only_that_one() {
    let h = batched(20);
    add_distinct(&h, 3);
    // e4 depends on e2 (declared): it goes in the next batch, and is blocked once e2 is dead.
    h.add_for("u", "deleteOrgTier", json!({ "id": "900" }), &["e2"]);
    let refused = json!({ "data": null, "errors": [{ "message": "no such tier", "extensions": { "code": "E404" } }] });
    h.transport.push(array(vec![ok("deleteOrgTier"), refused, ok("deleteOrgTier")]));
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.batches(), [vec!["e1", "e2", "e3"]]);
    assert_eq!((h.state("e1"), h.state("e2"), h.state("e3")), (State::Sent, State::Dead, State::Sent));
    assert_eq!(h.get("e2").last_error.unwrap()["errors"][0]["extensions"]["code"], "E404");
    assert_eq!(h.state("e4"), State::Blocked, "its dependant waits");
    assert_eq!(h.kinds("e2"), ["sending", "dead"]);
}

#[test]
fn a_transport_failure_is_a_network_failure_of_every_entry_of_the_batch() {
    let h = batched(20);
    add_distinct(&h, 3);
    h.transport.push(offline());
    assert!(matches!(h.drain(), Stop::Offline(_)));
    for id in ["e1", "e2", "e3"] {
        let e = h.get(id);
        assert_eq!((e.state, e.attempts, e.http_failures), (State::Retrying, 1, 0), "{id}");
        assert_eq!(e.last_error.unwrap()["kind"], "network");
        assert_eq!(h.kinds(id), ["sending", "retrying", "paused"]);
    }
}

#[test]
fn a_503_or_a_401_to_the_batch_applies_to_each_entry() {
    let h = batched(20);
    add_distinct(&h, 2);
    h.transport.push(status(503, "busy", Some("1")));
    assert!(matches!(h.drain(), Stop::WaitUntil(_)));
    assert_eq!((h.get("e1").http_failures, h.get("e2").http_failures), (1, 1));
    h.clock.advance(120_000.0);
    h.transport.push(status(401, r#"{"error":"expired"}"#, None));
    assert_eq!(h.drain(), Stop::Auth);
    assert_eq!((h.state("e1"), h.state("e2")), (State::Auth, State::Auth));
    h.tokens.set("fresh");
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!((h.state("e1"), h.state("e2")), (State::Sent, State::Sent));
    assert_eq!(h.transport.batches().len(), 3, "one request per pass, each with both entries");
}

#[test]
fn an_endpoint_that_refuses_batches_gets_single_requests_in_the_same_pass() {
    for refusal in [status(400, r#"{"error":{"code":"BATCH_REFUSED","message":"no batches"}}"#, None), status(200, r#"{"data":{}}"#, None)] {
        let h = batched(20);
        add_distinct(&h, 3);
        let want = match &refusal {
            Ok(HttpResponse { status, .. }) => *status,
            Err(_) => unreachable!(),
        };
        h.transport.push(refusal);
        assert_eq!(h.drain(), Stop::Idle);
        assert_eq!(h.refused.borrow().clone(), [("gcdirectory".to_string(), want, 1)]);
        assert_eq!(h.transport.batches(), [vec!["e1", "e2", "e3"], vec!["e1"], vec!["e2"], vec!["e3"]]);
        for id in ["e1", "e2", "e3"] {
            assert_eq!((h.state(id), h.get(id).attempts), (State::Sent, 1), "the refused batch does not count as an attempt");
        }
        // Later passes of this client send singly too.
        add_distinct(&h, 2);
        assert_eq!(h.drain(), Stop::Idle);
        assert_eq!(h.transport.batches()[4..], [vec!["e4"], vec!["e5"]]);
    }
}

#[test]
fn an_endpoint_with_a_batch_limit_gets_batches_half_as_long_until_they_pass() {
    // 413 as GraphQL Yoga answers a batch over its limit, 422 as Apollo Router does.
    for (code, body) in [(413, r#"{"errors":[{"message":"Batching is limited to 2 operations per request."}]}"#), (422, r#"{"errors":[{"message":"Invalid GraphQL request"}]}"#)] {
        let h = batched(8);
        add_distinct(&h, 8);
        h.transport.push(status(code, body, None));
        h.transport.push(status(code, body, None));
        // Then every request succeeds (the fake's echo).
        assert_eq!(h.drain(), Stop::Idle);
        let g = "gcdirectory".to_string();
        assert_eq!(h.refused.borrow().clone(), [(g.clone(), code, 4), (g, code, 2)]);
        let ids = |r: std::ops::Range<u32>| r.map(|i| format!("e{i}")).collect::<Vec<_>>();
        assert_eq!(h.transport.batches(), [ids(1..9), ids(1..5), ids(1..3), ids(3..5), ids(5..7), ids(7..9)]);
        for id in ids(1..9) {
            assert_eq!((h.state(&id), h.get(&id).attempts), (State::Sent, 1), "refused batches do not count as attempts");
        }
        assert!(h.restored.borrow().is_empty(), "a length limit, not one large entry");
        // Later passes of this client start at the length that passed.
        add_distinct(&h, 3);
        assert_eq!(h.drain(), Stop::Idle);
        assert_eq!(h.transport.batches()[6..], [ids(9..11), ids(11..12)]);
    }
}

#[test]
fn an_entry_too_large_on_its_own_gives_back_the_batch_length_its_refusals_took() {
    // A body-size limit (the reference server's axum answers 413 over 2 MB): every request
    // holding e3 is refused. Before, the halvings stayed: one request per entry for the
    // client's life.
    let h = batched(8);
    add_distinct(&h, 8);
    let too_large = || status(413, "Failed to buffer the request body: length limit exceeded", None);
    h.transport.push(too_large());
    h.transport.push(too_large());
    h.transport.push(array(vec![ok("deleteOrgTier"), ok("deleteOrgTier")]));
    h.transport.push(too_large());
    h.transport.push(too_large());
    assert_eq!(h.drain(), Stop::Idle);
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("e{i}")).collect::<Vec<_>>();
    assert_eq!(h.transport.batches(), [ids(1..9), ids(1..5), ids(1..3), ids(3..5), ids(3..4), ids(4..9)], "after e3 alone, the rest in one batch");
    let g = "gcdirectory".to_string();
    assert_eq!(h.refused.borrow().clone(), [(g.clone(), 413, 4), (g.clone(), 413, 2), (g, 413, 1)]);
    assert_eq!(h.restored.borrow().clone(), [("e3".to_string(), 8)]);
    assert_eq!(h.state("e3"), State::Dead);
    assert_eq!(h.get("e3").last_error.unwrap()["status"], 413);
    for id in ids(1..9).into_iter().filter(|id| id != "e3") {
        assert_eq!((h.state(&id), h.get(&id).attempts), (State::Sent, 1), "{id}");
    }
    // Later passes of this client send batches of 8 again.
    add_distinct(&h, 9);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.batches()[6..], [ids(9..17), ids(17..18)]);

    // An entry refused alone with no refused batch before it (no batching) gives nothing back.
    let h = batched(1);
    add_distinct(&h, 2);
    h.transport.push(too_large());
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!((h.state("e1"), h.state("e2")), (State::Dead, State::Sent));
    assert!(h.restored.borrow().is_empty());
}

#[test]
fn the_length_is_given_back_when_the_large_entry_is_refused_alone_in_a_later_pass() {
    // The pass that halved the batches stops (no answer) before e3 goes alone; the next one
    // still gives the length back (found by review: the refusals were the pass's own).
    let h = batched(4);
    add_distinct(&h, 6);
    let too_large = || status(413, "length limit exceeded", None);
    h.transport.push(too_large());
    h.transport.push(array(vec![ok("deleteOrgTier"), ok("deleteOrgTier")]));
    h.transport.push(too_large());
    h.transport.push(offline());
    assert!(matches!(h.drain(), Stop::Offline(_)));
    h.network_back.set(true);
    h.transport.push(too_large());
    assert_eq!(h.drain(), Stop::Idle);
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("e{i}")).collect::<Vec<_>>();
    assert_eq!(h.transport.batches(), [ids(1..5), ids(1..3), ids(3..5), ids(3..4), ids(3..4), ids(4..7)]);
    assert_eq!(h.restored.borrow().clone(), [("e3".to_string(), 4)]);
    assert_eq!(h.state("e3"), State::Dead);
}

#[test]
fn a_length_limit_other_batches_taught_stays_when_a_large_entry_gives_its_refusals_back() {
    // The endpoint takes 2 per batch (413 above), and e5 is too large on its own: e5's
    // refusals are forgotten, not the one of e1..e4 (found by review: the length went back to
    // 8, and the 3 after e5 were refused and halved down to 1 for the client's life).
    let h = batched(8);
    add_distinct(&h, 8);
    let too_large = || status(413, "too large", None);
    let ok2 = || array(vec![ok("deleteOrgTier"), ok("deleteOrgTier")]);
    for a in [too_large(), too_large(), ok2(), ok2(), too_large(), too_large()] {
        h.transport.push(a);
    }
    assert_eq!(h.drain(), Stop::Idle);
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("e{i}")).collect::<Vec<_>>();
    assert_eq!(h.transport.batches(), [ids(1..9), ids(1..5), ids(1..3), ids(3..5), ids(5..7), ids(5..6), ids(6..8), ids(8..9)]);
    assert_eq!(h.restored.borrow().clone(), [("e5".to_string(), 2)]);
    add_distinct(&h, 4);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.batches()[8..], [ids(9..11), ids(11..13)], "later passes: batches of 2");
}

#[test]
fn a_refusal_shortens_only_its_own_apis_batches_in_that_pass() {
    let h = batched(20);
    add_distinct(&h, 3);
    // Three Worksome entries after them, on distinct timesheets.
    for t in 0..3 {
        h.n.set(h.n.get() + 1);
        h.clock.advance(1.0);
        let api = &graphql_outbox::api::worksome::API;
        let vars = json!({ "input": { "id": format!("ts-{t}") } });
        block_on(graphql_outbox::sync::ops::enqueue(&h.store, api, api.operation("deleteTimesheet").unwrap(), vars, "u", format!("e{}", h.n.get()), vec![], h.clock.now.get())).unwrap();
    }
    h.transport.push(status(400, r#"{"error":{"code":"BATCH_REFUSED","message":"no batches"}}"#, None));
    assert_eq!(h.drain(), Stop::Idle);
    let ids = |r: std::ops::Range<u32>| r.map(|i| format!("e{i}")).collect::<Vec<_>>();
    assert_eq!(h.transport.batches(), [ids(1..4), ids(1..2), ids(2..3), ids(3..4), ids(4..7)], "Worksome's entries still go out as one batch");
    assert_eq!(h.refused.borrow().clone(), [("gcdirectory".to_string(), 400, 1)]);
}

#[test]
fn max_after_refusal_halves_for_too_long_and_stops_batching_otherwise() {
    use graphql_outbox::sync::batch::max_after_refusal;
    assert_eq!([max_after_refusal(413, 50), max_after_refusal(413, 25), max_after_refusal(422, 12), max_after_refusal(413, 3), max_after_refusal(413, 2)], [25, 12, 6, 1, 1]);
    for other in [400, 404, 405, 415, 200] {
        assert_eq!(max_after_refusal(other, 50), 1, "HTTP {other}");
    }
}

#[test]
fn a_keyless_api_that_answers_a_batch_with_a_non_array_may_have_applied_it() {
    let h = batched(20);
    h.keyless.borrow_mut().push("gcdirectory".into());
    h.add_for("u", "createOrgTier", json!({ "nameEn": "A", "nameFr": "A", "organization": { "id": "1" }, "owner": { "gcID": "1" } }), &[]);
    h.add(7);
    h.transport.push(status(200, "<html>portal</html>", None));
    h.drain();
    assert_eq!(h.transport.batches(), [vec!["e1", "e2"]], "not resent at once: that could apply them twice");
    assert_eq!(h.state("e1"), State::Unknown, "createOrgTier is not idempotent by nature");
    assert_eq!(h.state("e2"), State::Retrying, "deleteOrgTier is: resent later");
    // But later attempts go singly: batched, the same answer would come back on every pass.
    assert_eq!(h.refused.borrow().clone(), [("gcdirectory".to_string(), 200, 1)]);
    h.add(8);
    h.clock.advance(3_600_000.0);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.batches(), [vec!["e1", "e2"], vec!["e2"], vec!["e3"]], "then singly");
    assert_eq!((h.state("e2"), h.state("e3")), (State::Sent, State::Sent));
}

#[test]
fn without_the_web_lock_a_batch_stops_before_an_entry_another_tab_is_sending() {
    let h = batched(20);
    add_distinct(&h, 4);
    let mut e3 = h.get("e3");
    e3.state = State::Sending;
    e3.claim = Some(Claim { owner: "other-tab".into(), until: T0 + 60_000.0 });
    block_on(h.store.update(&e3)).unwrap();
    let stop = h.drain();
    assert!(matches!(stop, Stop::Busy(_)), "{stop:?}");
    assert_eq!(h.transport.batches(), [vec!["e1", "e2"]]);
    assert_eq!((h.state("e4"), h.get("e4").claim), (State::Queued, None), "not claimed: nothing was written after the busy one");
}

#[test]
fn split_maps_answers_to_entries() {
    let elems = split(array(vec![json!({ "data": { "a": 1 } }), json!({ "errors": [] })]), 2);
    let Split::Each(each) = elems else { panic!("{elems:?}") };
    assert_eq!(each[0].as_ref().unwrap().body, r#"{"data":{"a":1}}"#);
    assert!(matches!(split(array(vec![json!({})]), 2), Split::NotBatch { applied_maybe: true, .. }), "wrong length");
    assert!(matches!(split(status(413, "", None), 2), Split::NotBatch { status: 413, applied_maybe: false, .. }));
    assert!(matches!(split(status(502, "", None), 2), Split::Each(v) if v.len() == 2));
    assert!(matches!(split(offline(), 3), Split::Each(v) if v.len() == 3 && v[0].is_err()));
}

/// Under the Web Lock the claims are not awaited, and a batch's outcome write and events are
/// held until the next request is on its way (`sync/hold.rs`): nothing changes in what is
/// sent, what is reported and in which order, or what ends up stored.
#[test]
fn under_the_web_lock_the_batches_go_out_and_held_outcomes_are_reported_in_order_and_written() {
    let h = batched(3);
    h.exclusive.set(true);
    add_distinct(&h, 7);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.batches().iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    let seq: Vec<(String, &str)> = h.events.borrow().iter().map(|e| (e.id.clone(), e.kind)).collect();
    let batch = |ids: &[u32], kind: &'static str| ids.iter().map(move |i| (format!("e{i}"), kind)).collect::<Vec<_>>();
    let expected = [batch(&[1, 2, 3], "sending"), batch(&[1, 2, 3], "sent"), batch(&[4, 5, 6], "sending"), batch(&[4, 5, 6], "sent"), batch(&[7], "sending"), batch(&[7], "sent")].concat();
    assert_eq!(seq, expected, "the events as without holding them");
    for i in 1..=7 {
        let e = h.get(&format!("e{i}"));
        assert_eq!((e.state, e.attempts, e.claim), (State::Sent, 1, None), "e{i} stored sent");
    }
}

#[test]
fn under_the_web_lock_a_failed_batch_stops_the_pass_with_the_earlier_outcomes_written() {
    let h = batched(2);
    h.exclusive.set(true);
    add_distinct(&h, 5);
    h.transport.push(array(vec![ok("deleteOrgTier"), ok("deleteOrgTier")]));
    h.transport.push(status(503, "busy", None));
    assert!(matches!(h.drain(), Stop::WaitUntil(_)));
    assert_eq!(h.transport.batches(), [vec!["e1", "e2"], vec!["e3", "e4"]], "nothing after the failed batch");
    assert_eq!((h.state("e1"), h.state("e2")), (State::Sent, State::Sent));
    assert_eq!((h.state("e3"), h.state("e4"), h.state("e5")), (State::Retrying, State::Retrying, State::Queued));
    assert_eq!(h.kinds("e3"), ["sending", "retrying"]);
    assert_eq!(h.kinds("e5"), Vec::<&str>::new());
}

/// What is on disk while a request is in flight (what a crash would leave). Under the Web Lock
/// an API with idempotency keys writes no claim: the entries read back as listed (`queued`) and
/// a crash resends them with their keys. Without the Web Lock (the claim is the exclusion) and
/// for an `idempotency: "none"` API (the stored `sending` says the request may have gone out)
/// the claim is on disk before the answer, batched or not; every case ends with all sent.
#[test]
fn the_claim_is_stored_during_the_send_only_without_the_web_lock_or_for_a_keyless_api() {
    use std::future::Future;
    let endpoint = |api: &str| Some(format!("http://server/graphql/{api}"));
    for max in [1, 3] {
        for (exclusive, keyless) in [(true, false), (true, true), (false, false), (false, true)] {
            let h = batched(max);
            h.exclusive.set(exclusive);
            if keyless {
                h.keyless.borrow_mut().push("gcdirectory".into());
            }
            add_distinct(&h, 3);
            h.transport.hang.set(true);
            let in_flight = h.with_drain("u", &endpoint, |d| {
                let mut run = std::pin::pin!(d.run());
                let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
                assert!(run.as_mut().poll(&mut cx).is_pending(), "the first request is in flight");
                let stored = h.get("e1");
                while run.as_mut().poll(&mut cx).is_pending() {}
                stored
            });
            let case = format!("max {max}, Web Lock {exclusive}, keyless {keyless}");
            if exclusive && !keyless {
                assert_eq!((in_flight.state, in_flight.attempts, in_flight.claim), (State::Queued, 0, None), "{case}: no claim written");
            } else {
                assert_eq!((in_flight.state, in_flight.attempts), (State::Sending, 1), "{case}: the claim is on disk");
                assert_eq!(in_flight.claim.map(|c| c.owner), Some("this-tab".to_string()), "{case}");
            }
            for i in 1..=3 {
                let e = h.get(&format!("e{i}"));
                assert_eq!((e.state, e.attempts, e.claim), (State::Sent, 1, None), "{case}: e{i} stored sent");
                assert_eq!(h.kinds(&format!("e{i}")), ["sending", "sent"], "{case}: the events as before");
            }
        }
    }
}
