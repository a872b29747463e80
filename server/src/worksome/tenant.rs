//! `POST /__test/worksome/tenant` (test mode): seeds a fresh copy of the built-in Worksome
//! fixtures beside the data already there, so a test that consumes fixture state (sets Wanda's
//! password, approves contact 130, ends Cleo's other session) gets its own copy and can run any
//! number of times, in any order, against one server.
//!
//! The copy is the built-in fixtures' `worksome` section with three rewrites, answered as
//! `{"offset": N}` so the caller can apply them too:
//! - every string equal to a fixture object or user id `I` becomes `I + N` (ids stay global
//!   numbers; `N` is a multiple of 1000 above every id in the store, so no id collides);
//! - every bearer token `T` becomes `T-tN`;
//! - every email `local@domain` becomes `local+tN@domain` (emails find users, so they must be unique).

use std::collections::HashSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::http_error::json_error;
use crate::state::{AppState, DEFAULT_FIXTURES};

/// The copy's rewrite of an email address.
pub fn email(e: &str, offset: i64) -> String {
    match e.split_once('@') {
        Some((local, domain)) => format!("{local}+t{offset}@{domain}"),
        None => e.to_string(),
    }
}

/// Rewrites one fixture value (see the module doc); `ids` holds the fixture ids.
fn rewrite(v: &Value, ids: &HashSet<String>, offset: i64) -> Value {
    match v {
        Value::String(s) if ids.contains(s) => match s.parse::<i64>() {
            Ok(n) => json!((n + offset).to_string()),
            Err(_) => v.clone(),
        },
        Value::String(s) if crate::scalars::is_email(s) => json!(email(s, offset)),
        Value::Array(a) => Value::Array(a.iter().map(|x| rewrite(x, ids, offset)).collect()),
        Value::Object(o) => {
            let mut out = serde_json::Map::new();
            for (k, x) in o {
                let x = match (k.as_str(), x) {
                    ("tokens", Value::Array(ts)) => ts
                        .iter()
                        .map(|t| match t.as_str() {
                            Some(t) => json!(format!("{t}-t{offset}")),
                            None => t.clone(),
                        })
                        .collect(),
                    _ => rewrite(x, ids, offset),
                };
                out.insert(k.clone(), x);
            }
            Value::Object(out)
        }
        _ => v.clone(),
    }
}

/// The fixture section with every id, token and email rewritten for `offset`.
fn copy(section: &Value, offset: i64) -> Value {
    let mut ids = HashSet::new();
    for list in ["objects", "users"] {
        for o in section
            .get(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(id) = o.get("id").and_then(Value::as_str) {
                ids.insert(id.to_string());
            }
        }
    }
    rewrite(section, &ids, offset)
}

fn failed(e: impl std::fmt::Display) -> Response {
    json_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        &format!("tenant: {e}"),
    )
}

/// Seeds the copy in one transaction and answers its offset.
pub async fn create(State(st): State<AppState>) -> Response {
    let fixtures: Value = match serde_json::from_str(DEFAULT_FIXTURES) {
        Ok(f) => f,
        Err(e) => return failed(e),
    };
    let Some(section) = fixtures.get(super::NAME) else {
        return failed("the built-in fixtures have no worksome section");
    };
    // Under the request gate, so no mutation allocates an id between reading the maximum and seeding.
    let _turn = st.gate.lock().await;
    let done = st.db.with(|c| -> Result<i64, String> {
        let max: i64 = c
            .query_row(
                "SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) FROM ws_objects",
                [],
                |r| r.get(0),
            )
            .map_err(|e| e.to_string())?;
        let offset = (max / 1000 + 1) * 1000;
        let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
        super::seed::seed(&tx, &copy(section, offset))?;
        tx.commit().map_err(|e| e.to_string())?;
        Ok(offset)
    });
    match done {
        Ok(offset) => Json(json!({ "offset": offset })).into_response(),
        Err(e) => failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_tokens_and_emails_are_rewritten_and_nothing_else() {
        let section = json!({
            "objects": [{"type": "Company", "id": "1", "teamMembers": ["11"], "latestVersionId": "1-v1", "email": "a@b.test", "rate": "1"}],
            "users": [{"id": "11", "account": "1", "email": "cleo@acme.test", "tokens": ["tok"]}]
        });
        let out = copy(&section, 3000);
        assert_eq!(out["objects"][0]["id"], "3001");
        assert_eq!(out["objects"][0]["teamMembers"], json!(["3011"]));
        assert_eq!(out["objects"][0]["latestVersionId"], "1-v1");
        assert_eq!(out["objects"][0]["email"], "a+t3000@b.test");
        assert_eq!(out["users"][0]["account"], "3001");
        assert_eq!(out["users"][0]["email"], "cleo+t3000@acme.test");
        assert_eq!(out["users"][0]["tokens"], json!(["tok-t3000"]));
        // A string that happens to equal an id is rewritten too: the fixtures must not hold one
        // outside a relation (the built-in ones do not).
        assert_eq!(out["objects"][0]["rate"], "3001");
    }
}
