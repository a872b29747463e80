//! What the app can do to the queue besides draining: add an entry, retry or discard one, ask
//! how one ended, count, purge a user. Plain Rust over `OutboxStore`; the client wraps each in
//! the drain lock so they never race a pass.

use super::event::Event;
use crate::api::model::{Api, Operation};
use crate::outbox::deps;
use crate::outbox::entry::{Entry, State};
use crate::store::{OutboxStore, StoreError};
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
    let mut e = Entry::new(id, api.name, op.name, variables, user, now);
    e.entities = deps::entities(api, op, &e.variables);
    e.depends_on = depends_on;
    e.document = Some(op.document.to_string());
    store.insert(&mut e).await?;
    Ok(e)
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

/// Puts a dead (or blocked, retrying, auth) entry back in the queue for an immediate attempt.
/// Sent and discarded entries cannot be retried.
pub async fn retry<S: OutboxStore>(store: &S, id: &str, user: &str) -> Result<Event, StoreError> {
    let mut e = own(store, id, user).await?;
    if matches!(e.state, State::Sent | State::Discarded) {
        return Err(StoreError::Other(format!("entry {id} is {} and cannot be retried", e.state.name())));
    }
    e.state = State::Queued;
    e.next_attempt_at = 0.0;
    e.settled_at = 0.0;
    e.attempts = 0;
    e.http_failures = 0;
    store.update(&e).await?;
    Ok(Event::of("queued", &e))
}

/// Drops a pending or dead entry (it will never be sent); keeps a tombstone for `settled`.
pub async fn discard<S: OutboxStore>(store: &S, id: &str, user: &str, now: f64) -> Result<Event, StoreError> {
    let mut e = own(store, id, user).await?;
    if e.state == State::Sent {
        return Err(StoreError::Other(format!("entry {id} was already sent and cannot be discarded")));
    }
    e.state = State::Discarded;
    e.settled_at = now;
    store.update(&e).await?;
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
