//! File uploads: `uploadFiles` hands out capability URLs served by this server
//! (`PUT /uploads/<token>` stores the bytes in SQLite), `markFilesAsUploaded` checks the bytes
//! arrived, and afterwards `GET /uploads/<token>` (the File's `url`) returns them.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::put;
use axum::{Json, Router};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::auth::{self, actor, input, Actor};
use super::store::{self, Obj};
use super::totp;
use crate::api::{id_of, str_of, ApiError, Caller};
use crate::http_error::json_error;
use crate::state::AppState;

/// The largest file this server accepts (bytes).
pub const MAX_SIZE: i64 = 25 * 1024 * 1024;

/// `uploadFiles`: one pending File and one upload URL per input, owned by the caller's account.
pub fn upload_files(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let items = args
        .get("input")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, f) in items.iter().enumerate() {
        let owner = f.get("owner").and_then(id_of).unwrap_or_default();
        store::must_in(c, &["Company", "Worker", "Recruiter"], &owner)?;
        auth::own(&a, &owner, "the owner account")?;
        let size = f.get("size").and_then(Value::as_i64).unwrap_or(-1);
        if !(0..=MAX_SIZE).contains(&size) {
            return Err(ApiError::new(
                "FILE_TOO_LARGE",
                format!("input[{i}].size must be 0..={MAX_SIZE} bytes, got {size}"),
            ));
        }
        let token = totp::random_hex(16);
        let mut o = auth::owned(&a, &owner);
        for (k, v) in [
            ("name", f["name"].clone()),
            ("size", json!(size)),
            ("mimeType", f["mimeType"].clone()),
            ("owner", json!(owner)),
            ("humanReadableSize", json!(human(size))),
            ("_uploadToken", json!(token)),
            ("_uploaded", json!(false)),
        ] {
            o.insert(k.into(), v);
        }
        let id = store::insert(c, "File", o)?;
        out.push(json!({ "id": id, "name": f["name"], "url": format!("{}/uploads/{token}", caller.origin) }));
    }
    Ok(Value::Array(out))
}

fn human(size: i64) -> String {
    match size {
        s if s < 1024 => format!("{s} B"),
        s if s < 1024 * 1024 => format!("{:.1} KB", s as f64 / 1024.0),
        s => format!("{:.1} MB", s as f64 / (1024.0 * 1024.0)),
    }
}

fn own_file(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "File", id)?;
    auth::own(a, auth::owner_of(&o), "the file")?;
    Ok(o)
}

/// `markFilesAsUploaded`: every file's bytes must have arrived (`FILE_NOT_UPLOADED` otherwise).
pub fn mark_uploaded(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let mut out = Vec::new();
    for id in auth::ids(input(&args), "files") {
        let mut o = own_file(c, &a, &id)?;
        let arrived: Option<i64> = c
            .query_row(
                "SELECT length(bytes) FROM ws_uploads WHERE file_id = ?1",
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        if arrived.is_none() {
            return Err(ApiError::new(
                "FILE_NOT_UPLOADED",
                format!("file {id}: no bytes were PUT to its upload URL"),
            ));
        }
        let token = str_of(&Value::Object(o.clone()), "_uploadToken")
            .unwrap_or_default()
            .to_string();
        o.insert("_uploaded".into(), json!(true));
        o.insert(
            "url".into(),
            json!(format!("{}/uploads/{token}", caller.origin)),
        );
        store::save(c, &mut o)?;
        out.push(store::complete(c, "File", o)?);
    }
    Ok(Value::Array(out))
}

/// Routes served whatever the mode: `PUT` and `GET /uploads/<token>` (no bearer token: the URL
/// is the capability, like a presigned URL).
pub fn routes() -> Router<AppState> {
    let limit = axum::extract::DefaultBodyLimit::max(MAX_SIZE as usize);
    Router::new().route(
        "/uploads/{token}",
        put(put_bytes).get(get_bytes).layer(limit),
    )
}

fn file_by_token(c: &Connection, token: &str) -> Result<Option<Obj>, ApiError> {
    Ok(store::find(c, "File", "_uploadToken", token)?
        .into_iter()
        .next())
}

async fn put_bytes(
    State(st): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let _turn = st.gate.lock().await;
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let r = st.db.with(|c| -> Result<Response, ApiError> {
        let Some(f) = file_by_token(c, &token)? else {
            return Ok(json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "unknown or expired upload URL"));
        };
        if f.get("_uploaded") == Some(&json!(true)) {
            return Ok(json_error(StatusCode::CONFLICT, "ALREADY_UPLOADED", "the file is already marked as uploaded"));
        }
        let size = f.get("size").and_then(Value::as_i64).unwrap_or(-1);
        if body.len() as i64 != size {
            let msg = format!("the body has {} bytes, the file was declared with {size}", body.len());
            return Ok(json_error(StatusCode::BAD_REQUEST, "UPLOAD_SIZE_MISMATCH", &msg));
        }
        let id = f.get("id").and_then(Value::as_str).unwrap_or_default();
        c.execute(
            "INSERT OR REPLACE INTO ws_uploads (file_id, bytes, content_type, uploaded_at) VALUES (?1, ?2, ?3, ?4)",
            params![id, body.as_ref(), ct, store::now()],
        )?;
        Ok(Json(json!({ "id": id, "size": size })).into_response())
    });
    r.unwrap_or_else(|e| json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.code, &e.message))
}

async fn get_bytes(State(st): State<AppState>, Path(token): Path<String>) -> Response {
    let _turn = st.gate.lock().await;
    let r = st
        .db
        .with(|c| -> Result<Option<(Vec<u8>, String)>, ApiError> {
            let Some(f) = file_by_token(c, &token)? else {
                return Ok(None);
            };
            let id = f.get("id").and_then(Value::as_str).unwrap_or_default();
            let mime = f
                .get("mimeType")
                .and_then(Value::as_str)
                .unwrap_or("application/octet-stream")
                .to_string();
            let bytes: Option<Vec<u8>> = c
                .query_row(
                    "SELECT bytes FROM ws_uploads WHERE file_id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .optional()?;
            Ok(bytes.map(|b| (b, mime)))
        });
    match r {
        Ok(Some((bytes, mime))) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        Ok(None) => json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such upload"),
        Err(e) => json_error(StatusCode::INTERNAL_SERVER_ERROR, &e.code, &e.message),
    }
}
