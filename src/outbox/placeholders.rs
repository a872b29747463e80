//! Ids of entities created offline. A create (an operation with `creates`, codegen's rule) that
//! is queued returns a placeholder for the id the server will give the new entity:
//! `tmp:<entry id>` (the create's own entry id, so no extra state is stored: the placeholder
//! names the entry whose stored result will hold the real id). Later calls may pass it in any
//! `ID`-typed argument, at any depth; their entry depends on the create's (explicit
//! `depends_on`), and at its first send the drain replaces each placeholder with the value at
//! the create's result path (`resolve`). Nothing containing a placeholder is ever sent: `resolve`
//! ends with `guard`, and whatever it cannot resolve holds the entry `blocked` instead.

use super::entry::{Entry, State};
use crate::api::model::{Api, Kind, Operation};
use serde_json::{Map, Value};

/// What every placeholder starts with. An `ID` argument value starting with it is always read as
/// a placeholder (real ids of these APIs never do).
pub const PREFIX: &str = "tmp:";

/// The placeholder of the entity created by entry `entry_id`.
pub fn of(entry_id: &str) -> String {
    format!("{PREFIX}{entry_id}")
}

/// The entry a placeholder names, if `s` is one.
pub fn entry_of(s: &str) -> Option<&str> {
    s.strip_prefix(PREFIX).filter(|rest| !rest.is_empty())
}

/// `tmp:` followed by something shaped like an entry id (36 hex digits and dashes, as
/// `key::uuid_v4` makes): what the guard looks for in values that are not `ID`-typed, where a
/// bare `tmp:` may be ordinary text.
fn looks_like(s: &str) -> bool {
    entry_of(s).is_some_and(|id| id.len() == 36 && id.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'))
}

/// A queued create's `placeholders`: the result path as nested objects
/// (`multiFactor.id` -> `{ multiFactor: { id: "tmp:<entry id>" } }`); `None` for other operations.
pub fn for_result(op: &Operation, entry_id: &str) -> Option<Value> {
    let path = op.creates?;
    Some(path.rsplit('.').fold(Value::String(of(entry_id)), |inner, part| {
        let mut m = Map::new();
        m.insert(part.to_string(), inner);
        Value::Object(m)
    }))
}

fn named(ty: &str) -> &str {
    ty.trim_matches(|c| c == '[' || c == ']' || c == '!')
}

/// Calls `f(path, value)` for every `ID`-typed value in `v` (of GraphQL type `ty`), at any depth:
/// the same walk as `deps::entities`, with paths as validation names them (`input.files[1]`).
fn ids_mut(api: &Api, ty: &str, v: &mut Value, path: &str, f: &mut dyn FnMut(&str, &mut Value)) {
    match v {
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                ids_mut(api, ty, item, &format!("{path}[{i}]"), f);
            }
        }
        Value::Null => {}
        _ if named(ty) == "ID" => f(path, v),
        Value::Object(m) => {
            if let Some(Kind::Input(fields)) = api.type_def(named(ty)).map(|t| &t.kind) {
                for (name, fty) in fields.iter() {
                    if let Some(fv) = m.get_mut(*name) {
                        ids_mut(api, fty, fv, &format!("{path}.{name}"), f);
                    }
                }
            }
        }
        _ => {}
    }
}

fn each_id(api: &Api, op: &Operation, variables: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    for (name, ty) in op.args {
        if let Some(v) = variables.get_mut(*name) {
            ids_mut(api, ty, v, name, f);
        }
    }
}

/// The first string anywhere in `v` that `bad` flags: (its path, the string).
fn find_string(v: &Value, path: &str, bad: &dyn Fn(&str) -> bool) -> Option<(String, String)> {
    match v {
        Value::String(s) if bad(s) => Some((path.to_string(), s.clone())),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| find_string(x, &format!("{path}[{i}]"), bad)),
        Value::Object(m) => m.iter().find_map(|(k, x)| find_string(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, bad)),
        _ => None,
    }
}

/// Every placeholder in validated `variables`, as (argument path, entry id), or the path of one
/// that stands where no `ID` is expected (it would never be replaced, so the call is refused).
pub fn named_in(api: &Api, op: &Operation, variables: &Value) -> Result<Vec<(String, String)>, String> {
    let mut found = vec![];
    let mut copy = variables.clone();
    each_id(api, op, &mut copy, &mut |path, v| {
        if let Some(id) = v.as_str().and_then(entry_of) {
            found.push((path.to_string(), id.to_string()));
        }
        // Blank the ID values so the look for stray placeholders below skips them.
        *v = Value::Null;
    });
    match find_string(&copy, "", &looks_like) {
        Some((path, _)) => Err(path),
        None => Ok(found),
    }
}

/// The entry ids of every `tmp:` string anywhere in `v` (each once): the creates `resolve`
/// may need.
pub fn candidates(v: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => {
                if let Some(id) = entry_of(s) {
                    if !out.iter().any(|o| o == id) {
                        out.push(id.to_string());
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|x| walk(x, out)),
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = vec![];
    walk(v, &mut out);
    out
}

/// Why an entry cannot be sent yet: the create its placeholder names has no id to give.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocked {
    /// The create's entry id (the blocked event's `reason`, the entry's `lastError.blockedBy`).
    pub by: String,
    /// What is wrong, for `lastError.message`.
    pub message: String,
}

/// The value at dotted `path` of a sent create's data, as an id string.
fn created_id(create: &Entry, path: &str) -> Option<String> {
    let v = path.split('.').try_fold(create.data.as_ref()?, |v, k| v.get(k))?;
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// `{ placeholder, id }` for a sent create whose result holds its new id: what the `sent` event
/// carries, so a cache that shows the entity under its placeholder can re-key it.
pub fn created(e: &Entry) -> Option<Value> {
    let path = crate::api::ALL.iter().find(|a| a.name == e.api)?.operation(&e.operation)?.creates?;
    let id = created_id(e, path)?;
    Some(serde_json::json!({ "placeholder": of(&e.id), "id": id }))
}

/// The create's new id, or why there is none (yet).
fn real_id(id: &str, create: Option<&Entry>) -> Result<String, Blocked> {
    let blocked = |message: String| Blocked { by: id.to_string(), message };
    let Some(c) = create else {
        return Err(blocked(format!("placeholder {} names entry {id}, which is gone (purged); discard this entry", of(id))));
    };
    let path = crate::api::ALL.iter().find(|a| a.name == c.api).and_then(|a| a.operation(&c.operation)).and_then(|o| o.creates);
    match (c.state, path) {
        (_, None) => Err(blocked(format!("entry {id} ({}) creates nothing this SDK can name", c.operation))),
        (State::Sent, Some(path)) => created_id(c, path).ok_or_else(|| blocked(format!("entry {id} ({}) was sent but its result has no {path}", c.operation))),
        (State::Discarded, _) => Err(blocked(format!("entry {id} ({}) was discarded: the entity was never created; discard this entry too", c.operation))),
        (s, _) => Err(blocked(format!("entry {id} ({}) is {} and has no id yet", c.operation, s.name()))),
    }
}

/// The variables `e` is sent with: `None` if they hold no placeholder (send them as stored),
/// else a copy with every placeholder replaced by its create's real id. `create(id)` finds the
/// create's entry (sent ones included). `Blocked` names the create when one cannot be replaced,
/// or when the result would still hold a placeholder (the guard: never sent).
pub fn resolve<'a>(e: &Entry, create: impl Fn(&str) -> Option<&'a Entry>) -> Result<Option<Value>, Blocked> {
    // The common case: no `tmp:` text anywhere (one walk, no paths built).
    if candidates(&e.variables).is_empty() {
        return Ok(None);
    }
    let mut vars = e.variables.clone();
    let mut failed = None;
    if let Some((api, op)) = crate::api::ALL.iter().find(|a| a.name == e.api).and_then(|a| Some((*a, a.operation(&e.operation)?))) {
        each_id(api, op, &mut vars, &mut |_, v| {
            let Some(id) = v.as_str().and_then(entry_of).map(str::to_string) else { return };
            match real_id(&id, create(&id)) {
                Ok(real) => *v = Value::String(real),
                Err(b) => failed = failed.take().or(Some(b)),
            }
        });
    }
    if let Some(b) = failed {
        return Err(b);
    }
    guard(&vars)?;
    Ok(Some(vars))
}

/// The last check before a request is formed: no placeholder-shaped value anywhere in the
/// variables (in an `ID` argument one would have been replaced above; elsewhere, or in an entry
/// of an operation this build does not know, it would reach the server).
pub fn guard(variables: &Value) -> Result<(), Blocked> {
    match find_string(variables, "", &looks_like) {
        None => Ok(()),
        Some((path, value)) => Err(Blocked {
            by: entry_of(&value).unwrap_or_default().to_string(),
            message: format!("{path} holds placeholder {value}, which stands where no ID is expected; it is never sent"),
        }),
    }
}
