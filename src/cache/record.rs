//! Records and their keys. A record is one entity (`Type:key`) or one query root
//! (`?operation{canonical variables}`), always of one user (the store partitions by user, as
//! the outbox does). Its fields are stored under storage keys: the field name plus its
//! canonical arguments, variables substituted, so `hires(first: 10)` and `hires(first: 50)`
//! never overwrite each other. A reference to another entity is `{"__ref": "Type:key"}`
//! (GraphQL reserves names starting with `__`, so no real field is called `__ref`); objects
//! without a key field are embedded in the record that holds them.

use crate::api::model::{Arg, Field};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A record's fields: storage key → value (refs and embedded objects inside). serde_json's
/// map itself, so loading and storing a record moves it instead of rebuilding a tree.
pub type Fields = Map<String, Value>;

/// One record in memory.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    pub fields: Fields,
    /// When its content last came from the network, epoch ms. For a root: the last time the
    /// query was answered (stored in its stamp record, so a re-fetch that changes nothing
    /// rewrites a few bytes, not a root holding 500 refs).
    pub at: f64,
}

/// The key of an entity record: `Timesheet:12`.
pub fn entity_key(type_name: &str, key: &str) -> String {
    format!("{type_name}:{key}")
}

/// The key of a query root: `?timesheet{"id":"12"}` (`?` cannot start a GraphQL type name).
pub fn root_key(operation: &str, variables: &Value) -> String {
    format!("?{operation}{}", canonical(variables))
}

/// The stamp record that holds a root's fetch time.
pub fn stamp_key(root: &str) -> String {
    format!("~{root}")
}

/// Whether a record key names a query root.
pub fn is_root(key: &str) -> bool {
    key.starts_with('?')
}

/// A reference to an entity record, as stored.
pub fn ref_value(key: &str) -> Value {
    let mut m = Map::new();
    m.insert("__ref".into(), Value::String(key.into()));
    Value::Object(m)
}

/// The entity key a stored value refers to, if it is a ref.
pub fn as_ref(v: &Value) -> Option<&str> {
    match v {
        Value::Object(m) if m.len() == 1 => m.get("__ref").and_then(Value::as_str),
        _ => None,
    }
}

/// JSON text with object keys sorted at every level: equal values give equal text whatever
/// the order the server or the app wrote them in (serde_json may preserve insertion order
/// when another crate of the build enables that feature).
pub fn canonical(v: &Value) -> String {
    let mut out = String::new();
    write_canonical(v, &mut out);
    out
}

fn write_canonical(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            // Sorted by binary insertion: objects here are small, and a sort call would add
            // a whole sort implementation to the wasm.
            let mut keys: Vec<&String> = Vec::with_capacity(m.len());
            for k in m.keys() {
                let i = keys.binary_search(&k).unwrap_or_else(|i| i);
                keys.insert(i, k);
            }
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&crate::text(&Value::String(k.clone())));
                out.push(':');
                if let Some(x) = m.get(k) {
                    write_canonical(x, out);
                }
            }
            out.push('}');
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&crate::text(other)),
    }
}

/// The storage key of a selected field under `variables`: `name`, or `name{canonical args}`.
/// An argument whose variable is absent is omitted, as GraphQL omits it; a literal that is not
/// valid JSON (codegen emits canonical JSON, so: never) is kept as a string.
pub fn field_key(field: &Field, variables: &Value) -> Cow<'static, str> {
    if field.args.is_empty() {
        return Cow::Borrowed(field.name);
    }
    let mut args = Map::new();
    for (name, arg) in field.args {
        let v = match arg {
            Arg::Json(text) => outbox_json::value(text).unwrap_or_else(|_| Value::String((*text).into())),
            Arg::Variable(var) => match variables.get(var) {
                Some(v) => v.clone(),
                None => continue,
            },
        };
        args.insert((*name).into(), v);
    }
    Cow::Owned(storage_key(field.name, &args))
}

/// The storage key of field `name` with these argument values (for overlays the app builds).
pub fn storage_key(name: &str, args: &Map<String, Value>) -> String {
    if args.is_empty() {
        name.into()
    } else {
        format!("{name}{}", canonical(&Value::Object(args.clone())))
    }
}

/// Every entity key a value refers to, at any depth.
pub fn refs_in<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(k) = as_ref(v) {
        out.push(k);
        return;
    }
    match v {
        Value::Array(a) => a.iter().for_each(|x| refs_in(x, out)),
        Value::Object(m) => m.values().for_each(|x| refs_in(x, out)),
        _ => {}
    }
}

/// How a record is stored: `{"f": fields, "at": ms}` (a root: `{"f": fields}`, its time in the
/// stamp record `{"at": ms}`). Tokens or headers never reach a record: only answer data does.
pub fn encode(key: &str, r: &Record) -> Value {
    let mut m = Map::new();
    m.insert("f".into(), Value::Object(r.fields.clone()));
    if !is_root(key) {
        m.insert("at".into(), r.at.into());
    }
    Value::Object(m)
}

/// The stamp record of a root fetched at `at`.
pub fn encode_stamp(at: f64) -> Value {
    let mut m = Map::new();
    m.insert("at".into(), at.into());
    Value::Object(m)
}

/// Rebuilds the records of one user from what the store holds; unreadable values are skipped
/// (a cache may lose a record: the read misses and the network answers again).
pub fn decode_all(stored: Vec<(String, Value)>) -> BTreeMap<String, Record> {
    let mut records = BTreeMap::new();
    let mut stamps = vec![];
    for (key, v) in stored {
        if let Some(root) = key.strip_prefix('~') {
            stamps.push((root.to_string(), v.get("at").and_then(Value::as_f64).unwrap_or(0.0)));
            continue;
        }
        let Value::Object(mut v) = v else { continue };
        let at = v.get("at").and_then(Value::as_f64).unwrap_or(0.0);
        let Some(Value::Object(f)) = v.remove("f") else { continue };
        records.insert(key, Record { fields: f, at });
    }
    for (root, at) in stamps {
        if let Some(r) = records.get_mut(&root) {
            r.at = at;
        }
    }
    records
}

/// Size of a stored value plus its key, bytes: what the size cap counts.
pub fn stored_bytes(key: &str, v: &Value) -> u64 {
    (key.len() + crate::text(v).len()) as u64
}
