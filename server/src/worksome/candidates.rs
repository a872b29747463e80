//! Job candidates (the job's company, or a recruiter the job is shared with, proposes workers)
//! and job shares (the job's company shares it with workers, recruiters or companies).

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor, Kind};
use super::companies::push;
use super::jobs::own_job;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

fn shared_with(c: &Connection, job: &str, account: &str) -> Result<bool, ApiError> {
    Ok(store::find(c, "JobShare", "job", job)?
        .iter()
        .any(|s| s.get("account") == Some(&json!(account))))
}

/// `createJobCandidate`: one candidate per worker; a worker already proposed gets a
/// DUPLICATE candidate instead of a second ELIGIBLE one.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let job_id = req_id(inp, "job")?;
    let job = store::must(c, "Job", &job_id)?;
    let company = auth::owner_of(&job).to_string();
    let allowed = match a.kind {
        Kind::Company => a.account == company,
        Kind::Recruiter => shared_with(c, &job_id, &a.account)?,
        Kind::Worker => false,
    };
    if !allowed {
        return Err(ApiError::forbidden(
            "only the job's company or a recruiter it is shared with can propose candidates",
        ));
    }
    let existing: Vec<Value> = store::find(c, "JobCandidate", "job", &job_id)?
        .iter()
        .map(|o| o["worker"].clone())
        .collect();
    let mut out = Vec::new();
    for (i, w) in auth::ids(inp, "workers").iter().enumerate() {
        store::must(c, "Worker", w)
            .map_err(|_| store::not_found("Worker", &format!("{w} (input.workers[{i}])")))?;
        let dup =
            existing.contains(&json!(w)) || out.iter().any(|(_, wid): &(String, String)| wid == w);
        let mut o = auth::owned(&a, &company);
        for (k, v) in [
            ("job", json!(job_id)),
            ("worker", json!(w)),
            ("sourcingChannel", inp["sourcingChannel"].clone()),
            ("status", json!(if dup { "DUPLICATE" } else { "ELIGIBLE" })),
            ("step", json!("SHORTLISTED")),
            ("isPreferred", json!(false)),
            ("owner", json!(a.account)),
            ("statusSetByUser", json!(a.user)),
            ("stepSetByUser", json!(a.user)),
            ("createdByUser", json!(a.user)),
            ("createdAt", json!(store::now())),
        ] {
            o.insert(k.into(), v);
        }
        let id = store::insert(c, "JobCandidate", o)?;
        push(c, &job_id, "jobCandidates", &id)?;
        out.push((id, w.clone()));
    }
    Ok(Value::Array(
        out.into_iter().map(|(id, _)| json!(id)).collect(),
    ))
}

fn own_candidate(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "JobCandidate", id)?;
    own_job(
        c,
        a,
        o.get("job").and_then(Value::as_str).unwrap_or_default(),
        "update job candidates",
    )?;
    Ok(o)
}

fn touched(o: &mut Obj, a: &Actor) {
    o.insert("updatedByUser".into(), json!(a.user));
    o.insert("updatedAt".into(), json!(store::now()));
}

/// `updateJobCandidateStatus`: the job's company; a reason and comment may come with it.
pub fn update_status(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_candidate(c, &a, &req_id(inp, "jobCandidate")?)?;
    o.insert("status".into(), inp["status"].clone());
    o.insert(
        "statusReason".into(),
        inp.get("statusReason").cloned().unwrap_or(Value::Null),
    );
    o.insert(
        "statusComment".into(),
        inp.get("statusComment").cloned().unwrap_or(Value::Null),
    );
    if let Some(f) = str_of(inp, "feedback") {
        o.insert("_feedback".into(), json!(f));
    }
    o.insert("statusSetByUser".into(), json!(a.user));
    touched(&mut o, &a);
    store::save(c, &mut o)?;
    store::complete(c, "JobCandidate", o)
}

/// `updateJobCandidatePreferred`.
pub fn update_preferred(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_candidate(c, &a, &req_id(inp, "jobCandidate")?)?;
    o.insert(
        "isPreferred".into(),
        inp.get("isPreferred").cloned().unwrap_or(json!(false)),
    );
    touched(&mut o, &a);
    store::save(c, &mut o)?;
    store::complete(c, "JobCandidate", o)
}

/// `createJobShare`: one active share per account (an existing one is returned as is).
pub fn create_shares(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let job_id = req_id(inp, "job")?;
    own_job(c, &a, &job_id, "share jobs")?;
    let existing = store::find(c, "JobShare", "job", &job_id)?;
    let mut out = Vec::new();
    for (i, acc) in auth::ids(inp, "accounts").iter().enumerate() {
        store::must_in(c, &["Worker", "Recruiter", "Company"], acc)
            .map_err(|_| store::not_found("Account", &format!("{acc} (input.accounts[{i}])")))?;
        if *acc == a.account {
            return Err(ApiError::bad_input(format!(
                "input.accounts[{i}] is the job's own company"
            )));
        }
        if let Some(s) = existing
            .iter()
            .find(|s| s.get("account") == Some(&json!(acc)))
        {
            out.push(s["id"].clone());
            continue;
        }
        let mut o = auth::owned(&a, &a.account);
        for (k, v) in [
            ("job", json!(job_id)),
            ("account", json!(acc)),
            ("isActive", json!(true)),
            ("createdAt", json!(store::now())),
        ] {
            o.insert(k.into(), v);
        }
        let id = store::insert(c, "JobShare", o)?;
        push(c, &job_id, "shares", &id)?;
        out.push(json!(id));
    }
    Ok(Value::Array(out))
}

/// `removeJobShare`: the shares end (returned inactive) and leave the job's list.
pub fn remove_shares(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let mut out = Vec::new();
    for id in auth::ids(input(&args), "ids") {
        let mut s = store::must(c, "JobShare", &id)?;
        own_job(
            c,
            &a,
            s.get("job").and_then(Value::as_str).unwrap_or_default(),
            "remove job shares",
        )?;
        s.insert("isActive".into(), json!(false));
        store::save(c, &mut s)?;
        out.push(store::complete(c, "JobShare", s)?);
        store::delete(c, &id)?;
    }
    Ok(Value::Array(out))
}
