//! Messages the reference server pretends to send (there is no SMS gateway or mail server):
//! MFA codes by SMS and verification emails are recorded, and in test mode
//! `GET /__test/sms` and `GET /__test/emails` (optionally `?user=<id>`) list them, oldest first.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use rusqlite::{params, Connection};
use serde_json::{json, Value};

use super::store;
use crate::api::ApiError;
use crate::state::AppState;

/// Records an SMS with an MFA code for `factor`.
pub fn sms(
    c: &Connection,
    user: &str,
    factor: &str,
    phone: &str,
    code: &str,
) -> Result<(), ApiError> {
    c.execute(
        "INSERT INTO ws_sms (user_id, factor_id, phone, code, sent_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![user, factor, phone, code, store::now()],
    )?;
    Ok(())
}

/// Records a verification email to `email`.
pub fn verification_email(c: &Connection, user: &str, email: &str) -> Result<(), ApiError> {
    c.execute(
        "INSERT INTO ws_emails (user_id, email, kind, sent_at) VALUES (?1, ?2, 'verification', ?3)",
        params![user, email, store::now()],
    )?;
    Ok(())
}

/// Routes that exist only in test mode.
pub fn test_routes() -> Router<AppState> {
    Router::new()
        .route("/__test/sms", get(sent_sms))
        .route("/__test/emails", get(sent_emails))
        .route("/__test/worksome/tenant", axum::routing::post(super::tenant::create))
}

#[derive(serde::Deserialize)]
struct ByUser {
    user: Option<String>,
}

/// `[{"user","factor","phoneNumber","code","sentAt"}]`.
async fn sent_sms(State(st): State<AppState>, Query(q): Query<ByUser>) -> Response {
    let sql = "SELECT user_id, factor_id, phone, code, sent_at FROM ws_sms WHERE ?1 IS NULL OR user_id = ?1 ORDER BY seq";
    list(&st, sql, q.user, |r| {
        Ok(json!({ "user": r.get::<_, String>(0)?, "factor": r.get::<_, String>(1)?, "phoneNumber": r.get::<_, String>(2)?,
                   "code": r.get::<_, String>(3)?, "sentAt": r.get::<_, String>(4)? }))
    })
    .await
}

/// `[{"user","email","kind","sentAt"}]`.
async fn sent_emails(State(st): State<AppState>, Query(q): Query<ByUser>) -> Response {
    let sql = "SELECT user_id, email, kind, sent_at FROM ws_emails WHERE ?1 IS NULL OR user_id = ?1 ORDER BY seq";
    list(&st, sql, q.user, |r| {
        Ok(json!({ "user": r.get::<_, String>(0)?, "email": r.get::<_, String>(1)?, "kind": r.get::<_, String>(2)?,
                   "sentAt": r.get::<_, String>(3)? }))
    })
    .await
}

async fn list(
    st: &AppState,
    sql: &str,
    user: Option<String>,
    row: impl Fn(&rusqlite::Row<'_>) -> rusqlite::Result<Value>,
) -> Response {
    // The request gate keeps a half-done transaction on the shared connection from being read.
    let _turn = st.gate.lock().await;
    let rows = st.db.with(|c| -> rusqlite::Result<Vec<Value>> {
        let mut stmt = c.prepare(sql)?;
        let rows = stmt.query_map([&user], |r| row(r))?;
        rows.collect()
    });
    match rows {
        Ok(v) => Json(Value::Array(v)).into_response(),
        Err(e) => crate::http_error::json_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "INTERNAL",
            &e.to_string(),
        ),
    }
}
