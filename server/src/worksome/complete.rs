//! Completion: stored JSON becomes a value any selection of its type can read. Absent
//! non-null fields get well-formed defaults, id lists drop deleted objects, `*Paginator` fields
//! wrap their lists, abstract-typed ids become typed references, inline objects recurse.

use rusqlite::Connection;
use serde_json::{json, Value};

use super::meta::{meta, FieldMeta};
use super::store::{get_any, now, typed_ref, Obj};
use crate::api::ApiError;

/// Completes stored JSON for type `ty`: absent non-null fields get defaults (see `default`),
/// id lists drop deleted objects, `*Paginator` fields wrap their lists, abstract-typed ids
/// become typed references, inline objects are completed recursively.
pub fn complete(c: &Connection, ty: &str, mut o: Obj) -> Result<Value, ApiError> {
    let m = meta();
    if m.abstracts.contains(ty) {
        if let Some(t) = o
            .get("__typename")
            .and_then(Value::as_str)
            .map(String::from)
        {
            return complete(c, &t, o);
        }
    }
    let Some(fields) = m.objects.get(ty) else {
        return Ok(Value::Object(o));
    };
    for f in fields {
        let cur = o.get(&f.name).cloned().unwrap_or(Value::Null);
        let v = if cur.is_null() {
            default(c, ty, f, &o)?
        } else {
            shape(c, f, cur)?
        };
        o.insert(f.name.clone(), v);
    }
    // Always typed, so the same JSON can answer a field of a union or interface type.
    o.insert("__typename".into(), json!(ty));
    Ok(Value::Object(o))
}

fn is_paginator(base: &str) -> bool {
    base.ends_with("Paginator") && meta().is_object(base)
}

fn shape(c: &Connection, f: &FieldMeta, v: Value) -> Result<Value, ApiError> {
    if is_paginator(&f.base) {
        if let Value::Array(items) = v {
            return paginator(c, &f.base, items);
        }
        return Ok(v);
    }
    match v {
        Value::Array(items) if f.list => {
            let mut out = Vec::new();
            for it in items {
                let it = item(c, &f.base, it)?;
                if !it.is_null() {
                    out.push(it);
                }
            }
            Ok(Value::Array(out))
        }
        v => item(c, &f.base, v),
    }
}

/// One value of a named type: ids of stored types must be live, abstract ids become typed
/// references, inline objects are completed.
fn item(c: &Connection, base: &str, v: Value) -> Result<Value, ApiError> {
    let m = meta();
    match v {
        Value::String(ref id) if m.abstracts.contains(base) => typed_ref(c, id),
        Value::String(ref id) if m.with_id.contains(base) => Ok(if get_any(c, id)?.is_some() {
            v
        } else {
            Value::Null
        }),
        Value::Object(o) if !o.contains_key("__ref") && m.objects.contains_key(base) => {
            let ty = o
                .get("__typename")
                .and_then(Value::as_str)
                .unwrap_or(base)
                .to_string();
            complete(c, &ty, o)
        }
        v => Ok(v),
    }
}

/// A Lighthouse-style paginator holding all of `items` on one page.
fn paginator(c: &Connection, base: &str, items: Vec<Value>) -> Result<Value, ApiError> {
    let data_ty = meta()
        .objects
        .get(base)
        .and_then(|fs| fs.iter().find(|f| f.name == "data"))
        .map(|f| f.base.clone())
        .unwrap_or_default();
    let mut data = Vec::new();
    for it in items {
        let it = item(c, &data_ty, it)?;
        if !it.is_null() {
            data.push(it);
        }
    }
    let n = data.len();
    let mut o = Obj::new();
    o.insert("data".into(), Value::Array(data));
    o.insert(
        "paginatorInfo".into(),
        json!({ "count": n, "currentPage": 1, "firstItem": if n > 0 { json!(1) } else { Value::Null },
                "hasMorePages": false, "lastItem": if n > 0 { json!(n) } else { Value::Null },
                "lastPage": 1, "perPage": n.max(1), "total": n }),
    );
    complete(c, base, o)
}

/// The value of an absent field: null if nullable; else `[]`, a well-formed scalar, the first
/// enum value, an inline default object, or for a relation the object the data names by
/// convention (`_createdBy` for users, `_account` for accounts, else any field holding an id of
/// that type). A relation with none stays null, which GraphQL reports as an error, so a handler
/// that forgets a required relation shows up in tests.
fn default(c: &Connection, ty: &str, f: &FieldMeta, o: &Obj) -> Result<Value, ApiError> {
    let m = meta();
    if !f.non_null {
        return Ok(Value::Null);
    }
    if f.list {
        return Ok(json!([]));
    }
    if let Some(vals) = m.enums.get(&f.base) {
        return Ok(vals.first().map(|v| json!(v)).unwrap_or(Value::Null));
    }
    if is_paginator(&f.base) {
        return paginator(c, &f.base, Vec::new());
    }
    if m.objects.contains_key(&f.base) {
        if !m.with_id.contains(&f.base) && !m.abstracts.contains(&f.base) {
            return complete(c, &f.base, Obj::new());
        }
        return relation(c, f, o);
    }
    let stamp = |key: &str| {
        o.get(key)
            .and_then(Value::as_str)
            .map(String::from)
            .unwrap_or_else(now)
    };
    let id = o.get("id").and_then(Value::as_str).unwrap_or("0");
    Ok(match f.base.as_str() {
        "Int" => json!(0),
        "Float" => json!(0.0),
        "Boolean" => json!(false),
        "ID" => json!(id),
        "DateTime" if f.name == "updatedAt" => json!(stamp("_updated")),
        "DateTime" => json!(stamp("_created")),
        "Date" if f.name == "updatedAt" => json!(stamp("_updated")[..10]),
        "Date" => json!(stamp("_created")[..10]),
        "Time" => json!("00:00"),
        "URL" => json!(format!("https://worksome.test/{}/{id}", ty.to_lowercase())),
        "Decimal" | "DecimalTwo" | "DecimalFour" => json!("0.00"),
        "Percentage" | "StrictPercentage" => json!(0.0),
        "E164PhoneNumber" => json!("+4500000000"),
        "Email" => json!(format!("{}-{id}@worksome.test", ty.to_lowercase())),
        _ => json!(""),
    })
}

fn relation(c: &Connection, f: &FieldMeta, o: &Obj) -> Result<Value, ApiError> {
    let m = meta();
    let wrap = |id: &str| -> Result<Value, ApiError> {
        if m.abstracts.contains(&f.base) {
            typed_ref(c, id)
        } else {
            Ok(json!(id))
        }
    };
    if f.base == "User" {
        if let Some(u) = o.get("_createdBy").and_then(Value::as_str) {
            return wrap(u);
        }
    }
    let accepts = |t: &str| t == f.base || m.abstracts.contains(&f.base);
    for key in ["_account"]
        .iter()
        .map(|s| s.to_string())
        .chain(o.keys().cloned())
    {
        if key == "id" || key == f.name {
            continue;
        }
        if let Some(id) = o.get(&key).and_then(Value::as_str) {
            if id.chars().all(|ch| ch.is_ascii_digit()) && !id.is_empty() {
                if let Some((t, _)) = get_any(c, id)? {
                    if accepts(&t) && (key == "_account" || t == f.base) {
                        return wrap(id);
                    }
                }
            }
        }
    }
    Ok(Value::Null)
}

/// A Lighthouse paginator of type `ty` over `ids`: page `page` (1-based) of `first` items.
pub fn page(
    c: &Connection,
    ty: &str,
    ids: Vec<Value>,
    first: i64,
    page: i64,
) -> Result<Value, ApiError> {
    if first < 1 || page < 1 {
        return Err(ApiError::bad_input(format!(
            "first ({first}) and page ({page}) must be at least 1"
        )));
    }
    let total = ids.len() as i64;
    let start = ((page - 1) * first).min(total);
    let data: Vec<Value> = ids
        .into_iter()
        .skip(start as usize)
        .take(first as usize)
        .collect();
    let n = data.len() as i64;
    let mut o = Obj::new();
    o.insert("data".into(), Value::Array(data));
    o.insert(
        "paginatorInfo".into(),
        json!({ "count": n, "currentPage": page, "firstItem": if n > 0 { json!(start + 1) } else { Value::Null },
                "hasMorePages": start + n < total, "lastItem": if n > 0 { json!(start + n) } else { Value::Null },
                "lastPage": ((total + first - 1) / first).max(1), "perPage": first, "total": total }),
    );
    complete(c, ty, o)
}
