//! GraphQL-over-HTTP batches: a JSON array of operations in one POST (as Apollo's
//! BatchHttpLink and async-graphql's `BatchRequest` speak it), answered with an array of their
//! responses in the same order. Each operation carries its own idempotency key in
//! `extensions.idempotencyKey` (a batch has one set of headers, so the `Idempotency-Key` header
//! cannot name one per operation) and gets its own record: a known key is replayed, a new one
//! runs and is recorded, exactly as a single request with that key.
//!
//! The whole batch runs in one SQLite transaction: its writes and the records of all its keys
//! commit together, or (a failed commit, a database error) none of them do and the batch is
//! answered 500, so the client retries every operation with its key. What one transaction cannot
//! give: an operation that fails with GraphQL errors does not undo the others (each answers for
//! itself, as if sent alone), and a failed operation's own partial writes stay, as they do for a
//! single request; operations later in a batch see the writes of earlier ones (order kept).

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::api::Caller;
use crate::graphql::{run_op, OpError, Tx};
use crate::idempotency::batch_key;
use crate::state::AppState;

/// Most operations one batch may hold; a longer one is refused with 413 and GraphQL Yoga's
/// message, as Yoga refuses a batch over its limit (a client sends shorter batches).
pub const MAX_BATCH: usize = 100;

/// Which operations of a batch answer was replayed from their key's record, in order; attached
/// to the response for test mode's request log.
#[derive(Clone, Debug)]
pub struct Replayed(pub Vec<bool>);

/// Runs batch `ops` for `caller` (already authenticated, under the request gate).
pub async fn execute(st: &AppState, api: usize, caller: Caller, ops: Vec<Value>) -> Response {
    if st.test_mode.as_ref().is_some_and(|tm| tm.refuses_batches()) {
        return OpError { status: StatusCode::BAD_REQUEST, code: "BATCH_REFUSED", message: "batches are refused (test mode switch)".into() }
            .response();
    }
    if ops.is_empty() {
        return OpError { status: StatusCode::BAD_REQUEST, code: "BAD_REQUEST", message: "an empty batch".into() }.response();
    }
    let limit = st.test_mode.as_ref().and_then(|tm| tm.batch_limit()).unwrap_or(MAX_BATCH);
    if ops.len() > limit {
        let message = format!("Batching is limited to {limit} operations per request.");
        return OpError { status: StatusCode::PAYLOAD_TOO_LARGE, code: "BATCH_LIMIT", message }.response();
    }
    let tx = match Tx::begin(&st.db) {
        Ok(tx) => tx,
        Err(e) => return OpError::internal(e.to_string()).response(),
    };
    let mut bodies = Vec::with_capacity(ops.len());
    let mut replayed = Vec::with_capacity(ops.len());
    for op in &ops {
        match run_op(st, api, caller.clone(), op, batch_key(op)).await {
            Ok(ran) => {
                bodies.push(ran.body);
                replayed.push(ran.replayed);
            }
            // The transaction may be broken: nothing of the batch commits (dropping `tx` rolls
            // back), and the client retries every operation.
            Err(e) if e.status == StatusCode::INTERNAL_SERVER_ERROR => return e.response(),
            Err(e) => {
                bodies.push(element_error(&e));
                replayed.push(false);
            }
        }
    }
    if let Err(e) = tx.commit() {
        return OpError::internal(format!("commit failed: {e}")).response();
    }
    // Bodies are spliced in as they were stored, so a replayed element is byte for byte the
    // first answer.
    let body = format!("[{}]", bodies.join(","));
    let mut res = (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], body).into_response();
    res.extensions_mut().insert(Replayed(replayed));
    res
}

/// A refused operation as an element of the answer: a GraphQL response with one error.
fn element_error(e: &OpError) -> String {
    json!({ "errors": [{ "message": e.message, "extensions": { "code": e.code, "status": e.status.as_u16() } }] }).to_string()
}
