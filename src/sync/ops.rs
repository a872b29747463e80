//! What the app can do to the queue besides draining: add an entry, retry or discard one, ask
//! how one ended, count, purge a user. Plain Rust over `OutboxStore`; the client wraps each in
//! the drain lock so they never race a pass. Without Web Locks they can race another context's
//! pass, so retry and discard write through `OutboxStore::claim`: they refuse an entry another
//! context is sending right now. Purge deletes regardless: a request in flight cannot be called
//! back, and its outcome write finds nothing and does not bring the entry back.

use super::event::Event;
use crate::api::model::{Api, Operation};
use crate::outbox::deps;
use crate::outbox::entry::{Entry, State};
use crate::store::{Claimed, OutboxStore, StoreError};
use serde_json::{json, Map, Value};

/// Makes and stores a new queued entry for validated `variables`.
#[allow(clippy::too_many_arguments)]
pub async fn enqueue<S: OutboxStore>(
    store: &S,
    api: &Api,
    op: &Operation,
    variables: Value,
    user: &str,
    id: String,
    depends_on: Vec<String>,
    now: f64,
) -> Result<Entry, StoreError> {
    let mut e = new_entry(api, op, variables, user, id, depends_on, now);
    store.insert(&mut e).await?;
    Ok(e)
}

/// A new queued entry for validated `variables`, not stored yet (`enqueue` stores it; an
/// online call may store it claimed instead: `Drain::first`).
pub fn new_entry(api: &Api, op: &Operation, variables: Value, user: &str, id: String, depends_on: Vec<String>, now: f64) -> Entry {
    let mut e = Entry::new(id, api.name, op.name, variables, user, now);
    e.entities = deps::entities(api, op, &e.variables);
    e.depends_on = depends_on;
    e.document = Some(op.document.to_string());
    e
}

/// How an entry ended, if it has: `{ status: "sent", id, data }`, `{ status: "dead", id, errors,
/// error }` or `{ status: "discarded", id }`.
pub fn outcome(e: &Entry) -> Option<Value> {
    match e.state {
        State::Sent => Some(json!({ "status": "sent", "id": e.id, "data": e.data })),
        State::Dead => Some(json!({
            "status": "dead", "id": e.id,
            "errors": e.last_error.as_ref().and_then(|l| l.get("errors")).cloned().unwrap_or(json!([])),
            "error": e.last_error,
        })),
        State::Discarded => Some(json!({ "status": "discarded", "id": e.id })),
        State::Unknown => Some(json!({ "status": "unknown", "id": e.id, "error": e.last_error })),
        _ => None,
    }
}

async fn own<S: OutboxStore>(store: &S, id: &str, user: &str) -> Result<Entry, StoreError> {
    match store.get(id).await? {
        Some(e) if e.user == user => Ok(e),
        _ => Err(StoreError::NotFound(id.to_string())),
    }
}

/// Who changes an entry: the user, this client's owner id, and whether it holds the Web Lock
/// (then a claim of another owner is a dead context's and does not count).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// Whose entries these are.
    pub user: &'a str,
    /// This client's owner id (as in its claims).
    pub owner: &'a str,
    /// The change runs under the Web Lock.
    pub exclusive: bool,
}

/// Writes `change(entry)` (with no claim) unless another context is sending the entry: checked
/// and written in one store transaction, re-read if the entry changed in between.
async fn change<S: OutboxStore>(store: &S, id: &str, who: Actor<'_>, now: f64, change: impl Fn(&mut Entry) -> Result<(), StoreError>) -> Result<Entry, StoreError> {
    for _ in 0..5 {
        let e = own(store, id, who.user).await?;
        let mut next = e.clone();
        change(&mut next)?;
        next.claim = None;
        match store.claim(&e, &next, who.owner, super::drain::claims_checked_at(who.exclusive, now)).await? {
            Claimed::Taken => return Ok(next),
            Claimed::Busy { .. } => {
                return Err(StoreError::Other(format!("entry {id} is being sent by another tab or worker right now: wait for settled(id)")))
            }
            Claimed::Changed => continue,
        }
    }
    Err(StoreError::Other(format!("entry {id} kept changing while this call tried to change it; try again")))
}

/// Puts a dead (or blocked, retrying, auth) entry back in the queue for an immediate attempt.
/// Sent and discarded entries cannot be retried, nor one another context is sending.
pub async fn retry<S: OutboxStore>(store: &S, id: &str, who: Actor<'_>, now: f64) -> Result<Event, StoreError> {
    let e = change(store, id, who, now, |e| {
        if matches!(e.state, State::Sent | State::Discarded) {
            return Err(StoreError::Other(format!("entry {id} is {} and cannot be retried", e.state.name())));
        }
        e.state = State::Queued;
        e.next_attempt_at = 0.0;
        e.settled_at = 0.0;
        e.attempts = 0;
        e.http_failures = 0;
        Ok(())
    })
    .await?;
    Ok(Event::of("queued", &e))
}

/// Drops a pending or dead entry (it will never be sent); keeps a tombstone for `settled`.
/// Not one another context is sending right now (its outcome would overwrite the tombstone).
pub async fn discard<S: OutboxStore>(store: &S, id: &str, who: Actor<'_>, now: f64) -> Result<Event, StoreError> {
    let e = change(store, id, who, now, |e| {
        if e.state == State::Sent {
            return Err(StoreError::Other(format!("entry {id} was already sent and cannot be discarded")));
        }
        // Discarding it again keeps its first time: the tombstone's 24 h do not start over.
        if e.state != State::Discarded {
            e.settled_at = now;
        }
        e.state = State::Discarded;
        Ok(())
    })
    .await?;
    Ok(Event::of("discarded", &e))
}

/// Entries of `user`, in creation order, optionally in one state.
pub async fn list<S: OutboxStore>(store: &S, user: &str, state: Option<State>) -> Result<Vec<Entry>, StoreError> {
    let all = store.list().await?.entries;
    Ok(all.into_iter().filter(|e| e.user == user && state.is_none_or(|s| e.state == s)).collect())
}

/// `{ byState: { queued: n, ... }, total, oldestAgeMs, bytes, quarantined }` for `user`
/// (`bytes` and `quarantined` are for the whole database; oldest = oldest pending entry).
pub async fn stats<S: OutboxStore>(store: &S, user: &str, now: f64) -> Result<Value, StoreError> {
    let listing = store.list().await?;
    let mine: Vec<&Entry> = listing.entries.iter().filter(|e| e.user == user).collect();
    let mut by = Map::new();
    for s in State::ALL {
        by.insert(s.name().into(), json!(mine.iter().filter(|e| e.state == s).count()));
    }
    let oldest = mine.iter().filter(|e| e.state.pending() || matches!(e.state, State::Dead | State::Unknown)).map(|e| e.created_at).fold(f64::INFINITY, f64::min);
    let quarantined = store.quarantine().await?.len();
    Ok(json!({
        "byState": by, "total": mine.len(),
        "oldestAgeMs": if oldest.is_finite() { json!((now - oldest).max(0.0)) } else { Value::Null },
        "bytes": listing.bytes, "quarantined": quarantined, "skipped": listing.skipped.len(),
    }))
}

/// Deletes every entry of `user` (any state); returns how many.
pub async fn purge<S: OutboxStore>(store: &S, user: &str) -> Result<usize, StoreError> {
    let listing = store.list().await?;
    let newer = listing.skipped.iter().filter(|q| q.raw.get("user").and_then(Value::as_str) == Some(user)).map(|q| q.seq);
    let seqs: Vec<u64> = listing.entries.iter().filter(|e| e.user == user).map(|e| e.seq).chain(newer).collect();
    store.remove(&seqs).await?;
    Ok(seqs.len())
}
