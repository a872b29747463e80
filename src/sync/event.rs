//! What the outbox tells subscribers. Plain data; the client turns it into the JS event object
//! and the BroadcastChannel message (both are `to_json()`).

use crate::outbox::entry::Entry;
use serde_json::{json, Value};

/// One thing that happened to an entry (or the queue).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `queued`, `sending`, `sent`, `retrying`, `paused`, `blocked`, `dead`, `discarded`, `quarantined`.
    pub kind: &'static str,
    /// The entry's id (for `quarantined`, the record's id if readable, else `seq:<n>`).
    pub id: String,
    /// API name.
    pub api: String,
    /// Mutation name.
    pub operation: String,
    /// Whose entry.
    pub user: String,
    /// Attempts so far.
    pub attempts: u32,
    /// The entry's state after the event.
    pub state: &'static str,
    /// `retrying`: epoch ms of the next attempt.
    pub next_attempt_at: Option<f64>,
    /// `paused`: `auth` or `offline`; `quarantined`: why; `blocked`: the blocking entry's id.
    pub reason: Option<String>,
    /// `dead`, `retrying`, `paused`: the last error.
    pub error: Option<Value>,
    /// `sent`: the mutation's data.
    pub data: Option<Value>,
    /// `sent`, in the context that sent it: the entry's variables, for the cache (a sent delete
    /// names its entity there). Never in `to_json`: not shown to subscribers or other contexts.
    pub variables: Option<Value>,
    /// `sent` of a create: `{ placeholder, id }`, its placeholder and the real id that replaces
    /// it (what a cache keyed by the placeholder re-keys by).
    pub created: Option<Value>,
}

impl Event {
    /// An event about `e` as it is now.
    pub fn of(kind: &'static str, e: &Entry) -> Event {
        Event {
            kind,
            id: e.id.clone(),
            api: e.api.clone(),
            operation: e.operation.clone(),
            user: e.user.clone(),
            attempts: e.attempts,
            state: e.state.name(),
            next_attempt_at: None,
            reason: None,
            error: None,
            data: None,
            variables: None,
            created: if kind == "sent" { crate::outbox::placeholders::created(e) } else { None },
        }
    }

    /// The JS shape: `{ type, id, api, operation, user, attempts, state, nextAttemptAt?, reason?, error?, data? }`.
    pub fn to_json(&self) -> Value {
        let mut v = json!({
            "type": self.kind, "id": self.id, "api": self.api, "operation": self.operation,
            "user": self.user, "attempts": self.attempts, "state": self.state,
        });
        let m = v.as_object_mut().expect("object");
        if let Some(t) = self.next_attempt_at {
            m.insert("nextAttemptAt".into(), json!(t));
        }
        if let Some(r) = &self.reason {
            m.insert("reason".into(), json!(r));
        }
        if let Some(e) = &self.error {
            m.insert("error".into(), e.clone());
        }
        if let Some(d) = &self.data {
            m.insert("data".into(), d.clone());
        }
        if let Some(c) = &self.created {
            m.insert("created".into(), c.clone());
        }
        v
    }
}
