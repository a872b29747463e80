//! Custom fields of an account (the account's own users only) with their select options.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::auth::{self, actor, input, req_id, Actor};
use super::companies::push;
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

const FIELDS: &[&str] = &[
    "fieldType",
    "appliesTo",
    "title",
    "slug",
    "description",
    "visibility",
    "approval",
    "apiOnly",
    "workerInputAllowed",
    "recruiterInputAllowed",
    "showOnInvoice",
    "sharedWithClients",
    "sharedWithStaffingAgencies",
];

fn check(c: &Connection, inp: &Value, account: &str, id: Option<&str>) -> Result<(), ApiError> {
    let ty = str_of(inp, "fieldType").unwrap_or_default();
    let options = inp
        .get("options")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    if matches!(ty, "SINGLE_SELECT" | "MULTI_SELECT") && options == 0 {
        return Err(ApiError::new(
            "OPTIONS_REQUIRED",
            format!("a {ty} field needs input.options"),
        ));
    }
    if let Some(slug) = str_of(inp, "slug") {
        let clash = store::find(c, "CustomField", "slug", slug)?
            .iter()
            .any(|f| auth::owner_of(f) == account && f.get("id").and_then(Value::as_str) != id);
        if clash {
            return Err(ApiError::new(
                "SLUG_TAKEN",
                format!("the account already has a field with slug {slug:?}"),
            ));
        }
    }
    Ok(())
}

/// Replaces the options: an entry naming an existing `option` updates it, others are new,
/// options not named are deleted.
fn set_options(c: &Connection, a: &Actor, field: &mut Obj, inp: &Value) -> Result<(), ApiError> {
    let old: Vec<String> = auth::ids(&Value::Object(field.clone()), "customFieldOptions");
    let mut keep = Vec::new();
    for (i, opt) in inp
        .get("options")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mut o = match auth::opt_id(opt, "option") {
            Some(id) if old.contains(&id) => store::must(c, "CustomFieldOption", &id)?,
            Some(id) => {
                return Err(store::not_found(
                    "CustomFieldOption",
                    &format!("{id} (input.options[{i}].option)"),
                ))
            }
            None => auth::owned(a, auth::owner_of(field)),
        };
        o.insert("customField".into(), field["id"].clone());
        auth::copy(&mut o, opt, &["value", "displayOrder"]);
        let id = match o.get("id").and_then(Value::as_str).map(String::from) {
            Some(id) => {
                store::save(c, &mut o)?;
                id
            }
            None => store::insert(c, "CustomFieldOption", o)?,
        };
        keep.push(json!(id));
    }
    for id in old.iter().filter(|id| !keep.contains(&json!(id))) {
        store::delete(c, id)?;
    }
    field.insert("customFieldOptions".into(), Value::Array(keep));
    Ok(())
}

fn settings(o: &mut Obj, inp: &Value) {
    let validation = inp
        .get("settings")
        .and_then(|s| s.get("validation"))
        .cloned()
        .filter(|v| !v.is_null())
        .unwrap_or(json!([]));
    o.insert("settings".into(), json!({ "validation": validation }));
}

/// `createCustomField`.
pub fn create(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let account = req_id(inp, "account")?;
    store::must_in(c, &["Company", "Worker", "Recruiter"], &account)?;
    auth::own(&a, &account, "the account")?;
    check(c, inp, &account, None)?;
    let mut o = auth::owned(&a, &account);
    auth::copy(&mut o, inp, FIELDS);
    o.insert("account".into(), json!(account));
    o.insert("user".into(), json!(a.user));
    o.insert("viewerCanUpdate".into(), json!(true));
    o.insert("viewerOwnsField".into(), json!(true));
    settings(&mut o, inp);
    let id = store::insert(c, "CustomField", o)?;
    let mut o = store::must(c, "CustomField", &id)?;
    set_options(c, &a, &mut o, inp)?;
    store::save(c, &mut o)?;
    push(c, &account, "customFields", &id)?;
    Ok(json!(id))
}

fn own_field(c: &Connection, a: &Actor, id: &str) -> Result<Obj, ApiError> {
    let o = store::must(c, "CustomField", id)?;
    auth::own(a, auth::owner_of(&o), "the custom field")?;
    Ok(o)
}

/// `updateCustomField`: every field given again (optional ones absent become unset).
pub fn update(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let id = req_id(inp, "customField")?;
    let mut o = own_field(c, &a, &id)?;
    check(c, inp, auth::owner_of(&o).to_string().as_str(), Some(&id))?;
    for k in FIELDS.iter().filter(|k| !["appliesTo"].contains(k)) {
        o.remove(*k);
    }
    auth::copy(&mut o, inp, FIELDS);
    settings(&mut o, inp);
    set_options(c, &a, &mut o, inp)?;
    store::save(c, &mut o)?;
    store::complete(c, "CustomField", o)
}

/// `deleteCustomField`: the field and its options.
pub fn delete(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let id = req_id(input(&args), "customField")?;
    let mut o = own_field(c, &a, &id)?;
    o.insert("deletedAt".into(), json!(store::now()));
    let out = store::complete(c, "CustomField", o.clone())?;
    for opt in auth::ids(&Value::Object(o), "customFieldOptions") {
        store::delete(c, &opt)?;
    }
    store::delete(c, &id)?;
    Ok(out)
}
