//! Everything behind `--test-mode`: the applied log and its endpoint.
//!
//! Fault injection (delays, 5xx with Retry-After, dropping a response after commit) will live here
//! too, behind the same flag: `TestMode` is the place for its settings and `graphql.rs` calls into
//! it at the two points that matter (before executing, after committing).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::api::ApiError;
use crate::state::AppState;

/// Test-mode settings; present in `AppState` only when `--test-mode` is given.
#[derive(Clone, Debug, Default)]
pub struct TestMode {}

/// Routes that exist only in test mode.
pub fn routes() -> Router<AppState> {
    Router::new().route("/__test/applied", get(applied))
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
