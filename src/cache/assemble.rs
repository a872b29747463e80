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
    /// Where the walk is, as response keys and list indexes: text only when something misses
    /// (building a path string per field would cost more than the whole assembly).
    path: Vec<Seg>,
    /// Inside a record that only overlays made (an entity created offline): what its data
    /// does not say reads as null, not as a miss (the server fills it in once it is sent).
    lenient: u32,
}

#[derive(Clone, Copy)]
enum Seg {
    Key(&'static str),
    Index(usize),
}

/// Assembles `selection` from the record `root` (a root key, or any entity key) under
/// `variables`. `Err` lists the missing paths (`timesheet{"id":"1"}.registrations.data[2]`
/// style, with the record key where a record itself is absent).
/// `label` starts every path (the operation's name).
pub fn assemble(selection: &Selection, variables: &Value, root: &str, label: &'static str, view: &Layered) -> Result<Built, Vec<String>> {
    let mut w = Walk { view, vars: variables, missing: vec![], pending: vec![], path: vec![Seg::Key(label)], lenient: 0 };
    let data = w.record(selection, root);
    if !w.missing.is_empty() {
        return Err(w.missing);
    }
    Ok(Built { data: data.unwrap_or(Value::Null), pending: w.pending })
}

impl Walk<'_, '_> {
    fn miss(&mut self, last: &str, record: Option<&str>) {
        if self.missing.len() >= MAX_NAMED {
            return;
        }
        let mut text = String::new();
        for s in &self.path {
            match s {
                Seg::Key(k) if text.is_empty() => text.push_str(k),
                Seg::Key(k) => {
                    text.push('.');
                    text.push_str(k);
                }
                Seg::Index(i) => text.push_str(&format!("[{i}]")),
            }
        }
        if !last.is_empty() {
            text.push('.');
            text.push_str(last);
        }
        if let Some(key) = record {
            text.push_str(&format!(" (record {key})"));
        }
        self.missing.push(text);
    }

    fn touched(&mut self, by: &[String]) {
        for e in by {
            if !self.pending.contains(e) {
                self.pending.push(e.clone());
            }
        }
    }

    /// A record's data; None (and a miss) if it is absent; Null if an overlay deleted it.
    fn record(&mut self, sel: &Selection, key: &str) -> Option<Value> {
        let view = self.view;
        let (fields, by) = view.get(key);
        self.touched(by);
        if view.deleted(key) {
            return Some(Value::Null);
        }
        let Some(fields) = fields else {
            if self.lenient > 0 {
                return Some(Value::Null);
            }
            self.miss("", Some(key));
            return None;
        };
        let created = view.created(key);
        self.lenient += created as u32;
        let data = self.object(sel, fields);
        self.lenient -= created as u32;
        Some(data)
    }

    fn object(&mut self, sel: &Selection, fields: &Fields) -> Value {
        let type_name = fields.get("__typename").and_then(Value::as_str).unwrap_or(sel.type_name);
        let mut out = Map::new();
        for f in sel.fields {
            let key = field_key(f, self.vars);
            let Some(v) = fields.get(key.as_ref()) else {
                // Under another type's condition the field is legitimately absent (an
                // interface condition cannot be told from `__typename`, so absent = skipped).
                if f.on.is_none_or(|on| on == type_name) {
                    if self.lenient > 0 {
                        out.insert(f.response_key.into(), Value::Null);
                    } else {
                        self.miss(&key, None);
                    }
                }
                continue;
            };
            let v = match f.selection {
                None => v.clone(),
                Some(s) => {
                    self.path.push(Seg::Key(f.response_key));
                    let v = self.value(s, v, false).unwrap_or(Value::Null);
                    self.path.pop();
                    v
                }
            };
            out.insert(f.response_key.into(), v);
        }
        Value::Object(out)
    }

    /// A stored object-typed value; None for a list element an overlay deleted (dropped).
    fn value(&mut self, sel: &Selection, v: &Value, in_list: bool) -> Option<Value> {
        if let Some(key) = as_ref(v) {
            let r = self.record(sel, key);
            return if in_list && r == Some(Value::Null) && self.view.deleted(key) { None } else { Some(r.unwrap_or(Value::Null)) };
        }
        Some(match v {
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    items.extend(self.value(sel, x, true));
                    self.path.pop();
                }
                Value::Array(items)
            }
            Value::Object(m) => self.object(sel, m),
            other => other.clone(),
        })
    }
}

