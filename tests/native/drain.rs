//! The outbox policy end to end on one thread: MemoryStore + fake transport + fake clock.
//! Ordering, dependencies, answer classes, backoff with the fake clock, the auth pause.

use crate::fakes::*;
use graphql_outbox::api::gcdirectory;
use graphql_outbox::outbox::clock::FakeClock;
use graphql_outbox::outbox::entry::{Entry, State};
use graphql_outbox::outbox::policy::Policy;
use graphql_outbox::store::{MemoryStore, OutboxStore};
use graphql_outbox::sync::{batch, ops, AuthPause, Drain, Event, Stop};
use graphql_outbox::sync::ops::Actor;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};

pub(crate) const T0: f64 = 1_800_000_000_000.0;

pub(crate) struct H {
    pub(crate) store: MemoryStore,
    pub(crate) transport: FakeTransport,
    pub(crate) clock: FakeClock,
    pub(crate) tokens: FakeTokens,
    pub(crate) pause: AuthPause,
    pub(crate) events: RefCell<Vec<Event>>,
    pub(crate) n: Cell<u32>,
    /// The next passes' `full` and `network_back` flags.
    pub(crate) full: Cell<bool>,
    pub(crate) network_back: Cell<bool>,
    /// Passes hold the Web Lock.
    pub(crate) exclusive: Cell<bool>,
    /// APIs configured with `idempotency: "none"`.
    pub(crate) keyless: RefCell<Vec<String>>,
    /// `batch.max` (1 here unless a test sets it: these tests count one request per entry).
    pub(crate) batch_max: Cell<usize>,
    /// (api, status, max) of every batch refusal reported; the API's batches are then at most
    /// `max` long (as the client keeps them).
    pub(crate) refused: RefCell<Vec<(String, u16, usize)>>,
    /// `batch_restored` calls: (the entry refused alone, the limit restored).
    pub(crate) restored: RefCell<Vec<(String, usize)>>,
    /// The client's refused batches, kept as `Inner::refusals` is.
    refusals: RefCell<batch::Refusals>,
    pub(crate) left_for_others: Cell<bool>,
}

impl H {
    pub(crate) fn new() -> H {
        H {
            store: MemoryStore::new(),
            transport: FakeTransport::default(),
            clock: FakeClock::at(T0),
            tokens: FakeTokens::new("good"),
            pause: AuthPause::default(),
            events: RefCell::new(vec![]),
            n: Cell::new(0),
            full: Cell::new(true),
            network_back: Cell::new(false),
            exclusive: Cell::new(false),
            keyless: RefCell::new(vec![]),
            batch_max: Cell::new(1),
            refused: RefCell::new(vec![]),
            restored: RefCell::new(vec![]),
            refusals: RefCell::new(Default::default()),
            left_for_others: Cell::new(false),
        }
    }

    /// Queues `op` for `user` with `vars`; ids are `e1`, `e2`, ... in creation order.
    pub(crate) fn add_for(&self, user: &str, op: &str, vars: Value, depends_on: &[&str]) -> Entry {
        self.n.set(self.n.get() + 1);
        self.clock.advance(1.0);
        let api = &gcdirectory::API;
        let deps = depends_on.iter().map(|s| s.to_string()).collect();
        block_on(ops::enqueue(&self.store, api, api.operation(op).unwrap(), vars, user, format!("e{}", self.n.get()), deps, self.clock.now.get()))
            .unwrap()
    }

    pub(crate) fn add(&self, tier: u32) -> Entry {
        self.add_for("u", "deleteOrgTier", json!({ "id": tier.to_string() }), &[])
    }

    pub(crate) fn drain_as(&self, user: &str) -> Stop {
        self.drain_full(user, &|api: &str| Some(format!("http://server/graphql/{api}")))
    }

    /// A pass as `u` for a client with only the endpoints `endpoint` gives.
    pub(crate) fn drain_with_endpoint(&self, endpoint: &dyn Fn(&str) -> Option<String>) -> Stop {
        self.drain_full("u", endpoint)
    }

    /// A pass as `u`, with the store's error if it failed.
    pub(crate) fn try_drain(&self) -> Result<Stop, graphql_outbox::store::StoreError> {
        self.run_pass("u", &|api: &str| Some(format!("http://server/graphql/{api}")))
    }

    fn drain_full(&self, user: &str, endpoint: &dyn Fn(&str) -> Option<String>) -> Stop {
        self.run_pass(user, endpoint).unwrap()
    }

    fn run_pass(&self, user: &str, endpoint: &dyn Fn(&str) -> Option<String>) -> Result<Stop, graphql_outbox::store::StoreError> {
        self.with_drain(user, endpoint, |d| block_on(d.run()))
    }

    /// `f` with a drain as `user` for a client with the endpoints `endpoint` gives.
    pub(crate) fn with_drain<R>(&self, user: &str, endpoint: &dyn Fn(&str) -> Option<String>, f: impl FnOnce(&Drain<'_, MemoryStore, FakeTransport, FakeClock, FakeTokens>) -> R) -> R {
        let emit = |e: Event| self.events.borrow_mut().push(e);
        let d = Drain {
            store: &self.store,
            transport: &self.transport,
            clock: &self.clock,
            tokens: &self.tokens,
            policy: Policy::default(),
            user,
            endpoint,
            emit: &emit,
            keyless: &|api: &str| self.keyless.borrow().iter().any(|a| a == api),
            pause: &self.pause,
            full: self.full.get(),
            network_back: self.network_back.get(),
            owner: "this-tab",
            exclusive: self.exclusive.get(),
            // As the client does: an API's batches no longer than its last refusal allowed.
            batch_max: &|api: &str| self.batch_max.get().min(self.refusals.borrow().cap(api)),
            batch_refused: &|b: &[Entry], status: u16, _why: &str, max: usize| {
                self.refused.borrow_mut().push((b[0].api.clone(), status, max));
                self.refusals.borrow_mut().refused(&b[0].api, status, b, max);
            },
            batch_restored: &|e: &Entry| {
                self.refusals.borrow_mut().alone_refused(e)?;
                let max = self.batch_max.get().min(self.refusals.borrow().cap(&e.api));
                self.restored.borrow_mut().push((e.id.clone(), max));
                Some(max)
            },
            left_for_others: &self.left_for_others,
            hold: Default::default(),
            epoch: Default::default(),
        };
        f(&d)
    }

    pub(crate) fn drain(&self) -> Stop {
        self.drain_as("u")
    }

    pub(crate) fn state(&self, id: &str) -> State {
        block_on(self.store.get(id)).unwrap().unwrap().state
    }

    pub(crate) fn get(&self, id: &str) -> Entry {
        block_on(self.store.get(id)).unwrap().unwrap()
    }

    pub(crate) fn kinds(&self, id: &str) -> Vec<&'static str> {
        self.events.borrow().iter().filter(|e| e.id == id).map(|e| e.kind).collect()
    }
}

/// The app of this tab acting for `user`.
fn app(user: &str) -> Actor<'_> {
    Actor { user, owner: "this-tab", exclusive: false }
}

pub(crate) fn gql_error(code: &str) -> Answer {
    status(200, &json!({ "data": null, "errors": [{ "message": "refused", "extensions": { "code": code } }] }).to_string(), None)
}

#[test]
fn entries_are_sent_once_each_in_creation_order_with_their_key() {
    let h = H::new();
    for i in 0..5 {
        h.add(i);
    }
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "e2", "e3", "e4", "e5"]);
    let first = &h.transport.sent.borrow()[0];
    assert_eq!(header(first, "authorization").as_deref(), Some("Bearer good"));
    assert_eq!(first.url, "http://server/graphql/gcdirectory");
    let body: Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(body["variables"], json!({ "id": "0" }));
    assert_eq!(h.get("e1").data, Some(json!({ "key": "e1" })));
    assert_eq!(h.kinds("e1"), ["sending", "sent"]);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys().len(), 5, "nothing is sent twice");
}

#[test]
fn a_dead_entry_blocks_only_its_dependants() {
    let h = H::new();
    h.add(1); // e1: dies
    h.add(2); // e2: unrelated
    h.add(1); // e3: same tier as e1 -> blocked
    h.add_for("u", "deleteOrgTier", json!({ "id": "3" }), &["e1"]); // e4: declared dependency
    h.add_for("u", "deleteOrgTier", json!({ "id": "4" }), &["e3"]); // e5: depends on a blocked one
    h.transport.push(gql_error("E2TeamNotExist"));
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!([h.state("e1"), h.state("e2"), h.state("e3"), h.state("e4"), h.state("e5")],
        [State::Dead, State::Sent, State::Blocked, State::Blocked, State::Blocked]);
    assert_eq!(h.transport.keys(), ["e1", "e2"]);
    assert_eq!(h.get("e1").last_error.unwrap()["errors"][0]["extensions"]["code"], "E2TeamNotExist");
    let blocked = h.events.borrow().iter().find(|e| e.id == "e3").cloned().unwrap();
    assert_eq!((blocked.kind, blocked.reason.as_deref()), ("blocked", Some("e1")));
    block_on(ops::retry(&h.store, "e1", app("u"), T0)).unwrap();
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "e2", "e1", "e3", "e4", "e5"], "retried first, then its dependants in order");
    assert!(["e1", "e3", "e4", "e5"].iter().all(|id| h.state(id) == State::Sent));
}

#[test]
fn an_entry_made_after_its_related_entry_died_is_not_blocked() {
    let h = H::new();
    h.add(1);
    h.transport.push(gql_error("DENIED_COMMENT_REQUIRED"));
    h.drain();
    h.add(1); // the app saw e1 fail and made a corrected one
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.state("e2"), State::Sent);
}

#[test]
fn classification_retry_dead_auth() {
    let h = H::new();
    h.add(1);
    h.transport.push(status(400, r#"{"errors":[{"message":"bad request"}]}"#, None));
    h.drain();
    assert_eq!(h.state("e1"), State::Dead);
    h.add(2);
    h.transport.push(status(503, "", None));
    assert!(matches!(h.drain(), Stop::WaitUntil(_)));
    assert_eq!(h.state("e2"), State::Retrying);
    h.add(3);
    h.clock.advance(120_000.0);
    h.transport.push(offline());
    assert!(matches!(h.drain(), Stop::Offline(_)));
    assert_eq!(h.kinds("e2"), ["sending", "retrying", "sending", "retrying", "paused"]);
    assert_eq!(h.transport.keys(), ["e1", "e2", "e2"], "e3 waits behind e2 (order)");
}

#[test]
fn backoff_doubles_with_full_jitter_up_to_the_cap_and_honours_retry_after() {
    let p = Policy::default();
    assert_eq!((p.base_delay_ms, p.max_delay_ms), (1000.0, 60_000.0));
    assert_eq!(p.backoff_ms(1, 0.5), 500.0);
    assert_eq!(p.backoff_ms(2, 0.5), 1000.0);
    assert_eq!(p.backoff_ms(4, 0.5), 4000.0);
    assert_eq!(p.backoff_ms(30, 0.5), 30_000.0, "capped at 60 s");
    assert_eq!(p.backoff_ms(3, 0.0), 0.0, "full jitter starts at 0");
    assert!(p.backoff_ms(3, 0.999) < 4000.0);

    let h = H::new();
    h.add(1);
    h.transport.push(status(503, "", Some("2")));
    h.transport.push(status(503, "", None));
    let start = h.clock.now.get();
    assert_eq!(h.drain(), Stop::WaitUntil(start + 2000.0), "Retry-After 2 s beats the 500 ms backoff");
    h.clock.advance(1999.0);
    assert_eq!(h.drain(), Stop::WaitUntil(start + 2000.0), "not before the time");
    assert_eq!(h.transport.keys().len(), 1);
    h.clock.advance(1.0);
    assert_eq!(h.drain(), Stop::WaitUntil(start + 2000.0 + 1000.0), "second failure: 2^1 * 1000 * 0.5");
    h.clock.advance(1000.0);
    assert_eq!(h.drain(), Stop::Idle);
    let e = h.get("e1");
    assert_eq!((e.state, e.attempts), (State::Sent, 3));
    let retrying: Vec<f64> = h.events.borrow().iter().filter(|e| e.kind == "retrying").map(|e| e.next_attempt_at.unwrap()).collect();
    assert_eq!(retrying, [start + 2000.0, start + 3000.0]);
}

#[test]
fn network_errors_retry_without_limit_but_http_errors_die_after_max_attempts() {
    let h = H::new();
    h.add(1);
    for _ in 0..25 {
        h.transport.push(offline());
        assert!(matches!(h.drain(), Stop::Offline(_)));
        h.clock.advance(120_000.0);
    }
    assert_eq!((h.state("e1"), h.get("e1").attempts), (State::Retrying, 25));
    for _ in 0..9 {
        h.transport.push(status(500, "", None));
        h.drain();
        h.clock.advance(120_000.0);
    }
    assert_eq!(h.state("e1"), State::Retrying, "network errors do not count towards the HTTP limit");
    h.transport.push(status(500, "", None));
    h.drain();
    assert_eq!(h.state("e1"), State::Dead, "the 10th HTTP failure: {:?}", h.get("e1"));
}

#[test]
fn auth_pauses_the_queue_without_counting_until_a_new_token() {
    let h = H::new();
    h.add(1);
    h.add(2);
    h.add(3);
    h.transport.push(status(200, r#"{"data":{"deleteOrgTier":true}}"#, None));
    h.transport.push(status(401, r#"{"error":"unknown token"}"#, None));
    assert_eq!(h.drain(), Stop::Auth);
    assert_eq!((h.state("e2"), h.get("e2").attempts), (State::Auth, 0), "not counted as a failure");
    let paused = h.events.borrow().last().cloned().unwrap();
    assert_eq!((paused.kind, paused.reason.as_deref()), ("paused", Some("auth")));
    assert_eq!(h.drain(), Stop::Auth, "same token: still paused");
    assert_eq!(h.transport.keys(), ["e1", "e2"], "nothing sent while paused");
    h.tokens.set("fresh");
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "e2", "e2", "e3"]);
    assert_eq!(header(&h.transport.sent.borrow()[2], "authorization").as_deref(), Some("Bearer fresh"));
    assert_eq!(h.state("e3"), State::Sent);
}

#[test]
fn a_failing_token_callback_pauses_too() {
    let h = H::new();
    h.add(1);
    *h.tokens.0.borrow_mut() = Err("refresh failed".into());
    assert_eq!(h.drain(), Stop::Auth);
    assert!(h.transport.keys().is_empty());
    h.tokens.set("ok");
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.state("e1"), State::Sent);
}

#[test]
fn another_users_entries_are_never_sent_until_that_user_drains_and_purge_removes_them() {
    let h = H::new();
    h.add_for("alice", "deleteOrgTier", json!({ "id": "1" }), &[]);
    h.add_for("bob", "deleteOrgTier", json!({ "id": "2" }), &[]);
    h.drain_as("bob");
    assert_eq!(h.transport.keys(), ["e2"]);
    assert_eq!(block_on(ops::list(&h.store, "bob", None)).unwrap().len(), 1, "bob sees only his");
    assert_eq!(block_on(ops::purge(&h.store, "carol")).unwrap(), 0);
    h.add_for("alice", "deleteOrgTier", json!({ "id": "3" }), &[]);
    h.drain_as("alice");
    assert_eq!(h.transport.keys(), ["e2", "e1", "e3"]);
    assert_eq!(block_on(ops::purge(&h.store, "alice")).unwrap(), 2);
    assert_eq!(block_on(h.store.list()).unwrap().entries.len(), 1);
}

#[test]
fn an_entry_caught_mid_send_is_sent_again_with_the_same_key() {
    let h = H::new();
    let mut e = h.add(1);
    e.state = State::Sending; // the page died while the request was in flight
    e.attempts = 1;
    block_on(h.store.update(&e)).unwrap();
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1"]);
    assert_eq!(h.get("e1").attempts, 2);
}

#[test]
fn discard_settles_and_stats_count_by_state() {
    let h = H::new();
    h.add(1);
    h.add(2);
    h.add(3);
    h.transport.push(gql_error("X"));
    h.transport.push(offline());
    h.drain();
    block_on(ops::discard(&h.store, "e1", app("u"), T0)).unwrap();
    assert_eq!(ops::outcome(&h.get("e1")), Some(json!({ "status": "discarded", "id": "e1" })));
    let s = block_on(ops::stats(&h.store, "u", h.clock.now.get())).unwrap();
    assert_eq!(s["byState"]["discarded"], 1);
    assert_eq!(s["byState"]["retrying"], 1);
    assert_eq!(s["byState"]["queued"], 1);
    assert_eq!(s["total"], 3);
    assert_eq!(s["oldestAgeMs"], 1.0, "e2 made 1 ms after e1, now 1 ms later");
    assert!(s["bytes"].as_u64().unwrap() > 300);
    assert!(block_on(ops::discard(&h.store, "nope", app("u"), T0)).is_err());
    assert!(block_on(ops::retry(&h.store, "e2", app("someone-else"), T0)).is_err(), "another user's entry is not found");
}

#[test]
fn a_corrupt_record_is_quarantined_and_reported_without_stopping_the_drain() {
    let h = H::new();
    h.add(1);
    block_on(h.store.insert_raw(json!({ "id": "broken", "state": "nonsense" }))).unwrap();
    h.add(2);
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "e2"]);
    assert_eq!(h.kinds("broken"), ["quarantined"]);
    assert_eq!(block_on(h.store.quarantine()).unwrap().len(), 1);
}

#[test]
fn the_cheap_pass_sees_the_same_queue_as_the_full_one() {
    let h = H::new();
    h.full.set(false);
    h.add(1);
    h.add_for("other", "deleteOrgTier", json!({ "id": "9" }), &[]);
    h.add(2);
    h.transport.push(gql_error("X"));
    assert_eq!(h.drain(), Stop::Idle);
    h.add(2); // made after e1 died: not blocked; e3 shares nothing with e1
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!(h.transport.keys(), ["e1", "e3", "e4"], "other users' entries are not read");
    assert_eq!(h.state("e2"), State::Queued);
}

#[test]
fn when_the_network_may_be_back_a_no_answer_backoff_is_skipped_but_not_an_http_one() {
    let h = H::new();
    h.add(1);
    h.transport.push(offline());
    assert!(matches!(h.drain(), Stop::Offline(_)));
    h.clock.random.set(0.99);
    h.transport.push(offline());
    h.network_back.set(true); // the online event
    assert!(matches!(h.drain(), Stop::Offline(_)), "tried again at once");
    assert_eq!(h.transport.keys().len(), 2);
    h.transport.push(status(503, "", Some("30")));
    assert!(matches!(h.drain(), Stop::Offline(_) | Stop::WaitUntil(_)));
    let sent = h.transport.keys().len();
    assert_eq!(h.drain(), Stop::WaitUntil(h.get("e1").next_attempt_at), "Retry-After still holds");
    assert_eq!(h.transport.keys().len(), sent);
}

#[test]
fn discarding_a_dead_entry_releases_its_dependants() {
    let h = H::new();
    h.add(1);
    h.add(1);
    h.transport.push(gql_error("X"));
    h.drain();
    assert_eq!(h.state("e2"), State::Blocked);
    block_on(ops::discard(&h.store, "e1", app("u"), T0)).unwrap();
    assert_eq!(h.drain(), Stop::Idle);
    assert_eq!((h.state("e1"), h.state("e2")), (State::Discarded, State::Sent));
    assert_eq!(h.transport.keys(), ["e1", "e2"], "the discarded entry is not sent again");
}

