//! Merging new fields into a record, reporting whether anything changed: a write stores only
//! the records that did. Embedded objects merge key by key (two queries may select different
//! fields of one `paginatorInfo`); lists and scalars are replaced.

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
            if *o == n {
                false
            } else {
                *o = n;
                true
            }
        }
    }
}
