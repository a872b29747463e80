//! Sending, for a drain pass: the checks before an entry goes out, its claim, one request
//! alone or a batch of them (`batch.rs` picks and splits), and what each answer makes of an
//! entry. The pass loop itself is in `drain.rs`.

use super::batch;
use super::drain::{lease_ms, naturally_idempotent, no_answer, Batched, Drain, Go, Stop, Tokens, Write};
use super::event::Event;
use super::hold::Started;
use crate::outbox::classify::{classify_at, Outcome};
use crate::outbox::clock::Clock;
use crate::outbox::entry::{Claim, Entry, State};
use crate::outbox::policy::Verdict;
use crate::store::{Claimed, OutboxStore, StoreError};
use crate::transport::{HttpRequest, HttpResponse, NetworkError, Transport};
use serde_json::json;

impl<'a, S: OutboxStore, T: Transport, C: Clock, K: Tokens> Drain<'a, S, T, C, K> {
    /// The checks before `e` is sent: its backoff, the token, the auth pause, the endpoint.
    pub(super) async fn ready(&self, e: &mut Entry) -> Result<Go, StoreError> {
        if e.state == State::Retrying && e.next_attempt_at > self.clock.now_ms() && !(self.network_back && no_answer(e)) {
            return Ok(Go::Stop(Stop::WaitUntil(e.next_attempt_at)));
        }
        if !self.tokens.has(&e.api) {
            return Ok(Go::Stop(Stop::NeedToken(e.api.clone())));
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
                return Ok(Go::Stop(Stop::Auth));
            }
        };
        if let Some((api, refused)) = self.pause.0.borrow().as_ref() {
            if *api == e.api && *refused == token {
                return Ok(Go::Stop(Stop::Auth));
            }
        }
        *self.pause.0.borrow_mut() = None;
        Ok(match (self.endpoint)(&e.api) {
            Some(url) => Go::Send(token, url),
            None => Go::Skip,
        })
    }

    /// `e` as claimed for an attempt now (state `sending`, one more attempt, this owner's lease).
    pub(super) fn claimed(&self, e: &mut Entry, now: f64) {
        e.state = State::Sending;
        e.attempts += 1;
        e.claim = Some(Claim { owner: self.owner.to_string(), until: now + lease_ms(self.transport.timeout_ms()) });
    }

    /// Whether a pass may send an entry of `api` without first writing its claim: under the
    /// Web Lock (no other context drains; the pass holds its claims in memory, `hold.rs`) and
    /// for an API with idempotency keys, where a stored claim would only show `sending` on disk
    /// until the outcome replaces it: a crash that leaves the entry `queued` resends it with the
    /// same key either way (one `put` per entry saved). For `idempotency: "none"` the claim is
    /// written and awaited before the request leaves: a `sending` entry on disk whose claim is
    /// dead is how a later pass knows the request may have gone out (it parks it in `unknown`,
    /// `drain.rs`). Without the Web Lock the claim is the exclusion: always written first.
    pub(super) fn fast_claim(&self, api: &str) -> bool {
        self.exclusive && !(self.keyless)(api)
    }

    /// One attempt at `e` alone: claim, send `req`, record; or the reason the pass must stop.
    pub(super) async fn attempt(&self, e: &mut Entry, req: HttpRequest, token: Option<String>, writes: &mut Vec<Write<'a>>) -> Result<Option<Stop>, StoreError> {
        // The claim: awaited before the request goes out; the outcome write below clears it.
        let now = self.clock.now_ms();
        let listed = e.clone();
        self.claimed(e, now);
        if self.fast_claim(&e.api) {
            // Under the Web Lock no other context sends this user's entries, and discard, retry
            // and purge wait for the lock: there is nothing to check, and no claim is written
            // (the request goes out now, not after one more IndexedDB round trip). Its event is
            // held with the last batch's outcomes until the request is out (`hold.rs`).
            e.claim = None;
            self.report(Event::of("sending", e));
            return self.send(e, req, token, writes).await;
        }
        // What the pass holds goes first (events and writes in their order).
        self.flush(writes);
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
        self.report(Event::of("sending", e));
        self.send(e, req, token, writes).await
    }

    /// Claims `batch` (one transaction), sends it as one GraphQL-over-HTTP batch, and records
    /// each entry's own outcome (one transaction). Entries the claim did not get are left as
    /// listed: the pass looks at them next.
    pub(super) async fn send_batch(&self, batch: &mut [Entry], url: &str, token: Option<String>, writes: &mut Vec<Write<'a>>) -> Result<Batched, StoreError> {
        let now = self.clock.now_ms();
        let listed: Vec<Entry> = batch.to_vec();
        batch.iter_mut().for_each(|e| self.claimed(e, now));
        let store: &'a S = self.store;
        // As in `attempt` (a batch is of one API).
        let n = if self.fast_claim(&batch[0].api) {
            batch.len()
        } else {
            self.flush(writes);
            let claims = self.store.claim_many(&listed, batch, self.owner, self.lease_now()).await?;
            let taken = claims.iter().take_while(|c| **c == Some(Claimed::Taken)).count();
            batch[taken..].clone_from_slice(&listed[taken..]);
            if taken == 0 {
                return Ok(match claims.into_iter().next().flatten() {
                    Some(Claimed::Busy { until, .. }) => {
                        self.paused(&listed[0], "paused", "busy");
                        Batched::Stop(Stop::Busy(until))
                    }
                    Some(Claimed::Changed) | Some(Claimed::Taken) => Batched::Stop(Stop::Busy(now)),
                    // Gone (purged): nothing to send.
                    None => Batched::Done(1),
                });
            }
            taken
        };
        let sent = &mut batch[..n];
        for e in sent.iter_mut() {
            e.claim = None;
            self.report(Event::of("sending", e));
        }
        let Ok(req) = batch::build(sent, url, token.as_deref()) else {
            // Cannot happen (each entry was checked to form a request): send them singly.
            self.flush(writes);
            writes.push(self.issue(|| Box::pin(store.update_many_issued(listed[..n].to_vec(), false))));
            sent.clone_from_slice(&listed[..n]);
            return Ok(Batched::Refused(1));
        };
        let answer = Started { f: Box::pin(self.transport.send(&req)), then: Some(|| self.flush(writes)) }.await;
        let answers = match batch::split(answer, n) {
            batch::Split::Each(answers) => answers,
            // The server may have run them; a keyless one would not know them again: as if
            // there was no answer (each entry then follows its `idempotency: "none"` rule).
            // Its later attempts go singly: batched, the same answer came back on every pass
            // (found by review: idempotent entries retried forever, the others parked).
            batch::Split::NotBatch { status, message, applied_maybe: true } if (self.keyless)(&sent[0].api) => {
                (self.batch_refused)(&listed[..n], status, &message, 1);
                vec![Err(crate::transport::NetworkError(message)); n]
            }
            batch::Split::NotBatch { status, message, .. } => {
                let max = batch::max_after_refusal(status, n);
                (self.batch_refused)(&listed[..n], status, &message, max);
                // Back as listed (the claims and attempts undone; written in order, before the
                // claims that follow), then sent again with their keys in shorter batches.
                writes.push(self.issue(|| Box::pin(store.update_many_issued(listed[..n].to_vec(), false))));
                sent.clone_from_slice(&listed[..n]);
                return Ok(Batched::Refused(max));
            }
        };
        let now = self.clock.now_ms();
        let mut stop = None;
        // Under the Web Lock the outcomes' events and write wait for the next request to be
        // out (or the pass's end); only their classification had to come first.
        self.hold.holding.set(self.exclusive);
        for (e, answer) in sent.iter_mut().zip(answers) {
            let s = self.settle(e, answer, token.clone(), now);
            stop = stop.or(s);
        }
        if self.exclusive {
            // Nothing can have removed them: the claim's reasoning.
            self.defer(sent.to_vec(), true);
        } else {
            writes.push(self.issue(|| Box::pin(store.update_many_issued(sent.to_vec(), true))));
        }
        Ok(stop.map_or(Batched::Done(n), Batched::Stop))
    }

    /// Sends `e` (claimed) and applies the answer (`token` is the one sent, for the auth pause);
    /// the outcome write is issued, not awaited.
    pub(super) async fn send(&self, e: &mut Entry, req: HttpRequest, token: Option<String>, writes: &mut Vec<Write<'a>>) -> Result<Option<Stop>, StoreError> {
        let answer = Started { f: Box::pin(self.transport.send(&req)), then: Some(|| self.flush(writes)) }.await;
        let stop = self.settle(e, answer, token, self.clock.now_ms());
        // Discard and retry respect the claim, so they cannot have changed the entry meanwhile;
        // a purge may have removed it, and the write then does not revive it.
        let store: &'a S = self.store;
        writes.push(self.issue(|| if self.exclusive { Box::pin(store.update_many_locked(vec![e.clone()], true)) } else { Box::pin(store.update_issued(e.clone())) }));
        Ok(stop)
    }

    /// Applies the answer to one attempt at `e` (`token` is the one sent, for the auth pause)
    /// and reports it; the caller writes `e`. The stop, if the pass must stop after it.
    fn settle(&self, e: &mut Entry, answer: Result<HttpResponse, NetworkError>, token: Option<String>, now: f64) -> Option<Stop> {
        let outcome = classify_at(&e.operation, answer, now);
        // No answer from the server that ran it: none at all, or a gateway's 504 (the origin
        // was reached and did not answer in time: it may have applied it; found by review in
        // round s27, a 504 to a batch of 50 resent every create in it). Not a 502 (mostly the
        // origin unreachable, a deploy), nor a 2xx that is not a GraphQL answer (mostly a login
        // or fallback page a proxy answered, the API never reached; a cut body is no answer),
        // nor 500/503/408/429: the server itself says it did not (the second review).
        let maybe_applied = matches!(outcome, Outcome::Retry { status: None | Some(504), .. });
        if maybe_applied && (self.keyless)(&e.api) && !naturally_idempotent(e) {
            self.park_unknown(e, outcome);
            return None;
        }
        match self.policy.apply(e, outcome, now, self.clock.random()) {
            Verdict::Sent => {
                let mut ev = Event::of("sent", e);
                ev.data = e.data.clone();
                ev.variables = Some(e.variables.clone());
                self.report(ev);
                None
            }
            Verdict::Dead => {
                let mut ev = Event::of("dead", e);
                ev.error = e.last_error.clone();
                self.report(ev);
                None
            }
            Verdict::Retry { offline } => {
                let mut ev = Event::of("retrying", e);
                ev.next_attempt_at = Some(e.next_attempt_at);
                ev.error = e.last_error.clone();
                self.report(ev);
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
        }
    }

    /// No answer, a server that ignores keys, a mutation that is not idempotent by nature: it
    /// may have been applied, so it is not resent; it waits in `unknown` for the app.
    fn park_unknown(&self, e: &mut Entry, outcome: Outcome) {
        let reason = match outcome {
            Outcome::Retry { reason, .. } => reason,
            _ => String::new(),
        };
        self.mark_unknown(e, &reason);
        self.report_unknown(e);
    }

    /// `e` in state `unknown`, the reason its outcome is not known in its error.
    pub(super) fn mark_unknown(&self, e: &mut Entry, reason: &str) {
        e.state = State::Unknown;
        e.settled_at = self.clock.now_ms();
        e.last_error = Some(json!({ "kind": "unknown", "status": null, "message": format!("no answer ({reason}); the server may have applied it and does not honour Idempotency-Key, so it is not sent again until retry(id)") }));
    }

    pub(super) fn report_unknown(&self, e: &Entry) {
        let mut ev = Event::of("unknown", e);
        ev.error = e.last_error.clone();
        self.report(ev);
    }
}
