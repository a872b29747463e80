//! Payment requests: a worker bills one of their hires; editable and deletable by that worker
//! while still UNAPPROVED.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::companies::push;
use super::store::{self, Obj};
use crate::api::{ApiError, Caller};

const FIELDS: &[&str] = &[
    "startDate",
    "endDate",
    "rate",
    "comments",
    "purchaseOrderNumber",
];

fn amounts(o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    for k in ["rate", "billableTime", "billableTotal"] {
        if inp.get(k).and_then(Value::as_f64).is_some_and(|v| v < 0.0) {
            return Err(ApiError::bad_input(format!(
                "input.{k} must not be negative"
            )));
        }
    }
    if let (Some(s), Some(e)) = (
        inp.get("startDate").and_then(Value::as_str),
        inp.get("endDate").and_then(Value::as_str),
    ) {
        if s > e {
            return Err(ApiError::new(
                "INVALID_DATE_RANGE",
                format!("startDate {s} is after endDate {e}"),
            ));
        }
    }
    auth::copy(o, inp, FIELDS);
    if let Some(t) = inp.get("billableTime").filter(|v| !v.is_null()) {
        o.insert("rateQuantity".into(), t.clone());
    }
    if let Some(t) = inp.get("billableTotal").filter(|v| !v.is_null()) {
        o.insert("_billableTotal".into(), t.clone());
    }
    if let Some(t) = inp.get("taxLines").filter(|v| !v.is_null()) {
        o.insert("_taxLines".into(), t.clone());
    }
    if inp.get("expenseReports").is_some_and(|v| !v.is_null()) {
        o.insert(
            "_expenseReports".into(),
            json!(auth::ids(inp, "expenseReports")),
        );
    }
    let rate = o.get("rate").and_then(Value::as_f64).unwrap_or(0.0);
    let qty = o.get("rateQuantity").and_then(Value::as_f64).unwrap_or(0.0);
    let billed = o
        .get("_billableTotal")
        .and_then(Value::as_f64)
        .unwrap_or(rate * qty);
    o.insert("billedAmount".into(), json!(billed));
    o.insert("billedAmountWithExpenses".into(), json!(billed));
    Ok(())
}

fn link_timesheet(c: &Connection, a: &Actor, o: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    let Some(t) = auth::opt_id(inp, "timesheet") else {
        return Ok(());
    };
    let ts = store::must(c, "Timesheet", &t)?;
    auth::own(a, auth::owner_of(&ts), "the timesheet")?;
    if ts.get("hire") != o.get("hire") {
        return Err(ApiError::bad_input(format!(
            "timesheet {t} belongs to another hire"
        )));
    }
    o.insert("timesheet".into(), json!(t));
    Ok(())
}

/// `createPaymentRequest`: the caller must be the worker, and the hire theirs for that job and company.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let worker = req_id(inp, "worker")?;
    store::must(c, "Worker", &worker)?;
    auth::own(&a, &worker, "the worker")?;
    let hire_id = req_id(inp, "hire")?;
    let hire = store::must(c, "Hire", &hire_id)?;
    let (job, company) = (req_id(inp, "job")?, req_id(inp, "company")?);
    store::must(c, "Job", &job)?;
    store::must(c, "Company", &company)?;
    if hire.get("worker") != Some(&json!(worker))
        || hire.get("job") != Some(&json!(job))
        || hire.get("company") != Some(&json!(company))
    {
        return Err(ApiError::new(
            "HIRE_MISMATCH",
            format!("hire {hire_id} is not the worker's hire for job {job} at company {company}"),
        ));
    }
    if matches!(
        hire.get("status").and_then(Value::as_str),
        Some("CANCELLED" | "TERMINATED")
    ) {
        return Err(ApiError::new(
            "HIRE_NOT_BILLABLE",
            format!("hire {hire_id} is {}", hire["status"]),
        ));
    }
    let mut o = auth::owned(&a, &worker);
    for (k, v) in [
        ("worker", json!(worker)),
        ("hire", json!(hire_id)),
        ("job", json!(job)),
        ("company", json!(company)),
        ("status", json!("UNAPPROVED")),
        ("workerStatus", json!("REQUESTED")),
        ("date", json!(store::today())),
        (
            "currency",
            hire.get("currency").cloned().unwrap_or(json!("DKK")),
        ),
        (
            "rateType",
            hire.get("rateType").cloned().unwrap_or(Value::Null),
        ),
    ] {
        o.insert(k.into(), v);
    }
    amounts(&mut o, inp)?;
    link_timesheet(c, &a, &mut o, inp)?;
    let id = store::insert(c, "PaymentRequest", o)?;
    let mut o = store::must(c, "PaymentRequest", &id)?;
    o.insert("number".into(), json!(format!("PR-{id}")));
    store::save(c, &mut o)?;
    push(c, &hire_id, "paymentRequests", &id)?;
    push(c, &job, "paymentRequests", &id)?;
    if let Some(t) = o.get("timesheet").and_then(Value::as_str) {
        push(c, t, "paymentRequests", &id)?;
    }
    let mut h = store::must(c, "Hire", &hire_id)?;
    h.insert("lastPaymentRequestDate".into(), json!(store::today()));
    store::save(c, &mut h)?;
    Ok(json!(id))
}

fn own_open(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "PaymentRequest", id)?;
    auth::own(a, auth::owner_of(&o), "the payment request")?;
    if o.get("status") != Some(&json!("UNAPPROVED")) {
        return Err(ApiError::new(
            "PAYMENT_REQUEST_LOCKED",
            format!("payment request {id} is {}", o["status"]),
        ));
    }
    Ok(o)
}

/// `updatePaymentRequest`.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_open(c, &a, &req_id(inp, "id")?)?;
    amounts(&mut o, inp)?;
    link_timesheet(c, &a, &mut o, inp)?;
    store::save(c, &mut o)?;
    store::complete(c, "PaymentRequest", o)
}

/// `deletePaymentRequest`.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let o = own_open(c, &a, &id)?;
    let out = store::complete(c, "PaymentRequest", o)?;
    store::delete(c, &id)?;
    Ok(out)
}
