//! Idempotency keys, API-agnostic: a key's first request is executed and its full response stored
//! in the same transaction as its writes; a repeat of the same request gets the stored response.

use rusqlite::{Connection, OptionalExtension};
use serde_json::Value;

/// What the store knows about a key before the request runs.
#[derive(Debug, PartialEq, Eq)]
pub enum Prior {
    /// Never seen: execute, then `store`.
    New,
    /// Seen with the same request and caller: answer with this status and body, execute nothing.
    Replay {
        /// HTTP status of the first response.
        status: u16,
        /// Body of the first response, byte for byte.
        body: String,
    },
    /// Seen with a different request or caller: the key was reused, answer 422.
    Conflict(String),
}

/// A stable text for "the same request": the API plus the body with object keys sorted, so a
/// client that re-serializes its body in another key order is still recognized. The key itself
/// (`extensions.idempotencyKey`, where a batch element carries it) is left out, so an operation
/// sent in a batch and later alone with the `Idempotency-Key` header is the same request.
pub fn fingerprint(api: &str, body: &Value) -> String {
    let mut body = body.clone();
    if let Some(m) = body.as_object_mut() {
        let empty = m.get_mut("extensions").and_then(Value::as_object_mut).map(|ext| {
            ext.remove(BATCH_KEY);
            ext.is_empty()
        });
        if empty == Some(true) {
            m.remove("extensions");
        }
    }
    format!("{api}\n{}", canonical(&body))
}

/// Where an operation of a batch carries its idempotency key: `extensions.idempotencyKey`.
pub const BATCH_KEY: &str = "idempotencyKey";

/// The key a batch element carries (`extensions.idempotencyKey`, a non-empty string), if any.
pub fn batch_key(op: &Value) -> Option<String> {
    op.get("extensions")?.get(BATCH_KEY)?.as_str().filter(|k| !k.is_empty()).map(str::to_string)
}

fn canonical(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{}:{}", Value::String((*k).clone()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Looks `key` up for this caller and request fingerprint.
pub fn lookup(c: &Connection, key: &str, caller: &str, request: &str) -> rusqlite::Result<Prior> {
    let row: Option<(String, String, u16, String)> = c
        .query_row(
            "SELECT caller, request, status, body FROM idempotency WHERE key = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    Ok(match row {
        None => Prior::New,
        Some((c0, _, _, _)) if c0 != caller => {
            Prior::Conflict("the key was used by another caller".into())
        }
        Some((_, r0, _, _)) if r0 != request => {
            Prior::Conflict("the key was used with a different request".into())
        }
        Some((_, _, status, body)) => Prior::Replay { status, body },
    })
}

/// Records the response of a key's first execution; call inside the request's transaction.
pub fn store(
    c: &Connection,
    key: &str,
    api: &str,
    caller: &str,
    request: &str,
    status: u16,
    body: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO idempotency (key, api, caller, request, status, body, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        rusqlite::params![
            key,
            api,
            caller,
            request,
            status,
            body,
            crate::clock::now_rfc3339()
        ],
    )
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_ignores_key_order_only() {
        let a: Value =
            serde_json::from_str(r#"{"query":"q","variables":{"a":1,"b":[1,{"y":2,"x":1}]}}"#)
                .unwrap();
        let b: Value =
            serde_json::from_str(r#"{"variables":{"b":[1,{"x":1,"y":2}],"a":1},"query":"q"}"#)
                .unwrap();
        let c: Value =
            serde_json::from_str(r#"{"variables":{"b":[{"x":1,"y":2},1],"a":1},"query":"q"}"#)
                .unwrap();
        assert_eq!(fingerprint("x", &a), fingerprint("x", &b));
        assert_ne!(fingerprint("x", &a), fingerprint("x", &c));
        assert_ne!(fingerprint("x", &a), fingerprint("y", &a));
    }

    #[test]
    fn fingerprint_leaves_out_the_batch_key_only() {
        let alone: Value = serde_json::from_str(r#"{"query":"q","variables":{}}"#).unwrap();
        let keyed: Value =
            serde_json::from_str(r#"{"query":"q","variables":{},"extensions":{"idempotencyKey":"k"}}"#).unwrap();
        let more: Value =
            serde_json::from_str(r#"{"query":"q","variables":{},"extensions":{"idempotencyKey":"k","x":1}}"#)
                .unwrap();
        assert_eq!(fingerprint("x", &alone), fingerprint("x", &keyed));
        assert_ne!(fingerprint("x", &alone), fingerprint("x", &more));
        assert_eq!(batch_key(&keyed).as_deref(), Some("k"));
        assert_eq!(batch_key(&alone), None);
    }
}
