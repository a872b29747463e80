//! Eviction: roots past the age limit go, then roots oldest first while the cache is over its
//! size cap; entities no remaining root reaches are collected. Pure functions over one
//! user's records; `Cache::evict` runs them over every user and writes the deletes.

use super::record::{encode, is_root, refs_in, stamp_key, stored_bytes, Record};
use std::collections::{BTreeMap, BTreeSet};

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

/// Stored size of a record (a root counts its stamp).
pub fn record_bytes(key: &str, r: &Record) -> u64 {
    let stamp = if is_root(key) { stamp_key(key).len() as u64 + 24 } else { 0 };
    stored_bytes(key, &encode(key, r)) + stamp
}

/// Roots last answered before `now - max_age_ms`.
pub fn expired_roots(records: &BTreeMap<String, Record>, now: f64, max_age_ms: f64) -> Vec<String> {
    records.iter().filter(|(k, r)| is_root(k) && r.at < now - max_age_ms).map(|(k, _)| k.clone()).collect()
}

/// Entity records that no root outside `dropped` reaches (following refs transitively).
pub fn unreachable(records: &BTreeMap<String, Record>, dropped: &BTreeSet<String>) -> Vec<String> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = records.keys().filter(|k| is_root(k) && !dropped.contains(*k)).map(String::as_str).collect();
    while let Some(k) = todo.pop() {
        if !seen.insert(k) {
            continue;
        }
        if let Some(r) = records.get(k) {
            let mut refs = vec![];
            r.fields.values().for_each(|v| refs_in(v, &mut refs));
            todo.extend(refs.into_iter().filter(|k| !seen.contains(k)));
        }
    }
    records.keys().filter(|k| !is_root(k) && !seen.contains(k.as_str())).cloned().collect()
}

/// The keys to delete from one user's records so no root is older than the age limit and
/// no entity is unreachable, plus, while `over` bytes remain to free, the oldest roots.
/// Returns (deleted record keys, bytes freed).
pub fn plan(records: &BTreeMap<String, Record>, now: f64, max_age_ms: f64, mut over: u64) -> (Vec<String>, u64) {
    let mut dropped: BTreeSet<String> = expired_roots(records, now, max_age_ms).into_iter().collect();
    let mut roots: Vec<(&String, f64)> = records.iter().filter(|(k, _)| is_root(k) && !dropped.contains(*k)).map(|(k, r)| (k, r.at)).collect();
    roots.sort_by(|a, b| a.1.total_cmp(&b.1));
    let mut roots = roots.into_iter();
    loop {
        let gone = unreachable(records, &dropped);
        let freed: u64 = dropped.iter().chain(gone.iter()).filter_map(|k| records.get(k).map(|r| record_bytes(k, r))).sum();
        if freed >= over {
            over = 0;
        }
        match roots.next() {
            Some((k, _)) if over > 0 => {
                dropped.insert(k.clone());
            }
            _ => {
                let mut keys: Vec<String> = dropped.into_iter().collect();
                keys.extend(gone);
                return (keys, freed);
            }
        }
    }
}
