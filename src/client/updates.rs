//! `Client.open({ cache: { updates: { <api>: { <mutation>: (result, cache, variables, info) => ... } } } })`:
//! the app's functions that put what a mutation made into cached query results (as urql
//! Graphcache's `updates`). The cache side is `cache::updates`; here are the options, the JS
//! `cache` object the function gets, and the two times it runs:
//!
//! - on a read, for each live entry of that mutation (the view it made is kept for the next
//!   reads, `cache/memo.rs`), with the optimistic result built from the entry's variables (a
//!   create's id is its placeholder): its writes are that entry's
//!   overlay, so they show with `pending` naming it, survive a reload (the outbox is durable) and
//!   go when it dies or is discarded;
//! - once when the entry is sent here, with the server's answer over the stored records, which
//!   are then stored: the list holds the real id (`cached.rs`, `write_sent`).
//!
//! App code runs synchronously inside a read: it gets no promise to wait on and no lock is held
//! (the cache's records are borrowed, but every client method that touches them is async, so it
//! runs after the read). A function that throws, or `updateQuery` given bad arguments, is logged
//! and skipped: a read never fails because of it.

use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use super::options::{get, object_keys};
use crate::api::model::{Api, Operation, Query};
use crate::api::validate::{self, Invalid};
use crate::cache::updates::{optimistic, with_typenames};
use crate::cache::{overlay_for, Layer, Updating};
use crate::outbox::entry::Entry;
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// One app function: (API, mutation, the function).
pub type Updater = (&'static str, &'static str, js_sys::Function);

/// `options.cache.updates`: `{ <api>: { <mutation>: function } }`, every name known.
pub fn read(options: &JsValue) -> Result<Vec<Updater>, SdkError> {
    let bad = |m: String| SdkError::Config(format!("Client.open: options.cache.updates{m}"));
    let cache = get(options, "cache");
    if !cache.is_object() {
        return Ok(vec![]);
    }
    let updates = get(&cache, "updates");
    if updates.is_undefined() || updates.is_null() {
        return Ok(vec![]);
    }
    if !updates.is_object() {
        return Err(bad(" must be an object { <api>: { <mutation>: (result, cache, variables) => void } }".into()));
    }
    let keys = |o: &JsValue, path: &str| object_keys(o).map_err(|_| bad(format!("{path} could not be read (its keys threw)")));
    let mut out = vec![];
    for a in keys(&updates, "")?.iter() {
        let name = a.as_string().unwrap_or_default();
        let Some(api) = crate::api::ALL.iter().copied().find(|x| x.name == name) else {
            let known: Vec<&str> = crate::api::ALL.iter().map(|x| x.name).collect();
            return Err(bad(format!(".{name} is not an API of this SDK (known: {})", known.join(", "))));
        };
        let fns = get(&updates, api.name);
        if !fns.is_object() {
            return Err(bad(format!(".{name} must be an object {{ <mutation>: function }}")));
        }
        for m in keys(&fns, &format!(".{name}"))?.iter() {
            let m = m.as_string().unwrap_or_default();
            let Some(op) = api.operation(&m) else {
                return Err(bad(format!(".{name}.{m} is not a mutation of the {name} API")));
            };
            let f = get(&fns, op.name).dyn_into::<js_sys::Function>().map_err(|_| bad(format!(".{name}.{m} must be a function (result, cache, variables) => void")))?;
            out.push((api.name, op.name, f));
        }
    }
    Ok(out)
}

/// What `cache.updateQuery` was asked, run once the app function returned.
type Request = (&'static Query, Value, js_sys::Function);

/// Runs app function `f` for mutation `op` with `result` (its data) over `u`. Errors are the
/// app's: logged, and what they affect skipped.
/// `info` is `{ entryId, pending }`: the entry, and whether `result` is the optimistic one.
pub fn run(f: &js_sys::Function, api: &'static Api, op: &'static Operation, result: &Value, variables: &Value, info: &Value, u: &mut Updating<'_, '_>) {
    let requests: Rc<RefCell<Vec<Request>>> = Rc::default();
    let asked = requests.clone();
    let update_query = Closure::<dyn FnMut(JsValue, JsValue, JsValue) -> Result<(), JsValue>>::new(move |name: JsValue, vars: JsValue, update: JsValue| {
        let bad = |path: &str, reason: String| SdkError::Validation { operation: "cache.updateQuery".into(), invalid: Invalid { path: path.into(), reason } };
        let q = name.as_string().and_then(|n| api.query(&n)).ok_or_else(|| {
            let names: Vec<&str> = api.queries.iter().map(|q| q.name).collect();
            bad("name", format!("{} is not a query of the {} API (one of {})", js::describe(&name), api.name, names.join(", ")))
        })?;
        let called = js::to_json(&vars).map_err(|r| bad("variables", r))?;
        let vars = validate::query_variables(api, q, called).map_err(|i| SdkError::Validation { operation: "cache.updateQuery".into(), invalid: i })?;
        let update = update.dyn_into::<js_sys::Function>().map_err(|_| bad("update", "expected a function (data) => data".into()))?;
        asked.borrow_mut().push((q, Value::Object(vars), update));
        Ok(())
    });
    let cache = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&cache, &"updateQuery".into(), update_query.as_ref());
    let shown = op.selection.fields.first().and_then(|f| f.selection).map_or_else(|| result.clone(), |s| with_typenames(s, result));
    // The function takes what the call took: a single `input` argument's value itself.
    let args = if op.single_input { variables.get("input").unwrap_or(&Value::Null) } else { variables };
    let called = f.apply(&JsValue::NULL, &js_sys::Array::of4(&js::to_js(&shown), &cache, &js::to_js(args), &js::to_js(info)));
    drop(update_query);
    if let Err(e) = called {
        return warn(api, op, "threw", &e);
    }
    for (q, vars, update) in requests.take() {
        let data = u.read(q, &vars).map_or(JsValue::NULL, |d| js::to_js(&d));
        let new = match update.call1(&JsValue::NULL, &data) {
            Ok(v) if v.is_undefined() || v.is_null() => continue,
            Ok(v) => v,
            Err(e) => {
                warn(api, op, "updateQuery's function threw", &e);
                continue;
            }
        };
        let written = js::to_json(&new).and_then(|json| u.write(q, &vars, &json).map_err(|e| e.to_string()));
        if let Err(reason) = written {
            warn(api, op, &format!("updateQuery({}) returned data the cache cannot take", q.name), &reason.into());
        }
    }
}

fn warn(api: &Api, op: &Operation, what: &str, e: &JsValue) {
    let text = format!("graphql-outbox: cache.updates.{}.{} {what}", api.name, op.name);
    web_sys::console::error_2(&text.into(), e);
}

impl ClientRef {
    /// The app's function for `mutation` of `api`, if it gave one.
    pub(crate) fn updater(&self, api: &str, mutation: &str) -> Option<js_sys::Function> {
        self.0.options.updates.iter().find(|(a, m, _)| *a == api && *m == mutation).map(|(_, _, f)| f.clone())
    }

    /// What `entries` (live, in entry order) show on a read of `api`'s queries: each one's
    /// patch overlay, then its app function run with its optimistic result.
    pub(crate) fn layers<'f>(&self, api: &'static Api, entries: &'f [Entry]) -> Vec<Layer<'f>> {
        let mut out = vec![];
        for e in entries.iter().filter(|e| e.api == api.name) {
            if let Some(o) = overlay_for(api, &e.operation, &e.variables, &e.id) {
                out.push(Layer::Overlay(o));
            }
            let (Some(f), Some(op)) = (self.updater(api.name, &e.operation), api.operation(&e.operation)) else { continue };
            let result = optimistic(api, op, &e.variables, &e.id);
            let info = json!({ "entryId": e.id, "pending": true });
            out.push(Layer::Update { api, entry_id: e.id.clone(), vars: e.variables.clone(), run: Box::new(move |u: &mut Updating<'_, '_>| run(&f, api, op, &result, &e.variables, &info, u)) });
        }
        out
    }
}
