//! Projects ("Only companies can create/update/delete projects, attach and detach jobs"); a
//! project is ended by giving it an end date and opened again by clearing it.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::jobs::own_job;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

/// A Decimal as Worksome prints it (a string with two decimals); `None` if not a number.
fn decimal(v: &Value) -> Option<Value> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    Some(json!(format!("{n:.2}")))
}

fn budget(o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    if let Some(b) = inp.get("internalBudget").filter(|v| !v.is_null()) {
        let d = decimal(b).ok_or_else(|| {
            ApiError::bad_input(format!("input.internalBudget {b} is not a number"))
        })?;
        if d.as_str().is_some_and(|s| s.starts_with('-')) {
            return Err(ApiError::bad_input(
                "input.internalBudget must not be negative",
            ));
        }
        o.insert("internalBudget".into(), d);
    }
    Ok(())
}

fn check_owners(c: &Connection, company: &str, inp: &Value, o: &mut Obj) -> Result<(), ApiError> {
    if inp.get("owners").is_none_or(Value::is_null) {
        return Ok(());
    }
    let owners = auth::ids(inp, "owners");
    for (i, u) in owners.iter().enumerate() {
        if auth::owner_of(&store::must(c, "User", u)?) != company {
            return Err(ApiError::bad_input(format!(
                "input.owners[{i}] (user {u}) is not a member of the company"
            )));
        }
    }
    o.insert("owners".into(), json!(owners));
    Ok(())
}

/// Sums the internal budgets of the project's jobs into `allocatedBudget`.
pub fn recompute(c: &Connection, p: &mut Obj) -> Result<(), ApiError> {
    let mut total = 0.0;
    for j in auth::ids(&Value::Object(p.clone()), "jobs") {
        if let Some((_, job)) = store::get_any(c, &j)? {
            total += job
                .get("internalBudget")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
        }
    }
    p.insert("allocatedBudget".into(), json!(format!("{total:.2}")));
    Ok(())
}

fn own_project(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let p = store::must(c, "Project", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&p), "the project")?;
    Ok(p)
}

fn done(c: &Connection, mut p: Obj) -> Result<Value, ApiError> {
    store::save(c, &mut p)?;
    store::complete(c, "Project", p)
}

/// `createProject`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "create projects")?;
    let company = req_id(inp, "company")?;
    let co = store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    if str_of(inp, "name").is_none_or(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_input("input.name must not be empty"));
    }
    let mut p = auth::owned(&a, &company);
    auth::copy(&mut p, inp, &["name", "description", "externalIdentifier"]);
    for (k, v) in [
        ("company", json!(company)),
        ("creator", json!(a.user)),
        ("owners", json!([a.user])),
        (
            "currency",
            co.get("currency").cloned().unwrap_or(json!("DKK")),
        ),
        ("allocatedBudget", json!("0.00")),
        ("spent", json!("0.00")),
    ] {
        p.insert(k.into(), v);
    }
    budget(&mut p, inp)?;
    check_owners(c, &company, inp, &mut p)?;
    Ok(json!(store::insert(c, "Project", p)?))
}

/// `updateProject`.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut p = own_project(c, &a, &req_id(inp, "id")?, "update projects")?;
    if str_of(inp, "name").is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::bad_input("input.name must not be empty"));
    }
    auth::copy(&mut p, inp, &["name", "description", "externalIdentifier"]);
    budget(&mut p, inp)?;
    let company = auth::owner_of(&p).to_string();
    check_owners(c, &company, inp, &mut p)?;
    done(c, p)
}

/// `deleteProject`: soft delete; its jobs no longer name it.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let p = own_project(c, &a, &id, "delete projects")?;
    for j in auth::ids(&Value::Object(p.clone()), "jobs") {
        if let Some((_, mut job)) = store::get_any(c, &j)? {
            job.remove("project");
            store::save(c, &mut job)?;
        }
    }
    let out = store::complete(c, "Project", p)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `attachJobsToProject`: a job in another project moves to this one.
pub fn attach_jobs(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let pid = req_id(inp, "project")?;
    let mut p = own_project(c, &a, &pid, "attach jobs to projects")?;
    let mut jobs = auth::ids(&Value::Object(p.clone()), "jobs");
    for j in auth::ids(inp, "jobs") {
        let mut job = own_job(c, &a, &j, "attach jobs to projects")?;
        if let Some(old) = job
            .get("project")
            .and_then(Value::as_str)
            .filter(|o| *o != pid)
            .map(String::from)
        {
            if let Some((_, mut op)) = store::get_any(c, &old)? {
                let rest: Vec<String> = auth::ids(&Value::Object(op.clone()), "jobs")
                    .into_iter()
                    .filter(|x| *x != j)
                    .collect();
                op.insert("jobs".into(), json!(rest));
                recompute(c, &mut op)?;
                store::save(c, &mut op)?;
            }
        }
        job.insert("project".into(), json!(pid));
        store::save(c, &mut job)?;
        if !jobs.contains(&j) {
            jobs.push(j);
        }
    }
    p.insert("jobs".into(), json!(jobs));
    recompute(c, &mut p)?;
    done(c, p)
}

/// `detachJobFromProject`.
pub fn detach_job(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let pid = req_id(inp, "project")?;
    let mut p = own_project(c, &a, &pid, "detach a job from a project")?;
    let j = req_id(inp, "job")?;
    let mut job = own_job(c, &a, &j, "detach a job from a project")?;
    let jobs = auth::ids(&Value::Object(p.clone()), "jobs");
    if !jobs.contains(&j) {
        return Err(ApiError::new(
            "JOB_NOT_IN_PROJECT",
            format!("job {j} is not in project {pid}"),
        ));
    }
    job.remove("project");
    store::save(c, &mut job)?;
    p.insert(
        "jobs".into(),
        json!(jobs.into_iter().filter(|x| *x != j).collect::<Vec<_>>()),
    );
    recompute(c, &mut p)?;
    done(c, p)
}

/// `endProject`: end date today.
pub fn end(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let mut p = own_project(c, &a, &req_id(input(&args), "id")?, "end projects")?;
    if p.get("endDate").is_some_and(|v| !v.is_null()) {
        return Err(ApiError::new(
            "PROJECT_ALREADY_ENDED",
            "the project already has an end date",
        ));
    }
    p.insert("endDate".into(), json!(store::today()));
    done(c, p)
}

/// `openProject`: clears the end date.
pub fn open(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let mut p = own_project(c, &a, &req_id(input(&args), "id")?, "open projects")?;
    if p.get("endDate").is_none_or(Value::is_null) {
        return Err(ApiError::new(
            "PROJECT_NOT_ENDED",
            "the project is already open",
        ));
    }
    p.insert("endDate".into(), Value::Null);
    done(c, p)
}
