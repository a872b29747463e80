//! The Worksome object store: every entity is one row of `ws_objects` (global numeric id, type,
//! JSON data, soft-delete time); `complete.rs` turns stored JSON into a value any selection of
//! the type can read.
//!
//! Why a document table rather than one table per type: the 80 mutations reach ~45 object types
//! whose fields are mostly plain values; keeping each entity's fields as JSON keyed by GraphQL
//! name lets one generic loader serve them all, while relations stay ids (checked for type on
//! write, see `must`) so later mutations and queries see every change. Keys starting with `_`
//! are private (password hashes, secrets, owning account) and never match a GraphQL field.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

pub use super::complete::{complete, page};
use crate::api::ApiError;

/// A stored object's JSON fields.
pub type Obj = Map<String, Value>;

/// Table creation (idempotent).
pub const TABLES: &str = "
CREATE TABLE IF NOT EXISTS ws_objects (
    id         TEXT PRIMARY KEY,
    type       TEXT NOT NULL,
    data       TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX IF NOT EXISTS ws_objects_type ON ws_objects(type);
CREATE TABLE IF NOT EXISTS ws_uploads (
    file_id      TEXT PRIMARY KEY,
    bytes        BLOB NOT NULL,
    content_type TEXT,
    uploaded_at  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ws_emails (
    seq     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    email   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    sent_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ws_sms (
    seq       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   TEXT NOT NULL,
    factor_id TEXT NOT NULL,
    phone     TEXT NOT NULL,
    code      TEXT NOT NULL,
    sent_at   TEXT NOT NULL
);
";

/// Now in Worksome's DateTime format (`2022-10-30T23:00:00.000000Z`).
pub fn now() -> String {
    crate::clock::now_rfc3339().replace('Z', ".000000Z")
}

/// Today as `YYYY-MM-DD` (UTC).
pub fn today() -> String {
    now()[..10].to_string()
}

/// `NOT_FOUND` for an unknown (or deleted, or wrongly typed) id.
pub fn not_found(ty: &str, id: &str) -> ApiError {
    ApiError::new("NOT_FOUND", format!("{ty} {id} does not exist"))
}

fn next_id(c: &Connection) -> Result<String, ApiError> {
    let n: i64 = c.query_row(
        "SELECT COALESCE(MAX(CAST(id AS INTEGER)), 0) + 1 FROM ws_objects",
        [],
        |r| r.get(0),
    )?;
    Ok(n.to_string())
}

/// Stores a new object of type `ty` with a fresh id; returns the id.
pub fn insert(c: &Connection, ty: &str, data: Obj) -> Result<String, ApiError> {
    let id = next_id(c)?;
    insert_with_id(c, ty, &id, data)?;
    Ok(id)
}

/// Stores a new object under a given id (fixtures).
pub fn insert_with_id(c: &Connection, ty: &str, id: &str, mut data: Obj) -> Result<(), ApiError> {
    let t = now();
    data.insert("id".into(), json!(id));
    data.entry("_created").or_insert_with(|| json!(t));
    data.insert("_updated".into(), json!(t));
    c.execute(
        "INSERT INTO ws_objects (id, type, data) VALUES (?1, ?2, ?3)",
        params![id, ty, Value::Object(data).to_string()],
    )?;
    Ok(())
}

/// The type and data of a live object.
pub fn get_any(c: &Connection, id: &str) -> Result<Option<(String, Obj)>, ApiError> {
    row(c, id, false)
}

fn row(c: &Connection, id: &str, with_deleted: bool) -> Result<Option<(String, Obj)>, ApiError> {
    let row: Option<(String, String)> = c
        .query_row(
            "SELECT type, data FROM ws_objects WHERE id = ?1 AND (deleted_at IS NULL OR ?2)",
            params![id, with_deleted],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((ty, data)) = row else {
        return Ok(None);
    };
    match serde_json::from_str(&data) {
        Ok(Value::Object(m)) => Ok(Some((ty, m))),
        _ => Err(ApiError::internal(format!("object {id} holds bad JSON"))),
    }
}

/// A live object of one of `types`, or `NOT_FOUND` naming the first type.
pub fn must_in(c: &Connection, types: &[&str], id: &str) -> Result<(String, Obj), ApiError> {
    match get_any(c, id)? {
        Some((ty, o)) if types.contains(&ty.as_str()) => Ok((ty, o)),
        _ => Err(not_found(types[0], id)),
    }
}

/// A live object of type `ty`, or `NOT_FOUND`.
pub fn must(c: &Connection, ty: &str, id: &str) -> Result<Obj, ApiError> {
    must_in(c, &[ty], id).map(|(_, o)| o)
}

/// Writes an object's data back (touching `_updated`).
pub fn save(c: &Connection, o: &mut Obj) -> Result<(), ApiError> {
    o.insert("_updated".into(), json!(now()));
    let id = o
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let n = c.execute(
        "UPDATE ws_objects SET data = ?1 WHERE id = ?2 AND deleted_at IS NULL",
        params![Value::Object(o.clone()).to_string(), id],
    )?;
    if n == 0 {
        return Err(ApiError::internal(format!("object {id} vanished")));
    }
    Ok(())
}

/// Soft-deletes an object: later reads, lists and loads no longer see it.
pub fn delete(c: &Connection, id: &str) -> Result<(), ApiError> {
    c.execute(
        "UPDATE ws_objects SET deleted_at = ?1 WHERE id = ?2",
        params![now(), id],
    )?;
    Ok(())
}

/// Live objects of type `ty` whose JSON field `field` equals `value` (a string), in id order.
pub fn find(c: &Connection, ty: &str, field: &str, value: &str) -> Result<Vec<Obj>, ApiError> {
    let path = format!("$.{field}");
    let mut stmt = c.prepare(
        "SELECT data FROM ws_objects WHERE type = ?1 AND deleted_at IS NULL
         AND json_extract(data, ?2) = ?3 ORDER BY CAST(id AS INTEGER)",
    )?;
    let rows = stmt.query_map(params![ty, path, value], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        if let Ok(Value::Object(m)) = serde_json::from_str(&r?) {
            out.push(m);
        }
    }
    Ok(out)
}

/// Every live object of type `ty`, in id order.
pub fn all(c: &Connection, ty: &str) -> Result<Vec<Obj>, ApiError> {
    let mut stmt = c.prepare(
        "SELECT data FROM ws_objects WHERE type = ?1 AND deleted_at IS NULL ORDER BY CAST(id AS INTEGER)",
    )?;
    let rows = stmt.query_map([ty], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        if let Ok(Value::Object(m)) = serde_json::from_str(&r?) {
            out.push(m);
        }
    }
    Ok(out)
}

/// The loader registered for every stored type: an object by id, completed. Deleted objects
/// load too: completion already dropped dead ids from lists, so an id reaching the loader was
/// live when its parent was read (a delete mutation returns children it deleted after reading).
pub fn load_any(c: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    match row(c, id, true)? {
        Some((ty, o)) => Ok(Some(complete(c, &ty, o)?)),
        None => Ok(None),
    }
}

/// A reference to a live object for a field of abstract type (`{"__typename", "__ref"}`).
pub fn typed_ref(c: &Connection, id: &str) -> Result<Value, ApiError> {
    Ok(match get_any(c, id)? {
        Some((ty, _)) => json!({ "__typename": ty, "__ref": id }),
        None => Value::Null,
    })
}
