//! Eviction: roots past the age limit go, then roots oldest first while the cache is over its
//! size cap; entities no remaining root reaches are collected. Pure functions over one
//! user's records; `Cache::evict` runs them over every user and writes the deletes.

use super::record::{is_root, refs_in, stamp_key, Record};
use super::{decode_all, Cache, Evicted, Records};
use crate::store::{CacheStore, Durability, StoreError};
use std::collections::BTreeMap;

/// Default size cap: 8 MiB of stored JSON over all users (records plus keys). An offline
/// timesheet app's views (hires, timesheets, a few hundred registrations) are well under 1 MiB;
/// browsers grant far more, but the cache is read whole on a cold start.
pub const DEFAULT_MAX_BYTES: u64 = 8 * 1024 * 1024;
/// Default age limit: 30 days since a query was last answered. A worker may be offline for
/// a long assignment; older data is more likely wrong than useful.
pub const DEFAULT_MAX_AGE_MS: f64 = 30.0 * 24.0 * 3600.0 * 1000.0;

/// The cache's limits (options of `Client.open`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Size cap over all users, bytes of stored JSON.
    pub max_bytes: u64,
    /// Age limit of a query root, ms since it was last answered.
    pub max_age_ms: f64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { max_bytes: DEFAULT_MAX_BYTES, max_age_ms: DEFAULT_MAX_AGE_MS }
    }
}

/// Stored size of a record (a root counts its stamp): `stored_bytes` of what `encode` stores,
/// counted without building it (a copy and a text of every record, on each eviction pass).
pub fn record_bytes(key: &str, r: &Record) -> u64 {
    let stamp = if is_root(key) { stamp_key(key).len() as u64 + 24 } else { 0 };
    let mut fields = Count(0);
    let _ = serde_json::to_writer(&mut fields, &r.fields);
    // `{"f":` fields `}`, and `,"at":` time before the `}` for an entity.
    let at = if is_root(key) { 0 } else { 6 + crate::text(&serde_json::Value::from(r.at)).len() as u64 };
    key.len() as u64 + 6 + fields.0 + at + stamp
}

/// Counts the bytes written to it.
struct Count(u64);

impl std::io::Write for Count {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0 += b.len() as u64;
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Roots last answered before `now - max_age_ms`.
pub fn expired_roots(records: &BTreeMap<String, Record>, now: f64, max_age_ms: f64) -> Vec<String> {
    records.iter().filter(|(k, r)| is_root(k) && r.at < now - max_age_ms).map(|(k, _)| k.clone()).collect()
}

/// Entity records that no root outside `dropped` reaches (following refs transitively).
/// (Marks in a `Vec<bool>` by position among the sorted keys: no set type of its own, which
/// would add its code to the wasm.)
pub fn unreachable(records: &BTreeMap<String, Record>, dropped: &[String]) -> Vec<String> {
    let keys: Vec<&String> = records.keys().collect();
    let mut seen = vec![false; keys.len()];
    let mut todo: Vec<usize> = (0..keys.len()).filter(|&i| is_root(keys[i]) && !dropped.contains(keys[i])).collect();
    while let Some(i) = todo.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        let mut refs = vec![];
        if let Some(r) = records.get(keys[i]) {
            r.fields.values().for_each(|v| refs_in(v, &mut refs));
        }
        todo.extend(refs.into_iter().filter_map(|k| keys.binary_search_by(|x| x.as_str().cmp(k)).ok()).filter(|&j| !seen[j]));
    }
    keys.iter().zip(seen).filter(|(k, s)| !s && !is_root(k)).map(|(k, _)| (*k).clone()).collect()
}

/// The keys to delete from one user's records so no root is older than the age limit and
/// no entity is unreachable, plus, while `over` bytes remain to free, the oldest roots.
/// Returns (deleted record keys, bytes freed).
pub fn plan(records: &BTreeMap<String, Record>, now: f64, max_age_ms: f64, mut over: u64) -> (Vec<String>, u64) {
    let mut dropped: Vec<String> = expired_roots(records, now, max_age_ms);
    // Oldest first, picked one at a time (roots are few; no sort code in the wasm for this).
    let oldest = |dropped: &[String]| {
        let live = records.iter().filter(|(k, _)| is_root(k) && !dropped.contains(*k));
        live.min_by(|a, b| a.1.at.total_cmp(&b.1.at)).map(|(k, _)| k.clone())
    };
    loop {
        let gone = unreachable(records, &dropped);
        let freed: u64 = dropped.iter().chain(gone.iter()).filter_map(|k| records.get(k).map(|r| record_bytes(k, r))).sum();
        if freed >= over {
            over = 0;
        }
        match oldest(&dropped) {
            Some(k) if over > 0 => dropped.push(k),
            _ => {
                dropped.extend(gone);
                return (dropped, freed);
            }
        }
    }
}

impl<S: CacheStore> Cache<S> {
    /// Applies the limits at `now` over every user in the store: roots past the age limit,
    /// then (while over the size cap) the oldest roots of the least recently answered users
    /// first, and every entity no remaining root reaches. Deletes are relaxed: a lost one is
    /// redone next time.
    ///
    /// It plans on its own copy of what is stored, not on the records reads use: the client
    /// runs it later in a session (not ahead of the first read), and a user whose records are
    /// in memory keeps them untouched when nothing of theirs goes. A user it deletes from is
    /// dropped from memory (the next read loads what is stored), as an eviction at open left it;
    /// the caller tells other contexts (`Evicted::users`). If the records in memory change
    /// while it reads its copy or deletes, it deletes nothing more (the next open evicts).
    pub async fn evict(&self, now: f64) -> Result<Evicted, StoreError> {
        // Memory as the copy is read: a change meanwhile (a query answered while the copy was
        // read) may need a record the plan would judge unreachable or stale.
        let mut seen = self.changes.get();
        let users = self.store.users().await?;
        let mut all: Vec<(String, Records)> = vec![];
        for u in users {
            let records = decode_all(self.store.load(&u).await?);
            all.push((u, records));
        }
        let mut out = Evicted::default();
        // Pass 1: age and reachability only.
        let mut sizes: Vec<(usize, f64)> = vec![];
        let mut total = 0u64;
        for i in 0..all.len() {
            let (keys, freed) = plan(&all[i].1, now, self.limits.max_age_ms, 0);
            self.delete(&mut all[i], &keys, freed, &mut out, &mut seen).await?;
            let records = &all[i].1;
            total += records.iter().map(|(k, r)| record_bytes(k, r)).sum::<u64>();
            sizes.push((i, records.iter().filter(|(k, _)| is_root(k)).map(|(_, r)| r.at).fold(0.0, f64::max)));
        }
        // Pass 2: the size cap, least recently answered users first (picked one at a time:
        // users are few, and no sort code for this lands in the wasm).
        while total > self.limits.max_bytes {
            let Some(j) = (0..sizes.len()).min_by(|&a, &b| sizes[a].1.total_cmp(&sizes[b].1)) else { break };
            let (i, _) = sizes.swap_remove(j);
            let (keys, freed) = plan(&all[i].1, now, self.limits.max_age_ms, total - self.limits.max_bytes);
            total = total.saturating_sub(freed);
            self.delete(&mut all[i], &keys, freed, &mut out, &mut seen).await?;
        }
        Ok(out)
    }

    /// Deletes `keys` (and the stamps of roots among them) from a user's stored records and
    /// from the copy eviction plans on; the user's records in memory, if any, are dropped.
    async fn delete(&self, (user, records): &mut (String, Records), keys: &[String], freed: u64, out: &mut Evicted, seen: &mut u64) -> Result<(), StoreError> {
        if keys.is_empty() {
            return Ok(());
        }
        if self.changes.get() != *seen {
            out.stopped = true;
            return Ok(());
        }
        let mut stored: Vec<String> = keys.to_vec();
        stored.extend(keys.iter().filter(|k| is_root(k)).map(|k| stamp_key(k)));
        keys.iter().for_each(|k| {
            records.remove(k);
        });
        out.records += keys.len() as u64;
        out.bytes += freed;
        // Dropped from memory before the delete is issued: a query answered meanwhile loads
        // what is stored (IndexedDB runs that read after the delete) and stores its answer whole,
        // where against the old copy it stored only its time (found by review).
        self.forget(user);
        *seen = self.changes.get();
        self.store.write(user, &[], &stored, Durability::Relaxed).await?;
        if !out.users.contains(user) {
            out.users.push(user.clone());
        }
        Ok(())
    }
}
