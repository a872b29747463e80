//! Everything behind `--test-mode`: the applied log, fault injection and extra tokens, with
//! their `/__test/*` endpoints. `graphql.rs` asks `TestMode` for a request's fault before
//! handling it and acts on "drop after commit" once the request has committed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{Connection, OptionalExtension};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::ApiError;
use crate::faults::{FaultSpec, Faults};
use crate::http_error::json_error;
use crate::state::AppState;

/// Test-mode settings; present in `AppState` only when `--test-mode` is given.
#[derive(Clone, Debug, Default)]
pub struct TestMode {
    /// Pending fault rules.
    pub faults: Faults,
}

/// Routes that exist only in test mode.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__test/applied", get(applied))
        .route(
            "/__test/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/__test/tokens", post(add_token))
}

/// Adds `Connection: close` to every response in test mode. Chromium silently resends a request
/// whose reused keep-alive connection closes before any response byte arrives, so without this
/// a `dropAfterCommit` fault would be invisible to the page; on a fresh connection the browser
/// reports the network error the fault is meant to cause.
pub async fn close_connections(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut().insert(
        axum::http::header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    res
}

fn faults(st: &AppState) -> &Faults {
    // The routes are only mounted in test mode, so `test_mode` is always there.
    &st.test_mode
        .as_ref()
        .expect("test routes without test mode")
        .faults
}

/// `GET /__test/faults`: the pending rules with what is left of each.
async fn list_faults(State(st): State<AppState>) -> Response {
    Json(faults(&st).list()).into_response()
}

/// `POST /__test/faults`: one rule or an array of rules, appended after the pending ones.
async fn add_faults(State(st): State<AppState>, body: Bytes) -> Response {
    let parsed = match serde_json::from_slice::<Value>(&body) {
        Ok(v @ Value::Array(_)) => serde_json::from_value::<Vec<FaultSpec>>(v),
        Ok(v) => serde_json::from_value::<FaultSpec>(v).map(|s| vec![s]),
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("body is not JSON: {e}"),
            )
        }
    };
    let specs = match parsed {
        Ok(specs) if specs.is_empty() => {
            return json_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "no fault given")
        }
        Ok(specs) => specs,
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("not a fault: {e}"),
            )
        }
    };
    match faults(&st).add(specs) {
        Ok(()) => Json(json!({ "faults": faults(&st).list() })).into_response(),
        Err(why) => json_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &why),
    }
}

/// `DELETE /__test/faults`: removes every pending rule.
async fn clear_faults(State(st): State<AppState>) -> Response {
    Json(json!({ "cleared": faults(&st).clear() })).into_response()
}

/// Body of `POST /__test/tokens`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewToken {
    api: String,
    token: String,
    same_as: String,
}

/// `POST /__test/tokens`: a further bearer token for the caller an existing token names, so a
/// test can "refresh" a token (the old one keeps working unless a fault rejects it).
async fn add_token(State(st): State<AppState>, body: Bytes) -> Response {
    let t: NewToken = match serde_json::from_slice(&body) {
        Ok(t) => t,
        Err(e) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "BAD_REQUEST",
                &format!("not a token request: {e}"),
            )
        }
    };
    let _turn = st.gate.lock().await;
    let done = st.db.with(|c| -> rusqlite::Result<Option<()>> {
        let Some(caller) = crate::db::caller_for_token(c, &t.api, &t.same_as)? else {
            return Ok(None);
        };
        crate::db::insert_token(c, &t.api, &t.token, &caller.subject, &caller.role)?;
        Ok(Some(()))
    });
    match done {
        Ok(Some(())) => Json(json!({ "api": t.api, "token": t.token })).into_response(),
        Ok(None) => json_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("sameAs: no such token for {}", t.api),
        ),
        Err(e) => json_error(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            &format!("token: {e}"),
        ),
    }
}

/// Counts one execution of a mutation field, in the caller's transaction so it commits or rolls
/// back with the mutation's own writes.
pub fn record_application(
    c: &Connection,
    api: &str,
    operation: &str,
    key: Option<&str>,
) -> Result<(), ApiError> {
    let seq: Option<i64> = c
        .query_row(
            "SELECT seq FROM applied_log WHERE api = ?1 AND operation = ?2 AND idempotency_key IS ?3",
            rusqlite::params![api, operation, key],
            |r| r.get(0),
        )
        .optional()?;
    match seq {
        Some(seq) => c.execute("UPDATE applied_log SET times_applied = times_applied + 1 WHERE seq = ?1", [seq])?,
        None => c.execute(
            "INSERT INTO applied_log (api, operation, idempotency_key, times_applied) VALUES (?1, ?2, ?3, 1)",
            rusqlite::params![api, operation, key],
        )?,
    };
    Ok(())
}

/// `GET /__test/applied`: one row per (api, operation, key), in order of first application.
async fn applied(State(st): State<AppState>) -> Response {
    // Take the request gate so a half-done transaction on the shared connection is never read.
    let _turn = st.gate.lock().await;
    let rows = st.db.with(|c| -> rusqlite::Result<Vec<Value>> {
        let mut stmt =
            c.prepare("SELECT seq, api, operation, idempotency_key, times_applied FROM applied_log ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok(json!({
                "seq": r.get::<_, i64>(0)?,
                "api": r.get::<_, String>(1)?,
                "operation": r.get::<_, String>(2)?,
                "idempotencyKey": r.get::<_, Option<String>>(3)?,
                "timesApplied": r.get::<_, i64>(4)?,
            }))
        })?;
        rows.collect()
    });
    match rows {
        Ok(rows) => Json(Value::Array(rows)).into_response(),
        Err(e) => crate::http_error::json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            &e.to_string(),
        ),
    }
}
