//! Assembly: a query's data rebuilt from records through the pending layer, or a miss naming
//! every missing part. Incomplete is a miss: a view never gets a half answer.

use super::pending::Layered;
use super::record::{as_ref, field_key, Fields};
use crate::api::model::Selection;
use serde_json::{Map, Value};

/// At most this many missing paths are named (the first ones, in selection order).
const MAX_NAMED: usize = 20;

/// The assembled data and the outbox entries whose overlays it shows, in entry order.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    pub data: Value,
    pub pending: Vec<String>,
}

struct Walk<'a, 'l> {
    view: &'a Layered<'l>,
    vars: &'a Value,
    missing: Vec<String>,
    pending: Vec<String>,
}

/// Assembles `selection` from the record `root` (a root key, or any entity key) under
/// `variables`. `Err` lists the missing paths (`timesheet{"id":"1"}.registrations.data[2]`
/// style, with the record key where a record itself is absent).
/// `label` starts every path (the operation's name).
pub fn assemble(selection: &Selection, variables: &Value, root: &str, label: &str, view: &Layered) -> Result<Built, Vec<String>> {
    let mut w = Walk { view, vars: variables, missing: vec![], pending: vec![] };
    let data = w.record(selection, root, label);
    if !w.missing.is_empty() {
        return Err(w.missing);
    }
    Ok(Built { data: data.unwrap_or(Value::Null), pending: w.pending })
}

impl Walk<'_, '_> {
    fn miss(&mut self, what: String) {
        if self.missing.len() < MAX_NAMED {
            self.missing.push(what);
        }
    }

    fn touched(&mut self, by: &[String]) {
        for e in by {
            if !self.pending.contains(e) {
                self.pending.push(e.clone());
            }
        }
    }

    /// A record's data; None (and a miss) if it is absent; Null if an overlay deleted it.
    fn record(&mut self, sel: &Selection, key: &str, path: &str) -> Option<Value> {
        let view = self.view;
        let (fields, by) = view.get(key);
        self.touched(by);
        if view.deleted(key) {
            return Some(Value::Null);
        }
        let Some(fields) = fields else {
            self.miss(format!("{path} (record {key})"));
            return None;
        };
        Some(self.object(sel, fields, path))
    }

    fn object<L: Lookup>(&mut self, sel: &Selection, fields: &L, path: &str) -> Value {
        let type_name = fields.field("__typename").and_then(Value::as_str).unwrap_or(sel.type_name);
        let mut out = Map::new();
        for f in sel.fields {
            let key = field_key(f, self.vars);
            let Some(v) = fields.field(&key) else {
                // Under another type's condition the field is legitimately absent (an
                // interface condition cannot be told from `__typename`, so absent = skipped).
                if f.on.is_none_or(|on| on == type_name) {
                    self.miss(format!("{path}.{key}"));
                }
                continue;
            };
            let p = format!("{path}.{}", f.response_key);
            let v = match f.selection {
                None => v.clone(),
                Some(s) => self.value(s, v, &p, false).unwrap_or(Value::Null),
            };
            out.insert(f.response_key.into(), v);
        }
        Value::Object(out)
    }

    /// A stored object-typed value; None for a list element an overlay deleted (dropped).
    fn value(&mut self, sel: &Selection, v: &Value, path: &str, in_list: bool) -> Option<Value> {
        if let Some(key) = as_ref(v) {
            let r = self.record(sel, key, path);
            return if in_list && r == Some(Value::Null) && self.view.deleted(key) { None } else { Some(r.unwrap_or(Value::Null)) };
        }
        Some(match v {
            Value::Array(a) => {
                let items = a.iter().enumerate().filter_map(|(i, x)| self.value(sel, x, &format!("{path}[{i}]"), true));
                Value::Array(items.collect())
            }
            Value::Object(m) => self.object(sel, m, path),
            other => other.clone(),
        })
    }
}

/// A record's fields or an embedded object's, read alike.
trait Lookup {
    fn field(&self, k: &str) -> Option<&Value>;
}

impl Lookup for Fields {
    fn field(&self, k: &str) -> Option<&Value> {
        self.get(k)
    }
}

impl Lookup for Map<String, Value> {
    fn field(&self, k: &str) -> Option<&Value> {
        self.get(k)
    }
}
