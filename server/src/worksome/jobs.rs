//! Jobs ("Only companies can create/update/end jobs, set the internal budget").

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::companies::push;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

/// A new DRAFT job of `company` owned by the caller.
pub fn new_job(a: &Actor, company: &str, name: &str) -> Obj {
    let mut j = auth::owned(a, company);
    for (k, v) in [
        ("company", json!(company)),
        ("name", json!(name)),
        ("status", json!("DRAFT")),
        ("draft", json!(true)),
        ("published", json!(false)),
        ("owners", json!([a.user])),
        ("spent", json!(0.0)),
        ("location", json!({})),
    ] {
        j.insert(k.into(), v);
    }
    j
}

/// Gives a new job its number and the company's currency and market.
pub fn numbered(c: &Connection, id: &str) -> Result<(), ApiError> {
    let mut j = store::must(c, "Job", id)?;
    let company = store::must(c, "Company", auth::owner_of(&j))?;
    j.insert("number".into(), json!(id.parse::<i64>().unwrap_or(0)));
    j.insert(
        "currency".into(),
        company.get("currency").cloned().unwrap_or(json!("DKK")),
    );
    j.insert(
        "market".into(),
        company.get("market").cloned().unwrap_or(json!("DK")),
    );
    j.insert(
        "url".into(),
        json!(format!("https://worksome.test/jobs/{id}")),
    );
    store::save(c, &mut j)?;
    push(c, auth::owner_of(&j), "_jobs", id)
}

/// A job of the caller's company (companies only; `what` completes "Only companies can ...").
pub fn own_job(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let j = store::must(c, "Job", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&j), "the job")?;
    Ok(j)
}

fn check_owners(c: &Connection, company: &str, owners: &[String]) -> Result<(), ApiError> {
    for (i, u) in owners.iter().enumerate() {
        let user = store::must(c, "User", u)?;
        if auth::owner_of(&user) != company {
            return Err(ApiError::bad_input(format!(
                "input.owners[{i}] (user {u}) is not a member of the company"
            )));
        }
    }
    Ok(())
}

/// `createJob`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "create jobs")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    let name = str_of(inp, "name").unwrap_or_default().trim();
    if name.is_empty() {
        return Err(ApiError::bad_input("input.name must not be empty"));
    }
    let mut j = new_job(&a, &company, name);
    let owners = auth::ids(inp, "owners");
    check_owners(c, &company, &owners)?;
    if !owners.is_empty() {
        j.insert("owners".into(), json!(owners));
    }
    j.insert(
        "skills".into(),
        auth::tags(inp, "skills").unwrap_or(json!([])),
    );
    auth::copy(&mut j, inp, &["isBrief"]);
    let id = store::insert(c, "Job", j)?;
    numbered(c, &id)?;
    Ok(json!(id))
}

const PLAIN: &[&str] = &[
    "name",
    "description",
    "association",
    "expectedExperienceLevel",
    "startDate",
    "endDate",
    "startDateTimeframe",
    "endDateTimeframe",
    "isExtensionAvailable",
    "evaluationPeriod",
    "sourcingEndDate",
    "sourcingDeadlineChoice",
    "sourcingEndDateLocal",
    "requiredWorkers",
    "visibility",
    "removedCause",
    "externalIdentifier",
    "contactName",
    "contactEmail",
    "contactPhone",
];

/// `updateJob`: any subset of fields; `published`/`removed` move the job's status.
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut j = own_job(c, &a, &req_id(inp, "id")?, "update jobs")?;
    if j.get("completed") == Some(&json!(true)) {
        return Err(ApiError::new("JOB_ENDED", "an ended job cannot be updated"));
    }
    auth::copy(&mut j, inp, PLAIN);
    if let Some(s) = auth::tags(inp, "skills") {
        j.insert("skills".into(), s);
    }
    if inp.get("attachments").is_some_and(|v| !v.is_null()) {
        let files = auth::ids(inp, "attachments");
        for f in &files {
            let file = store::must(c, "File", f)?;
            auth::own(&a, auth::owner_of(&file), "the attachment")?;
        }
        j.insert("attachments".into(), json!(files));
    }
    if let Some(lp) = inp.get("locationPreference").filter(|v| v.is_object()) {
        j.insert("locationPreference".into(), lp["preference"].clone());
        j.insert(
            "address".into(),
            lp.get("address").cloned().unwrap_or(Value::Null),
        );
    }
    if let Some(loc) = inp.get("location").filter(|v| v.is_object()) {
        j.insert("location".into(), super::users::address(loc)?);
    }
    if let Some(r) = inp.get("rateType").filter(|v| v.is_object()) {
        let range = r.get("range").filter(|v| v.is_object());
        if let Some(rg) = range {
            if rg["minimum"].as_f64() > rg["maximum"].as_f64() {
                return Err(ApiError::bad_input(
                    "input.rateType.range.minimum is above maximum",
                ));
            }
        }
        j.insert("rateType".into(), r["type"].clone());
        j.insert("rate".into(), r.get("rate").cloned().unwrap_or(Value::Null));
        j.insert(
            "minimumRate".into(),
            range.map(|rg| rg["minimum"].clone()).unwrap_or(Value::Null),
        );
        j.insert(
            "maximumRate".into(),
            range.map(|rg| rg["maximum"].clone()).unwrap_or(Value::Null),
        );
    }
    if let Some(langs) = inp.get("languages").and_then(Value::as_array) {
        let l: Vec<Value> = langs
            .iter()
            .map(|l| json!({ "name": l["name"], "experience": l["experience"] }))
            .collect();
        j.insert("languages".into(), Value::Array(l));
    }
    if inp.get("owners").is_some_and(|v| !v.is_null()) {
        let owners = auth::ids(inp, "owners");
        check_owners(c, auth::owner_of(&j).to_string().as_str(), &owners)?;
        j.insert("owners".into(), json!(owners));
    }
    if inp.get("published") == Some(&json!(true)) && j.get("published") != Some(&json!(true)) {
        for (k, v) in [
            ("published", json!(true)),
            ("draft", json!(false)),
            ("status", json!("ACTIVE")),
            ("publishedAt", json!(store::now())),
        ] {
            j.insert(k.into(), v);
        }
    }
    if inp.get("removed") == Some(&json!(true)) {
        j.insert("removed".into(), json!(true));
        j.insert("status".into(), json!("REMOVED"));
    }
    store::save(c, &mut j)?;
    store::complete(c, "Job", j)
}

/// `endJob`: COMPLETED, ending today.
pub fn end(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let account = req_id(inp, "accountId")?;
    let mut j = own_job(c, &a, &req_id(inp, "id")?, "end jobs")?;
    auth::own(&a, &account, "the account")?;
    if j.get("completed") == Some(&json!(true)) {
        return Err(ApiError::new(
            "JOB_ALREADY_ENDED",
            "the job has already ended",
        ));
    }
    for (k, v) in [
        ("completed", json!(true)),
        ("status", json!("COMPLETED")),
        ("endDate", json!(store::today())),
        ("available", json!(false)),
    ] {
        j.insert(k.into(), v);
    }
    store::save(c, &mut j)?;
    store::complete(c, "Job", j)
}

/// `setInternalBudgetOnJob`: a non-negative amount.
pub fn set_internal_budget(
    c: &Connection,
    caller: &Caller,
    args: Value,
) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut j = own_job(
        c,
        &a,
        &req_id(inp, "job")?,
        "set the internal budget on the job",
    )?;
    let amount = inp.get("amount").and_then(Value::as_f64).unwrap_or(-1.0);
    if amount < 0.0 {
        return Err(ApiError::bad_input(format!(
            "input.amount must not be negative, got {amount}"
        )));
    }
    // "Up to 2 decimal points are stored, the rest is omitted": truncated, not rounded. The
    // epsilon keeps binary fractions such as 0.29 * 100 = 28.999... from losing a cent.
    let stored = (amount * 100.0 + 1e-6).floor() / 100.0;
    j.insert("internalBudget".into(), json!(stored));
    store::save(c, &mut j)?;
    if let Some(pid) = j.get("project").and_then(Value::as_str) {
        if let Some((_, mut p)) = store::get_any(c, pid)? {
            super::projects::recompute(c, &mut p)?;
            store::save(c, &mut p)?;
        }
    }
    store::complete(c, "Job", j)
}
