//! A sent delete: the entity is gone on the server, so it goes from the cache too, and every
//! ref to it with it (dropped from lists, null elsewhere). Without this, removing the
//! mutation's overlay when it is sent would bring the entity back until the next fetch.

use super::record::{as_ref, Fields, Record};
use crate::api::model::Api;
use serde_json::Value;
use std::collections::BTreeMap;

/// The entity key a mutation deletes (its patch says `delete`), from the entry's variables.
pub fn deleted_key(api: &Api, mutation: &str, variables: &Value) -> Option<String> {
    let overlay = super::overlay_for(api, mutation, variables, "")?;
    match overlay.ops.as_slice() {
        [super::Op::Delete { key }] => Some(key.clone()),
        _ => None,
    }
}

/// Removes record `key` and every ref to it; returns the keys of the records that changed
/// (refs stripped), not counting `key` itself.
pub fn strip(records: &mut BTreeMap<String, Record>, key: &str) -> Vec<String> {
    records.remove(key);
    let mut changed = vec![];
    for (k, r) in records.iter_mut() {
        if strip_fields(&mut r.fields, key) {
            changed.push(k.clone());
        }
    }
    changed
}

fn strip_fields(fields: &mut Fields, key: &str) -> bool {
    let mut changed = false;
    for v in fields.values_mut() {
        changed |= strip_value(v, key);
    }
    changed
}

fn strip_value(v: &mut Value, key: &str) -> bool {
    if as_ref(v) == Some(key) {
        *v = Value::Null;
        return true;
    }
    match v {
        Value::Array(a) => {
            let before = a.len();
            a.retain(|x| as_ref(x) != Some(key));
            let mut changed = a.len() != before;
            for x in a.iter_mut() {
                changed |= strip_value(x, key);
            }
            changed
        }
        Value::Object(m) => {
            let mut changed = false;
            for x in m.values_mut() {
                changed |= strip_value(x, key);
            }
            changed
        }
        _ => false,
    }
}
