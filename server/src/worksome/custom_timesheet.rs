//! `createCustomTimesheet` with the `default-json` schema
//! (`worksome-custom-timesheet.schema.json`): one registration object or an array of them, each
//! checked, then filed as a DAY registration in the hire's timesheet for that ISO week (created
//! on demand). The same `externalId` on the same hire replaces the earlier registration.

use rusqlite::Connection;
use serde_json::{json, Map, Value};

use super::auth::{self, actor, input};
use super::store::{self, Obj};
use crate::api::{str_of, ApiError, Caller};

/// The only schema this server knows (as named by the JSON schema's description).
pub const SCHEMA: &str = "default-json";
const KEYS: &[&str] = &[
    "hireId",
    "reportedDate",
    "hours",
    "externalId",
    "reference",
    "isPayable",
    "meta",
];

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date with a real month and day.
fn parse_date(s: &str) -> Option<i64> {
    if !crate::scalars::is_date(s) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().ok();
    Some(days_from_civil(n(0..4)?, n(5..7)?, n(8..10)?))
}

fn date_of(days: i64) -> String {
    crate::clock::rfc3339(days * 86_400)[..10].to_string()
}

struct Rejected(&'static str, String);

/// One registration checked against the JSON schema's rules.
fn check(r: &Value) -> Result<(), Rejected> {
    let missing = |m: String| Rejected("MISSING_REQUIRED_FIELD", m);
    let o = r
        .as_object()
        .ok_or_else(|| missing("a registration must be a JSON object".into()))?;
    if let Some(k) = o.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(missing(format!("unknown property {k:?}")));
    }
    for k in ["hireId", "externalId"] {
        if str_of(r, k).is_none_or(|s| s.is_empty()) {
            return Err(missing(format!("{k} is required (a non-empty string)")));
        }
    }
    if str_of(r, "reportedDate").is_none_or(|d| parse_date(d).is_none()) {
        return Err(missing("reportedDate is required (YYYY-MM-DD)".into()));
    }
    if !r
        .get("hours")
        .and_then(Value::as_f64)
        .is_some_and(|h| h >= 0.0)
    {
        return Err(missing("hours is required (a number >= 0)".into()));
    }
    if o.get("reference").is_some_and(|v| !v.is_string())
        || o.get("isPayable").is_some_and(|v| !v.is_boolean())
        || o.get("meta").is_some_and(|v| !v.is_object())
    {
        return Err(missing(
            "reference must be a string, isPayable a boolean, meta an object".into(),
        ));
    }
    Ok(())
}

/// `createCustomTimesheet`: returns counts and the rejected registrations with reasons.
pub fn create_custom(c: &Connection, caller: &Caller, args: Value) -> Result<Value, ApiError> {
    let a = actor(c, caller)?;
    let inp = input(&args);
    let schema = str_of(inp, "schema").unwrap_or_default();
    if schema != SCHEMA {
        return Err(ApiError::new(
            "UNSUPPORTED_SCHEMA",
            format!("schema {schema:?} is not supported; use {SCHEMA:?}"),
        ));
    }
    let data: Value =
        serde_json::from_str(str_of(inp, "data").unwrap_or_default()).map_err(|e| {
            ApiError::new(
                "INVALID_CUSTOM_TIMESHEET_DATA",
                format!("input.data is not JSON: {e}"),
            )
        })?;
    let items = match data {
        Value::Array(items) => items,
        one => vec![one],
    };
    let (mut ok, mut rejected) = (0, Vec::new());
    for r in &items {
        match file(c, &a, r)? {
            Ok(()) => ok += 1,
            Err(Rejected(reason, message)) => rejected.push(json!({
                "externalId": str_of(r, "externalId"), "reason": reason, "message": message })),
        }
    }
    Ok(
        json!({ "providedRegistrations": items.len(), "successfulRegistrations": ok, "rejectedRegistrations": rejected }),
    )
}

fn file(c: &Connection, a: &auth::Actor, r: &Value) -> Result<Result<(), Rejected>, ApiError> {
    if let Err(rej) = check(r) {
        return Ok(Err(rej));
    }
    let hire_id = str_of(r, "hireId").unwrap_or_default();
    let not_found = || {
        Ok(Err(Rejected(
            "HIRE_NOT_FOUND",
            format!("hire {hire_id} does not exist or is not yours"),
        )))
    };
    let Some(hire) = store::get_any(c, hire_id)?
        .filter(|(t, _)| t == "Hire")
        .map(|(_, o)| o)
    else {
        return not_found();
    };
    let worker = hire
        .get("worker")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if a.account != worker && a.account != auth::owner_of(&hire) {
        return not_found();
    }
    let date = str_of(r, "reportedDate").unwrap_or_default();
    let before = str_of(&Value::Object(hire.clone()), "startDate").is_some_and(|s| date < s);
    let after = str_of(&Value::Object(hire.clone()), "endDate").is_some_and(|e| date > e);
    if before || after {
        return Ok(Err(Rejected(
            "DATE_OUTSIDE_CONTRACT_PERIOD",
            format!("{date} is outside the hire's contract period"),
        )));
    }
    let days = parse_date(date).unwrap_or_default();
    let monday = date_of(days - (days + 3).rem_euclid(7));
    let sunday = date_of(days - (days + 3).rem_euclid(7) + 6);
    let mut ts = match store::find(c, "Timesheet", "hire", hire_id)?
        .into_iter()
        .find(|t| t.get("startDate") == Some(&json!(monday)))
    {
        Some(t) => t,
        None => {
            let mut t = auth::owned(a, &worker);
            for (k, v) in [
                ("worker", &worker),
                ("hire", &hire_id.to_string()),
                ("startDate", &monday),
                ("endDate", &sunday),
            ] {
                t.insert(k.into(), json!(v));
            }
            let id = store::insert(c, "Timesheet", t)?;
            store::must(c, "Timesheet", &id)?
        }
    };
    let ext = str_of(r, "externalId").unwrap_or_default();
    let mut list = ts
        .get("registrations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for old in store::find(c, "TimesheetRegistration", "externalIdentifier", ext)? {
        if old.get("_hire") == Some(&json!(hire_id)) {
            let oid = old["id"].clone();
            store::delete(c, oid.as_str().unwrap_or_default())?;
            list.retain(|v| *v != oid);
        }
    }
    let mut reg: Obj = auth::owned(a, &worker);
    let meta = r.get("meta").cloned().unwrap_or(Value::Object(Map::new()));
    for (k, v) in [
        ("type", json!("DAY")),
        ("date", json!(date)),
        ("duration", r["hours"].clone()),
        ("unit", json!("HOURS")),
        (
            "comments",
            r.get("reference").cloned().unwrap_or(Value::Null),
        ),
        ("externalIdentifier", json!(ext)),
        (
            "isBillable",
            r.get("isPayable").cloned().unwrap_or(json!(true)),
        ),
        ("timesheet", ts["id"].clone()),
        ("_hire", json!(hire_id)),
        ("_meta", meta),
    ] {
        reg.insert(k.into(), v);
    }
    list.push(json!(store::insert(c, "TimesheetRegistration", reg)?));
    ts.insert("registrations".into(), Value::Array(list));
    store::save(c, &mut ts)?;
    Ok(Ok(()))
}
