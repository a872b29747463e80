//! `CacheStore` in memory, for native tests: what IndexedDB does, plus counters of what
//! writes cost (records and bytes put), so tests can check that a write touches only what
//! changed.

use super::cache::{CacheStore, Durability};
use super::StoreError;
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;

/// In-memory cache store.
#[derive(Debug, Default)]
pub struct MemoryCacheStore {
    records: RefCell<BTreeMap<(String, String), Value>>,
    /// Records put since creation (or the last `reset_counters`).
    pub puts: Cell<u64>,
    /// Bytes of the values put (JSON text), likewise.
    pub bytes_put: Cell<u64>,
    /// Write transactions, likewise.
    pub transactions: Cell<u64>,
    /// Durability of the last write.
    pub last_durability: Cell<Option<Durability>>,
}

impl MemoryCacheStore {
    pub fn new() -> MemoryCacheStore {
        MemoryCacheStore::default()
    }

    pub fn reset_counters(&self) {
        self.puts.set(0);
        self.bytes_put.set(0);
        self.transactions.set(0);
    }

    /// Every stored record as (user, key, value): what a test inspects.
    pub fn dump(&self) -> Vec<(String, String, Value)> {
        self.records.borrow().iter().map(|((u, k), v)| (u.clone(), k.clone(), v.clone())).collect()
    }
}

impl CacheStore for MemoryCacheStore {
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, StoreError> {
        let recs = self.records.borrow();
        Ok(recs.iter().filter(|((u, _), _)| u == user).map(|((_, k), v)| (k.clone(), v.clone())).collect())
    }

    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, StoreError> {
        let recs = self.records.borrow();
        Ok(keys.iter().filter_map(|k| recs.get(&(user.to_string(), k.clone())).map(|v| (k.clone(), v.clone()))).collect())
    }

    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], durability: Durability) -> Result<(), StoreError> {
        let mut recs = self.records.borrow_mut();
        for (k, v) in puts {
            self.bytes_put.set(self.bytes_put.get() + v.to_string().len() as u64);
            recs.insert((user.to_string(), k.clone()), v.clone());
        }
        for k in deletes {
            recs.remove(&(user.to_string(), k.clone()));
        }
        self.puts.set(self.puts.get() + puts.len() as u64);
        self.transactions.set(self.transactions.get() + 1);
        self.last_durability.set(Some(durability));
        Ok(())
    }

    async fn clear(&self, user: &str) -> Result<(), StoreError> {
        self.records.borrow_mut().retain(|(u, _), _| u != user);
        Ok(())
    }

    async fn users(&self) -> Result<Vec<String>, StoreError> {
        let mut users: Vec<String> = self.records.borrow().keys().map(|(u, _)| u.clone()).collect();
        users.dedup();
        Ok(users)
    }
}
