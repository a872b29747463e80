//! `POST /graphql/<api>`: auth, idempotency, one transaction per request, execution.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::Value;

use crate::api::Caller;
use crate::conn::Conn;
use crate::db::{caller_for_token, Db};
use crate::faults::RequestFacts;
use crate::http_error::json_error;
use crate::idempotency::{self, Prior};
use crate::resolve::RequestCtx;
use crate::state::AppState;

/// The standard GraphQL-over-HTTP request body.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    query: String,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default)]
    operation_name: Option<String>,
}

/// Handles one request to the API at index `api` of `st.apis`, applying test mode's fault for it
/// (if any): a delay and an injected status before anything runs, a cut connection after commit.
pub async fn handle(
    st: AppState,
    api: usize,
    conn: Option<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let logged = st.test_mode.as_ref().map(|tm| tm.requests.begin(st.apis[api].def.name, &headers, &body));
    let response = handle_faults(st, api, conn, headers, body).await;
    if let Some(l) = logged {
        l.answered(&response);
    }
    response
}

/// The request with its test-mode fault applied, if any.
async fn handle_faults(
    st: AppState,
    api: usize,
    conn: Option<Conn>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fault = st.test_mode.as_ref().and_then(|tm| {
        let facts = RequestFacts::of(st.apis[api].def.name, &headers, &body);
        tm.faults.take(&facts)
    });
    let Some(fault) = fault else {
        return execute(st, api, headers, body).await;
    };
    if let Some(ms) = fault.delay_ms {
        // Outside the request gate: a slow request does not hold up the others.
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }
    if let Some(early) = fault.early_response() {
        return early;
    }
    let response = execute(st, api, headers, body).await;
    if fault.drop_after_commit {
        // `execute` has committed (or replayed, or refused); the client must not learn which.
        match conn {
            Some(conn) => conn.cut(),
            None => {
                return json_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "INTERNAL",
                    "dropAfterCommit needs a connection served by outbox_server::serve",
                )
            }
        }
    }
    response
}

/// Auth, idempotency, one transaction, execution: the request as a real server handles it. A
/// JSON array body is a batch (`batch.rs`).
async fn execute(st: AppState, api: usize, headers: HeaderMap, body: Bytes) -> Response {
    let rt = &st.apis[api];
    // One request at a time through the database (see `AppState::gate`).
    let _turn = st.gate.lock().await;
    let caller = match authenticate(&st, rt.def.name, &headers) {
        Ok(c) => c,
        Err(e) => return e.response(),
    };
    let raw: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return OpError::bad(format!("body is not JSON: {e}")).response(),
    };
    if let Value::Array(ops) = raw {
        return crate::batch::execute(&st, api, caller, ops).await;
    }
    let key = match headers.get("idempotency-key").map(HeaderValue::to_str) {
        None => None,
        Some(Ok(k)) if !k.is_empty() => Some(k.to_string()),
        Some(_) => return OpError::bad("Idempotency-Key must be visible ASCII".into()).response(),
    };
    // The request's writes and its idempotency record commit together or not at all. The guard
    // rolls back if this future is dropped mid-way (client gone), so the next request starts clean.
    let tx = match Tx::begin(&st.db) {
        Ok(tx) => tx,
        Err(e) => return OpError::internal(e.to_string()).response(),
    };
    let ran = match run_op(&st, api, caller, &raw, key).await {
        Ok(r) => r,
        Err(e) => return e.response(),
    };
    if let Err(e) = tx.commit() {
        return OpError::internal(format!("commit failed: {e}")).response();
    }
    if ran.replayed {
        return replay(ran.status, ran.body);
    }
    (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], ran.body).into_response()
}

/// Why one operation was not executed: answered as an HTTP error alone, as an element with
/// `errors` in a batch (or, for `INTERNAL`, the whole batch fails: its transaction is unusable).
#[derive(Debug)]
pub struct OpError {
    /// The status a single request answers.
    pub status: StatusCode,
    /// `error.code` / `errors[0].extensions.code`.
    pub code: &'static str,
    /// What went wrong.
    pub message: String,
}

impl OpError {
    fn bad(message: String) -> OpError {
        OpError { status: StatusCode::BAD_REQUEST, code: "BAD_REQUEST", message }
    }
    /// A database failure: the transaction cannot be trusted.
    pub fn internal(message: String) -> OpError {
        OpError { status: StatusCode::INTERNAL_SERVER_ERROR, code: "INTERNAL", message }
    }
    /// The single-request answer.
    pub fn response(&self) -> Response {
        json_error(self.status, self.code, &self.message)
    }
}

/// The caller the bearer token names (401 without one).
fn authenticate(st: &AppState, api_name: &str, headers: &HeaderMap) -> Result<Caller, OpError> {
    let unauthenticated = |m: &str| OpError { status: StatusCode::UNAUTHORIZED, code: "UNAUTHENTICATED", message: m.into() };
    let token = bearer(headers).ok_or_else(|| unauthenticated("missing Authorization: Bearer token"))?;
    match st.db.with(|c| caller_for_token(c, api_name, token)) {
        Ok(Some(mut caller)) => {
            let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
            caller.origin = format!("http://{}", host.unwrap_or("127.0.0.1"));
            Ok(caller)
        }
        Ok(None) => Err(unauthenticated("unknown token")),
        Err(e) => Err(OpError::internal(e.to_string())),
    }
}

/// One operation's answer: its body, and whether it came from the idempotency store.
pub struct Ran {
    /// HTTP status of the (first) response.
    pub status: u16,
    /// The GraphQL response, as sent.
    pub body: String,
    /// Replayed from the key's record; nothing ran.
    pub replayed: bool,
}

/// Runs one operation (`raw`, a GraphQL request object) inside the caller's open transaction:
/// replays its key's record if there is one, else executes it and records the answer under the
/// key (when it applied something or had no errors).
pub async fn run_op(st: &AppState, api: usize, caller: Caller, raw: &Value, key: Option<String>) -> Result<Ran, OpError> {
    let rt = &st.apis[api];
    let api_name = rt.def.name;
    let req: Body = serde_json::from_value(raw.clone()).map_err(|e| OpError::bad(format!("not a GraphQL request: {e}")))?;
    let variables = match req.variables {
        None | Some(Value::Null) => Value::Object(Default::default()),
        Some(v @ Value::Object(_)) => v,
        Some(_) => return Err(OpError::bad("variables must be an object".into())),
    };
    let caller_id = format!("{}:{}", caller.api, caller.subject);
    let fingerprint = idempotency::fingerprint(api_name, raw);
    if let Some(k) = &key {
        match st.db.with(|c| idempotency::lookup(c, k, &caller_id, &fingerprint)) {
            Ok(Prior::New) => {}
            Ok(Prior::Replay { status, body }) => return Ok(Ran { status, body, replayed: true }),
            Ok(Prior::Conflict(why)) => {
                return Err(OpError { status: StatusCode::UNPROCESSABLE_ENTITY, code: "IDEMPOTENCY_KEY_REUSED", message: why })
            }
            Err(e) => return Err(OpError::internal(e.to_string())),
        }
    }
    let applied_fields = Arc::new(AtomicUsize::new(0));
    let mut gql = async_graphql::Request::new(req.query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(RequestCtx {
            db: st.db.clone(),
            caller,
            idempotency_key: key.clone(),
            record_applied: st.test_mode.is_some(),
            applied_fields: applied_fields.clone(),
        });
    if let Some(op) = req.operation_name {
        gql = gql.operation_name(op);
    }
    let mut response = rt.schema.execute(gql).await;
    add_error_codes(&mut response.errors);
    // Serialize the response itself (not via serde_json::Value) to keep the query's field order.
    let body = serde_json::to_string(&response).map_err(|e| OpError::internal(e.to_string()))?;
    let status = StatusCode::OK.as_u16();
    // A request that failed without applying anything is not stored under its key (like a 401
    // or 400): re-running it cannot apply twice, and the client may retry the same key once the
    // cause is fixed (an outbox entry keeps its key for life, and `retry(id)` must be able to
    // succeed). Anything that applied, or succeeded, is stored and replayed.
    let store = response.errors.is_empty() || applied_fields.load(Ordering::SeqCst) > 0;
    if let (Some(k), true) = (&key, store) {
        st.db
            .with(|c| idempotency::store(c, k, api_name, &caller_id, &fingerprint, status, &body))
            .map_err(|e| OpError::internal(e.to_string()))?;
    }
    Ok(Ran { status, body, replayed: false })
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    (scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty()).then(|| token.trim())
}

/// A stored answer, marked `Idempotency-Replayed: true`.
pub fn replay(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (
        status,
        [
            (header::CONTENT_TYPE, "application/json"),
            (
                header::HeaderName::from_static("idempotency-replayed"),
                "true",
            ),
        ],
        body,
    )
        .into_response()
}

/// Gives every error a stable `extensions.code`: handlers set theirs; what async-graphql reports
/// on its own is a validation failure (no path: the document or variables were rejected) or an
/// internal error during execution (with a path).
fn add_error_codes(errors: &mut [async_graphql::ServerError]) {
    for e in errors {
        let code = if e.path.is_empty() {
            "GRAPHQL_VALIDATION_FAILED"
        } else {
            "INTERNAL_SERVER_ERROR"
        };
        let ext = e.extensions.get_or_insert_with(Default::default);
        if ext.get("code").is_none() {
            ext.set("code", code);
        }
    }
}

/// An open SQLite transaction on the shared connection; rolls back on drop unless committed.
pub struct Tx {
    db: Db,
    done: bool,
}

impl Tx {
    /// `BEGIN IMMEDIATE`.
    pub fn begin(db: &Db) -> rusqlite::Result<Tx> {
        db.with(|c| c.execute_batch("BEGIN IMMEDIATE"))?;
        Ok(Tx {
            db: db.clone(),
            done: false,
        })
    }

    /// `COMMIT` (rolled back if that fails).
    pub fn commit(mut self) -> rusqlite::Result<()> {
        self.done = true;
        self.db.with(|c| {
            let r = c.execute_batch("COMMIT");
            if r.is_err() && !c.is_autocommit() {
                let _ = c.execute_batch("ROLLBACK");
            }
            r
        })
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.db.with(|c| c.execute_batch("ROLLBACK"));
        }
    }
}
