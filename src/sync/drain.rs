//! One drain pass over a user's entries: in creation order, skipping settled ones and those
//! blocked by a dead dependency, stopping at the first entry that must wait (backoff, offline,
//! auth) so order is kept. Generic over store, transport, clock and token source, so the whole
//! policy runs natively against fakes. Before each send the entry is claimed in the store (a
//! lease, see `LEASE_MS`): two passes, in one context or several, never send one entry at once,
//! with or without Web Locks.

use super::event::Event;
use crate::outbox::classify::{classify_at, Outcome};
use crate::outbox::clock::Clock;
use crate::outbox::deps;
use crate::outbox::entry::{Claim, Entry, State};
use crate::outbox::placeholders::Blocked;
use crate::outbox::policy::{Policy, Verdict};
use crate::outbox::request;
use crate::store::{Claimed, OutboxStore, StoreError};
use crate::transport::{HttpRequest, Transport};
use serde_json::json;
use std::cell::RefCell;

/// Where tokens come from at send time (the app's callback, or `setToken`). Never stored.
#[allow(async_fn_in_trait)]
pub trait Tokens {
    /// The bearer token for `api`, none, or why it could not be had.
    async fn token(&self, api: &str) -> Result<Option<String>, String>;
    /// Whether `token(api)` was read for this pass. The browser client reads tokens before it
    /// takes the drain lock (the app's callback must not run under it); an API it did not read
    /// ends the pass with `Stop::NeedToken`, and the next pass reads that one too.
    fn has(&self, _api: &str) -> bool {
        true
    }
}

/// Sent and discarded tombstones older than this are deleted by a full pass (24 h).
pub const TOMBSTONE_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// How long a claim on an entry lasts at least (60 s): the drainer holding it is the only one
/// that may send the entry until then. It must outlast one request, so it is well above the
/// request timeout (`requestTimeoutMs`, default 30 s; see `lease_ms` for longer ones); the
/// outcome write releases it at once. A drainer that dies mid-send (page closed) holds the
/// entry until the lease ends, when any other context may send it again (same key).
pub const LEASE_MS: f64 = 60_000.0;

/// The time against which other owners' claims are checked: `now`, or under the Web Lock
/// infinity (no other owner's claim counts: only a dead context can have left one).
pub fn claims_checked_at(exclusive: bool, now: f64) -> f64 {
    if exclusive { f64::INFINITY } else { now }
}

/// The lease for a transport that aborts requests after `timeout_ms`: `LEASE_MS`, or the
/// timeout plus 30 s when that is longer (an app may set `requestTimeoutMs` above 30 s).
pub fn lease_ms(timeout_ms: Option<u32>) -> f64 {
    timeout_ms.map_or(LEASE_MS, |t| LEASE_MS.max(f64::from(t) + 30_000.0))
}

/// Why a pass ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// Nothing left that can be sent now.
    Idle,
    /// The head entry retries at this time (epoch ms): HTTP 5xx/408/429.
    WaitUntil(f64),
    /// No answer at all; retry at this time or when the browser says it is online.
    Offline(f64),
    /// 401/403 or the token callback failed: paused until a different token.
    Auth,
    /// The next entry is of an API whose token this pass did not read: run again with it.
    NeedToken(String),
    /// Another context is sending the head entry (its claim holds until this time, epoch ms),
    /// or the entry changed under this pass (then the time is now): look again then, or when
    /// that context reports an outcome.
    Busy(f64),
}

/// The auth pause: the token that was refused (per API), kept in memory only.
#[derive(Debug, Default)]
pub struct AuthPause(pub RefCell<Option<(String, Option<String>)>>);

/// Everything a pass needs.
pub struct Drain<'a, S, T, C, K> {
    /// Where the entries are.
    pub store: &'a S,
    /// How requests go out.
    pub transport: &'a T,
    /// Time and jitter.
    pub clock: &'a C,
    /// Bearer tokens, read at send time.
    pub tokens: &'a K,
    /// Backoff and attempt limits.
    pub policy: Policy,
    /// Only this user's entries are sent.
    pub user: &'a str,
    /// GraphQL endpoint of an API, if the client has one.
    pub endpoint: &'a dyn Fn(&str) -> Option<String>,
    /// Reports what happens to entries.
    pub emit: &'a dyn Fn(Event),
    /// APIs whose server does not honour `Idempotency-Key` (`idempotency: { api: "none" }`).
    pub keyless: &'a dyn Fn(&str) -> bool,
    /// The auth pause, shared across passes.
    pub pause: &'a AuthPause,
    /// Read every record (quarantine the unreadable, delete old tombstones) rather than only
    /// this user's live entries: on open and `sync()`; the cheap read otherwise.
    pub full: bool,
    /// Do not wait out the backoff of an entry whose last failure was "no answer": the
    /// trigger (open, `online`, `sync()`) says the network may be back. HTTP backoff and
    /// `Retry-After` are still honoured.
    pub network_back: bool,
    /// Who claims entries for sending: this client's random id.
    pub owner: &'a str,
    /// This pass holds the Web Lock: no other live context drains, so a claim of another owner
    /// is a dead context's (Web Locks are released when their holder goes away) and is taken
    /// over at once instead of waiting out its lease.
    pub exclusive: bool,
}

/// An outcome write in flight.
type Write<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), StoreError>> + 'a>>;

impl<'a, S: OutboxStore, T: Transport, C: Clock, K: Tokens> Drain<'a, S, T, C, K> {
    /// Runs one pass. Outcome writes are issued without waiting, so the next request goes out
    /// while the last outcome is written; the pass ends only when all of them are on disk.
    pub async fn run(&self) -> Result<Stop, StoreError> {
        let mut writes = vec![];
        let stop = self.pass(&mut writes).await;
        for w in writes {
            match w.await {
                // Purged meanwhile (purge does not wait for a send): nothing to record.
                Ok(()) | Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        stop
    }

    async fn pass(&self, writes: &mut Vec<Write<'a>>) -> Result<Stop, StoreError> {
        let mut entries = if self.full { self.full_read().await? } else { self.store.list_active(self.user).await? };
        // Only a dead, unknown or blocked entry can hold a later one back (`deps::blocker`):
        // each entry is checked against those alone, not against every earlier entry (which
        // made a pass quadratic in the queue's length).
        let mut holders: Vec<usize> = vec![];
        for i in 0..entries.len() {
            let (earlier, rest) = entries.split_at_mut(i);
            let e = &mut rest[0];
            if matches!(e.state, State::Dead | State::Unknown | State::Blocked) {
                // As it is now; an entry this pass blocks is added below.
                holders.push(i);
            }
            // Another context's entry for an API this client has no endpoint for (a service
            // worker opened for one API, say) is left alone for a client that has one.
            if !e.state.pending() || (self.endpoint)(&e.api).is_none() {
                continue;
            }
            let earlier: &[Entry] = earlier;
            if let Some(b) = deps::blocker(e, holders.iter().filter(|h| **h < i).map(|h| &earlier[*h])) {
                if e.state != State::Blocked {
                    let before = e.clone();
                    e.state = State::Blocked;
                    let blocker = b.id.clone();
                    if self.save(&before, e).await? == Some(Claimed::Taken) {
                        let mut ev = Event::of("blocked", e);
                        ev.reason = Some(blocker);
                        (self.emit)(ev);
                    }
                }
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
                continue;
            }
            if let Some(stop) = self.attempt(e, writes).await? {
                return Ok(stop);
            }
            // It may have died (or been parked in `unknown`, or blocked on a create) just now.
            if matches!(e.state, State::Dead | State::Unknown | State::Blocked) && holders.last() != Some(&i) {
                holders.push(i);
            }
        }
        Ok(Stop::Idle)
    }

    /// Every record: reports the quarantined, deletes expired tombstones, returns this user's
    /// live entries.
    async fn full_read(&self) -> Result<Vec<Entry>, StoreError> {
        let listing = self.store.list().await?;
        for q in &listing.quarantined {
            let id = q.raw.get("id").and_then(|v| v.as_str()).map(str::to_string).unwrap_or_else(|| format!("seq:{}", q.seq));
            let mut ev = Event::of("quarantined", &Entry::new(id, "", "", json!({}), self.user, 0.0));
            ev.reason = Some(q.reason.clone());
            (self.emit)(ev);
        }
        for q in &listing.skipped {
            let id = q.raw.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let mut ev = Event::of("skipped", &Entry::new(id, "", "", json!({}), self.user, 0.0));
            ev.reason = Some(q.reason.clone());
            (self.emit)(ev);
        }
        let now = self.clock.now_ms();
        // A create's tombstone stays while a live entry depends on it: its stored result holds
        // the real id that entry's placeholders are replaced with.
        let needed: std::collections::HashSet<&str> =
            listing.entries.iter().filter(|e| e.state.pending()).flat_map(|e| e.depends_on.iter().map(String::as_str)).collect();
        let old: Vec<u64> = listing
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Sent | State::Discarded) && e.settled_at + TOMBSTONE_MS < now && !needed.contains(e.id.as_str()))
            .map(|e| e.seq)
            .collect();
        if !old.is_empty() {
            self.store.remove(&old).await?;
        }
        Ok(listing.entries.into_iter().filter(|e| e.user == self.user && !matches!(e.state, State::Sent | State::Discarded)).collect())
    }

    /// Saves `e` if the stored entry is still `before` and no other context is sending it
    /// (a stale copy must not overwrite another context's claim or outcome). `Taken` if saved,
    /// `None` if the entry is gone (purged).
    async fn save(&self, before: &Entry, e: &Entry) -> Result<Option<Claimed>, StoreError> {
        let e = Entry { claim: None, ..e.clone() };
        match self.store.claim(before, &e, self.owner, self.lease_now()).await {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(err) => Err(err),
        }
    }

    fn lease_now(&self) -> f64 {
        claims_checked_at(self.exclusive, self.clock.now_ms())
    }

    fn paused(&self, e: &Entry, kind: &'static str, reason: &str) {
        let mut ev = Event::of(kind, e);
        ev.reason = Some(reason.into());
        ev.error = e.last_error.clone();
        (self.emit)(ev);
    }

    /// One attempt at `e`, or the reason the pass must stop before it.
    async fn attempt(&self, e: &mut Entry, writes: &mut Vec<Write<'a>>) -> Result<Option<Stop>, StoreError> {
        let no_answer = e.last_error.as_ref().is_some_and(|l| l["kind"] == "network");
        if e.state == State::Retrying && e.next_attempt_at > self.clock.now_ms() && !(self.network_back && no_answer) {
            return Ok(Some(Stop::WaitUntil(e.next_attempt_at)));
        }
        if !self.tokens.has(&e.api) {
            return Ok(Some(Stop::NeedToken(e.api.clone())));
        }
        let token = match self.tokens.token(&e.api).await {
            Ok(t) => t,
            Err(message) => {
                let before = e.clone();
                e.state = State::Auth;
                e.last_error = Some(json!({ "kind": "auth", "status": null, "message": message }));
                self.save(&before, e).await?;
                *self.pause.0.borrow_mut() = Some((e.api.clone(), None));
                self.paused(e, "paused", "auth");
                return Ok(Some(Stop::Auth));
            }
        };
        if let Some((api, refused)) = self.pause.0.borrow().as_ref() {
            if *api == e.api && *refused == token {
                return Ok(Some(Stop::Auth));
            }
        }
        *self.pause.0.borrow_mut() = None;
        let Some(url) = (self.endpoint)(&e.api) else { return Ok(None) };
        let listed = e.clone();
        // Placeholders of entities created offline become the ids their creates were given. The
        // rewritten variables are stored with the claim below, so they are resolved once, at the
        // first send, and every later attempt is byte-identical. What cannot be resolved (its
        // create is dead, discarded, gone) holds the entry `blocked`: never sent with a `tmp:`.
        if let Err(b) = super::placeholders::resolve(self.store, e).await? {
            return self.block_on_create(&listed, e, b).await;
        }
        // An entry this build cannot form a request for (written by a newer SDK, without its
        // stored document) is left for a build that can; it is not killed.
        let Ok(req) = request::build(e, &url, token.as_deref()) else { return Ok(None) };
        // The claim: awaited before the request goes out; the outcome write below clears it.
        let now = self.clock.now_ms();
        e.state = State::Sending;
        e.attempts += 1;
        e.claim = Some(Claim { owner: self.owner.to_string(), until: now + lease_ms(self.transport.timeout_ms()) });
        if self.exclusive {
            // Under the Web Lock no other context sends this user's entries, and discard, retry
            // and purge wait for the lock: there is nothing to check. The claim is still written
            // (the entry shows as sending; a context that finds it after this one died takes it
            // over) but not awaited, so the request goes out now instead of after one more
            // IndexedDB round trip per entry. Writes land in the order issued.
            let store: &'a S = self.store;
            writes.push(Box::pin(store.mark_issued(e.clone())));
            e.claim = None;
            (self.emit)(Event::of("sending", e));
            return self.send(e, req, token, writes).await;
        }
        match self.store.claim(&listed, e, self.owner, self.lease_now()).await {
            Ok(Claimed::Taken) => e.claim = None,
            Ok(Claimed::Busy { until, .. }) => {
                // Order: later entries of this user wait behind the one being sent elsewhere.
                self.paused(&listed, "paused", "busy");
                return Ok(Some(Stop::Busy(until)));
            }
            Ok(Claimed::Changed) => return Ok(Some(Stop::Busy(now))),
            Err(StoreError::NotFound(_)) => return Ok(None),
            Err(err) => return Err(err),
        }
        (self.emit)(Event::of("sending", e));
        self.send(e, req, token, writes).await
    }

    /// Holds `e` (as `listed`) `blocked` on the create its placeholder names: its event's `reason`
    /// and `lastError.blockedBy` are that create's id. Reported once per cause.
    async fn block_on_create(&self, listed: &Entry, e: &mut Entry, b: Blocked) -> Result<Option<Stop>, StoreError> {
        *e = listed.clone();
        let error = json!({ "kind": "blocked", "status": null, "blockedBy": b.by, "message": b.message });
        if e.state == State::Blocked && e.last_error.as_ref() == Some(&error) {
            return Ok(None);
        }
        e.state = State::Blocked;
        e.last_error = Some(error);
        if self.save(listed, e).await? == Some(Claimed::Taken) {
            let mut ev = Event::of("blocked", e);
            ev.reason = Some(b.by);
            ev.error = e.last_error.clone();
            (self.emit)(ev);
        }
        Ok(None)
    }

    /// Sends `e` (claimed) and applies the answer (`token` is the one sent, for the auth pause);
    /// the outcome write is issued, not awaited.
    async fn send(&self, e: &mut Entry, req: HttpRequest, token: Option<String>, writes: &mut Vec<Write<'a>>) -> Result<Option<Stop>, StoreError> {
        let answer = self.transport.send(&req).await;
        let now = self.clock.now_ms();
        let outcome = classify_at(&e.operation, answer, now);
        if matches!(outcome, Outcome::Retry { status: None, .. }) && (self.keyless)(&e.api) && !naturally_idempotent(e) {
            return self.park_unknown(e, outcome, writes);
        }
        let verdict = self.policy.apply(e, outcome, now, self.clock.random());
        // Discard and retry respect the claim, so they cannot have changed the entry meanwhile;
        // a purge may have removed it, and the write then does not revive it.
        let store: &'a S = self.store;
        writes.push(Box::pin(store.update_issued(e.clone())));
        Ok(match verdict {
            Verdict::Sent => {
                let mut ev = Event::of("sent", e);
                ev.data = e.data.clone();
                (self.emit)(ev);
                None
            }
            Verdict::Dead => {
                let mut ev = Event::of("dead", e);
                ev.error = e.last_error.clone();
                (self.emit)(ev);
                None
            }
            Verdict::Retry { offline } => {
                let mut ev = Event::of("retrying", e);
                ev.next_attempt_at = Some(e.next_attempt_at);
                ev.error = e.last_error.clone();
                (self.emit)(ev);
                if offline {
                    self.paused(e, "paused", "offline");
                    Some(Stop::Offline(e.next_attempt_at))
                } else {
                    Some(Stop::WaitUntil(e.next_attempt_at))
                }
            }
            Verdict::Auth => {
                *self.pause.0.borrow_mut() = Some((e.api.clone(), token));
                self.paused(e, "paused", "auth");
                Some(Stop::Auth)
            }
        })
    }

    /// No answer, a server that ignores keys, a mutation that is not idempotent by nature: it
    /// may have been applied, so it is not resent; it waits in `unknown` for the app.
    fn park_unknown(&self, e: &mut Entry, outcome: Outcome, writes: &mut Vec<Write<'a>>) -> Result<Option<Stop>, StoreError> {
        let reason = match outcome {
            Outcome::Retry { reason, .. } => reason,
            _ => String::new(),
        };
        e.state = State::Unknown;
        e.settled_at = self.clock.now_ms();
        e.last_error = Some(json!({ "kind": "unknown", "status": null, "message": format!("no answer ({reason}); the server may have applied it and does not honour Idempotency-Key, so it is not sent again until retry(id)") }));
        let store: &'a S = self.store;
        writes.push(Box::pin(store.update_issued(e.clone())));
        let mut ev = Event::of("unknown", e);
        ev.error = e.last_error.clone();
        (self.emit)(ev);
        Ok(None)
    }
}

/// Whether `e`'s mutation is idempotent by nature (the generated table); unknown ones are not.
fn naturally_idempotent(e: &Entry) -> bool {
    crate::api::ALL.iter().find(|a| a.name == e.api).and_then(|a| a.operation(&e.operation)).is_some_and(|o| o.idempotent)
}
