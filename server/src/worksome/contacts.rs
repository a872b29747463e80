//! Trusted contacts: a company's talent pool ("Only companies can add & invite, edit, delete,
//! approve and block trusted contacts"). Status: INVITED or APPLIED -> ACTIVE (approve) or
//! APPLIED -> BLOCKED (block).

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::companies::push;
use super::store::{self, Obj};
use super::users;
use crate::api::{str_of, ApiError, Caller};

fn apply(c: &Connection, a: &Actor, o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    auth::copy(o, inp, &["links", "externalIdentifier"]);
    if let Some(s) = auth::tags(inp, "skills") {
        o.insert("skills".into(), s);
    }
    if inp.get("attachments").is_some_and(|v| !v.is_null()) {
        let files = auth::ids(inp, "attachments");
        for f in &files {
            auth::own(
                a,
                auth::owner_of(&store::must(c, "File", f)?),
                "the attachment",
            )?;
        }
        o.insert("attachments".into(), json!(files));
    }
    if let Some(v) = inp.get("customFieldValues").filter(|v| !v.is_null()) {
        o.insert("_customFieldValues".into(), v.clone());
    }
    Ok(())
}

fn worker_for(c: &Connection, inp: &Value, email: &str) -> Result<String, ApiError> {
    if let Some(u) = store::find(c, "User", "email", email)?.into_iter().next() {
        let acc = auth::owner_of(&u).to_string();
        if store::get_any(c, &acc)?.map(|(t, _)| t).as_deref() != Some("Worker") {
            return Err(ApiError::new(
                "EMAIL_TAKEN",
                format!("{email} belongs to a user who is not a worker"),
            ));
        }
        return Ok(acc);
    }
    users::new_worker_account(c, inp, email, Obj::new())
}

/// `createTrustedContact`: the worker by email (created if new) invited to the company's pool.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "add & invite trusted contacts")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    let email = str_of(inp, "email").unwrap_or_default();
    if !crate::scalars::is_email(email) {
        return Err(ApiError::bad_input(format!(
            "input.email {email:?} is not an email address"
        )));
    }
    let worker = worker_for(c, inp, email)?;
    if store::find(c, "TrustedContact", "worker", &worker)?
        .iter()
        .any(|t| auth::owner_of(t) == company)
    {
        return Err(ApiError::new(
            "ALREADY_EXISTS",
            format!("worker {worker} is already a trusted contact of the company"),
        ));
    }
    let mut o = auth::owned(&a, &company);
    for (k, v) in [
        ("worker", json!(worker)),
        ("company", json!(company)),
        ("invitedByUser", json!(a.user)),
        ("status", json!("INVITED")),
        ("statusUpdatedAt", json!(store::today())),
        ("invitedAt", json!(store::today())),
        ("links", json!([])),
        ("attachments", json!([])),
    ] {
        o.insert(k.into(), v);
    }
    auth::copy(&mut o, inp, &["origin", "originChannel"]);
    o.insert(
        "_message".into(),
        inp.get("message").cloned().unwrap_or(Value::Null),
    );
    o.insert(
        "_notifyWorker".into(),
        inp.get("notifyWorker").cloned().unwrap_or(json!(false)),
    );
    apply(c, &a, &mut o, inp)?;
    let id = store::insert(c, "TrustedContact", o)?;
    push(c, &company, "trustedContacts", &id)?;
    Ok(json!(id))
}

fn own_contact(c: &Connection, a: &Actor, inp: &Value, what: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "TrustedContact", &req_id(inp, "id")?)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&o), "the trusted contact")?;
    if let Some(acc) = auth::opt_id(inp, "account") {
        auth::own(a, &acc, "the account")?;
    }
    Ok(o)
}

fn set_status(c: &Connection, a: &Actor, mut o: Obj, status: &str) -> Result<Value, ApiError> {
    o.insert("status".into(), json!(status));
    o.insert("statusUpdatedAt".into(), json!(store::today()));
    if status == "ACTIVE" {
        o.insert("approvedByUser".into(), json!(a.user));
    }
    store::save(c, &mut o)?;
    store::complete(c, "TrustedContact", o)
}

/// `updateTrustedContact`.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_contact(c, &a, inp, "edit trusted contacts")?;
    apply(c, &a, &mut o, inp)?;
    store::save(c, &mut o)?;
    store::complete(c, "TrustedContact", o)
}

/// `deleteTrustedContact`.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let o = own_contact(c, &a, input(&args), "delete trusted contacts")?;
    let id = o["id"].as_str().unwrap_or_default().to_string();
    let out = store::complete(c, "TrustedContact", o)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `approveTrustedContact`: INVITED or APPLIED becomes ACTIVE.
pub fn approve(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let o = own_contact(c, &a, input(&args), "approve trusted contacts")?;
    let status = o
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !matches!(status.as_str(), "INVITED" | "APPLIED") {
        return Err(ApiError::new(
            "INVALID_CONTACT_STATUS",
            format!("a {status} trusted contact cannot be approved"),
        ));
    }
    set_status(c, &a, o, "ACTIVE")
}

/// `blockTrustedContact`: only an APPLIED contact.
pub fn block(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let o = own_contact(c, &a, input(&args), "block trusted contacts")?;
    let status = o
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if status != "APPLIED" {
        return Err(ApiError::new(
            "INVALID_CONTACT_STATUS",
            format!("only an APPLIED trusted contact can be blocked, this one is {status}"),
        ));
    }
    set_status(c, &a, o, "BLOCKED")
}
