//! Webhooks ("Only companies can create webhooks"; the owning company updates and deletes them)
//! and createExport, which counts the rows an export of the caller's data would hold.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::store::{self, Obj};
use super::totp;
use crate::api::{str_of, ApiError, Caller};

const FIELDS: &[&str] = &[
    "title",
    "description",
    "url",
    "secret",
    "isActive",
    "clientId",
    "clientUrl",
    "subscribedEvents",
];

fn check(inp: &Value) -> Result<(), ApiError> {
    for k in ["url", "clientUrl"] {
        if let Some(u) = str_of(inp, k) {
            let rest = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
                return Err(ApiError::bad_input(format!(
                    "input.{k} {u:?} is not an http(s) URL"
                )));
            }
        }
    }
    if str_of(inp, "title").is_some_and(|t| t.trim().is_empty()) {
        return Err(ApiError::bad_input("input.title must not be empty"));
    }
    Ok(())
}

fn sync_company(c: &Connection, company: &str) -> Result<(), ApiError> {
    let active = store::find(c, "Webhook", "_account", company)?
        .iter()
        .any(|w| w.get("isActive") != Some(&json!(false)));
    let mut co = store::must(c, "Company", company)?;
    co.insert("hasActiveWebhooks".into(), json!(active));
    store::save(c, &mut co)
}

/// A client id gets a generated secret; without one there is no secret either.
fn client_secret(o: &mut Obj) {
    if o.get("clientId").is_none_or(Value::is_null) {
        o.remove("clientSecret");
    } else if o.get("clientSecret").is_none_or(Value::is_null) {
        o.insert("clientSecret".into(), json!(totp::random_hex(16)));
    }
}

/// `createWebhook`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "create webhooks")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    check(inp)?;
    let mut o = auth::owned(&a, &company);
    o.insert("isActive".into(), json!(true));
    auth::copy(&mut o, inp, FIELDS);
    o.insert("owner".into(), json!(company));
    client_secret(&mut o);
    let id = store::insert(c, "Webhook", o)?;
    sync_company(c, &company)?;
    Ok(json!(id))
}

fn own_webhook(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "Webhook", id)?;
    auth::own(a, auth::owner_of(&o), "the webhook")?;
    Ok(o)
}

/// `updateWebhook`: title and url are required again; optional fields absent are unset.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_webhook(c, &a, &req_id(inp, "id")?)?;
    check(inp)?;
    for k in [
        "description",
        "secret",
        "clientId",
        "clientUrl",
        "subscribedEvents",
    ] {
        o.remove(k);
    }
    auth::copy(&mut o, inp, FIELDS);
    client_secret(&mut o);
    store::save(c, &mut o)?;
    sync_company(c, auth::owner_of(&o))?;
    store::complete(c, "Webhook", o)
}

/// `deleteWebhook`.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let o = own_webhook(c, &a, &id)?;
    let company = auth::owner_of(&o).to_string();
    let out = store::complete(c, "Webhook", o)?;
    store::delete(c, &id)?;
    sync_company(c, &company)?;
    Ok(out)
}

/// Export types: (name, object type, the field naming the company).
const EXPORTS: &[(&str, &str, &str)] = &[
    ("payment_requests", "PaymentRequest", "company"),
    ("hires", "Hire", "company"),
    ("jobs", "Job", "company"),
    ("projects", "Project", "company"),
    ("trusted_contacts", "TrustedContact", "company"),
];

/// `createExport`: for the caller (userId/accountId must be theirs), counts the rows of `type`
/// belonging to `args.companies` created within `dateFrom..dateTo`, and records the export.
/// An unknown type answers status ERROR (the payload's own failure channel).
pub fn create_export(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let num = |k: &str| {
        inp.get(k)
            .and_then(Value::as_i64)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    if num("userId") != a.user || num("accountId") != a.account {
        return Err(ApiError::forbidden(
            "userId and accountId must be the caller's own",
        ));
    }
    if str_of(inp, "accountType").map(str::to_lowercase).as_deref() != Some(a.kind.role()) {
        return Err(ApiError::bad_input(format!(
            "input.accountType must be {:?} for this account",
            a.kind.role()
        )));
    }
    let ty = str_of(inp, "type").unwrap_or_default();
    let Some((_, object, field)) = EXPORTS.iter().find(|(t, _, _)| *t == ty) else {
        let known: Vec<&str> = EXPORTS.iter().map(|(t, _, _)| *t).collect();
        return Ok(
            json!({ "status": "ERROR", "message": format!("unknown export type {ty:?}; known: {}", known.join(", ")) }),
        );
    };
    let ea = inp.get("args").cloned().unwrap_or_default();
    let companies: Vec<String> = ea
        .get("companies")
        .and_then(Value::as_array)
        .map(|v| v.iter().map(|n| n.to_string()).collect())
        .unwrap_or_default();
    for co in &companies {
        if *co != a.account {
            return Err(ApiError::forbidden(format!(
                "args.companies names company {co}, which is not the caller's"
            )));
        }
    }
    let (from, to) = (
        str_of(&ea, "dateFrom").unwrap_or("0000-00-00"),
        str_of(&ea, "dateTo").unwrap_or("9999-99-99"),
    );
    let mut rows = 0;
    for co in &companies {
        for o in store::find(c, object, field, co)? {
            let day = o
                .get("_created")
                .and_then(Value::as_str)
                .map(|s| &s[..10])
                .unwrap_or_default();
            if day >= from && day <= to {
                rows += 1;
            }
        }
    }
    let mut e = auth::owned(&a, &a.account);
    for (k, v) in [
        ("type", json!(ty)),
        ("generatorType", inp["generatorType"].clone()),
        ("deliveries", inp["deliveries"].clone()),
        ("args", ea.clone()),
        ("rows", json!(rows)),
    ] {
        e.insert(k.into(), v);
    }
    let id = store::insert(c, "Export", e)?;
    Ok(json!({ "status": "SUCCESS", "message": format!("export {id}: {rows} rows of {ty}") }))
}
