//! The calling user's own account: passwords, email verification and change, sessions
//! (forceLogoutUser, impersonateUser), and updateWorker.

use rusqlite::{params, Connection};
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor, Kind};
use super::meta::meta;
use super::store::{self, Obj};
use super::totp;
use crate::api::{str_of, ApiError, Caller};

const MIN_PASSWORD: usize = 8;

fn user(c: &Connection, a: &Actor) -> Result<Obj, ApiError> {
    store::must(c, "User", &a.user)
}

fn done(c: &Connection, mut u: Obj) -> Result<Value, ApiError> {
    store::save(c, &mut u)?;
    store::complete(c, "User", u)
}

fn set_password(u: &mut Obj, password: &str, confirmation: Option<&str>) -> Result<(), ApiError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(ApiError::new(
            "PASSWORD_TOO_SHORT",
            format!("a password needs at least {MIN_PASSWORD} characters"),
        ));
    }
    if confirmation.is_some_and(|c| c != password) {
        return Err(ApiError::new(
            "PASSWORD_CONFIRMATION_MISMATCH",
            "password and passwordConfirmation differ",
        ));
    }
    u.insert("_password".into(), json!(totp::hash_password(password)));
    u.insert("canCreatePassword".into(), json!(false));
    u.insert("missingAuthentication".into(), json!(false));
    Ok(())
}

fn check_current(u: &Obj, password: &str) -> Result<(), ApiError> {
    let hash = u.get("_password").and_then(Value::as_str);
    if hash.is_some_and(|h| totp::check_password(h, password)) {
        Ok(())
    } else {
        Err(ApiError::new(
            "INVALID_PASSWORD",
            "the current password is wrong",
        ))
    }
}

/// `updatePassword`: needs the current password and a matching confirmation.
pub fn update_password(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let mut u = user(c, &a)?;
    if !u.contains_key("_password") {
        return Err(ApiError::new(
            "PASSWORD_NOT_SET",
            "the user has no password yet; use createPassword",
        ));
    }
    check_current(&u, str_of(inp, "currentPassword").unwrap_or_default())?;
    set_password(
        &mut u,
        str_of(inp, "password").unwrap_or_default(),
        Some(str_of(inp, "passwordConfirmation").unwrap_or_default()),
    )?;
    done(c, u)
}

/// `createPassword`: only for a user without one.
pub fn create_password(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let mut u = user(c, &a)?;
    if u.contains_key("_password") {
        return Err(ApiError::new(
            "PASSWORD_ALREADY_SET",
            "the user already has a password; use updatePassword",
        ));
    }
    set_password(
        &mut u,
        str_of(input(&args), "password").unwrap_or_default(),
        None,
    )?;
    done(c, u)
}

/// `sendVerificationEmail`: only while the email is unverified; records the email sent.
pub fn send_verification_email(
    c: &Connection,
    caller: &Caller,
    _: Value,
) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let u = user(c, &a)?;
    if u.get("hasVerifiedEmail") == Some(&json!(true)) {
        return Err(ApiError::new(
            "EMAIL_ALREADY_VERIFIED",
            "the user's email is already verified",
        ));
    }
    let email = u
        .get("email")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    super::sent::verification_email(c, &a.user, &email)?;
    store::complete(c, "User", u)
}

/// `changeEmail`: the caller's own email, or (company users) a colleague's; the new address is
/// unverified until verified again (a verification email goes to it).
pub fn change_email(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let target = auth::opt_id(inp, "user").unwrap_or_else(|| a.user.clone());
    let mut u = store::must(c, "User", &target)?;
    if target != a.user {
        auth::company(&a, "change another user's email")?;
        auth::own(&a, auth::owner_of(&u), "the user")?;
    }
    let email = str_of(inp, "email").unwrap_or_default();
    if !crate::scalars::is_email(email) {
        return Err(ApiError::bad_input(format!(
            "input.email {email:?} is not an email address"
        )));
    }
    let taken = store::find(c, "User", "email", email)?
        .into_iter()
        .any(|o| o.get("id") != Some(&json!(target)));
    if taken {
        return Err(ApiError::new(
            "EMAIL_TAKEN",
            format!("{email} is used by another user"),
        ));
    }
    u.insert("email".into(), json!(email));
    u.insert("hasVerifiedEmail".into(), json!(false));
    u.insert("emailVerifiedAt".into(), Value::Null);
    super::sent::verification_email(c, &target, email)?;
    done(c, u)
}

/// `forceLogoutUser`: with the current password, deletes every other token of the caller.
pub fn force_logout(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let u = user(c, &a)?;
    check_current(&u, str_of(input(&args), "password").unwrap_or_default())?;
    let n = c.execute(
        "DELETE FROM tokens WHERE api = ?1 AND subject = ?2 AND token <> ?3",
        params![super::NAME, a.user, a.token],
    )?;
    Ok(json!({ "user": a.user, "invalidatedSessions": n }))
}

/// `impersonateUser`: a company user gets a token acting as a colleague or as a worker the
/// company has hired; the caller's own token keeps working ("use the old token again").
pub fn impersonate(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    auth::company(&a, "impersonate users")?;
    let target = req_id(input(&args), "user")?;
    let t = store::must(c, "User", &target)?;
    let account = auth::owner_of(&t).to_string();
    let (ty, _) =
        store::get_any(c, &account)?.ok_or_else(|| store::not_found("Account", &account))?;
    let kind = Kind::of_type(&ty).ok_or_else(|| ApiError::internal("user without account"))?;
    let hired = kind == Kind::Worker
        && store::find(c, "Hire", "worker", &account)?
            .iter()
            .any(|h| auth::owner_of(h) == a.account);
    if target == a.user || !(account == a.account || hired) {
        return Err(ApiError::forbidden(
            "only a colleague or a worker your company hired can be impersonated",
        ));
    }
    let token = format!("ws-imp-{}", totp::random_hex(16));
    crate::db::insert_token(c, super::NAME, &token, &target, kind.role())?;
    Ok(json!({ "token": token, "user": target, "impersonator": a.user, "expiresAt": null }))
}

/// `updateWorker`: a worker edits their own profile.
pub fn update_worker(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let id = req_id(inp, "id")?;
    let mut w = store::must(c, "Worker", &id)?;
    auth::worker(&a, "update their profile")?;
    auth::own(&a, &id, "the worker profile")?;
    auth::copy(
        &mut w,
        inp,
        &["jobTitle", "links", "firstName", "middleName", "lastName"],
    );
    if let Some(skills) = auth::tags(inp, "skills") {
        w.insert("skills".into(), skills);
    }
    if let Some(addr) = inp.get("address").filter(|v| v.is_object()) {
        w.insert("address".into(), address(addr)?);
    }
    let name = |k: &str| {
        w.get(k)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let full = [name("firstName"), name("middleName"), name("lastName")]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    let initials: String = [name("firstName"), name("lastName")]
        .iter()
        .filter_map(|s| s.chars().next())
        .collect();
    w.insert("name".into(), json!(full));
    w.insert("initials".into(), json!(initials));
    store::save(c, &mut w)?;
    store::complete(c, "Worker", w)
}

/// An `AddressInput` as an `Address` (country as `{isoCode}`, which must be a known code).
pub fn address(inp: &Value) -> Result<Value, ApiError> {
    let mut o = Obj::new();
    auth::copy(&mut o, inp, &["address", "postCode", "city", "state"]);
    if let Some(code) = str_of(inp, "country") {
        let known = meta()
            .enums
            .get("CountryCode")
            .is_some_and(|v| v.iter().any(|c| c == code));
        if !known {
            return Err(ApiError::bad_input(format!(
                "input.address.country {code:?} is not an ISO 3166 alpha-2 code"
            )));
        }
        o.insert("country".into(), json!({ "isoCode": code }));
    }
    Ok(Value::Object(o))
}

/// A new worker account and its user, for someone invited by email (a trusted contact, a
/// recruiter's candidate): names from the input's firstName/middleName/lastName, plus `extra`
/// fields. The user has no password yet, so it can create one.
pub fn new_worker_account(
    c: &Connection,
    inp: &Value,
    email: &str,
    extra: Obj,
) -> Result<String, ApiError> {
    let part = |k: &str| str_of(inp, k).unwrap_or_default().to_string();
    let name = [part("firstName"), part("middleName"), part("lastName")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let initials: String = [part("firstName"), part("lastName")]
        .iter()
        .filter_map(|s| s.chars().next())
        .collect();
    let mut w = extra;
    for (k, v) in [
        ("firstName", json!(part("firstName"))),
        ("lastName", json!(part("lastName"))),
        ("name", json!(name)),
        ("email", json!(email)),
        ("initials", json!(initials)),
    ] {
        w.insert(k.into(), v);
    }
    auth::copy(&mut w, inp, &["middleName"]);
    let wid = store::insert(c, "Worker", w)?;
    let mut u = Obj::new();
    for (k, v) in [
        ("name", json!(name)),
        ("email", json!(email)),
        ("_account", json!(wid)),
        ("canCreatePassword", json!(true)),
        ("missingAuthentication", json!(true)),
    ] {
        u.insert(k.into(), v);
    }
    store::insert(c, "User", u)?;
    Ok(wid)
}
