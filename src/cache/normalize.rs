//! Normalization: an answer's `data` under a selection becomes entity records (one per object
//! whose type has a key field and whose data carries it) and the fields of a root. Nothing
//! here trusts the answer's shape: a missing field is skipped (a later read then misses), a
//! value of the wrong shape is stored as given.

use super::merge::merge_fields;
use super::record::{entity_key, field_key, ref_value, Fields, Record};
use crate::api::model::{Api, Selection};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// What one answer writes: the root's fields and every entity's fields (partial: merged into
/// what the cache holds, so two queries selecting different fields of one entity add up).
#[derive(Debug, Default, PartialEq)]
pub struct Normalized {
    pub root: Fields,
    /// Entity key → its fields (`at` unset: the cache stamps what changed).
    pub entities: BTreeMap<String, Record>,
}

/// Why an answer could not be normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError(pub String);

impl std::fmt::Display for ShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot cache the answer: {}", self.0)
    }
}

/// Normalizes `data` (the answer's `data` object) selected by `selection` under `variables`.
pub fn normalize(api: &Api, selection: &Selection, variables: &Value, data: &Value) -> Result<Normalized, ShapeError> {
    let Value::Object(obj) = data else {
        return Err(ShapeError(format!("data of {} is not an object", selection.type_name)));
    };
    let mut entities = BTreeMap::new();
    let root = object(api, selection, variables, obj, &mut entities);
    Ok(Normalized { root, entities })
}

/// The fields of one object (an entity's, a root's, or an embedded object's).
fn object(api: &Api, sel: &Selection, vars: &Value, obj: &Map<String, Value>, out: &mut BTreeMap<String, Record>) -> Fields {
    let mut fields = Fields::new();
    for f in sel.fields {
        // A field under a fragment is in the data only where its type condition held (an
        // interface condition matches no `__typename`, so presence decides); a field the
        // answer lacks is skipped, and a later read of it misses.
        // `__typename` of an object type with a key is known without the data saying it (a
        // mutation's document does not select it, and an app's `updates` put its result into
        // a query that does).
        let typename;
        let v = match obj.get(f.response_key) {
            Some(v) => v,
            None if f.name == "__typename" && api.key_field(sel.type_name).is_some() => {
                typename = Value::String(sel.type_name.into());
                &typename
            }
            None => continue,
        };
        let stored = match f.selection {
            None => v.clone(),
            Some(s) => value(api, s, vars, v, out),
        };
        // Two aliases of one field with one storage key: their sub-selections add up.
        let mut one = Fields::new();
        one.insert(field_key(f, vars).into_owned(), stored);
        merge_fields(&mut fields, one);
    }
    fields
}

/// An object-typed value: lists element by element, an entity as a ref, other objects embedded.
fn value(api: &Api, sel: &Selection, vars: &Value, v: &Value, out: &mut BTreeMap<String, Record>) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(|x| value(api, sel, vars, x, out)).collect()),
        Value::Object(obj) => {
            let fields = object(api, sel, vars, obj, out);
            match entity_of(api, sel, obj) {
                Some(key) => {
                    merge_fields(&mut out.entry(key.clone()).or_default().fields, fields);
                    ref_value(&key)
                }
                None => Value::Object(fields),
            }
        }
        other => other.clone(),
    }
}

/// The record key of an object, if its type has a key field and the data carries it.
fn entity_of(api: &Api, sel: &Selection, obj: &Map<String, Value>) -> Option<String> {
    let type_name = obj.get("__typename").and_then(Value::as_str).unwrap_or(sel.type_name);
    let key = match obj.get(api.key_field(type_name)?)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(entity_key(type_name, &key))
}
