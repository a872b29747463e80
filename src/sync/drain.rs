//! One drain pass over a user's entries: in creation order, skipping settled ones and those
//! blocked by a dead dependency, stopping at the first entry that must wait (backoff, offline,
//! auth) so order is kept. Generic over store, transport, clock and token source, so the whole
//! policy runs natively against fakes. Without the Web Lock each entry is claimed in the store
//! before it is sent (a lease, see `LEASE_MS`): two passes, in one context or several, never
//! send one entry at once. Under the Web Lock no other pass runs, and the claim is written only
//! for an API without idempotency keys (`Drain::fast_claim`).

use super::batch;
use super::event::Event;
use super::hold::{Held, Hold};
use crate::outbox::clock::Clock;
use crate::outbox::deps;
use crate::outbox::entry::{Entry, State};
use crate::outbox::placeholders::Blocked;
use crate::outbox::policy::Policy;
use crate::outbox::request;
use crate::store::{Claimed, OutboxStore, StoreError};
use crate::transport::Transport;
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
    /// Most entries per request for an API (`batch: { max }`); 1 sends one request per entry.
    pub batch_max: &'a dyn Fn(&str) -> usize,
    /// Told when an API's endpoint refused a batch (HTTP status, why, the most entries per
    /// batch from now on: `batch::max_after_refusal`, 1 for none): the client keeps that API's
    /// batches that short and emits a `warning` event; the entries go out again in them.
    /// Given the refused batch (its first entry leads it).
    pub batch_refused: &'a dyn Fn(&[Entry], u16, &str, usize),
    /// Told of an entry sent alone and refused as too long (413/422): when refused batches held
    /// it, it was too large itself; `Some` of its API's batch limit without those refusals
    /// (`batch::Refusals`, kept by the client).
    pub batch_restored: &'a dyn Fn(&Entry) -> Option<usize>,
    /// Set when an entry is left because it depends on one left for a client with that API's
    /// endpoint (`dependsOn`): the client runs a pass again when another context reports an
    /// outcome, since no timer of its own would.
    pub left_for_others: &'a std::cell::Cell<bool>,
    /// Work held back until the next request is on its way (`hold.rs`): `Default::default()`.
    pub hold: Hold,
    /// The store's epoch when this pass listed its entries (or `first` stored its own):
    /// `Default::default()`.
    pub epoch: std::cell::Cell<u64>,
}

/// What became of a batch.
pub(super) enum Batched {
    /// The first `n` entries were sent (those after them were not claimed: look at them next).
    Done(usize),
    /// The pass stops.
    Stop(Stop),
    /// The endpoint refused the batch: the entries are as listed again; send them in batches
    /// of at most this many (1: singly).
    Refused(usize),
}

/// What the checks before an entry is sent decided.
pub(super) enum Go {
    /// Send it with this token to this URL.
    Send(Option<String>, String),
    /// The pass stops before it.
    Stop(Stop),
    /// Leave it for another context or build (no endpoint, no request this build can form).
    Skip,
}

/// An outcome write in flight.
pub(super) type Write<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), StoreError>> + 'a>>;

impl<'a, S: OutboxStore, T: Transport, C: Clock, K: Tokens> Drain<'a, S, T, C, K> {
    /// Runs one pass. Outcome writes are issued without waiting, so the next request goes out
    /// while the last outcome is written; the pass ends only when all of them are on disk.
    pub async fn run(&self) -> Result<Stop, StoreError> {
        let mut writes = vec![];
        let stop = self.pass(&mut writes).await;
        self.finish(writes).await?;
        stop
    }

    /// Issues what is held and waits for every outcome write issued (`writes`) to be on disk.
    pub(super) async fn finish(&self, mut writes: Vec<Write<'a>>) -> Result<(), StoreError> {
        self.flush(&mut writes);
        for w in writes {
            match w.await {
                // Purged meanwhile (purge does not wait for a send): nothing to record.
                Ok(()) | Err(StoreError::NotFound(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn pass(&self, writes: &mut Vec<Write<'a>>) -> Result<Stop, StoreError> {
        self.epoch.set(self.store.epoch());
        let mut entries = if self.full { self.full_read().await? } else { self.store.list_active(self.user).await? };
        // Only a dead, unknown or blocked entry can hold a later one back (`deps::blocker`):
        // each entry is checked against those alone, not against every earlier entry (which
        // made a pass quadratic in the queue's length).
        let mut holders: Vec<usize> = vec![];
        // Per API, lowered when its endpoint refused a batch: the rest of this pass keeps that
        // API's batches that short, whatever `batch_max` says (the client's limit is for later
        // passes), so a refusal cannot be met again and again.
        let mut caps: Vec<(String, usize)> = vec![];
        // Live entries left for a client that has their endpoint: an entry that names one of
        // them in `dependsOn` waits for it too (found by review: it was sent first).
        let mut elsewhere: Vec<usize> = vec![];
        let mut i = 0;
        while i < entries.len() {
            let (earlier, rest) = entries.split_at_mut(i);
            let e = &mut rest[0];
            if matches!(e.state, State::Dead | State::Unknown | State::Blocked) && holders.last() != Some(&i) {
                // As it is now; an entry this pass blocks is added below.
                holders.push(i);
            }
            // Another context's entry for an API this client has no endpoint for (a service
            // worker opened for one API, say) is left alone for a client that has one.
            let earlier: &[Entry] = earlier;
            if !e.state.pending() {
                i += 1;
                continue;
            }
            let here = (self.endpoint)(&e.api).is_some();
            // So is one this build cannot form a request for (written by a newer SDK without
            // its stored document): left for a build that can, and what depends on it waits
            // (found by review in round s27: a `dependsOn` on it was sent first).
            let sendable = here && request::document(e).is_ok();
            if !sendable || deps::depends_on_any(e, earlier, &elsewhere) {
                // A pass again on another context's events only for an entry that could go
                // but waits (an unsendable one alone would start one on every event).
                self.left_for_others.set(self.left_for_others.get() || sendable);
                elsewhere.push(i);
                i += 1;
                continue;
            }
            if let Some(b) = deps::blocker(e, holders.iter().filter(|h| **h < i).map(|h| &earlier[*h])) {
                if e.state != State::Blocked {
                    let before = e.clone();
                    e.state = State::Blocked;
                    let blocker = b.id.clone();
                    if self.save(&before, e).await? == Some(Claimed::Taken) {
                        let mut ev = Event::of("blocked", e);
                        ev.reason = Some(blocker);
                        self.report(ev);
                    }
                }
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
                i += 1;
                continue;
            }
            // An attempt whose outcome was never written: its claim is on disk and dead (the
            // context sending it stopped, closed or crashed, after the request may have left).
            // For a server that does not honour keys and a mutation not idempotent by nature it
            // is not sent again: it waits in `unknown` for the app, as when no answer came. Also
            // when the claim is this client's own, still in its lease: its passes and direct
            // calls take turns, so the attempt that made it has ended, its outcome unwritten (a
            // full disk; without Web Locks it was sent again, found by review).
            let dead_claim = |c: &crate::outbox::entry::Claim| c.until <= self.lease_now() || c.owner == self.owner;
            if self.keyless_leftover(e) && e.claim.as_ref().map_or(true, dead_claim) {
                let mut parked = Entry { claim: None, ..e.clone() };
                self.mark_unknown(&mut parked, "the context sending it stopped before its answer was recorded");
                match self.save(e, &parked).await? {
                    Some(Claimed::Taken) => {
                        *e = parked;
                        self.report_unknown(e);
                    }
                    // Gone (purged): nothing to hold back.
                    None => {
                        i += 1;
                        continue;
                    }
                    Some(_) => return Ok(Stop::Busy(self.clock.now_ms())),
                }
                if holders.last() != Some(&i) {
                    holders.push(i);
                }
                i += 1;
                continue;
            }
            let (token, url) = match self.ready(e).await? {
                Go::Send(token, url) => (token, url),
                Go::Stop(stop) => return Ok(stop),
                Go::Skip => {
                    i += 1;
                    continue;
                }
            };
            // Placeholders of entities created offline become the ids their creates were given,
            // stored before the claim, so they are resolved once, at the first send, and every
            // later attempt is byte-identical. What cannot be resolved (its create is dead,
            // discarded, gone) holds the entry `blocked`: never sent with a `tmp:`.
            let listed = e.clone();
            if !crate::outbox::placeholders::candidates(&e.variables).is_empty() {
                // Its create may be in the batch whose outcome write is still held.
                self.flush(writes);
            }
            match super::placeholders::resolve(self.store, e).await? {
                Err(b) => {
                    self.block_on_create(&listed, e, b).await?;
                    if e.state == State::Blocked && holders.last() != Some(&i) {
                        holders.push(i);
                    }
                    i += 1;
                    continue;
                }
                Ok(()) if e.variables != listed.variables => match self.save(&listed, e).await? {
                    Some(Claimed::Taken) => {}
                    Some(Claimed::Busy { until, .. }) => return Ok(Stop::Busy(until)),
                    Some(Claimed::Changed) => return Ok(Stop::Busy(self.clock.now_ms())),
                    None => {
                        i += 1;
                        continue;
                    }
                },
                Ok(()) => {}
            }
            let end = self.next_batch(&entries, i, &holders, &elsewhere, self.batch_limit(&entries[i].api, &caps));
            let sent = if end - i > 1 {
                match self.send_batch(&mut entries[i..end], &url, token, writes).await? {
                    Batched::Done(n) => n,
                    Batched::Stop(stop) => return Ok(stop),
                    Batched::Refused(max) => {
                        batch::lower_cap(&mut caps, &entries[i].api, max);
                        continue;
                    }
                }
            } else {
                // An entry this build cannot form a request for (written by a newer SDK,
                // without its stored document) is left for a build that can; it is not killed.
                if let Ok(req) = request::build(&entries[i], &url, token.as_deref()) {
                    if let Some(stop) = self.attempt(&mut entries[i], req, token, writes).await? {
                        return Ok(stop);
                    }
                    if entries[i].state == State::Dead {
                        if let Some(max) = (self.batch_restored)(&entries[i]) {
                            batch::set_cap(&mut caps, &entries[i].api, max);
                        }
                    }
                }
                1
            };
            // They may have died (or been parked in `unknown`, or blocked on a create) just now.
            for k in i..i + sent {
                if matches!(entries[k].state, State::Dead | State::Unknown | State::Blocked) && holders.last() != Some(&k) {
                    holders.push(k);
                }
            }
            i += sent;
        }
        Ok(Stop::Idle)
    }

    /// The longest batch `api` may send now: `batch_max` (the client's limit), or shorter after
    /// a refusal in this pass.
    fn batch_limit(&self, api: &str, caps: &[(String, usize)]) -> usize {
        (self.batch_max)(api).min(batch::cap(caps, api)).max(1)
    }

    /// An entry left `sending` by an attempt whose outcome may not have been written, of a
    /// server that ignores keys, not idempotent by nature: it must not go out again blindly.
    fn keyless_leftover(&self, e: &Entry) -> bool {
        e.state == State::Sending && (self.keyless)(&e.api) && !naturally_idempotent(e)
    }

    /// Where the batch that `entries[head]` (found sendable) starts ends: the entries after it
    /// that are due now, of its API, and not held back by a dead one (`batch::next_batch`); at
    /// most `limit` long.
    fn next_batch(&self, entries: &[Entry], head: usize, holders: &[usize], elsewhere: &[usize], limit: usize) -> usize {
        let now = self.clock.now_ms();
        let joins = |e: &Entry| {
            let due = match e.state {
                State::Queued | State::Sending | State::Auth => true,
                State::Retrying => e.next_attempt_at <= now || (self.network_back && no_answer(e)),
                _ => false,
            };
            // An entry with placeholders still to resolve leads a batch of its own making (the
            // pass resolves a head's), never joins one.
            // Nor one whose `dependsOn` names an entry left for another client (found by review:
            // joining a batch, it went out before it).
            // Nor a keyless, non-idempotent entry left `sending` by an attempt whose outcome was
            // never written: as a head it is parked `unknown` (the pass's check above), but
            // joining a batch it went out again, applied twice (found by review in round s27).
            due && !self.keyless_leftover(e) && request::document(e).is_ok() && deps::blocker(e, holders.iter().map(|h| &entries[*h])).is_none()
                && crate::outbox::placeholders::candidates(&e.variables).is_empty()
                && !deps::depends_on_any(e, entries, elsewhere)
        };
        batch::next_batch(entries, head, limit, joins)
    }
    /// Every record: reports the quarantined, deletes expired tombstones, returns this user's
    /// live entries.
    async fn full_read(&self) -> Result<Vec<Entry>, StoreError> {
        let listing = self.store.list().await?;
        for q in &listing.quarantined {
            let id = q.raw.get("id").and_then(|v| v.as_str()).map(str::to_string).unwrap_or_else(|| format!("seq:{}", q.seq));
            let mut ev = Event::of("quarantined", &Entry::new(id, "", "", json!({}), self.user, 0.0));
            ev.reason = Some(q.reason.clone());
            self.report(ev);
        }
        for q in &listing.skipped {
            let id = q.raw.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let mut ev = Event::of("skipped", &Entry::new(id, "", "", json!({}), self.user, 0.0));
            ev.reason = Some(q.reason.clone());
            self.report(ev);
        }
        let now = self.clock.now_ms();
        // A create's tombstone stays while a live entry depends on it: its stored result holds
        // the real id that entry's placeholders are replaced with.
        let needed: Vec<&str> = listing.entries.iter().filter(|e| e.state.pending()).flat_map(|e| e.depends_on.iter().map(String::as_str)).collect();
        let old: Vec<u64> = listing
            .entries
            .iter()
            .filter(|e| matches!(e.state, State::Sent | State::Discarded) && e.settled_at + TOMBSTONE_MS < now && !needed.contains(&e.id.as_str()))
            .map(|e| e.seq)
            .collect();
        if !old.is_empty() {
            self.issue(|| Box::pin(self.store.remove(&old))).await?;
        }
        Ok(listing.entries.into_iter().filter(|e| e.user == self.user && !matches!(e.state, State::Sent | State::Discarded)).collect())
    }

    /// Saves `e` if the stored entry is still `before` and no other context is sending it
    /// (a stale copy must not overwrite another context's claim or outcome). `Taken` if saved,
    /// `None` if the entry is gone (purged).
    pub(super) async fn save(&self, before: &Entry, e: &Entry) -> Result<Option<Claimed>, StoreError> {
        let e = Entry { claim: None, ..e.clone() };
        match self.store.claim(before, &e, self.owner, self.lease_now()).await {
            Ok(c) => Ok(Some(c)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(err) => Err(err),
        }
    }

    pub(super) fn lease_now(&self) -> f64 {
        claims_checked_at(self.exclusive, self.clock.now_ms())
    }

    /// Holds `e` (as `listed`) `blocked` on the create its placeholder names: its event's `reason`
    /// and `lastError.blockedBy` are that create's id. Reported once per cause.
    async fn block_on_create(&self, listed: &Entry, e: &mut Entry, b: Blocked) -> Result<(), StoreError> {
        *e = listed.clone();
        let error = json!({ "kind": "blocked", "status": null, "blockedBy": b.by, "message": b.message });
        if e.state == State::Blocked && e.last_error.as_ref() == Some(&error) {
            return Ok(());
        }
        e.state = State::Blocked;
        e.last_error = Some(error);
        if self.save(listed, e).await? == Some(Claimed::Taken) {
            let mut ev = Event::of("blocked", e);
            ev.reason = Some(b.by);
            ev.error = e.last_error.clone();
            self.report(ev);
        }
        Ok(())
    }

    /// Reports `ev`: at once, or after what is held, in order (`hold.rs`).
    pub(super) fn report(&self, ev: Event) {
        if self.hold.holding.get() || !self.hold.items.borrow().is_empty() {
            self.hold.items.borrow_mut().push(Held::Event(ev));
        } else {
            (self.emit)(ev);
        }
    }

    /// Holds the write of `entries` (as `update_many_locked`) back until the next flush.
    pub(super) fn defer(&self, entries: Vec<Entry>, strict: bool) {
        self.hold.items.borrow_mut().push(Held::Write(entries, strict));
    }

    /// Reports the held events and issues the held writes (into `writes`), in order: the
    /// writes in one transaction, after the events (writes of different entries commute, and
    /// one entry's are put in the order they were held).
    pub(super) fn flush(&self, writes: &mut Vec<Write<'a>>) {
        self.hold.holding.set(false);
        let (mut all, mut strict) = (vec![], false);
        for h in self.hold.items.take() {
            match h {
                Held::Write(entries, s) => {
                    all.extend(entries);
                    strict |= s;
                }
                Held::Event(ev) => (self.emit)(ev),
            }
        }
        if !all.is_empty() {
            let store: &'a S = self.store;
            writes.push(self.issue(|| Box::pin(store.update_many_locked(all, strict))));
        }
    }

    /// Issues `write` of entries this pass read, unless the database was lost since it listed
    /// them (`OutboxStore::epoch`): another context deleted it (a sign-out) and another user's
    /// new entries may have the same keys now. Before round s27 a late outcome write landed
    /// there, over another user's entry (found by the store review); now the pass ends with
    /// `Unavailable` and the next one lists again.
    pub(super) fn issue<'w>(&self, write: impl FnOnce() -> Write<'w>) -> Write<'w> {
        if self.store.epoch() == self.epoch.get() {
            write()
        } else {
            Box::pin(async { Err(StoreError::Unavailable("the database was deleted, cleared or upgraded by another context while entries read before were being sent; they are read again".into())) })
        }
    }

    pub(super) fn paused(&self, e: &Entry, kind: &'static str, reason: &str) {
        let mut ev = Event::of(kind, e);
        ev.reason = Some(reason.into());
        ev.error = e.last_error.clone();
        self.report(ev);
    }
}

/// Whether `e`'s last failure was "no answer at all".
pub(super) fn no_answer(e: &Entry) -> bool {
    e.last_error.as_ref().is_some_and(|l| l["kind"] == "network")
}

/// Whether `e`'s mutation is idempotent by nature (the generated table); unknown ones are not.
pub(super) fn naturally_idempotent(e: &Entry) -> bool {
    crate::api::ALL.iter().find(|a| a.name == e.api).and_then(|a| a.operation(&e.operation)).is_some_and(|o| o.idempotent)
}
