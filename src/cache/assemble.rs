//! Assembly: a query's data rebuilt from records through the pending layer, or a miss naming
//! every missing part. Incomplete is a miss: a view never gets a half answer.
//!
//! The walk builds a `Node` tree that borrows the records' values (no copy of any scalar, no
//! map per object): written as JSON text for JS (`assemble_json`: one text, one `JSON.parse`)
//! or turned into a `Value` (`assemble`). Building a `Value` first, then its text, then
//! dropping it cost about half of a 500-entity cold read's time in wasm (CPU profile).

use super::pending::Layered;
use super::record::{as_ref, field_key, Fields};
use crate::api::model::Selection;
use serde_json::Value;

/// At most this many missing paths are named (the first ones, in selection order).
const MAX_NAMED: usize = 20;

/// The assembled data and the outbox entries whose overlays it shows, in entry order.
#[derive(Debug, Clone, PartialEq)]
pub struct Built<D = Value> {
    pub data: D,
    pub pending: Vec<String>,
}

/// Assembled data as it borrows the records: fields in selection order.
#[derive(Debug, PartialEq)]
enum Node<'v> {
    Null,
    Leaf(&'v Value),
    Object(Vec<(&'static str, Node<'v>)>),
    List(Vec<Node<'v>>),
}

impl Node<'_> {
    fn value(self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Leaf(v) => v.clone(),
            Node::Object(fields) => {
                // Inserted one by one: collecting into a `Map` sorts (a stable sort instance
                // per call site, ~1 KB of wasm each, as in `classify::typed_errors`).
                let mut m = serde_json::Map::new();
                for (k, n) in fields {
                    m.insert(k.to_string(), n.value());
                }
                Value::Object(m)
            }
            Node::List(items) => Value::Array(items.into_iter().map(Node::value).collect()),
        }
    }

    /// JSON text; the other leaves (numbers, strings to escape) through `crate::text`.
    fn write(&self, out: &mut String) {
        match self {
            Node::Null => out.push_str("null"),
            // The common leaves written directly, with no serializer and no string of their own
            // (through `Value`'s `Display`, as these were before round s21, they took ~0.7 ms
            // of a 500-entity cold read).
            Node::Leaf(Value::String(s)) if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) => {
                out.push('"');
                out.push_str(s);
                out.push('"');
            }
            Node::Leaf(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Node::Leaf(v) => out.push_str(&crate::text(v)),
            Node::Object(fields) => {
                out.push('{');
                for (i, (k, n)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    // Response keys are GraphQL names: nothing to escape.
                    out.push('"');
                    out.push_str(k);
                    out.push_str("\":");
                    n.write(out);
                }
                out.push('}');
            }
            Node::List(items) => {
                out.push('[');
                for (i, n) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    n.write(out);
                }
                out.push(']');
            }
        }
    }
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
    walk(selection, variables, root, label, view, Node::value)
}

/// `assemble`, the data as JSON text.
pub fn assemble_json(selection: &Selection, variables: &Value, root: &str, label: &'static str, view: &Layered) -> Result<Built<String>, Vec<String>> {
    walk(selection, variables, root, label, view, |n| {
        let mut out = String::with_capacity(4096);
        n.write(&mut out);
        out
    })
}

fn walk<'v, D>(selection: &Selection, variables: &'v Value, root: &str, label: &'static str, view: &'v Layered, to: impl FnOnce(Node<'v>) -> D) -> Result<Built<D>, Vec<String>> {
    let mut w = Walk { view, vars: variables, missing: vec![], pending: vec![], path: vec![Seg::Key(label)], lenient: 0 };
    let data = w.record(selection, root);
    if !w.missing.is_empty() {
        return Err(w.missing);
    }
    Ok(Built { data: to(data.unwrap_or(Node::Null)), pending: w.pending })
}

impl<'a> Walk<'a, '_> {
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
    fn record(&mut self, sel: &Selection, key: &str) -> Option<Node<'a>> {
        let view = self.view;
        let (fields, by) = view.get(key);
        self.touched(by);
        if view.deleted(key) {
            return Some(Node::Null);
        }
        let Some(fields) = fields else {
            if self.lenient > 0 {
                return Some(Node::Null);
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

    fn object(&mut self, sel: &Selection, fields: &'a Fields) -> Node<'a> {
        let type_name = fields.get("__typename").and_then(Value::as_str).unwrap_or(sel.type_name);
        let mut out: Vec<(&'static str, Node<'a>)> = Vec::with_capacity(sel.fields.len());
        for f in sel.fields {
            let key = field_key(f, self.vars);
            let Some(v) = fields.get(key.as_ref()) else {
                // Under another type's condition the field is legitimately absent (an
                // interface condition cannot be told from `__typename`, so absent = skipped).
                if f.on.is_none_or(|on| on == type_name) {
                    if self.lenient > 0 {
                        out.push((f.response_key, Node::Null));
                    } else {
                        self.miss(&key, None);
                    }
                }
                continue;
            };
            let v = match f.selection {
                None => Node::Leaf(v),
                Some(s) => {
                    self.path.push(Seg::Key(f.response_key));
                    let v = self.value(s, v, false).unwrap_or(Node::Null);
                    self.path.pop();
                    v
                }
            };
            // A response key selected twice (overlapping fragments) holds its last value.
            match out.iter_mut().find(|(k, _)| *k == f.response_key) {
                Some(slot) => slot.1 = v,
                None => out.push((f.response_key, v)),
            }
        }
        Node::Object(out)
    }

    /// A stored object-typed value; None for a list element an overlay deleted (dropped).
    fn value(&mut self, sel: &Selection, v: &'a Value, in_list: bool) -> Option<Node<'a>> {
        if let Some(key) = as_ref(v) {
            let r = self.record(sel, key);
            return if in_list && r == Some(Node::Null) && self.view.deleted(key) { None } else { Some(r.unwrap_or(Node::Null)) };
        }
        Some(match v {
            Value::Array(a) => {
                let mut items = Vec::with_capacity(a.len());
                for (i, x) in a.iter().enumerate() {
                    self.path.push(Seg::Index(i));
                    items.extend(self.value(sel, x, true));
                    self.path.pop();
                }
                Node::List(items)
            }
            Value::Object(m) => self.object(sel, m),
            other => Node::Leaf(other),
        })
    }
}

