//! One outbox entry: a validated mutation waiting to be sent, and what has happened to it.
//! Stored as JSON-shaped records; `seq` is the store's creation number (the send order).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Where an entry is in its life. Terminal: `Sent`, `Discarded`; `Dead` waits for the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Waiting to be sent.
    Queued,
    /// An attempt is in flight (or was, when the page died: it is sent again with the same key).
    Sending,
    /// A retryable failure; waits until `next_attempt_at`.
    Retrying,
    /// Held by the auth pause (401/403) until a new token; not counted as a failure.
    Auth,
    /// Depends on a dead entry; waits until that one is retried (or discarded).
    Blocked,
    /// Refused by the server for good; kept until `retry(id)` or `discard(id)`.
    Dead,
    /// An attempt got no answer and the server does not honour `Idempotency-Key`: it may or
    /// may not have been applied, and the mutation is not idempotent by nature, so it is not
    /// sent again blindly. Kept until `retry(id)` or `discard(id)` (the app checks first).
    Unknown,
    /// Applied by the server; kept as a tombstone so `settled(id)` works after a reload.
    Sent,
    /// Dropped by the app; kept as a tombstone.
    Discarded,
}

impl State {
    /// Every state, in the order `stats()` lists them.
    pub const ALL: [State; 9] = [
        State::Queued,
        State::Sending,
        State::Retrying,
        State::Auth,
        State::Blocked,
        State::Dead,
        State::Unknown,
        State::Sent,
        State::Discarded,
    ];

    /// The JS name (`"queued"`, ...).
    pub fn name(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Sending => "sending",
            State::Retrying => "retrying",
            State::Auth => "auth",
            State::Blocked => "blocked",
            State::Dead => "dead",
            State::Unknown => "unknown",
            State::Sent => "sent",
            State::Discarded => "discarded",
        }
    }

    /// Parses a JS name.
    pub fn parse(s: &str) -> Option<State> {
        State::ALL.into_iter().find(|st| st.name() == s)
    }

    /// Still to be sent (the drainer looks at these).
    pub fn pending(self) -> bool {
        matches!(self, State::Queued | State::Sending | State::Retrying | State::Auth | State::Blocked)
    }
}

/// One mutation in the outbox. Field names are the stored (and JS `list()`) names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Made once at the call; also the `Idempotency-Key` sent on every attempt.
    pub id: String,
    /// Creation number given by the store (0 until stored); entries are sent in this order.
    /// The record's key, not part of its value: never serialized (`list()` adds it).
    #[serde(default, skip_serializing)]
    pub seq: u64,
    /// API name (`gcdirectory`, `worksome`).
    pub api: String,
    /// Mutation name (the operation's name).
    pub operation: String,
    /// The validated `variables` object.
    pub variables: Value,
    /// Whose entry this is; only a client opened for this user sends it.
    pub user: String,
    /// Creation time, epoch ms.
    pub created_at: f64,
    /// Where it is in its life.
    pub state: State,
    /// Attempts that reached a verdict other than auth (sent, retry, dead).
    pub attempts: u32,
    /// Retryable HTTP answers (5xx/408/429) so far; `maxHttpAttempts` of them make it dead.
    #[serde(default)]
    pub http_failures: u32,
    /// Not before this time (epoch ms); 0 = now.
    #[serde(default)]
    pub next_attempt_at: f64,
    /// The last failure: `{ kind, status, message, errors? }`.
    #[serde(default)]
    pub last_error: Option<Value>,
    /// Ids the caller declared this entry depends on (`outbox.after`).
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// `api:value` of every ID-typed value in the variables: entries sharing one are related.
    #[serde(default)]
    pub entities: Vec<String>,
    /// When it became dead/sent/discarded (epoch ms); 0 while pending.
    #[serde(default)]
    pub settled_at: f64,
    /// The mutation's data once sent.
    #[serde(default)]
    pub data: Option<Value>,
    /// The GraphQL document stored at the call, so every attempt sends exactly the request the
    /// call made, also after an SDK update changed the operation's document. Absent in records
    /// written before it existed (those use this build's document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The lease of the context sending it right now, if any (see `OutboxStore::claim`).
    /// Absent from records that hold none, so older records read back unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim: Option<Claim>,
}

/// The record format this build writes (`format` in each record). A record with a higher one,
/// or a state this build does not know, was written by a newer SDK: it is left in place.
pub const FORMAT: u64 = 2;
/// `FORMAT` as `record_text` appends it (a test checks they agree).
const FORMAT_FIELD: &str = ",\"format\":2";

/// Why a record that does not read as an entry is a newer SDK's record rather than a corrupt
/// one, if it is: such records are left untouched for the build that wrote them.
/// Only records that carry a `format` (every build from format 2 on writes one) can be a newer
/// SDK's; a record without one that does not read is corrupt and goes to the quarantine.
pub fn newer_format(raw: &Value) -> Option<String> {
    let format = raw.get("format").and_then(Value::as_u64)?;
    if format > FORMAT {
        return Some(format!("record format {format} is newer than this SDK's {FORMAT}"));
    }
    match raw.get("state").and_then(Value::as_str) {
        Some(s) if State::parse(s).is_none() => Some(format!("state {s:?} is unknown to this SDK (written by a newer one)")),
        _ => None,
    }
}

/// A drainer's lease on an entry: no other context sends the entry before `until`, unless this
/// owner releases it earlier (its outcome write clears the claim).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// The claiming client's random id (one per `Client` instance, in memory only).
    pub owner: String,
    /// When the lease expires, epoch ms.
    pub until: f64,
}

impl Entry {
    /// A new queued entry (not yet stored).
    pub fn new(id: String, api: &str, operation: &str, variables: Value, user: &str, now: f64) -> Entry {
        Entry {
            id,
            seq: 0,
            api: api.into(),
            operation: operation.into(),
            variables,
            user: user.into(),
            created_at: now,
            state: State::Queued,
            attempts: 0,
            http_failures: 0,
            next_attempt_at: 0.0,
            last_error: None,
            depends_on: vec![],
            entities: vec![],
            settled_at: 0.0,
            data: None,
            document: None,
            claim: None,
        }
    }

    /// The stored record. It also carries `active: user` while the entry is not sent or
    /// discarded, so the store can index just the live entries of a user.
    pub fn to_record(&self) -> Value {
        let mut v = serde_json::to_value(self).unwrap_or(Value::Null);
        if let Some(m) = v.as_object_mut() {
            m.insert("format".into(), FORMAT.into());
            if self.indexed_live() {
                m.insert("active".into(), Value::String(self.user.clone()));
            }
        }
        v
    }

    /// Whether its record carries `active` (the `active` index holds the live entries: neither
    /// sent nor discarded).
    fn indexed_live(&self) -> bool {
        !matches!(self.state, State::Sent | State::Discarded)
    }

    /// `to_record` as JSON text (a test checks they agree), written straight from the entry:
    /// no `Value` tree to build, copy and drop (issue 9: the record of each of 1,000 concurrent
    /// calls went entry → `Value` → text → JS object). `format` and `active` are written after
    /// the entry's fields, into its object's text (never empty: an entry has fields), not
    /// through a serde wrapper (`#[serde(flatten)]` measured +1.3 KB gzip of wasm).
    pub fn record_text(&self) -> String {
        // It cannot fail (strings, numbers and `Value`s only); `null` is what `to_record` had.
        let Ok(mut text) = serde_json::to_string(self) else { return "null".into() };
        text.pop();
        text.push_str(FORMAT_FIELD);
        if self.indexed_live() {
            text.push_str(",\"active\":");
            text.push_str(&serde_json::to_string(&self.user).unwrap_or_default());
        }
        text.push('}');
        text
    }

    /// Reads a stored record; the error says what is wrong (it goes to the quarantine). Takes
    /// the record: copying it first cost ~10% of decoding 1,000 live entries (a CPU profile of
    /// reads with 1,000 pending), and the callers have theirs fresh from `JSON` (one that needs
    /// it after a failure reads it again).
    pub fn from_record(v: Value) -> Result<Entry, String> {
        let e: Entry = serde_json::from_value(v).map_err(|e| format!("unreadable entry: {e}"))?;
        if e.id.is_empty() || e.user.is_empty() || !e.variables.is_object() {
            return Err("unreadable entry: empty id or user, or variables not an object".into());
        }
        Ok(e)
    }
}
