//! The query root: `viewer` and one by-id lookup per mutated type, so tests and apps can read
//! back what mutations did. An id of another type (or a deleted object) reads as null.

use rusqlite::Connection;
use serde_json::Value;

use super::store;
use crate::api::{id_of, ApiError, Caller, Handler};

fn by_id(c: &Connection, args: &Value, types: &[&str]) -> Result<Value, ApiError> {
    let id = args
        .get("id")
        .and_then(id_of)
        .ok_or_else(|| ApiError::bad_input("id is required"))?;
    match store::get_any(c, &id)? {
        Some((ty, o)) if types.contains(&ty.as_str()) => store::complete(c, &ty, o),
        _ => Ok(Value::Null),
    }
}

macro_rules! lookups {
    ($($field:literal => $f:ident [$($ty:literal),+]),* $(,)?) => {
        $(fn $f(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
            by_id(c, &args, &[$($ty),+])
        })*
        /// Query handlers by field name.
        pub const QUERIES: &[(&str, Handler)] =
            &[("viewer", viewer), ("workflow", super::workflows::query), ("timesheets", timesheets), $(($field, $f)),*];
    };
}

lookups! {
    "approvalRule" => approval_rule ["ApprovalRule"],
    "approval" => approval ["Approval"],
    "approver" => approver ["Approver"],
    "approvalApprovable" => approval_approvable ["ApprovalApprovable"],
    "company" => company ["Company"],
    "companyRecruiter" => company_recruiter ["CompanyRecruiter"],
    "customField" => custom_field ["CustomField"],
    "file" => file ["File"],
    "hire" => hire ["Hire"],
    "job" => job ["Job"],
    "jobCandidate" => job_candidate ["JobCandidate"],
    "multiFactor" => multi_factor ["SmsMultiFactor", "TotpMultiFactor"],
    "paymentRequest" => payment_request ["PaymentRequest"],
    "project" => project ["Project"],
    "recruiter" => recruiter ["Recruiter"],
    "recruiterCandidate" => recruiter_candidate ["RecruiterCandidate"],
    "timesheet" => timesheet ["Timesheet"],
    "trustedContact" => trusted_contact ["TrustedContact"],
    "userGroup" => user_group ["UserGroup"],
    "webhook" => webhook ["Webhook"],
    "worker" => worker ["Worker"],
}

/// `viewer`: the calling user.
fn viewer(c: &Connection, caller: &Caller, _: Value) -> Result<Value, ApiError> {
    let u = store::must(c, "User", &caller.subject)?;
    store::complete(c, "User", u)
}

/// `timesheets(accounts, first, page)`: timesheets of the given accounts (default: the caller's),
/// a worker's own or those of a company's hires, oldest first; only the caller's own account
/// may be named (`FORBIDDEN` otherwise).
fn timesheets(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = super::auth::actor(c, caller)?;
    let mut accounts = super::auth::ids(&args, "accounts");
    if args.get("accounts").is_none_or(Value::is_null) {
        accounts = vec![a.account.clone()];
    }
    if let Some(other) = accounts.iter().find(|acc| **acc != a.account) {
        return Err(ApiError::forbidden(format!(
            "account {other} is not the caller's"
        )));
    }
    let mut ids = Vec::new();
    for ts in store::all(c, "Timesheet")? {
        let worker = ts.get("worker").and_then(Value::as_str).unwrap_or_default();
        let hire = ts.get("hire").and_then(Value::as_str).unwrap_or_default();
        let company = store::get_any(c, hire)?
            .and_then(|(_, h)| h.get("company").and_then(Value::as_str).map(String::from));
        if accounts
            .iter()
            .any(|acc| acc == worker || Some(acc) == company.as_ref())
        {
            ids.push(ts["id"].clone());
        }
    }
    let first = args.get("first").and_then(Value::as_i64).unwrap_or(10);
    let page = args.get("page").and_then(Value::as_i64).unwrap_or(1);
    store::page(c, "TimesheetPaginator", ids, first, page)
}

/// Every `*Paginator` field with a `first` argument (`Job.hires(first, page)`, ...): the page the
/// arguments ask for of the list the parent holds. Registered for each such field in `api()`.
pub fn paged_field(c: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    let field = args["__field"].as_str().unwrap_or_default();
    let full = &args["__parent"][field];
    let ty = full["__typename"].as_str().unwrap_or_default().to_string();
    let items = full["data"].as_array().cloned().unwrap_or_default();
    let first = args.get("first").and_then(Value::as_i64).unwrap_or(10);
    let page = args.get("page").and_then(Value::as_i64).unwrap_or(1);
    store::page(c, &ty, items, first, page)
}
