//! Where cache records live: `trait CacheStore`, next to `OutboxStore`. Records are opaque
//! JSON values under (user, key); the cache layer (`crate::cache`) decides what they hold.
//! A user's records are one key range, so a cold read is one request and `clear(user)` one
//! delete.

use super::StoreError;
use serde_json::Value;

/// How durable a write must be before it resolves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// On disk before the call resolves (IndexedDB "strict"): writes whose loss a user would
    /// see as a regression (a sent mutation's result, whose pending overlay is gone) or a
    /// privacy failure (`clear`).
    Strict,
    /// The browser may lose it in a crash (IndexedDB "relaxed"): query results, which the
    /// network answers again, and eviction.
    Relaxed,
}

/// Storage of cache records. Futures are not `Send` (one thread in the browser).
#[allow(async_fn_in_trait)]
pub trait CacheStore {
    /// Every record of `user` as (key, value), in key order: one request.
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, StoreError>;
    /// The records of `user` with these keys that exist, in the order asked (one transaction).
    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, StoreError>;
    /// Puts and deletes records of `user`, all in one transaction (all or nothing).
    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], durability: Durability) -> Result<(), StoreError>;
    /// Deletes every record of `user` (strict).
    async fn clear(&self, user: &str) -> Result<(), StoreError>;
    /// Every user with records (for eviction across users).
    async fn users(&self) -> Result<Vec<String>, StoreError>;
}
