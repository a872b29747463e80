//! Dependencies between entries. Entry B depends on an earlier entry A of the same user when the
//! caller said so (`dependsOn`), or when they share an entity: an `ID`-typed value of the same
//! API in their variables. A dead A blocks B only if A died after B was made: an entry made
//! after the app saw A fail was made knowing that, so it is not held back by it.

use super::entry::{Entry, State};
use crate::api::model::{Api, Kind, Operation};
use serde_json::Value;

fn named(ty: &str) -> &str {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

fn walk(api: &Api, ty: &str, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(api, ty, i, out)),
        Value::Null => {}
        _ => {
            let name = named(ty);
            if name == "ID" {
                let id = match v {
                    Value::String(s) => s.clone(),
                    other => crate::text(other),
                };
                let key = format!("{}:{id}", api.name);
                if !out.contains(&key) {
                    out.push(key);
                }
            } else if let (Some(Kind::Input(fields)), Value::Object(m)) = (api.type_def(name).map(|t| &t.kind), v) {
                for (f, fty) in fields.iter() {
                    if let Some(fv) = m.get(*f) {
                        walk(api, fty, fv, out);
                    }
                }
            }
        }
    }
}

/// `api:id` for every ID-typed value in validated `variables`.
pub fn entities(api: &Api, op: &Operation, variables: &Value) -> Vec<String> {
    let mut out = vec![];
    for (name, ty) in op.args {
        if let Some(v) = variables.get(*name) {
            walk(api, ty, v, &mut out);
        }
    }
    out
}

/// Does `b` depend on `a` (an earlier entry)?
pub fn depends(b: &Entry, a: &Entry) -> bool {
    a.seq < b.seq
        && a.user == b.user
        && (b.depends_on.contains(&a.id) || b.entities.iter().any(|x| a.entities.contains(x)))
}

/// Does `b` depend on one of `entries` at the indexes `at` (the drain's entries left for
/// another client)?
pub fn depends_on_any(b: &Entry, entries: &[Entry], at: &[usize]) -> bool {
    at.iter().any(|i| entries.get(*i).is_some_and(|a| depends(b, a)))
}

/// The earlier entry that holds `b` back, if any: a dead, unknown (or itself blocked) entry it
/// depends on.
/// An implicit (shared entity) dependency counts only if `a` died after `b` was made.
pub fn blocker<'a>(b: &Entry, earlier: impl IntoIterator<Item = &'a Entry>) -> Option<&'a Entry> {
    earlier.into_iter().find(|a| {
        depends(b, a)
            && match a.state {
                State::Dead | State::Unknown => b.depends_on.contains(&a.id) || a.settled_at >= b.created_at,
                State::Blocked => true,
                _ => false,
            }
    })
}
