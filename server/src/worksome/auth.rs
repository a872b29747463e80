//! Who is acting: the calling user, their account (a Company, Worker or Recruiter) and the role
//! rules the documents state, each failing with its own stable `extensions.code`.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::store::{self, Obj};
use crate::api::{id_of, ApiError, Caller};

/// The kind of account a user belongs to, which the role rules are about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A `Company` account.
    Company,
    /// A `Worker` account.
    Worker,
    /// A `Recruiter` account.
    Recruiter,
}

impl Kind {
    /// The token role and fixtures name (`company`, `worker`, `recruiter`).
    pub fn role(self) -> &'static str {
        match self {
            Kind::Company => "company",
            Kind::Worker => "worker",
            Kind::Recruiter => "recruiter",
        }
    }

    /// The kind for an account type name.
    pub fn of_type(t: &str) -> Option<Kind> {
        match t {
            "Company" => Some(Kind::Company),
            "Worker" => Some(Kind::Worker),
            "Recruiter" => Some(Kind::Recruiter),
            _ => None,
        }
    }
}

/// The caller as the Worksome handlers see them.
pub struct Actor {
    /// The calling user's id.
    pub user: String,
    /// The id of the user's account.
    pub account: String,
    /// The account's kind.
    pub kind: Kind,
    /// The bearer token of this request (forceLogoutUser keeps it).
    pub token: String,
}

/// Resolves the caller's user and account; a token whose user is gone is `UNAUTHENTICATED`.
pub fn actor(c: &Connection, caller: &Caller) -> Result<Actor, ApiError> {
    let gone = || ApiError::new("UNAUTHENTICATED", "the token's user no longer exists");
    let user = store::must(c, "User", &caller.subject).map_err(|_| gone())?;
    let account = user
        .get("_account")
        .and_then(Value::as_str)
        .ok_or_else(gone)?
        .to_string();
    let (ty, _) = store::get_any(c, &account)?.ok_or_else(gone)?;
    let kind = Kind::of_type(&ty).ok_or_else(gone)?;
    Ok(Actor {
        user: caller.subject.clone(),
        account,
        kind,
        token: caller.token.clone(),
    })
}

/// "Only companies can ..." (`COMPANY_ONLY`).
pub fn company(a: &Actor, what: &str) -> Result<(), ApiError> {
    only(
        a,
        &[Kind::Company],
        "COMPANY_ONLY",
        &format!("Only companies can {what}."),
    )
}

/// "Only workers can ..." (`WORKER_ONLY`).
pub fn worker(a: &Actor, what: &str) -> Result<(), ApiError> {
    only(
        a,
        &[Kind::Worker],
        "WORKER_ONLY",
        &format!("Only workers can {what}."),
    )
}

/// "Only recruiters can ..." (`RECRUITER_ONLY`).
pub fn recruiter(a: &Actor, what: &str) -> Result<(), ApiError> {
    only(
        a,
        &[Kind::Recruiter],
        "RECRUITER_ONLY",
        &format!("Only recruiters can {what}."),
    )
}

fn only(a: &Actor, kinds: &[Kind], code: &str, msg: &str) -> Result<(), ApiError> {
    if kinds.contains(&a.kind) {
        Ok(())
    } else {
        Err(ApiError::new(code, msg))
    }
}

/// `FORBIDDEN` unless `account` is the caller's own account.
pub fn own(a: &Actor, account: &str, what: &str) -> Result<(), ApiError> {
    if a.account == account {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{what} belongs to another account"
        )))
    }
}

/// The account id an object belongs to (its `_account`).
pub fn owner_of(o: &Obj) -> &str {
    o.get("_account")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// The `input` argument of a mutation.
pub fn input(args: &Value) -> &Value {
    args.get("input").unwrap_or(&Value::Null)
}

/// A required id field of an input object.
pub fn req_id(v: &Value, key: &str) -> Result<String, ApiError> {
    v.get(key)
        .and_then(id_of)
        .ok_or_else(|| ApiError::bad_input(format!("input.{key} is required")))
}

/// An optional id field.
pub fn opt_id(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(id_of)
}

/// A list of ids (absent or null gives none).
pub fn ids(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(id_of).collect())
        .unwrap_or_default()
}

/// Copies the given input fields that are present and not null onto `o` (a partial update).
pub fn copy(o: &mut Obj, input: &Value, keys: &[&str]) {
    for k in keys {
        if let Some(v) = input.get(*k).filter(|v| !v.is_null()) {
            o.insert(k.to_string(), v.clone());
        }
    }
}

/// A new object owned by the caller's account and created by the caller.
pub fn owned(a: &Actor, account: &str) -> Obj {
    let mut o = Obj::new();
    o.insert("_account".into(), json!(account));
    o.insert("_createdBy".into(), json!(a.user));
    o
}

/// Tags from names: inline `Tag` objects (id = name, as tags are identified by name).
pub fn tags(v: &Value, key: &str) -> Option<Value> {
    let names = v.get(key)?.as_array()?;
    Some(Value::Array(
        names
            .iter()
            .filter_map(Value::as_str)
            .map(|n| json!({ "id": n, "name": n }))
            .collect(),
    ))
}
