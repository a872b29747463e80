//! Apps' `updates` (as urql Graphcache's): a function per mutation that puts what the mutation
//! made into cached query results, e.g. a created timesheet into the `timesheets` list. The app
//! code is JS (`client/updates.rs` calls it); this is its plain-Rust half:
//!
//! - `optimistic`: the result a waiting entry's updater gets, built from its variables by one
//!   rule (the created id is its placeholder, `tmp:<entry id>`);
//! - `Updating`: what `cache.updateQuery(name, variables, fn)` does, over a layered view. While
//!   the entry waits, its writes are an overlay like a patch's (derived on every read, never
//!   stored: dead or discarded, the entity simply is no longer shown). When it is sent, the
//!   updater runs once more with the server's answer over the stored records, and the records it
//!   changed are stored (`Cache::commit_update`): the list then holds the real id.
//!
//! A list never shows one entity twice after an update (refs are deduplicated), so when a
//! refetched list already holds the created entity, appending it again changes nothing: whichever
//! lands second, the list ends with the real entity once.

use super::normalize::{self, ShapeError};
use super::pending::{Layer, Layered, Op};
use super::record::{as_ref, encode, is_root, root_key, Fields};
use super::{assemble, delete, Assembled, Cache, CacheError};
use crate::api::model::{Api, Operation, Query, Selection};
use crate::outbox::placeholders;
use crate::store::{CacheStore, Durability};
use serde_json::{Map, Value};

/// The data a waiting entry of `op` shows to its updater: the mutation field's value as its
/// document selects it, built from `variables` (GraphQL variables, `{ input: {...} }`):
/// - the created entity's id (`op.creates`) is the placeholder `tmp:<entry_id>`;
/// - a scalar field takes the argument of the same name (top level, or a field of a top-level
///   input object: `input.startDate`);
/// - an object field whose type has a key takes an `ID` argument of the same name as that key
///   (`input.hire: "7"` -> `hire: { __typename: "Hire", id: "7" }`);
/// - anything else is null; every object gets its `__typename`.
pub fn optimistic(api: &Api, op: &Operation, variables: &Value, entry_id: &str) -> Value {
    let Some(field) = op.selection.fields.first() else { return Value::Null };
    let Some(sel) = field.selection else { return argument(variables, field.name).cloned().unwrap_or(Value::Null) };
    let placeholder = placeholders::of(entry_id);
    build(api, sel, variables, "", op.creates, &placeholder)
}

fn build(api: &Api, sel: &Selection, vars: &Value, path: &str, creates: Option<&str>, placeholder: &str) -> Value {
    let mut out = Map::new();
    out.insert("__typename".into(), Value::String(sel.type_name.into()));
    for f in sel.fields.iter().filter(|f| f.on.is_none() && f.name != "__typename") {
        let here = if path.is_empty() { f.name.to_string() } else { format!("{path}.{}", f.name) };
        let v = if creates == Some(here.as_str()) {
            Value::String(placeholder.into())
        } else {
            match (f.selection, argument(vars, f.name)) {
                (None, Some(v)) => v.clone(),
                (Some(s), Some(Value::String(id))) => match api.key_field(s.type_name) {
                    Some(key) => {
                        let mut m = Map::new();
                        m.insert("__typename".into(), Value::String(s.type_name.into()));
                        m.insert(key.into(), Value::String(id.clone()));
                        Value::Object(m)
                    }
                    None => Value::Null,
                },
                // The created id is further down (a payload: `multiFactor.id`).
                (Some(s), None) if creates.is_some_and(|c| c.starts_with(&format!("{here}."))) => build(api, s, vars, &here, creates, placeholder),
                _ => Value::Null,
            }
        };
        out.insert(f.response_key.into(), v);
    }
    Value::Object(out)
}

/// The argument named `name`: a top-level variable, else a field of a top-level input object.
fn argument<'v>(vars: &'v Value, name: &str) -> Option<&'v Value> {
    let Value::Object(m) = vars else { return None };
    m.get(name).or_else(|| m.values().find_map(|v| v.as_object().and_then(|o| o.get(name))))
}

/// `value` with `__typename` on every object `sel` selects (a mutation's document does not
/// select it; a query's does, and apps put a mutation's result into a query's data).
pub fn with_typenames(sel: &Selection, value: &Value) -> Value {
    match value {
        Value::Array(a) => Value::Array(a.iter().map(|x| with_typenames(sel, x)).collect()),
        Value::Object(m) => {
            let mut out = Map::new();
            if !m.contains_key("__typename") && !sel.fields.iter().any(|f| f.on.is_some()) {
                out.insert("__typename".into(), Value::String(sel.type_name.into()));
            }
            for (k, v) in m {
                let sub = sel.fields.iter().find(|f| f.response_key == k).and_then(|f| f.selection);
                out.insert(k.clone(), sub.map_or_else(|| v.clone(), |s| with_typenames(s, v)));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

/// One updater's run over a view: reads and writes of query results, as record ops made by one
/// entry (its overlay while it waits; stored once it is sent).
pub struct Updating<'v, 'b> {
    pub(super) api: &'static Api,
    pub(super) view: &'v mut Layered<'b>,
    pub(super) entry_id: String,
    /// The query results it wrote, (query, variables): checked before they are stored.
    pub(super) wrote: Vec<(&'static Query, Value)>,
}

impl Updating<'_, '_> {
    /// The API whose mutation this updater is for.
    pub fn api(&self) -> &'static Api {
        self.api
    }

    /// `query`'s data under `variables` as the view shows it now (earlier entries' changes
    /// included), or None when the cache cannot answer it in full.
    pub fn read(&self, query: &Query, variables: &Value) -> Option<Value> {
        let root = root_key(query.name, variables);
        assemble::assemble(query.selection, variables, &root, query.name, self.view).ok().map(|b| b.data)
    }

    /// Makes `data` `query`'s result under `variables`: normalized like a network answer, each
    /// field that differs from what the view shows is set (so the entry shows as pending only
    /// where it changed something), and lists hold each entity once.
    pub fn write(&mut self, query: &'static Query, variables: &Value, data: &Value) -> Result<(), ShapeError> {
        let mut n = normalize::normalize(self.api, query.selection, variables, data)?;
        let mut records: Vec<(String, Fields)> = vec![(root_key(query.name, variables), std::mem::take(&mut n.root))];
        records.extend(n.entities.into_iter().map(|(k, r)| (k, r.fields)));
        let mut ops = vec![];
        for (key, mut fields) in records {
            let (now, _) = self.view.get(&key);
            for (name, mut value) in std::mem::take(&mut fields) {
                dedupe_refs(&mut value);
                // By value: the app's values come back through JSON, where a stored `8.0` is `8`
                // (strict `!=` rewrote every such record on each sent update, found by review).
                if !now.and_then(|f| f.get(&name)).is_some_and(|v| super::merge::same(v, &value)) {
                    ops.push(Op::Set { key: key.clone(), path: vec![name], value });
                }
            }
        }
        let entry = self.entry_id.clone();
        for op in &ops {
            self.view.apply_update(&entry, op);
        }
        self.wrote.push((query, variables.clone()));
        Ok(())
    }
}

impl<S: CacheStore> Cache<S> {
    /// `query`'s data as `read` gives it, with `layers`: live entries' overlays and apps'
    /// updaters (run over the view as the earlier layers left it), in entry order.
    pub async fn read_layers(&self, user: &str, query: &Query, variables: &Value, layers: &mut [Layer<'_>]) -> Result<Assembled, CacheError> {
        self.read_layers_as(user, query, variables, layers, assemble::assemble).await
    }

    /// `read_layers`, the data as JSON text (what queries and watchers hand to JS).
    pub async fn read_layers_json(&self, user: &str, query: &Query, variables: &Value, layers: &mut [Layer<'_>]) -> Result<Assembled<String>, CacheError> {
        self.read_layers_as(user, query, variables, layers, assemble::assemble_json).await
    }

    async fn read_layers_as<D>(&self, user: &str, query: &Query, variables: &Value, layers: &mut [Layer<'_>], assemble: super::Assemble<D>) -> Result<Assembled<D>, CacheError> {
        self.read_view(user, query, variables, |records| self.memos.layered(user, records, layers), assemble).await
    }

    /// A sent entry's updater, run with the server's answer over `user`'s stored records (no
    /// overlays): the records it changed are stored, strict, and their keys returned; query
    /// results it made incomplete are left as they were.
    pub async fn commit_update(&self, user: &str, api: &'static Api, entry_id: &str, now: f64, run: &mut dyn FnMut(&mut Updating<'_, '_>)) -> Result<Vec<String>, CacheError> {
        self.commit_update_then(user, api, entry_id, now, run, &|| {}).await
    }

    /// `commit_update`, calling `applied` once the records in memory hold the change, before
    /// it is stored: from then on the entry's overlay must not run (its placeholder entity
    /// would show beside the real one until the write ends).
    pub async fn commit_update_then(&self, user: &str, api: &'static Api, entry_id: &str, now: f64, run: &mut dyn FnMut(&mut Updating<'_, '_>), applied: &dyn Fn()) -> Result<Vec<String>, CacheError> {
        self.ensure(user).await?;
        let changes = self.with_loaded(user, |records| {
            let mut view = Layered::new(records, &[]);
            let mut u = Updating { api, view: &mut view, entry_id: entry_id.into(), wrote: vec![] };
            run(&mut u);
            u.view.as_stored();
            // A result the stored records could not answer in full (the answer lacks a field the
            // query shows, of a related record the cache lacks) keeps its old root: stored, it
            // would make the whole query a miss until refetched.
            let incomplete: Vec<String> = u.wrote.iter().filter(|(q, v)| u.read(q, v).is_none()).map(|(q, v)| root_key(q.name, v)).collect();
            let mut changes = view.changes();
            changes.retain(|(k, _)| !incomplete.contains(k));
            changes
        });
        let (mut changed, mut puts, mut deletes) = (vec![], vec![], vec![]);
        self.with(user, |records| {
            for (key, fields) in changes {
                match fields {
                    Some(fields) => {
                        let r = records.entry(key.clone()).or_default();
                        if !super::merge::same_fields(&r.fields, &fields) {
                            r.fields = fields;
                            if !is_root(&key) {
                                r.at = now;
                            }
                            puts.push((key.clone(), encode(&key, r)));
                            changed.push(key);
                        }
                    }
                    None if records.contains_key(&key) => {
                        for k in delete::strip(records, &key) {
                            if let Some(r) = records.get(&k) {
                                puts.push((k.clone(), encode(&k, r)));
                            }
                            changed.push(k);
                        }
                        deletes.push(key.clone());
                        changed.push(key);
                    }
                    None => {}
                }
            }
        });
        applied();
        if !puts.is_empty() || !deletes.is_empty() {
            self.store.write(user, &puts, &deletes, Durability::Strict).await?;
        }
        Ok(changed)
    }

}

/// Keeps the first of equal refs in every list, at any depth.
pub fn dedupe_refs(v: &mut Value) {
    match v {
        Value::Array(a) => {
            // Sorted, searched by halves: an updater rewrites a whole list, and a linear search
            // compared each ref with every earlier one (inserting still moves the tail, but a
            // move of pointers is far cheaper than as many string comparisons).
            let mut seen: Vec<String> = vec![];
            a.retain(|x| match as_ref(x).map(|k| (k, seen.binary_search_by(|s| s.as_str().cmp(k)))) {
                Some((_, Ok(_))) => false,
                Some((k, Err(i))) => {
                    seen.insert(i, k.to_string());
                    true
                }
                None => true,
            });
            a.iter_mut().for_each(dedupe_refs);
        }
        Value::Object(m) => m.values_mut().for_each(dedupe_refs),
        _ => {}
    }
}
