//! The pending (optimistic) layer. Each live outbox entry may carry an `Overlay`: record
//! writes and deletes that show on read until the entry settles. Overlays are not stored: they
//! are derived from the durable outbox (`overlay_for` from the entry's mutation and variables,
//! plus the app's `updates` for creates), so they survive a reload with it, and removing one
//! (sent, dead, discarded) rolls its values back with no write. Reads apply them in entry
//! order over a copy of only the records they touch.

use super::record::{as_ref, entity_key, Fields, Record};
use super::updates::Updating;
use crate::api::model::Api;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// One change to a record, as an overlay makes it. `path` is a storage key, then keys inside
/// embedded objects (`["registrations{\"first\":50}", "data"]`).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Sets the value at `path`, creating the record and embedded objects on the way.
    Set { key: String, path: Vec<String>, value: Value },
    /// Inserts `value` (usually `record::ref_value(..)`) into the list at `path`, at `index`
    /// or at the end. Ignored where there is no list (the query did not select it).
    Insert { key: String, path: Vec<String>, value: Value, index: Option<usize> },
    /// Removes every element equal to `value` from the list at `path`.
    Remove { key: String, path: Vec<String>, value: Value },
    /// Hides the record: refs to it drop out of lists and read as null elsewhere.
    Delete { key: String },
}

/// The changes one outbox entry shows while it waits.
#[derive(Debug, Clone, PartialEq)]
pub struct Overlay {
    pub entry_id: String,
    pub ops: Vec<Op>,
}

/// One live entry's part of a read: a fixed overlay (the patch table's), or an app's updater,
/// which runs over the view as the earlier entries left it (its `updateQuery` reads that).
pub enum Layer<'f> {
    Overlay(Overlay),
    /// `vars`: the entry's variables. The caller promises that what `run` writes depends only
    /// on `entry_id`, `vars` and the view it is given: a view kept for the next read
    /// (`memo.rs`) is reused when they are the same.
    Update { api: &'static Api, entry_id: String, vars: Value, run: Box<dyn FnMut(&mut Updating<'_, '_>) + 'f> },
}

/// The overlay of a mutation that updates (or deletes) an entity, from the API's patch table:
/// each argument present in `variables` shows as its field; `None` if the mutation has no
/// patch or the variables lack the entity's key.
pub fn overlay_for(api: &Api, mutation: &str, variables: &Value, entry_id: &str) -> Option<Overlay> {
    let patch = api.patch(mutation)?;
    let key = match at_path(variables, patch.key)? {
        Value::String(s) => entity_key(patch.entity, s),
        Value::Number(n) => entity_key(patch.entity, &n.to_string()),
        _ => return None,
    };
    let ops = if patch.delete {
        vec![Op::Delete { key }]
    } else {
        let set = |(arg, field): &(&str, &str)| {
            at_path(variables, arg).map(|v| Op::Set { key: key.clone(), path: vec![(*field).into()], value: v.clone() })
        };
        patch.fields.iter().filter_map(set).collect()
    };
    Some(Overlay { entry_id: entry_id.into(), ops })
}

/// The value at a dotted path (`input.id`).
fn at_path<'a>(v: &'a Value, dotted: &str) -> Option<&'a Value> {
    dotted.split('.').try_fold(v, |v, k| v.get(k))
}

/// The records the layers touched: (key, its fields after them (None: deleted), the entries
/// that touched it), sorted by key. A sorted list, not a map: overlays touch few records, and
/// a map type of its own would add its code to the wasm.
pub(super) type Over = Vec<(String, Option<Fields>, Vec<String>)>;

/// The records as a read sees them: the cache's, with overlays applied to copies of the few
/// they touch; remembers which entries touched which record.
pub struct Layered<'a> {
    base: &'a BTreeMap<String, Record>,
    over: Over,
    /// Records an app's update made (absent from the cache): created entities.
    made: Vec<String>,
}

impl<'a> Layered<'a> {
    /// Applies `overlays` (in entry order) over `base`.
    pub fn new(base: &'a BTreeMap<String, Record>, overlays: &[Overlay]) -> Layered<'a> {
        let mut l = Layered { base, over: Vec::new(), made: Vec::new() };
        for o in overlays {
            for op in &o.ops {
                l.apply(&o.entry_id, op);
            }
        }
        l
    }

    /// Applies `layers` (in entry order) over `base`, running updaters as they come.
    pub fn with_layers(base: &'a BTreeMap<String, Record>, layers: &mut [Layer<'_>]) -> Layered<'a> {
        let mut l = Layered::from_parts(base, Vec::new(), Vec::new());
        l.apply_layers(layers);
        l
    }

    /// A view kept from an earlier read over the same `base` (`memo.rs`).
    pub(super) fn from_parts(base: &'a BTreeMap<String, Record>, over: Over, made: Vec<String>) -> Layered<'a> {
        Layered { base, over, made }
    }

    /// What the layers changed, to keep for the next read.
    pub(super) fn parts(&self) -> (&Over, &[String]) {
        (&self.over, &self.made)
    }

    /// Applies `layers` (in entry order) over the view as it is, running updaters as they come.
    pub(super) fn apply_layers(&mut self, layers: &mut [Layer<'_>]) {
        for layer in layers.iter_mut() {
            match layer {
                Layer::Overlay(o) => o.ops.iter().for_each(|op| self.apply(&o.entry_id, op)),
                Layer::Update { api, entry_id, run, .. } => run(&mut Updating { api: *api, view: self, entry_id: entry_id.clone(), wrote: vec![] }),
            }
        }
    }

    /// Every record the layers touched, with its fields after them (None: deleted).
    pub fn changes(self) -> Vec<(String, Option<Fields>)> {
        self.over.into_iter().map(|(k, f, _)| (k, f)).collect()
    }

    /// Whether an app's update made the record (an entity created offline, or a query result
    /// it wrote): a read shows its unknown fields as null instead of missing. (A patch that
    /// names a record the cache lacks still misses: that is a gap, not a new entity.)
    pub fn created(&self, key: &str) -> bool {
        self.made.iter().any(|k| k == key) && self.find(key).is_ok_and(|i| self.over[i].1.is_some())
    }

    /// Treats the records updates made as stored ones (a read of them misses what they lack):
    /// how they will read once stored.
    pub fn as_stored(&mut self) {
        self.made.clear();
    }

    /// Applies one op of an app's update for `entry`, noting the records it makes.
    pub fn apply_update(&mut self, entry: &str, op: &Op) {
        if let Op::Set { key, .. } = op {
            if self.get(key).0.is_none() && !self.made.contains(key) {
                self.made.push(key.clone());
            }
        }
        self.apply(entry, op)
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.over.binary_search_by(|(k, _, _)| k.as_str().cmp(key))
    }

    /// The overlaid fields of `key` (copied from the base on first touch), noting `entry`.
    fn slot(&mut self, key: &str, entry: &str) -> &mut Option<Fields> {
        let i = match self.find(key) {
            Ok(i) => i,
            Err(i) => {
                self.over.insert(i, (key.to_string(), self.base.get(key).map(|r| r.fields.clone()), vec![]));
                i
            }
        };
        let (_, fields, by) = &mut self.over[i];
        if !by.iter().any(|e| e == entry) {
            by.push(entry.to_string());
        }
        fields
    }

    fn apply(&mut self, entry: &str, op: &Op) {
        match op {
            Op::Delete { key } => *self.slot(key, entry) = None,
            Op::Set { key, path, value } => {
                let fields = self.slot(key, entry).get_or_insert_with(Fields::new);
                if let Some(target) = place(fields, path, true) {
                    *target = value.clone();
                }
            }
            Op::Insert { key, path, value, index } => {
                if let Some(Value::Array(list)) = self.slot(key, entry).as_mut().and_then(|f| place(f, path, false)) {
                    let i = index.unwrap_or(list.len()).min(list.len());
                    list.insert(i, value.clone());
                }
            }
            Op::Remove { key, path, value } => {
                if let Some(Value::Array(list)) = self.slot(key, entry).as_mut().and_then(|f| place(f, path, false)) {
                    list.retain(|x| x != value);
                }
            }
        }
    }

    /// A record's fields as read, or None if absent or deleted; with the entries that touched
    /// it (a deleted record reports its deleting entries).
    pub fn get(&self, key: &str) -> (Option<&Fields>, &[String]) {
        match self.find(key) {
            Ok(i) => (self.over[i].1.as_ref(), &self.over[i].2),
            Err(_) => (self.base.get(key).map(|r| &r.fields), &[]),
        }
    }

    /// Whether an overlay deleted the record.
    pub fn deleted(&self, key: &str) -> bool {
        self.find(key).is_ok_and(|i| self.over[i].1.is_none())
    }
}

/// The value at `path` inside a record's fields; with `create`, missing embedded objects (and
/// the last slot, as null) are made on the way. None where the path runs into a non-object or
/// a ref.
fn place<'f>(fields: &'f mut Fields, path: &[String], create: bool) -> Option<&'f mut Value> {
    let (first, rest) = path.split_first()?;
    if create && !fields.contains_key(first) {
        fields.insert(first.clone(), Value::Null);
    }
    let mut v = fields.get_mut(first)?;
    for k in rest {
        // Never write through a ref: the path names another record's fields.
        if as_ref(v).is_some() {
            return None;
        }
        if create && !v.is_object() {
            *v = Value::Object(Map::new());
        }
        let Value::Object(m) = v else { return None };
        if create && !m.contains_key(k) {
            m.insert(k.clone(), Value::Null);
        }
        v = m.get_mut(k)?;
    }
    Some(v)
}
