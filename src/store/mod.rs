//! Where entries live: `trait OutboxStore`, `MemoryStore` (native tests) and `IdbStore`
//! (IndexedDB, wasm only); cache records likewise (`CacheStore`, `MemoryCacheStore`, the
//! `cache` object store of the same database). Records are JSON-shaped; one that does not
//! read back as an entry is moved to the quarantine with the reason, so a bad record never
//! stops the drain.

mod memory;
pub use memory::MemoryStore;
pub mod cache;
mod cache_memory;
pub use cache::{CacheStore, Durability};
pub use cache_memory::MemoryCacheStore;
#[cfg(target_arch = "wasm32")]
pub mod idb;
#[doc(hidden)]
pub mod conformance;
#[doc(hidden)]
pub mod cache_conformance;

use crate::outbox::entry::Entry;
use serde_json::Value;

/// Why the store failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// The browser refused to store more (`QuotaExceededError`); nothing stored was lost.
    Quota(String),
    /// The database cannot be opened or used (private mode, blocked upgrade, closed).
    Unavailable(String),
    /// An entry with this id (or seq) is not in the store.
    NotFound(String),
    /// Anything else the backend reported.
    Other(String),
}

impl StoreError {
    /// From a `DOMException` name: `QuotaExceededError` → `Quota`; a closed, blocked or
    /// forbidden database → `Unavailable`; the rest → `Other`.
    pub fn from_dom(name: &str, message: String) -> StoreError {
        match name {
            "QuotaExceededError" => StoreError::Quota(message),
            "InvalidStateError" | "UnknownError" | "VersionError" | "SecurityError" => {
                StoreError::Unavailable(format!("{name}: {message}"))
            }
            _ => StoreError::Other(format!("{name}: {message}")),
        }
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Quota(m) => write!(f, "storage quota exceeded: {m}"),
            StoreError::Unavailable(m) => write!(f, "storage unavailable: {m}"),
            StoreError::NotFound(m) => write!(f, "no outbox entry {m}"),
            StoreError::Other(m) => write!(f, "storage error: {m}"),
        }
    }
}

/// A record that could not be read as an entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Quarantined {
    /// The record's key in the entries store.
    pub seq: u64,
    /// The record as it was (JSON), or null if it was not even JSON-shaped.
    pub raw: Value,
    /// Why it could not be read.
    pub reason: String,
    /// When it was moved, epoch ms.
    pub at: f64,
}

/// Every entry in creation order, and the records moved to the quarantine by this read.
#[derive(Debug, Default)]
pub struct Listing {
    /// Readable entries, in creation order.
    pub entries: Vec<Entry>,
    /// Records this read moved to the quarantine.
    pub quarantined: Vec<Quarantined>,
    /// Records a newer SDK wrote (`entry::newer_format`): left in place, untouched, reported.
    pub skipped: Vec<Quarantined>,
    /// Size of all entry records as JSON, bytes.
    pub bytes: u64,
}

/// Storage of outbox entries. Futures are not `Send` (one thread in the browser).
#[allow(async_fn_in_trait)]
pub trait OutboxStore {
    /// Stores a new entry, giving it the next creation number (`seq`, also returned).
    async fn insert(&self, entry: &mut Entry) -> Result<u64, StoreError>;
    /// Replaces a stored entry (matched by `seq`); `NotFound` if it is gone.
    async fn update(&self, entry: &Entry) -> Result<(), StoreError>;
    /// The compare-and-set that keeps two contexts from sending one entry at once. In one
    /// readwrite transaction: reads entry `next.seq`, and writes `next` over it only if the
    /// stored entry still equals `expected` (claims aside) and no claim of another owner holds
    /// it unexpired at `now` (epoch ms; a claim of `owner` itself or one with `until <= now`
    /// does not count). The drain's claim step passes `next` with state `sending` and
    /// `claim: { owner, until }`; discard and retry pass one with no claim. `NotFound` if the
    /// entry is gone.
    async fn claim(&self, expected: &Entry, next: &Entry, owner: &str, now: f64) -> Result<Claimed, StoreError>;
    /// Issues `update` at once and returns a future that reports how it went. The write goes
    /// ahead whether or not the future is polled yet, and writes land in the order they were
    /// issued, so a drain can send the next entry while the last outcome is being written.
    fn update_issued(&self, entry: Entry) -> impl std::future::Future<Output = Result<(), StoreError>> + '_;
    /// `claim` for several entries in ONE readwrite transaction (a batch's claim): pair `i` is
    /// (`expected[i]`, `next[i]`). Stops at the first that is not `Taken`: the answer lists the
    /// `Taken` ones in order, then that one (`None`: the entry is gone), and nothing after it
    /// is written.
    async fn claim_many(&self, expected: &[Entry], next: &[Entry], owner: &str, now: f64) -> Result<Vec<Option<Claimed>>, StoreError>;
    /// `update_issued` of several entries in ONE transaction (with `strict: false`, for a
    /// write a crash may lose harmlessly: IndexedDB writes it with durability "relaxed"; the
    /// `sending` mark under the Web Lock reads back as the earlier state, and the entry is sent
    /// again with its key): a batch's outcomes (or marks) are committed together. Issued at once; an
    /// entry that is gone (purged) is skipped, not an error.
    fn update_many_issued(&self, entries: Vec<Entry>, strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + '_;
    /// `update_many_issued` by a pass holding the Web Lock: discard, retry and purge wait for
    /// that lock, so every entry still exists and IndexedDB skips the check (a `count` per
    /// entry, ~70 ms of main thread per 1,000 drained).
    fn update_many_locked(&self, entries: Vec<Entry>, strict: bool) -> impl std::future::Future<Output = Result<(), StoreError>> + '_ {
        self.update_many_issued(entries, strict)
    }
    /// How many times the database was lost under this store (deleted or upgraded by another
    /// context, or closed by the browser), so a write of entries read before cannot land on
    /// other records that took their keys since (`Drain::issue`).
    fn epoch(&self) -> u64 {
        0
    }
    /// A new entry, stored claimed when nothing of `queued.user` must go before it: in ONE
    /// strict readwrite transaction, reads at most `FIRST_LOOKAHEAD` of the user's live entries
    /// and stores `claimed` (the entry as claimed for its first attempt) if `first_in_line`
    /// says so, else `queued`. Sets `queued.seq`; answers whether `claimed` was stored. An
    /// online call's store-and-claim: the check and the write cannot be split by another
    /// context's write, so no other sender can have the entry.
    async fn insert_first(&self, queued: &mut Entry, claimed: &Entry) -> Result<bool, StoreError>;
    /// The entry with this id (`None` if absent or unreadable; unreadable goes to the quarantine).
    async fn get(&self, id: &str) -> Result<Option<Entry>, StoreError>;
    /// Every readable entry in creation order; unreadable records are moved to the quarantine.
    async fn list(&self) -> Result<Listing, StoreError>;
    /// The live (neither sent nor discarded) readable entries of `user`, in creation order.
    /// Cheap: tombstones and other users' entries are not read. Unreadable ones are skipped
    /// here; `list` moves them to the quarantine.
    async fn list_active(&self, user: &str) -> Result<Vec<Entry>, StoreError>;
    /// Deletes the entries with these creation numbers.
    async fn remove(&self, seqs: &[u64]) -> Result<(), StoreError>;
    /// What the quarantine holds.
    async fn quarantine(&self) -> Result<Vec<Quarantined>, StoreError>;
    /// Test hook: stores any record as if it were an entry (to test the quarantine).
    #[doc(hidden)]
    async fn insert_raw(&self, raw: Value) -> Result<u64, StoreError>;
}

/// What `OutboxStore::claim` found.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    /// `next` was written: for a claim, the caller owns the entry until its lease ends.
    Taken,
    /// Another owner's unexpired claim holds the entry; nothing was written.
    Busy {
        /// Who holds it.
        owner: String,
        /// When that lease ends, epoch ms.
        until: f64,
    },
    /// The stored entry is no longer the one the caller read (another context attempted or
    /// settled it, the app discarded or retried it): nothing was written; read it again.
    Changed,
}

/// The check `claim` makes on the stored entry, the same for every backend: `None` if `next`
/// may be written.
pub fn claim_check(stored: &Entry, expected: &Entry, owner: &str, now: f64) -> Option<Claimed> {
    if let Some(c) = &stored.claim {
        if c.owner != owner && c.until > now {
            return Some(Claimed::Busy { owner: c.owner.clone(), until: c.until });
        }
    }
    let unclaimed = |e: &Entry| Entry { claim: None, ..e.clone() };
    (unclaimed(stored) != unclaimed(expected)).then_some(Claimed::Changed)
}

/// How many of a user's live entries `insert_first` reads; with that many or more it does not
/// claim (the ordinary drain pass sorts out a long queue).
pub const FIRST_LOOKAHEAD: u32 = 16;

/// Whether new entry `e` may be claimed at once, given `live`, the user's live entries read
/// in the same transaction (`None`: one was unreadable, or there were `FIRST_LOOKAHEAD` or
/// more). Only when none of them is still to be sent (order: it would go first) and none holds
/// `e` back (`deps::blocker`: a dead or unknown entry it depends on).
pub fn first_in_line(live: Option<&[Entry]>, e: &Entry) -> bool {
    let Some(live) = live else { return false };
    // Stored after every one of them.
    let e = Entry { seq: u64::MAX, ..e.clone() };
    live.len() < FIRST_LOOKAHEAD as usize && live.iter().all(|a| !a.state.pending()) && crate::outbox::deps::blocker(&e, live).is_none()
}

/// Reads a record as an entry whose `seq` is its key; the error is the quarantine reason.
pub fn decode(seq: u64, raw: Value) -> Result<Entry, String> {
    let mut e = Entry::from_record(raw)?;
    e.seq = seq;
    Ok(e)
}

/// Sorts a record that did not decode: a newer SDK's goes to `listing.skipped` (left in place),
/// anything else is returned for the quarantine.
pub fn sort_unreadable(listing: &mut Listing, q: Quarantined) -> Option<Quarantined> {
    match crate::outbox::entry::newer_format(&q.raw) {
        Some(reason) => {
            listing.skipped.push(Quarantined { reason, ..q });
            None
        }
        None => Some(q),
    }
}
