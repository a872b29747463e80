//! Account-level company operations: bank details, the invite link, and company-recruiter
//! relationships ("Only companies can add and invite recruiters", "Both the company and the
//! recruiter can delete the relationship").

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor, Kind};
use super::store::{self, Obj};
use super::totp;
use crate::api::{str_of, ApiError, Caller};

/// Appends `id` to the list field `key` of the object `owner` (no duplicates).
pub fn push(c: &Connection, owner: &str, key: &str, id: &str) -> Result<(), ApiError> {
    let Some((_, mut o)) = store::get_any(c, owner)? else {
        return Ok(());
    };
    let mut list = o
        .get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !list.contains(&json!(id)) {
        list.push(json!(id));
    }
    o.insert(key.into(), Value::Array(list));
    store::save(c, &mut o)
}

/// `storeBankDetails`: the account's one bank account, created or replaced.
pub fn store_bank_details(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let account = req_id(inp, "accountId")?;
    store::must_in(c, &["Company", "Worker", "Recruiter"], &account)?;
    auth::own(&a, &account, "the account")?;
    let has_bban = inp
        .get("bban")
        .and_then(Value::as_object)
        .is_some_and(|b| b.values().any(|v| !v.is_null()));
    if str_of(inp, "iban").is_none() && !has_bban {
        return Err(ApiError::new(
            "BANK_ACCOUNT_REQUIRED",
            "give input.iban or input.bban",
        ));
    }
    let existing = store::find(c, "BankDetail", "_account", &account)?
        .into_iter()
        .next();
    let mut o = existing
        .clone()
        .unwrap_or_else(|| auth::owned(&a, &account));
    for k in ["name", "iban", "swift", "bban"] {
        o.remove(k);
    }
    auth::copy(
        &mut o,
        inp,
        &[
            "name",
            "bankAddress",
            "bankCountry",
            "bankName",
            "beneficiaryName",
            "bban",
            "iban",
            "swift",
        ],
    );
    if o.get("name").is_none() {
        let n = format!("{} account", str_of(inp, "bankName").unwrap_or("Bank"));
        o.insert("name".into(), json!(n));
    }
    match existing {
        Some(_) => {
            store::save(c, &mut o)?;
            store::complete(c, "BankDetail", o)
        }
        None => Ok(json!(store::insert(c, "BankDetail", o)?)),
    }
}

/// `generateInviteLink`: a new contact invite URL for the company (the old one stops working).
pub fn generate_invite_link(
    c: &Connection,
    caller: &Caller,
    args: Value,
) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let company = req_id(input(&args), "company")?;
    let mut o = store::must(c, "Company", &company)?;
    auth::company(&a, "generate invite links")?;
    auth::own(&a, &company, "the company")?;
    o.insert(
        "contactInviteUrl".into(),
        json!(format!(
            "https://worksome.test/invite/{}",
            totp::random_hex(12)
        )),
    );
    store::save(c, &mut o)?;
    store::complete(c, "Company", o)
}

fn relationship(
    c: &Connection,
    a: &Actor,
    company: &str,
    recruiter: &str,
    inp: &Value,
    email: Option<&str>,
) -> Result<String, ApiError> {
    let live = store::find(c, "CompanyRecruiter", "recruiter", recruiter)?;
    if live
        .iter()
        .any(|r| r.get("company") == Some(&json!(company)))
    {
        return Err(ApiError::new(
            "ALREADY_EXISTS",
            format!("recruiter {recruiter} already works with company {company}"),
        ));
    }
    let mut o = auth::owned(a, company);
    for (k, v) in [
        ("company", json!(company)),
        ("recruiter", json!(recruiter)),
        ("status", json!("INVITED")),
        ("email", json!(email)),
        ("token", json!(totp::random_hex(12))),
        ("invitedAt", json!(store::today())),
    ] {
        o.insert(k.into(), v);
    }
    auth::copy(
        &mut o,
        inp,
        &[
            "recruiterFee",
            "recruiterOwnershipDays",
            "message",
            "externalIdentifier",
        ],
    );
    apply(&mut o, inp);
    let id = store::insert(c, "CompanyRecruiter", o)?;
    push(c, company, "staffingAgencies", &id)?;
    push(c, recruiter, "clients", &id)?;
    Ok(id)
}

fn apply(o: &mut Obj, inp: &Value) {
    if let Some(t) = auth::tags(inp, "tags") {
        o.insert("tags".into(), t);
    }
    if let Some(m) = inp.get("managesWorkers").filter(|v| !v.is_null()) {
        o.insert("recruiterManagesWorkers".into(), m.clone());
    }
    if let Some(d) = inp.get("recruiterOwnershipDays").and_then(Value::as_i64) {
        o.insert("recruiterOwnershipDaysLeft".into(), json!(d));
    }
    if let Some(v) = inp.get("customFieldValues").filter(|v| !v.is_null()) {
        o.insert("_customFieldValues".into(), v.clone());
    }
}

fn own_company_input(
    c: &Connection,
    a: &Actor,
    inp: &Value,
    what: &str,
) -> Result<String, ApiError> {
    auth::company(a, what)?;
    let company = req_id(inp, "company")?;
    store::must(c, "Company", &company)?;
    auth::own(a, &company, "the company")?;
    Ok(company)
}

/// `createCompanyRecruiter`: a new recruiter account (with a user for the email) invited to
/// the company; an email that already belongs to a recruiter's user reuses that recruiter.
pub fn create_recruiter(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let company = own_company_input(c, &a, inp, "add and invite recruiters")?;
    let email = str_of(inp, "email").unwrap_or_default();
    if !crate::scalars::is_email(email) {
        return Err(ApiError::bad_input(format!(
            "input.email {email:?} is not an email address"
        )));
    }
    let existing = store::find(c, "User", "email", email)?.into_iter().next();
    let recruiter = match existing {
        Some(u) => {
            let acc = auth::owner_of(&u).to_string();
            if store::get_any(c, &acc)?.map(|(t, _)| t) != Some("Recruiter".into()) {
                return Err(ApiError::new(
                    "EMAIL_TAKEN",
                    format!("{email} belongs to a user who is not a recruiter"),
                ));
            }
            acc
        }
        None => {
            let name = str_of(inp, "name").unwrap_or_default();
            let mut r = Obj::new();
            r.insert("name".into(), json!(name));
            r.insert(
                "initials".into(),
                json!(name
                    .split_whitespace()
                    .filter_map(|w| w.chars().next())
                    .collect::<String>()),
            );
            let rid = store::insert(c, "Recruiter", r)?;
            let mut u = Obj::new();
            for (k, v) in [
                ("name", json!(name)),
                ("email", json!(email)),
                ("_account", json!(rid)),
                ("canCreatePassword", json!(true)),
                ("missingAuthentication", json!(true)),
            ] {
                u.insert(k.into(), v);
            }
            let uid = store::insert(c, "User", u)?;
            let mut r = store::must(c, "Recruiter", &rid)?;
            r.insert("owner".into(), json!(uid));
            store::save(c, &mut r)?;
            rid
        }
    };
    Ok(json!(relationship(
        c,
        &a,
        &company,
        &recruiter,
        inp,
        Some(email)
    )?))
}

fn own_relationship(c: &Connection, a: &Actor, id: &str, what: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "CompanyRecruiter", id)?;
    auth::company(a, what)?;
    auth::own(a, auth::owner_of(&o), "the recruiter relationship")?;
    Ok(o)
}

/// `updateCompanyRecruiter`: only the company.
pub fn update_recruiter(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut o = own_relationship(c, &a, &req_id(inp, "id")?, "edit recruiter relationships")?;
    auth::copy(
        &mut o,
        inp,
        &[
            "recruiterFee",
            "recruiterOwnershipDays",
            "externalIdentifier",
        ],
    );
    apply(&mut o, inp);
    store::save(c, &mut o)?;
    store::complete(c, "CompanyRecruiter", o)
}

/// `deleteCompanyRecruiter`: the company or the recruiter of the relationship.
pub fn delete_recruiter(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let o = store::must(c, "CompanyRecruiter", &id)?;
    let party =
        match a.kind {
            Kind::Company => o.get("company") == Some(&json!(a.account)),
            Kind::Recruiter => o.get("recruiter") == Some(&json!(a.account)),
            Kind::Worker => return Err(ApiError::new(
                "COMPANY_OR_RECRUITER_ONLY",
                "Both the company and the recruiter can delete the relationship; workers cannot.",
            )),
        };
    if !party {
        return Err(ApiError::forbidden(
            "the relationship belongs to another company or recruiter",
        ));
    }
    let out = store::complete(c, "CompanyRecruiter", o)?;
    store::delete(c, &id)?;
    Ok(out)
}

/// `inviteCompanyRecruiter`: an existing recruiter (by id) invited to the company.
pub fn invite_recruiter(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let company = own_company_input(c, &a, inp, "invite the recruiter")?;
    let recruiter = req_id(inp, "id")?;
    let r = store::must(c, "Recruiter", &recruiter)?;
    let email = r
        .get("owner")
        .and_then(Value::as_str)
        .and_then(|u| store::get_any(c, u).ok().flatten())
        .and_then(|(_, u)| u.get("email").and_then(Value::as_str).map(String::from));
    Ok(json!(relationship(
        c,
        &a,
        &company,
        &recruiter,
        inp,
        email.as_deref()
    )?))
}
