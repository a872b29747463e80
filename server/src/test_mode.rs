//! Everything behind `--test-mode`: the applied log, the request log, fault injection and extra
//! tokens, with their `/__test/*` endpoints. `graphql.rs` asks `TestMode` for a request's fault before
//! handling it and acts on "drop after commit" once the request has committed.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::api::ApiError;
use crate::faults::{FaultSpec, Faults};
use crate::http_error::json_error;
use crate::state::AppState;

/// Test-mode settings; present in `AppState` only when `--test-mode` is given.
#[derive(Clone, Debug, Default)]
pub struct TestMode {
    /// Pending fault rules.
    pub faults: Faults,
    /// Every GraphQL request received, replays included.
    pub requests: Requests,
    /// `POST /__test/batches {"refuse": true}`: batches are answered 400 (a server without
    /// batching), so a client's fallback to single requests can be tested.
    pub refuse_batches: Arc<AtomicBool>,
    /// `POST /__test/batches {"limit": n}`: a batch of more than `n` operations is answered
    /// 413 as GraphQL Yoga answers one over its batching limit (0: the server's own limit).
    pub batch_limit: Arc<AtomicUsize>,
}

impl TestMode {
    /// Whether batches are refused right now.
    pub fn refuses_batches(&self) -> bool {
        self.refuse_batches.load(Ordering::SeqCst)
    }

    /// The batch limit test mode sets, if any.
    pub fn batch_limit(&self) -> Option<usize> {
        Some(self.batch_limit.load(Ordering::SeqCst)).filter(|n| *n > 0)
    }
}

/// The request log: every GraphQL request with its idempotency key and when it came in and
/// was answered. The applied log counts applications, and a replayed key applies nothing, so
/// only this log shows a client sending one key twice (or twice at once).
#[derive(Clone, Debug)]
pub struct Requests {
    /// Times are monotonic milliseconds since this instant (the server's start).
    base: Instant,
    rows: Arc<Mutex<Vec<RequestRow>>>,
}

impl Default for Requests {
    fn default() -> Self {
        Requests { base: Instant::now(), rows: Arc::default() }
    }
}

/// One request as `GET /__test/requests` lists it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestRow {
    /// Order of receipt, from 1.
    seq: usize,
    api: String,
    idempotency_key: Option<String>,
    /// When the request reached the handler.
    received_ms: f64,
    /// When its response was ready, or when the handler gave up on it (client gone); `None`
    /// while in progress.
    answered_ms: Option<f64>,
    /// HTTP status answered; `None` if none was (client gone, or in progress).
    status: Option<u16>,
    /// Answered from the idempotency store (`Idempotency-Replayed: true`).
    replayed: bool,
}

impl Requests {
    fn now_ms(&self) -> f64 {
        self.base.elapsed().as_secs_f64() * 1000.0
    }

    /// Records a request as received, one row per operation (a batch's elements each with its
    /// `extensions.idempotencyKey`, a single request with its `Idempotency-Key` header); the
    /// returned guard records the answer (or, if dropped unanswered, when the server stopped
    /// handling it).
    pub fn begin(&self, api: &str, headers: &axum::http::HeaderMap, body: &[u8]) -> InFlight {
        let keys: Vec<Option<String>> = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(ops)) if !ops.is_empty() => ops.iter().map(crate::idempotency::batch_key).collect(),
            _ => vec![headers.get("idempotency-key").and_then(|k| k.to_str().ok()).map(str::to_string)],
        };
        let mut rows = self.rows.lock().unwrap_or_else(|p| p.into_inner());
        let first = rows.len();
        let now = self.now_ms();
        for key in keys {
            let seq = rows.len() + 1;
            rows.push(RequestRow {
                seq,
                api: api.to_string(),
                idempotency_key: key,
                received_ms: now,
                answered_ms: None,
                status: None,
                replayed: false,
            });
        }
        InFlight { log: self.clone(), rows: first..rows.len() }
    }

    fn list(&self) -> Vec<RequestRow> {
        self.rows.lock().expect("request log").clone()
    }
}

/// A request being handled (its rows in the log); see `Requests::begin`.
pub struct InFlight {
    log: Requests,
    rows: std::ops::Range<usize>,
}

impl InFlight {
    /// Records the response about to be sent: its status on every row; a batch's answer says
    /// which of its elements were replayed.
    pub fn answered(self, res: &Response) {
        let per_op = res.extensions().get::<crate::batch::Replayed>().map(|r| r.0.clone());
        let whole = res.headers().contains_key("idempotency-replayed");
        let now = self.log.now_ms();
        let mut rows = self.log.rows.lock().unwrap_or_else(|p| p.into_inner());
        for (i, row) in rows[self.rows.clone()].iter_mut().enumerate() {
            row.status = Some(res.status().as_u16());
            row.replayed = per_op.as_ref().map_or(whole, |r| r.get(i).copied().unwrap_or(false));
            row.answered_ms = Some(now);
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = self.log.now_ms();
        let mut rows = self.log.rows.lock().unwrap_or_else(|p| p.into_inner());
        for row in rows[self.rows.clone()].iter_mut() {
            row.answered_ms.get_or_insert(now);
        }
    }
}

/// Routes that exist only in test mode.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/__test/applied", get(applied))
        .route("/__test/requests", get(requests))
        .route(
            "/__test/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/__test/tokens", post(add_token))
        .route("/__test/batches", post(set_batches))
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

/// `GET /__test/requests`: every GraphQL request received, in order of receipt.
async fn requests(State(st): State<AppState>) -> Response {
    let log = &st.test_mode.as_ref().expect("test routes without test mode").requests;
    Json(log.list()).into_response()
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

/// `POST /__test/batches` `{"refuse"?: bool, "limit"?: n}`: refuse batches with 400 from now
/// on, or accept them again; answer a batch longer than `n` with 413 (0: the server's own
/// limit). Answers the settings.
async fn set_batches(State(st): State<AppState>, body: Bytes) -> Response {
    let v = serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    let refuse = v.get("refuse").map(Value::as_bool);
    let limit = v.get("limit").map(|l| l.as_u64().map(|n| n as usize));
    if matches!(refuse, Some(None)) || matches!(limit, Some(None)) || (refuse.is_none() && limit.is_none()) {
        return json_error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "expected {\"refuse\"?: true | false, \"limit\"?: n}");
    }
    let tm = st.test_mode.as_ref().expect("test routes without test mode");
    if let Some(Some(r)) = refuse {
        tm.refuse_batches.store(r, Ordering::SeqCst);
    }
    if let Some(Some(n)) = limit {
        tm.batch_limit.store(n, Ordering::SeqCst);
    }
    Json(json!({ "refuse": tm.refuses_batches(), "limit": tm.batch_limit.load(Ordering::SeqCst) })).into_response()
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
