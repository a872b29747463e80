//! Recruiter candidates ("Only recruiters can add, invite and edit candidates"; "Both the
//! recruiter and the candidate can delete the relationship").

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor, Kind};
use super::companies::push;
use super::store::{self, Obj};
use super::totp;
use super::users;
use crate::api::{str_of, ApiError, Caller};

const RATES: &[(&str, &str)] = &[
    ("hourlyRate", "HOURLY"),
    ("dailyRate", "DAILY"),
    ("monthlyRate", "MONTHLY"),
];

fn apply(c: &Connection, a: &Actor, o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    auth::copy(o, inp, &["jobTitle", "country", "state", "links"]);
    if let Some(t) = auth::tags(inp, "tags") {
        o.insert("tags".into(), t);
    }
    let mut rates = o.get("_rates").cloned().unwrap_or(json!({}));
    for (field, ty) in RATES {
        if let Some(r) = inp.get(*field).and_then(Value::as_f64) {
            if r < 0.0 {
                return Err(ApiError::bad_input(format!(
                    "input.{field} must not be negative"
                )));
            }
            rates[*ty] = json!(r);
        }
    }
    o.insert("_rates".into(), rates);
    auth::copy(o, inp, &["currency"]);
    if inp.get("files").is_some_and(|v| !v.is_null()) {
        let files = auth::ids(inp, "files");
        for f in &files {
            auth::own(a, auth::owner_of(&store::must(c, "File", f)?), "the file")?;
        }
        o.insert("files".into(), json!(files));
    }
    Ok(())
}

/// `createRecruiterCandidate`: the worker (new, or existing by email) invited by the recruiter.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::recruiter(&a, "add and invite candidates")?;
    let recruiter = req_id(inp, "recruiter")?;
    store::must(c, "Recruiter", &recruiter)?;
    auth::own(&a, &recruiter, "the recruiter")?;
    let email = str_of(inp, "email").unwrap_or_default();
    if !crate::scalars::is_email(email) {
        return Err(ApiError::bad_input(format!(
            "input.email {email:?} is not an email address"
        )));
    }
    let worker = match store::find(c, "User", "email", email)?.into_iter().next() {
        Some(u) => {
            let acc = auth::owner_of(&u).to_string();
            if store::get_any(c, &acc)?.map(|(t, _)| t).as_deref() != Some("Worker") {
                return Err(ApiError::new(
                    "EMAIL_TAKEN",
                    format!("{email} belongs to a user who is not a worker"),
                ));
            }
            acc
        }
        None => new_worker(c, inp, email)?,
    };
    if store::find(c, "RecruiterCandidate", "worker", &worker)?
        .iter()
        .any(|r| r.get("recruiter") == Some(&json!(recruiter)))
    {
        return Err(ApiError::new(
            "ALREADY_EXISTS",
            format!("worker {worker} is already the recruiter's candidate"),
        ));
    }
    let mut o = auth::owned(&a, &recruiter);
    for (k, v) in [
        ("recruiter", json!(recruiter)),
        ("worker", json!(worker)),
        ("email", json!(email)),
        ("status", json!("INVITED")),
        ("token", json!(totp::random_hex(12))),
        ("links", json!([])),
        ("tags", json!([])),
    ] {
        o.insert(k.into(), v);
    }
    apply(c, &a, &mut o, inp)?;
    let id = store::insert(c, "RecruiterCandidate", o)?;
    push(c, &recruiter, "candidates", &id)?;
    Ok(json!(id))
}

/// A worker account for a candidate invited by email, with the recruiter's job title and currency.
fn new_worker(c: &Connection, inp: &Value, email: &str) -> Result<String, ApiError> {
    let mut extra = Obj::new();
    extra.insert(
        "jobTitle".into(),
        inp.get("jobTitle").cloned().unwrap_or(Value::Null),
    );
    extra.insert(
        "currency".into(),
        inp.get("currency").cloned().unwrap_or(json!("DKK")),
    );
    users::new_worker_account(c, inp, email, extra)
}

/// `updateRecruiterCandidate`.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = store::must(c, "RecruiterCandidate", &req_id(inp, "id")?)?;
    auth::recruiter(&a, "edit the relationship")?;
    auth::own(&a, auth::owner_of(&o), "the candidate relationship")?;
    apply(c, &a, &mut o, inp)?;
    store::save(c, &mut o)?;
    store::complete(c, "RecruiterCandidate", o)
}

/// `deleteRecruiterCandidate`: the recruiter or the candidate (worker) themself.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let o = store::must(c, "RecruiterCandidate", &id)?;
    let party = match a.kind {
        Kind::Recruiter => o.get("recruiter") == Some(&json!(a.account)),
        Kind::Worker => o.get("worker") == Some(&json!(a.account)),
        Kind::Company => return Err(ApiError::new(
            "RECRUITER_OR_CANDIDATE_ONLY",
            "Both the recruiter and the candidate can delete the relationship; companies cannot.",
        )),
    };
    if !party {
        return Err(ApiError::forbidden(
            "the relationship belongs to another recruiter or candidate",
        ));
    }
    let out = store::complete(c, "RecruiterCandidate", o)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `RecruiterCandidate.rate(rateType, currency)`: the stored rate of that type, or null.
pub fn rate(_: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    let ty = str_of(&args, "rateType").unwrap_or("UNKNOWN");
    Ok(args["__parent"]["_rates"]
        .get(ty)
        .cloned()
        .unwrap_or(Value::Null))
}
