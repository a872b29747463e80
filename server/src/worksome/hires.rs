//! Hiring ("Only companies can make hires"): accepting a bid or hiring a trusted contact creates
//! a Hire with a DRAFT contract (`latestContract`/`draftContract`) pending the worker's
//! acceptance; `rejectHire` lets the hired worker (or the company) turn an offer down.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor, Kind};
use super::companies::push;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

/// What a new hire and its draft contract are made of.
struct Terms<'a> {
    company: &'a str,
    job: &'a str,
    worker: &'a str,
    inp: &'a Value,
    rate: Value,
    rate_type: Value,
}

fn recruiter_terms(c: &Connection, h: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    let Some(r) = inp.get("recruiter").filter(|v| v.is_object()) else {
        return Ok(());
    };
    let rid = req_id(r, "recruiter")?;
    store::must(c, "Recruiter", &rid)?;
    let fee = r.get("fee").and_then(Value::as_f64).unwrap_or(-1.0);
    if !(0.0..=100.0).contains(&fee) {
        return Err(ApiError::bad_input(format!(
            "input.recruiter.fee must be 0..=100, got {fee}"
        )));
    }
    h.insert("recruiter".into(), json!(rid));
    h.insert("recruiterFee".into(), json!(fee));
    h.insert(
        "recruiterOwnershipDays".into(),
        r.get("ownershipDays").cloned().unwrap_or(Value::Null),
    );
    h.insert(
        "recruiterOwnershipStartDate".into(),
        r.get("ownershipStartDate").cloned().unwrap_or(Value::Null),
    );
    Ok(())
}

fn create_hire(c: &Connection, a: &Actor, t: Terms<'_>) -> Result<String, ApiError> {
    let job = store::must(c, "Job", t.job)?;
    let (start, end) = (str_of(t.inp, "startDate"), str_of(t.inp, "endDate"));
    if let (Some(s), Some(e)) = (start, end) {
        if s > e {
            return Err(ApiError::new(
                "INVALID_DATE_RANGE",
                format!("startDate {s} is after endDate {e}"),
            ));
        }
    }
    let company = store::must(c, "Company", t.company)?;
    let currency = company.get("currency").cloned().unwrap_or(json!("DKK"));
    let mut h = auth::owned(a, t.company);
    for (k, v) in [
        ("company", json!(t.company)),
        ("job", json!(t.job)),
        ("worker", json!(t.worker)),
        ("status", json!("OFFERED")),
        ("activeStatus", json!("OFFERED")),
        ("offeredAt", json!(store::today())),
        ("startDate", json!(start)),
        ("endDate", json!(end)),
        ("currency", currency.clone()),
        ("rate", t.rate.clone()),
        ("rateType", t.rate_type.clone()),
        ("contractType", json!("CONTRACT_TYPE_CONTRACTOR")),
        ("contractTypeLabel", json!("Contract")),
        ("pendingContractChanges", json!(true)),
        ("hasDraftContract", json!(true)),
        ("user", json!(a.user)),
    ] {
        h.insert(k.into(), v);
    }
    auth::copy(
        &mut h,
        t.inp,
        &["purchaseOrderNumber", "externalIdentifier"],
    );
    recruiter_terms(c, &mut h, t.inp)?;
    let owners = auth::ids(t.inp, "owners");
    h.insert(
        "owners".into(),
        json!(if owners.is_empty() {
            vec![a.user.clone()]
        } else {
            owners
        }),
    );
    let id = store::insert(c, "Hire", h)?;
    let name = str_of(t.inp, "jobTitle")
        .or(str_of(t.inp, "name"))
        .or(job.get("name").and_then(Value::as_str))
        .unwrap_or_default();
    let desc = str_of(t.inp, "jobDescription")
        .or(str_of(t.inp, "hireDescription"))
        .or(job.get("description").and_then(Value::as_str))
        .unwrap_or_default();
    let mut k = auth::owned(a, t.company);
    for (key, v) in [
        ("status", json!("DRAFT")),
        ("jobName", json!(name)),
        ("jobDescription", json!(desc)),
        ("startDate", json!(start)),
        ("endDate", json!(end)),
        ("currency", currency),
        ("rate", t.rate),
        ("rateType", t.rate_type),
        ("job", json!(t.job)),
        ("worker", json!(t.worker)),
        ("company", json!(t.company)),
        ("_hire", json!(id)),
    ] {
        k.insert(key.into(), v);
    }
    auth::copy(
        &mut k,
        t.inp,
        &[
            "paymentTermMethod",
            "paymentTermDays",
            "purchaseOrderNumber",
            "additionalTerms",
            "workplaceAddress",
        ],
    );
    let contract = store::insert(c, "Contract", k)?;
    let mut h = store::must(c, "Hire", &id)?;
    h.insert("number".into(), json!(format!("H-{id}")));
    h.insert("latestContract".into(), json!(contract));
    h.insert("draftContract".into(), json!(contract));
    h.insert("contracts".into(), json!([contract]));
    store::save(c, &mut h)?;
    push(c, t.job, "hires", &id)?;
    push(c, t.worker, "hires", &id)?;
    Ok(id)
}

/// `acceptBid`: the bid's job must be the caller company's and the bid still OPEN.
pub fn accept_bid(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let bid_id = req_id(inp, "bid")?;
    let mut bid = store::must(c, "Bid", &bid_id)?;
    auth::company(&a, "make hires")?;
    let job_id = bid
        .get("job")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let job = store::must(c, "Job", &job_id)?;
    auth::own(&a, auth::owner_of(&job), "the bid's job")?;
    if bid.get("status") != Some(&json!("OPEN")) {
        return Err(ApiError::new(
            "BID_NOT_OPEN",
            format!("bid {bid_id} is {}", bid["status"]),
        ));
    }
    let worker = bid
        .get("worker")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let terms = Terms {
        company: &a.account.clone(),
        job: &job_id,
        worker: &worker,
        inp,
        rate: bid.get("rate").cloned().unwrap_or(Value::Null),
        rate_type: bid.get("rateType").cloned().unwrap_or(Value::Null),
    };
    let id = create_hire(c, &a, terms)?;
    bid.insert("status".into(), json!("ACCEPTED"));
    store::save(c, &mut bid)?;
    if inp.get("closeOtherConversations") == Some(&json!(true)) {
        for mut other in store::find(c, "Bid", "job", &job_id)? {
            if other.get("status") == Some(&json!("OPEN")) {
                other.insert("status".into(), json!("REJECTED"));
                store::save(c, &mut other)?;
            }
        }
    }
    Ok(json!(id))
}

/// `rejectHire`: the hired worker (or the hiring company) rejects a hire not yet active.
pub fn reject_hire(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let account = req_id(inp, "account")?;
    auth::own(&a, &account, "the account")?;
    let mut h = store::must(c, "Hire", &req_id(inp, "hire")?)?;
    let party = match a.kind {
        Kind::Worker => h.get("worker") == Some(&json!(a.account)),
        Kind::Company => h.get("company") == Some(&json!(a.account)),
        Kind::Recruiter => false,
    };
    if !party {
        return Err(ApiError::forbidden(
            "only the hired worker or the hiring company can reject a hire",
        ));
    }
    let status = h
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !matches!(status.as_str(), "DRAFT" | "OFFERED") {
        return Err(ApiError::new(
            "HIRE_NOT_PENDING",
            format!("a hire that is {status} cannot be rejected"),
        ));
    }
    h.insert("status".into(), json!("CANCELLED"));
    h.insert("activeStatus".into(), json!("CANCELLED"));
    h.insert("hasDraftContract".into(), json!(false));
    h.insert("pendingContractChanges".into(), json!(false));
    if let Some(k) = h
        .remove("draftContract")
        .and_then(|v| v.as_str().map(String::from))
    {
        let mut contract = store::must(c, "Contract", &k)?;
        contract.insert("status".into(), json!("ARCHIVED"));
        store::save(c, &mut contract)?;
    }
    store::save(c, &mut h)?;
    store::complete(c, "Hire", h)
}

/// `hire`: hires an ACTIVE trusted contact of the company, on a given job or a new one.
pub fn hire(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    auth::company(&a, "make hires")?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(&a, &company, "the company")?;
    let tc_id = req_id(inp, "trustedContact")?;
    let tc = store::must(c, "TrustedContact", &tc_id)?;
    auth::own(&a, auth::owner_of(&tc), "the trusted contact")?;
    if tc.get("status") != Some(&json!("ACTIVE")) {
        return Err(ApiError::new(
            "TRUSTED_CONTACT_NOT_ACTIVE",
            format!("trusted contact {tc_id} is {}", tc["status"]),
        ));
    }
    let job = match auth::opt_id(inp, "job") {
        Some(j) => {
            let job = store::must(c, "Job", &j)?;
            auth::own(&a, auth::owner_of(&job), "the job")?;
            j
        }
        None => {
            let name = str_of(inp, "name")
                .filter(|n| !n.is_empty())
                .ok_or_else(|| {
                    ApiError::bad_input("input.name is required when input.job is not given")
                })?;
            let mut j = super::jobs::new_job(&a, &company, name);
            auth::copy(
                &mut j,
                inp,
                &["description", "rateType", "rate", "startDate", "endDate"],
            );
            let id = store::insert(c, "Job", j)?;
            super::jobs::numbered(c, &id)?;
            id
        }
    };
    let worker = tc
        .get("worker")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let terms = Terms {
        company: &company,
        job: &job,
        worker: &worker,
        inp,
        rate: inp.get("rate").cloned().unwrap_or(Value::Null),
        rate_type: inp.get("rateType").cloned().unwrap_or(Value::Null),
    };
    Ok(json!(create_hire(c, &a, terms)?))
}
