//! An online call's store-and-claim (`OutboxStore::insert_first`) on IndexedDB: one strict
//! readwrite transaction that reads the user's live entries and adds the new one, claimed or
//! queued. The add is sent as soon as the read is awaited (its future wakes in a microtask of
//! the read's success event, with no other await in between), so the transaction cannot commit
//! early and no other context's write on `entries` can come between the check and the write.

use super::req::{add, all, commit, db_error, to_json, transaction, Mode};
use super::schema::ENTRIES;
use super::IdbStore;
use crate::outbox::entry::Entry;
use crate::store::{decode, first_in_line, StoreError, FIRST_LOOKAHEAD};
use indexed_db_futures::prelude::*;
use wasm_bindgen::prelude::*;

impl IdbStore {
    /// See `OutboxStore::insert_first`: (key of the new record, whether it was stored claimed).
    pub(super) async fn add_first(&self, queued: &Entry, claimed: &Entry) -> Result<(u64, bool), StoreError> {
        let tx = transaction(self.conn.ready().await?, &[ENTRIES], Mode::Strict)?;
        let store = tx.object_store(ENTRIES).map_err(db_error)?;
        let index = store.index("active").map_err(db_error)?;
        let read = index.get_all().with_query(JsValue::from_str(&queued.user)).with_limit(FIRST_LOOKAHEAD).primitive().map_err(db_error)?;
        let values = all(read).await?;
        // An unreadable one (or a newer SDK's) is left to the ordinary pass.
        let live: Option<Vec<Entry>> = values.iter().map(|v| to_json(&v).ok().and_then(|(j, _)| decode(0, j).ok())).collect();
        let claim = first_in_line(live.as_deref(), queued);
        let added = add(&store, super::record(if claim { claimed } else { queued }))?;
        drop(index);
        drop(store);
        commit(tx).await?;
        // The add succeeded before `complete`: its future resolves at once with the new key.
        match added.await.map_err(db_error)?.as_f64() {
            Some(k) => Ok((k as u64, claim)),
            None => Err(StoreError::Other("the new entry was not stored (no key)".into())),
        }
    }
}
