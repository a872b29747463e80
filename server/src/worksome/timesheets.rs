//! Timesheets and their registrations ("Only workers can ..."), and createCustomTimesheet,
//! which files registrations from the `default-json` payload into weekly timesheets.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

const REG_FIELDS: &[&str] = &[
    "type",
    "date",
    "startTime",
    "endTime",
    "duration",
    "unit",
    "comments",
    "externalIdentifier",
    "invoiceReferenceNumber",
    "isBillable",
];

fn check_period(start: &str, end: &str) -> Result<(), ApiError> {
    if start > end {
        return Err(ApiError::new(
            "INVALID_DATE_RANGE",
            format!("startDate {start} is after endDate {end}"),
        ));
    }
    Ok(())
}

/// Checks one registration input; `path` names it in errors (`input.registrations[2]`).
fn check_registration(r: &Value, path: &str, period: Option<(&str, &str)>) -> Result<(), ApiError> {
    if r.get("duration")
        .and_then(Value::as_f64)
        .is_some_and(|d| d < 0.0)
    {
        return Err(ApiError::bad_input(format!(
            "{path}.duration must not be negative"
        )));
    }
    if let (Some(s), Some(e)) = (str_of(r, "startTime"), str_of(r, "endTime")) {
        if s > e {
            return Err(ApiError::bad_input(format!(
                "{path}.endTime {e} is before startTime {s}"
            )));
        }
    }
    if let (Some((start, end)), Some(d)) = (period, str_of(r, "date")) {
        if d < start || d > end {
            return Err(ApiError::new(
                "REGISTRATION_OUTSIDE_PERIOD",
                format!("{path}.date {d} is outside the timesheet period {start}..{end}"),
            ));
        }
    }
    Ok(())
}

fn add_registrations(
    c: &Connection,
    a: &Actor,
    ts: &mut Obj,
    regs: &[Value],
) -> Result<(), ApiError> {
    let (start, end) = (
        ts["startDate"].as_str().unwrap_or_default().to_string(),
        ts["endDate"].as_str().unwrap_or_default().to_string(),
    );
    let mut list = ts
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, r) in regs.iter().enumerate() {
        check_registration(
            r,
            &format!("input.registrations[{i}]"),
            Some((&start, &end)),
        )?;
        let mut o = auth::owned(a, auth::owner_of(ts));
        auth::copy(&mut o, r, REG_FIELDS);
        o.insert("timesheet".into(), ts["id"].clone());
        list.push(json!(store::insert(c, "TimesheetRegistration", o)?));
    }
    ts.insert("registrations".into(), Value::Array(list));
    Ok(())
}

fn own_timesheet(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let ts = store::must(c, "Timesheet", id)?;
    auth::worker(a, what)?;
    auth::own(a, auth::owner_of(&ts), "the timesheet")?;
    Ok(ts)
}

/// `createTimesheet`: a worker's timesheet for one of their hires, with optional registrations.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::worker(&a, "create timesheets")?;
    let worker = req_id(inp, "worker")?;
    store::must(c, "Worker", &worker)?;
    auth::own(&a, &worker, "the worker")?;
    let hire_id = req_id(inp, "hire")?;
    let hire = store::must(c, "Hire", &hire_id)?;
    if hire.get("worker") != Some(&json!(worker)) {
        return Err(ApiError::forbidden(format!(
            "hire {hire_id} is not the worker's hire"
        )));
    }
    let (start, end) = (
        str_of(inp, "startDate").unwrap_or_default(),
        str_of(inp, "endDate").unwrap_or_default(),
    );
    check_period(start, end)?;
    let mut ts = auth::owned(&a, &worker);
    auth::copy(
        &mut ts,
        inp,
        &["worker", "hire", "startDate", "endDate", "files"],
    );
    let id = store::insert(c, "Timesheet", ts)?;
    let mut ts = store::must(c, "Timesheet", &id)?;
    let regs = inp
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    add_registrations(c, &a, &mut ts, &regs)?;
    store::save(c, &mut ts)?;
    Ok(json!(id))
}

/// `updateTimesheet`: new dates (registrations must stay inside), added registrations and files.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut ts = own_timesheet(c, &a, &req_id(inp, "id")?, "update timesheets")?;
    auth::copy(&mut ts, inp, &["startDate", "endDate"]);
    let (start, end) = (
        ts["startDate"].as_str().unwrap_or_default().to_string(),
        ts["endDate"].as_str().unwrap_or_default().to_string(),
    );
    check_period(&start, &end)?;
    for rid in ts
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        if let Some((_, r)) = store::get_any(c, rid.as_str().unwrap_or_default())? {
            check_registration(
                &Value::Object(r),
                &format!("registration {rid}"),
                Some((&start, &end)),
            )?;
        }
    }
    let regs = inp
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    add_registrations(c, &a, &mut ts, &regs)?;
    let mut files = ts
        .get("files")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    files.extend(auth::ids(inp, "files").into_iter().map(Value::from));
    ts.insert("files".into(), Value::Array(files));
    store::save(c, &mut ts)?;
    store::complete(c, "Timesheet", ts)
}

/// `deleteTimesheet`: the timesheet and its registrations.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let ts = own_timesheet(c, &a, &id, "delete timesheets")?;
    let out = store::complete(c, "Timesheet", ts.clone())?;
    for rid in ts
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
    {
        store::delete(c, rid.as_str().unwrap_or_default())?;
    }
    store::delete(c, &id)?;
    Ok(out)
}

fn own_registration(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let r = store::must(c, "TimesheetRegistration", id)?;
    auth::worker(a, what)?;
    auth::own(a, auth::owner_of(&r), "the registration")?;
    Ok(r)
}

/// `updateTimesheetRegistration`.
pub fn update_registration(
    c: &Connection,
    caller: &Caller,
    args: Value,
) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut r = own_registration(c, &a, &req_id(inp, "id")?, "update timesheet registrations")?;
    auth::copy(
        &mut r,
        inp,
        &[
            "startTime",
            "endTime",
            "duration",
            "unit",
            "comments",
            "invoiceReferenceNumber",
            "externalIdentifier",
            "isBillable",
        ],
    );
    check_registration(&Value::Object(r.clone()), "input", None)?;
    store::save(c, &mut r)?;
    store::complete(c, "TimesheetRegistration", r)
}

/// `deleteTimesheetRegistration`: also leaves its timesheet's list.
pub fn delete_registration(
    c: &Connection,
    caller: &Caller,
    args: Value,
) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let r = own_registration(c, &a, &id, "delete timesheet registrations")?;
    let out = store::complete(c, "TimesheetRegistration", r.clone())?;
    if let Some(tid) = r.get("timesheet").and_then(Value::as_str) {
        if let Some(mut ts) = store::get_any(c, tid)?.map(|(_, o)| o) {
            if let Some(list) = ts.get_mut("registrations").and_then(Value::as_array_mut) {
                list.retain(|v| v.as_str() != Some(&id));
            }
            store::save(c, &mut ts)?;
        }
    }
    store::delete(c, &id)?;
    Ok(out)
}

pub use super::custom_timesheet::create_custom;
