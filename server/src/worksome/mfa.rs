//! Multi-factor authentication: SMS and TOTP factors, created PENDING and APPROVED by a
//! verification code. SMS codes are "sent" by recording them (see `sent.rs`).

use rusqlite::{Connection, OptionalExtension};
use serde_json::{json, Value};

use super::auth::{actor, input, req_id, Actor};
use super::store::{self, Obj};
use super::totp;
use crate::api::{str_of, ApiError, Caller};

fn new_factor(a: &Actor, name: &str) -> Obj {
    let mut o = Obj::new();
    o.insert("name".into(), json!(name));
    o.insert("status".into(), json!("PENDING"));
    o.insert("owner".into(), json!(a.user));
    o.insert("_createdBy".into(), json!(a.user));
    o
}

/// The caller's own factor of type `ty`; another user's is `FORBIDDEN`.
fn own_factor(c: &Connection, a: &Actor, ty: &[&str], id: &str) -> Result<(String, Obj), ApiError> {
    let (t, o) = store::must_in(c, ty, id)?;
    if str_of(&Value::Object(o.clone()), "owner") != Some(a.user.as_str()) {
        return Err(ApiError::forbidden(
            "this multi-factor method belongs to another user",
        ));
    }
    Ok((t, o))
}

fn approve(c: &Connection, ty: &str, mut o: Obj) -> Result<Value, ApiError> {
    if o.get("status").and_then(Value::as_str) == Some("APPROVED") {
        return Err(ApiError::new(
            "MFA_ALREADY_VERIFIED",
            "this multi-factor method is already verified",
        ));
    }
    o.insert("status".into(), json!("APPROVED"));
    o.insert("verifiedAt".into(), json!(store::now()));
    store::save(c, &mut o)?;
    store::complete(c, ty, o)
}

fn bad_code() -> ApiError {
    ApiError::new(
        "INVALID_MFA_CODE",
        "the verification code is wrong or expired",
    )
}

/// `createSmsMultiFactor`: texts a 6-digit code to the user's phone number.
pub fn create_sms(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let user = store::must(c, "User", &a.user)?;
    let phone = user
        .get("_phone")
        .and_then(Value::as_str)
        .map(String::from)
        .ok_or_else(|| {
            ApiError::new(
                "PHONE_NUMBER_MISSING",
                "the user has no phone number to send a code to",
            )
        })?;
    let name = str_of(input(&args), "name").unwrap_or("SMS");
    let mut o = new_factor(&a, name);
    o.insert("phoneNumber".into(), json!(phone));
    let id = store::insert(c, "SmsMultiFactor", o)?;
    let code = format!(
        "{:06}",
        u32::from_be_bytes(totp::random_bytes(4).try_into().unwrap_or([0; 4])) % 1_000_000
    );
    super::sent::sms(c, &a.user, &id, &phone, &code)?;
    Ok(json!({ "multiFactor": id }))
}

/// `verifySmsMultiFactor`: the last code sent for this factor approves it.
pub fn verify_sms(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let id = req_id(inp, "id")?;
    let (_, o) = own_factor(c, &a, &["SmsMultiFactor"], &id)?;
    let sent: Option<String> = c
        .query_row(
            "SELECT code FROM ws_sms WHERE factor_id = ?1 ORDER BY seq DESC LIMIT 1",
            [&id],
            |r| r.get(0),
        )
        .optional()?;
    if sent.as_deref() != str_of(inp, "code") {
        return Err(bad_code());
    }
    approve(c, "SmsMultiFactor", o)
}

/// `createTotpMultiFactor`: a new 160-bit secret, returned once with its `otpauth://` URL.
pub fn create_totp(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let user = store::must(c, "User", &a.user)?;
    let secret = totp::base32(&totp::random_bytes(20));
    let name = str_of(input(&args), "name").unwrap_or("Authenticator");
    let mut o = new_factor(&a, name);
    o.insert("_secret".into(), json!(secret));
    let id = store::insert(c, "TotpMultiFactor", o)?;
    let email = user.get("email").and_then(Value::as_str).unwrap_or("user");
    let qr = format!("otpauth://totp/Worksome:{email}?secret={secret}&issuer=Worksome&algorithm=SHA1&digits=6&period=30");
    Ok(json!({ "multiFactor": id, "secret": secret, "qrCode": qr }))
}

/// `verifyTotpMultiFactor`: a current TOTP code of the factor's secret approves it.
pub fn verify_totp(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let id = req_id(inp, "id")?;
    let (_, o) = own_factor(c, &a, &["TotpMultiFactor"], &id)?;
    let secret = o.get("_secret").and_then(Value::as_str).unwrap_or_default();
    if !totp::verify(secret, str_of(inp, "code").unwrap_or_default()) {
        return Err(bad_code());
    }
    approve(c, "TotpMultiFactor", o)
}

/// `removeMultiFactor`: deletes one of the caller's factors and returns it.
pub fn remove(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "id")?;
    let (ty, o) = own_factor(c, &a, &["SmsMultiFactor", "TotpMultiFactor"], &id)?;
    let out = store::complete(c, &ty, o)?;
    store::delete(c, &id)?;
    Ok(out)
}
