//! The claim around each send: two drain passes (two tabs without Web Locks) over one store,
//! interleaved at every request, never send one entry at once, keep creation order, and send
//! each entry once; a dead drainer's claim holds until it expires, or until a pass holding the
//! Web Lock takes it over.

use crate::fakes::*;
use graphql_outbox::api::gcdirectory;
use graphql_outbox::outbox::clock::{Clock, FakeClock};
use graphql_outbox::outbox::entry::{Claim, State};
use graphql_outbox::outbox::policy::Policy;
use graphql_outbox::store::{MemoryStore, OutboxStore};
use graphql_outbox::sync::drain::LEASE_MS;
use graphql_outbox::sync::{ops, AuthPause, Drain, Event, Stop, Tokens};
use serde_json::json;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const T0: f64 = 1_800_000_000_000.0;

struct Tabs {
    store: MemoryStore,
    transport: SlowTransport,
    clock: FakeClock,
    tokens: SlowTokens,
    pause: AuthPause,
    events: RefCell<Vec<(String, Event)>>,
}

/// An app's async token callback: it yields once, as a promise does, so the other tab may run
/// between one entry's outcome and the claim of the next.
struct SlowTokens;

impl Tokens for SlowTokens {
    async fn token(&self, _api: &str) -> Result<Option<String>, String> {
        YieldOnce(false).await;
        Ok(Some("good".into()))
    }
}

type Pass<'a> = Pin<Box<dyn Future<Output = Stop> + 'a>>;

impl Tabs {
    fn new(n: u32) -> Tabs {
        let t = Tabs {
            store: MemoryStore::new(),
            transport: SlowTransport::default(),
            clock: FakeClock::at(T0),
            tokens: SlowTokens,
            pause: AuthPause::default(),
            events: RefCell::new(vec![]),
        };
        let api = &gcdirectory::API;
        for i in 1..=n {
            let op = api.operation("deleteOrgTier").unwrap();
            block_on(ops::enqueue(&t.store, api, op, json!({ "id": i.to_string() }), "u", format!("e{i}"), vec![], T0 + i as f64)).unwrap();
        }
        t
    }

    /// A pass of the tab `owner` (not holding a Web Lock unless `exclusive`).
    fn pass<'a>(&'a self, owner: &'a str, exclusive: bool) -> Pass<'a> {
        self.pass_with(owner, exclusive, true)
    }

    /// A pass of a tab with or without an endpoint for the entries' API.
    fn pass_with<'a>(&'a self, owner: &'a str, exclusive: bool, has_endpoint: bool) -> Pass<'a> {
        let pass = self.try_pass(owner, exclusive, has_endpoint);
        Box::pin(async move { pass.await.unwrap() })
    }

    /// `pass_with`, its store error kept.
    fn try_pass<'a>(&'a self, owner: &'a str, exclusive: bool, has_endpoint: bool) -> Pin<Box<dyn Future<Output = Result<Stop, graphql_outbox::store::StoreError>> + 'a>> {
        Box::pin(async move {
            let endpoint = |api: &str| has_endpoint.then(|| format!("http://server/graphql/{api}"));
            let emit = |e: Event| self.events.borrow_mut().push((owner.to_string(), e));
            let d = Drain {
                store: &self.store,
                transport: &self.transport,
                clock: &self.clock,
                tokens: &self.tokens,
                policy: Policy::default(),
                user: "u",
                endpoint: &endpoint,
                emit: &emit,
                keyless: &|_: &str| false,
                pause: &self.pause,
                full: false,
                network_back: false,
                owner,
                exclusive,
                batch_max: &|_: &str| 1,
                batch_refused: &|_: &[graphql_outbox::outbox::entry::Entry], _: u16, _: &str, _: usize| {},
                batch_restored: &|_: &graphql_outbox::outbox::entry::Entry| None,
                left_for_others: &std::cell::Cell::new(false),
                hold: Default::default(),
                epoch: Default::default(),
            };
            d.run().await
        })
    }

    fn poll(&self, who: &str, p: &mut Pass<'_>) -> Poll<Stop> {
        *self.transport.sender.borrow_mut() = who.to_string();
        p.as_mut().poll(&mut Context::from_waker(Waker::noop()))
    }

    fn sent(&self) -> usize {
        block_on(self.store.list()).unwrap().entries.iter().filter(|e| e.state == State::Sent).count()
    }
}

/// Two tabs drain 60 entries, their passes polled in a pseudo-random interleaving; a tab whose
/// pass stops on a busy entry starts another (as the other tab's events nudge it).
#[test]
fn two_drainers_never_send_one_entry_at_once_and_keep_order() {
    let n = 60;
    let t = Tabs::new(n);
    let owners = ["tab-a", "tab-b"];
    let mut passes: Vec<Option<Pass<'_>>> = vec![Some(t.pass(owners[0], false)), Some(t.pass(owners[1], false))];
    let mut busy_stops = [0, 0];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..100_000 {
        if t.sent() == n as usize {
            break;
        }
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let i = (seed % 2) as usize;
        let p = passes[i].get_or_insert_with(|| t.pass(owners[i], false));
        if let Poll::Ready(stop) = t.poll(owners[i], p) {
            passes[i] = None;
            if matches!(stop, Stop::Busy(_)) {
                busy_stops[i] += 1;
            }
        }
    }
    assert_eq!(t.sent(), n as usize, "every entry sent");
    assert_eq!(*t.transport.overlaps.borrow(), Vec::<String>::new(), "no entry sent twice at once");
    let started = t.transport.started.borrow();
    let keys: Vec<String> = started.iter().map(|(k, _)| k.clone()).collect();
    let expected: Vec<String> = (1..=n).map(|i| format!("e{i}")).collect();
    assert_eq!(keys, expected, "each entry sent once, in creation order, across both tabs");
    for o in owners {
        assert!(started.iter().any(|(_, s)| s == o), "{o} sent nothing: no competition; {started:?}");
    }
    assert!(busy_stops.iter().all(|&b| b > 0), "both tabs found an entry claimed by the other: {busy_stops:?}");
    let busy_events = t.events.borrow().iter().filter(|(_, e)| e.kind == "paused" && e.reason.as_deref() == Some("busy")).count();
    assert!(busy_events > 0, "a busy stop is reported as paused/busy");
}

/// A drainer that died mid-send holds its entry until the lease ends; a pass under the Web Lock
/// knows the holder is gone and sends at once.
#[test]
fn a_dead_drainers_claim_holds_until_it_expires_unless_the_web_lock_is_held() {
    let t = Tabs::new(2);
    let mut e1 = block_on(t.store.get("e1")).unwrap().unwrap();
    e1.state = State::Sending;
    e1.attempts = 1;
    e1.claim = Some(Claim { owner: "closed-tab".into(), until: T0 + LEASE_MS });
    block_on(t.store.update(&e1)).unwrap();

    let run = |owner: &str, exclusive: bool| {
        let mut p = t.pass(owner, exclusive);
        loop {
            if let Poll::Ready(stop) = t.poll(owner, &mut p) {
                return stop;
            }
        }
    };
    assert_eq!(run("tab-b", false), Stop::Busy(T0 + LEASE_MS), "held: stop there, look again at expiry");
    assert!(t.transport.started.borrow().is_empty(), "nothing sent, not even the later entry (order)");
    t.clock.advance(LEASE_MS - 1.0);
    assert!(matches!(run("tab-b", false), Stop::Busy(_)), "still held 1 ms before expiry");
    t.clock.advance(1.0);
    assert_eq!(run("tab-b", false), Stop::Idle, "expired: sent");
    assert_eq!(t.sent(), 2);
    let e1 = block_on(t.store.get("e1")).unwrap().unwrap();
    assert_eq!((e1.attempts, e1.claim), (2, None), "the outcome write cleared the claim");

    let t = Tabs::new(1);
    let mut e1 = block_on(t.store.get("e1")).unwrap().unwrap();
    e1.claim = Some(Claim { owner: "closed-tab".into(), until: t.clock.now_ms() + LEASE_MS });
    block_on(t.store.update(&e1)).unwrap();
    let mut p = t.pass("tab-b", true);
    let stop = loop {
        if let Poll::Ready(stop) = t.poll("tab-b", &mut p) {
            break stop;
        }
    };
    assert_eq!((stop, t.sent()), (Stop::Idle, 1), "under the Web Lock the dead tab's claim is taken over");
}

/// Discard and retry refuse an entry another tab is sending (its outcome would overwrite them).
#[test]
fn discard_and_retry_wait_for_an_entry_being_sent_elsewhere() {
    let t = Tabs::new(1);
    let mut p = t.pass("tab-a", false);
    while t.transport.in_flight.borrow().is_empty() {
        assert!(t.poll("tab-a", &mut p).is_pending());
    }
    let tab_b = ops::Actor { user: "u", owner: "tab-b", exclusive: false };
    let err = block_on(ops::discard(&t.store, "e1", tab_b, t.clock.now_ms())).unwrap_err();
    assert!(err.to_string().contains("being sent"), "{err}");
    assert!(block_on(ops::retry(&t.store, "e1", tab_b, t.clock.now_ms())).is_err());
    assert_eq!(t.poll("tab-a", &mut p), Poll::Ready(Stop::Idle));
    assert_eq!(t.sent(), 1, "tab-a's send went through untouched");
}

/// A tab without an endpoint for the API leaves every entry of it alone (issue 7: it used to
/// mark them dead), including the one another tab is sending, which that tab then finishes.
#[test]
fn a_tab_without_the_endpoint_leaves_entries_alone_while_another_sends() {
    let t = Tabs::new(2);
    let mut a = t.pass("tab-a", false);
    while t.transport.in_flight.borrow().is_empty() {
        assert!(t.poll("tab-a", &mut a).is_pending());
    }
    let mut c = t.pass_with("tab-c", false, false);
    let stop = loop {
        if let Poll::Ready(stop) = t.poll("tab-c", &mut c) {
            break stop;
        }
    };
    assert_eq!(stop, Stop::Idle);
    let states: Vec<State> = block_on(t.store.list()).unwrap().entries.iter().map(|e| e.state).collect();
    assert_eq!(states, [State::Sending, State::Queued], "nothing marked dead, nothing claimed by tab-c");
    let stop = loop {
        if let Poll::Ready(stop) = t.poll("tab-a", &mut a) {
            break stop;
        }
    };
    assert_eq!((stop, t.sent()), (Stop::Idle, 2));
}

/// A claim outlasts the longest request: 60 s, or requestTimeoutMs + 30 s when that is longer.
#[test]
fn the_lease_outlasts_the_request_timeout() {
    use graphql_outbox::sync::drain::lease_ms;
    assert_eq!(lease_ms(None), LEASE_MS);
    assert_eq!(lease_ms(Some(30_000)), LEASE_MS, "the default timeout: 60 s");
    assert_eq!(lease_ms(Some(120_000)), 150_000.0, "a 2 min timeout: 2.5 min");
}

/// Another context deletes the database (a sign-out) while this pass has a request in flight,
/// and another user's client stores a new entry, which takes key 1 again. The late outcome
/// must not be written over it (found by review in round s27: it was, and bob's entry was
/// lost); the pass ends `Unavailable`, with and without the Web Lock.
#[test]
fn an_outcome_arriving_after_the_database_was_deleted_elsewhere_is_not_written() {
    for exclusive in [true, false] {
        let t = Tabs::new(1);
        let mut pass = t.try_pass("tab-a", exclusive, true);
        let cx = &mut Context::from_waker(Waker::noop());
        // Polled until the request is out (the token yields once, the send once).
        while t.transport.started.borrow().is_empty() {
            assert!(pass.as_mut().poll(cx).is_pending());
        }
        t.store.lose();
        let api = &gcdirectory::API;
        block_on(ops::enqueue(&t.store, api, api.operation("deleteOrgTier").unwrap(), json!({ "id": "2" }), "bob", "bob-1".into(), vec![], T0 + 9.0)).unwrap();
        let ended = loop {
            if let Poll::Ready(r) = pass.as_mut().poll(cx) {
                break r;
            }
        };
        assert!(matches!(ended, Err(graphql_outbox::store::StoreError::Unavailable(_))), "exclusive {exclusive}: {ended:?}");
        let left = block_on(t.store.list()).unwrap().entries;
        assert_eq!(left.iter().map(|e| (e.id.as_str(), e.state)).collect::<Vec<_>>(), [("bob-1", State::Queued)], "exclusive {exclusive}");
    }
}
