//! The offline cache: query results normalized into records, read back through the pending
//! layer of the outbox. Plain Rust over a `CacheStore` (memory in native tests, IndexedDB in
//! the browser); the client wires it to queries, watchers and the outbox.
//!
//! # The API the client calls
//!
//! ```text
//! let cache = Cache::new(store);                       // Cache::with_limits(store, Limits {..})
//! // An answer from the network (a query's data, or a sent mutation's data):
//! let changed = cache.write_result(user, api, Target::Query(q), &vars, &data, now).await?;
//! //   -> the record keys whose content changed (tell watchers, other contexts).
//! //   Query results are written "relaxed" (the network answers again), a sent mutation's
//! //   result "strict" (its overlay is gone; losing the write would show the old value).
//! // A view:
//! let overlays: Vec<Overlay> = live_entries.iter().filter_map(|e|
//!     overlay_for(api, &e.operation, &e.variables, &e.id)).collect();   // + app `updates`
//! match cache.read(user, q, &vars, &overlays).await {
//!     Ok(Assembled { data, pending, fetched_at }) => ..,  // pending: entry ids, entry order
//!     Err(CacheError::Miss(m)) => ..,                     // m.missing names what is absent
//!     Err(e) => ..,                                       // store failure
//! }
//! // A sent delete (its patch says `delete`): the entity and every ref to it go (strict).
//! if let Some(key) = delete::deleted_key(api, &e.operation, &e.variables) {
//!     let changed = cache.write_deleted(user, &key).await?;
//! }
//! // With apps' `updates` (`updates.rs`): live entries as layers, in entry order; an updater
//! // runs over the view the earlier layers left (its `Updating::read`/`write` = updateQuery).
//! cache.read_layers(user, q, &vars, &mut [Layer::Overlay(o), Layer::Update { api, entry_id, vars, run }]).await?;
//! // Sent: the updater once more with the server's answer, over the stored records; stored.
//! let changed = cache.commit_update(user, api, &entry_id, now, &mut |u| ..).await?;
//! cache.refresh(user, &keys).await?;   // another context wrote these keys (its `changed`)
//! cache.clear(user).await?;            // purge / user switch (strict)
//! cache.evict(now).await?;             // age limit, size cap, unreachable records
//! ```
//!
//! Records: `record` (keys, refs, storage keys, stored form); `normalize` (answer → records);
//! `merge` (changed-only); `assemble` (records → data, or a miss); `pending` (overlays);
//! `updates` (apps' functions for what mutations make); `evict` (limits and collection).
//!
//! Each user's records are loaded whole on first use (one `getAll` over the user's key
//! range) and kept in memory; a write diffs against them and stores only changed records, in
//! one transaction. Overlays are never stored: they come from the durable outbox.

pub mod assemble;
pub mod delete;
pub mod evict;
mod load;
mod memo;
pub mod merge;
pub mod normalize;
pub mod pending;
pub mod record;
pub mod updates;

pub use evict::Limits;
pub use pending::{overlay_for, Layer, Op, Overlay};
pub use updates::Updating;

use crate::api::model::{Api, Operation, Query, Selection};
use crate::store::{CacheStore, Durability, StoreError};
use merge::merge_fields;
use normalize::ShapeError;
use record::{decode_all, encode, encode_stamp, is_root, root_key, stamp_key, Record};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeMap;

type Records = BTreeMap<String, Record>;

/// `assemble::assemble` or `assemble::assemble_json`.
pub(super) type Assemble<D> = fn(&Selection, &Value, &str, &'static str, &pending::Layered) -> Result<assemble::Built<D>, Vec<String>>;

/// What answered: a query (its result gets a root) or a sent mutation (its entities only).
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Query(&'a Query),
    Mutation(&'a Operation),
}

/// A query's data from the cache (`data` a `Value`, or JSON text from `read_json`).
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled<D = Value> {
    pub data: D,
    /// The outbox entries whose overlays changed what `data` shows, in entry order.
    pub pending: Vec<String>,
    /// When the query was last answered by the network, epoch ms (0 if never: a result made
    /// only of overlays).
    pub fetched_at: f64,
}

/// A read the cache cannot answer in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Miss {
    pub operation: String,
    /// What is absent (first 20): `timesheet.registrations.data[2] (record TimesheetRegistration:9)`.
    pub missing: Vec<String>,
}

/// Why a cache call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CacheError {
    Miss(Miss),
    Shape(ShapeError),
    Store(StoreError),
}

impl std::fmt::Display for CacheError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CacheError::Miss(m) => write!(f, "{} is not in the cache (missing: {})", m.operation, m.missing.join(", ")),
            CacheError::Shape(e) => e.fmt(f),
            CacheError::Store(e) => write!(f, "cache {e}"),
        }
    }
}

impl From<StoreError> for CacheError {
    fn from(e: StoreError) -> CacheError {
        CacheError::Store(e)
    }
}

/// What `evict` removed, and the users it removed records of (other contexts holding theirs in
/// memory are told to drop them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evicted {
    pub records: u64,
    pub bytes: u64,
    pub users: Vec<String>,
    /// It stopped before deleting all it planned: the records in memory changed meanwhile.
    pub stopped: bool,
}

/// The cache over a store. One per client; not `Sync` (one thread in the browser).
pub struct Cache<S: CacheStore> {
    store: S,
    limits: Limits,
    /// (user, their records), loaded whole on first use. A list: a client has one user, two
    /// around a switch (and a map type of its own would add its code to the wasm).
    users: RefCell<Vec<(String, Records)>>,
    loads: load::Loads,
    /// Pending views kept between reads (`memo.rs`), dropped by every change to the records.
    memos: memo::Memos,
    /// Bumped by `clear` and `forget`: a load or refresh that began before drops what it read
    /// (IndexedDB answered it as before the clear), or a cleared user's records came back.
    cleared: std::cell::Cell<u64>,
    /// Bumped by every change to the records in memory: eviction plans on a copy it read, and
    /// deletes nothing if they changed meanwhile (`evict.rs`).
    changes: std::cell::Cell<u64>,
}

impl<S: CacheStore> Cache<S> {
    /// A cache with the default limits (`evict::DEFAULT_MAX_BYTES`, `DEFAULT_MAX_AGE_MS`).
    pub fn new(store: S) -> Cache<S> {
        Cache::with_limits(store, Limits::default())
    }

    pub fn with_limits(store: S, limits: Limits) -> Cache<S> {
        Cache { store, limits, users: RefCell::new(Vec::new()), loads: load::Loads::default(), memos: Default::default(), cleared: Default::default(), changes: Default::default() }
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// Whether `user`'s records are in memory and there are none: then no sent answer can
    /// change anything (`write_result` of a mutation adds no record).
    pub fn known_empty(&self, user: &str) -> bool {
        self.loaded(user) && self.with_loaded(user, |records| records.is_empty())
    }

    fn loaded(&self, user: &str) -> bool {
        self.users.borrow().iter().any(|(u, _)| u == user)
    }

    /// Runs `f` on `user`'s records in memory (empty if not loaded).
    fn with<R>(&self, user: &str, f: impl FnOnce(&mut Records) -> R) -> R {
        let mut users = self.users_mut();
        let i = match users.iter().position(|(u, _)| u == user) {
            Some(i) => i,
            None => {
                users.push((user.to_string(), Records::new()));
                users.len() - 1
            }
        };
        f(&mut users[i].1)
    }

    /// The records in memory, to change: kept pending views no longer apply (and hold copies of
    /// records that may be going: a cleared user's).
    fn users_mut(&self) -> std::cell::RefMut<'_, Vec<(String, Records)>> {
        self.memos.clear();
        self.changes.set(self.changes.get() + 1);
        self.users.borrow_mut()
    }

    /// Runs `f` on `user`'s records in memory without changing them (empty if not loaded).
    fn with_loaded<R>(&self, user: &str, f: impl FnOnce(&Records) -> R) -> R {
        let users = self.users.borrow();
        let empty = Records::new();
        f(users.iter().find(|(u, _)| u == user).map_or(&empty, |(_, r)| r))
    }

    /// Loads `user`'s records unless they are in memory, or waits for the load already under
    /// way. A load that finishes after another call already loaded them is dropped (theirs is
    /// as new or newer).
    async fn ensure(&self, user: &str) -> Result<(), StoreError> {
        loop {
            if self.loaded(user) {
                return Ok(());
            }
            match self.loads.start(user) {
                Ok(_loading) => {
                    let cleared = self.cleared.get();
                    let records = decode_all(self.store.load(user).await?);
                    if self.cleared.get() != cleared {
                        continue;
                    }
                    if !self.loaded(user) {
                        self.users_mut().push((user.to_string(), records));
                    }
                    return Ok(());
                }
                // Then look again: loaded, or that load failed and this call tries.
                Err(other) => other.await,
            }
        }
    }

    /// Loads `user`'s records now if they are not in memory (a read can start this while it
    /// reads the outbox for its pending layer).
    pub async fn preload(&self, user: &str) -> Result<(), StoreError> {
        self.ensure(user).await
    }

    /// Writes an answer's `data`: merges its entities (and, for a query, its root) into
    /// `user`'s records and stores those that changed, plus the root's fetch stamp, in one
    /// transaction. Returns the keys whose content changed.
    pub async fn write_result(&self, user: &str, api: &Api, target: Target<'_>, variables: &Value, data: &Value, now: f64) -> Result<Vec<String>, CacheError> {
        let (selection, root): (&Selection, Option<String>) = match target {
            Target::Query(q) => (q.selection, Some(root_key(q.name, variables))),
            Target::Mutation(o) => (o.selection, None),
        };
        self.ensure(user).await?;
        // A sent mutation adds nothing (below): with no record cached, there is nothing its
        // answer could update, and normalizing it was ~17 ms of a 1,000-entry drain for an app
        // that reads nothing through the cache (bench/drain-profile.mjs).
        if root.is_none() && self.with_loaded(user, |records| records.is_empty()) {
            return Ok(vec![]);
        }
        let n = normalize::normalize(api, selection, variables, data).map_err(CacheError::Shape)?;
        let (mut changed, mut puts) = (vec![], vec![]);
        self.with(user, |records| {
            for (key, new) in n.entities {
                // A sent mutation updates what is cached and adds nothing: an entity no query
                // has shown is reached by no root, so storing it would cost a write per sent
                // entry for a record eviction would collect unread.
                if root.is_none() && !records.contains_key(&key) {
                    continue;
                }
                let r = records.entry(key.clone()).or_default();
                if merge_fields(&mut r.fields, new.fields) {
                    r.at = now;
                    puts.push((key.clone(), encode(&key, r)));
                    changed.push(key);
                }
            }
            if let Some(key) = root {
                let r = records.entry(key.clone()).or_default();
                if merge_fields(&mut r.fields, n.root) {
                    puts.push((key.clone(), encode(&key, r)));
                    changed.push(key.clone());
                }
                r.at = now;
                puts.push((stamp_key(&key), encode_stamp(now)));
            }
        });
        if puts.is_empty() {
            return Ok(changed);
        }
        let durability = if matches!(target, Target::Mutation(_)) { Durability::Strict } else { Durability::Relaxed };
        self.store.write(user, &puts, &[], durability).await?;
        Ok(changed)
    }

    /// `query`'s data under `variables` for `user`, with `overlays` (live outbox entries, in
    /// entry order) applied; `CacheError::Miss` if any part is absent.
    pub async fn read(&self, user: &str, query: &Query, variables: &Value, overlays: &[Overlay]) -> Result<Assembled, CacheError> {
        self.read_as(user, query, variables, overlays, assemble::assemble).await
    }

    /// `read`, the data as JSON text: what JS gets, built straight from the records.
    pub async fn read_json(&self, user: &str, query: &Query, variables: &Value, overlays: &[Overlay]) -> Result<Assembled<String>, CacheError> {
        self.read_as(user, query, variables, overlays, assemble::assemble_json).await
    }

    async fn read_as<D>(&self, user: &str, query: &Query, variables: &Value, overlays: &[Overlay], assemble: Assemble<D>) -> Result<Assembled<D>, CacheError> {
        self.read_view(user, query, variables, |records| pending::Layered::new(records, overlays), assemble).await
    }

    /// `query` assembled from `user`'s records as `view` layers them (overlays, updaters).
    pub(super) async fn read_view<D>(&self, user: &str, query: &Query, variables: &Value, view: impl for<'r> FnOnce(&'r Records) -> pending::Layered<'r>, assemble: Assemble<D>) -> Result<Assembled<D>, CacheError> {
        self.ensure(user).await?;
        let root = root_key(query.name, variables);
        self.with_loaded(user, |records| {
            let view = view(records);
            let miss = |missing| CacheError::Miss(Miss { operation: query.name.into(), missing });
            let built = assemble(query.selection, variables, &root, query.name, &view).map_err(miss)?;
            let fetched_at = records.get(&root).map(|r| r.at).unwrap_or(0.0);
            Ok(Assembled { data: built.data, pending: built.pending, fetched_at })
        })
    }

    /// Records a sent delete: removes entity `key` of `user` and every ref to it (dropped from
    /// lists, null elsewhere), storing the records that held refs, in one strict transaction.
    /// Returns the changed keys, `key` included if it was cached.
    pub async fn write_deleted(&self, user: &str, key: &str) -> Result<Vec<String>, CacheError> {
        self.ensure(user).await?;
        let (changed, puts) = self.with(user, |records| {
            let had = records.contains_key(key);
            let mut changed = delete::strip(records, key);
            let puts: Vec<(String, Value)> = changed.iter().filter_map(|k| records.get(k).map(|r| (k.clone(), encode(k, r)))).collect();
            if had {
                changed.push(key.to_string());
            }
            (changed, puts)
        });
        self.store.write(user, &puts, &[key.to_string()], Durability::Strict).await?;
        Ok(changed)
    }

    /// Re-reads `keys` of `user` from the store (another context wrote them): one transaction.
    /// A key no longer stored is dropped from memory. Nothing happens for a user not loaded.
    pub async fn refresh(&self, user: &str, keys: &[String]) -> Result<(), StoreError> {
        if !self.loaded(user) {
            return Ok(());
        }
        let mut wanted: Vec<String> = keys.to_vec();
        wanted.extend(keys.iter().filter(|k| is_root(k)).map(|k| stamp_key(k)));
        // Read again if a user was forgotten meanwhile (the counter is not per user) and this
        // one is still loaded: what was read may predate that user's clear.
        let fresh = loop {
            let cleared = self.cleared.get();
            let fresh = decode_all(self.store.get(user, &wanted).await?);
            if !self.loaded(user) {
                return Ok(());
            }
            if self.cleared.get() == cleared {
                break fresh;
            }
        };
        self.with(user, |records| {
            for k in keys {
                match fresh.get(k) {
                    Some(r) => records.insert(k.clone(), r.clone()),
                    None => records.remove(k),
                };
            }
        });
        Ok(())
    }

    /// Drops `user`'s records from memory (another context cleared them): the next use loads
    /// what is stored.
    pub fn forget(&self, user: &str) {
        self.cleared.set(self.cleared.get() + 1);
        self.users_mut().retain(|(u, _)| u != user);
    }

    /// Deletes every record of `user`, in memory and stored (strict).
    pub async fn clear(&self, user: &str) -> Result<(), StoreError> {
        self.forget(user);
        self.store.clear(user).await
    }
}
