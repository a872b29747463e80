//! Seeds the `worksome` section of the fixtures file (format in server/README.md): objects by
//! type with their GraphQL fields (relations as ids), then users with their account, password,
//! phone and bearer tokens.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::Kind;
use super::meta::meta;
use super::store::{self, Obj};
use super::totp;
use crate::api::{list_of as list, str_of};

fn numeric_id(v: &Value, what: &str) -> Result<String, String> {
    let id = str_of(v, "id").ok_or(format!("{what}: `id` (a string) is required"))?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "{what}: id {id:?} must be digits (Worksome ids are global numbers)"
        ));
    }
    Ok(id.to_string())
}

/// Inserts `objects`, then `users` (and their tokens).
pub fn seed(c: &Connection, section: &Value) -> Result<(), String> {
    let err = |e: crate::api::ApiError| e.message;
    for o in list(section, "objects") {
        let ty = str_of(o, "type")
            .ok_or("object: `type` is required")?
            .to_string();
        let id = numeric_id(o, &format!("{ty} object"))?;
        if !meta().with_id.contains(&ty) {
            return Err(format!(
                "object {id}: {ty} is not an object type with an id in the schema"
            ));
        }
        let mut data: Obj = o.as_object().cloned().unwrap_or_default();
        data.remove("type");
        store::insert_with_id(c, &ty, &id, data)
            .map_err(|e| format!("object {id}: {}", e.message))?;
    }
    for u in list(section, "users") {
        let id = numeric_id(u, "user")?;
        let what = format!("user {id}");
        let account = str_of(u, "account").ok_or(format!("{what}: `account` is required"))?;
        let (ty, _) = store::get_any(c, account)
            .map_err(err)?
            .ok_or(format!("{what}: account {account} is not an object"))?;
        let kind = Kind::of_type(&ty).ok_or(format!(
            "{what}: account {account} is a {ty}, not a Company, Worker or Recruiter"
        ))?;
        let email = str_of(u, "email")
            .filter(|e| crate::scalars::is_email(e))
            .ok_or(format!("{what}: a well-formed `email` is required"))?;
        let verified = u
            .get("emailVerified")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut data = Obj::new();
        for (k, v) in [
            ("name", u.get("name").cloned().unwrap_or(json!(""))),
            ("email", json!(email)),
            ("_account", json!(account)),
            ("hasVerifiedEmail", json!(verified)),
            (
                "emailVerifiedAt",
                if verified {
                    json!("2026-01-01T09:00:00.000000Z")
                } else {
                    Value::Null
                },
            ),
        ] {
            data.insert(k.into(), v);
        }
        match str_of(u, "password") {
            Some(p) => {
                data.insert("_password".into(), json!(totp::hash_password(p)));
                data.insert("canCreatePassword".into(), json!(false));
            }
            None => {
                data.insert("canCreatePassword".into(), json!(true));
                data.insert("missingAuthentication".into(), json!(true));
            }
        }
        if let Some(p) = str_of(u, "phone") {
            data.insert("_phone".into(), json!(p));
        }
        store::insert_with_id(c, "User", &id, data)
            .map_err(|e| format!("{what}: {}", e.message))?;
        for t in list(u, "tokens") {
            let t = t
                .as_str()
                .ok_or(format!("{what}: tokens must be strings"))?;
            crate::db::insert_token(c, super::NAME, t, &id, kind.role())
                .map_err(|e| format!("{what}: token: {e}"))?;
        }
    }
    Ok(())
}
