//! Notes on a job, trusted contact or company-recruiter relationship (`Notable`), kept by the
//! account that owns the notable object.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::companies::push;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

fn check_body(inp: &Value) -> Result<(), ApiError> {
    match str_of(inp, "body") {
        Some(b) if b.trim().is_empty() => Err(ApiError::bad_input("input.body must not be empty")),
        _ => Ok(()),
    }
}

/// `createNote`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let account = req_id(inp, "accountId")?;
    store::must_in(c, &["Company", "Worker", "Recruiter"], &account)?;
    auth::own(&a, &account, "the account")?;
    let notable = req_id(inp, "notableId")?;
    let (_, n) = store::must_in(c, &["Job", "TrustedContact", "CompanyRecruiter"], &notable)?;
    auth::own(&a, auth::owner_of(&n), "the notable object")?;
    check_body(inp)?;
    let mut o = auth::owned(&a, &account);
    for (k, v) in [
        ("body", inp["body"].clone()),
        ("title", json!(str_of(inp, "title").unwrap_or(""))),
        ("author", json!(a.user)),
        ("notable", json!(notable)),
        ("account", json!(account)),
        ("viewerCanUpdate", json!(true)),
        ("viewerCanDelete", json!(true)),
    ] {
        o.insert(k.into(), v);
    }
    let id = store::insert(c, "Note", o)?;
    push(c, &notable, "notes", &id)?;
    Ok(json!(id))
}

fn own_note(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "Note", id)?;
    auth::own(a, auth::owner_of(&o), "the note")?;
    Ok(o)
}

/// `updateNote`.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_note(c, &a, &req_id(inp, "id")?)?;
    check_body(inp)?;
    auth::copy(&mut o, inp, &["body", "title"]);
    store::save(c, &mut o)?;
    store::complete(c, "Note", o)
}

/// `deleteNote`.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let o = own_note(c, &a, &id)?;
    let out = store::complete(c, "Note", o)?;
    store::delete(c, &id)?;
    Ok(out)
}
