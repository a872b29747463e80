//! Merging new fields into a record, reporting whether anything changed: a write stores only
//! the records that did. Embedded objects merge key by key (two queries may select different
//! fields of one `paginatorInfo`); lists and scalars are replaced. Numbers compare by value:
//! IndexedDB gives `1.0` back as `1`, and that must not count as a change after a reload.

use super::record::Fields;
use serde_json::Value;

/// Merges `new` into `old`; true if `old` changed.
pub fn merge_fields(old: &mut Fields, new: Fields) -> bool {
    let mut changed = false;
    for (k, v) in new {
        match old.get_mut(&k) {
            Some(o) => changed |= merge_value(o, v),
            None => {
                old.insert(k, v);
                changed = true;
            }
        }
    }
    changed
}

fn merge_value(old: &mut Value, new: Value) -> bool {
    match (old, new) {
        (Value::Object(o), Value::Object(n)) if !n.contains_key("__ref") && !o.contains_key("__ref") => {
            let mut changed = false;
            for (k, v) in n {
                match o.get_mut(&k) {
                    Some(x) => changed |= merge_value(x, v),
                    None => {
                        o.insert(k, v);
                        changed = true;
                    }
                }
            }
            changed
        }
        (o, n) => {
            if same(o, &n) {
                false
            } else {
                *o = n;
                true
            }
        }
    }
}

/// Equal as JSON values, numbers compared by value (`1` = `1.0`).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || (x.as_f64().is_some() && x.as_f64() == y.as_f64()),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => same_fields(x, y),
        _ => a == b,
    }
}

/// `same` for two objects' (or records') fields.
pub fn same_fields(x: &serde_json::Map<String, Value>, y: &serde_json::Map<String, Value>) -> bool {
    x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
}
