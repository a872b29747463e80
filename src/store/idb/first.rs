//! An online call's store-and-claim (`OutboxStore::insert_first`) on IndexedDB: one strict
//! readwrite transaction that reads the user's live entries and adds the new one, claimed or
//! queued. The add is issued in the read's success callback (no await in between), so the
//! transaction cannot commit early and no other context's write on `entries` can come between
//! the check and the write.

use super::req::{done, store_error, to_json, transaction};
use super::schema::ENTRIES;
use super::IdbStore;
use crate::outbox::entry::Entry;
use crate::store::{decode, first_in_line, StoreError, FIRST_LOOKAHEAD};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

impl IdbStore {
    /// See `OutboxStore::insert_first`: (key of the new record, whether it was stored claimed).
    pub(super) async fn add_first(&self, queued: &Entry, claimed: &Entry) -> Result<(u64, bool), StoreError> {
        let tx = transaction(&self.conn.ready().await?, &[ENTRIES], true)?;
        let committed = done(&tx);
        let store = tx.object_store(ENTRIES).map_err(|e| store_error(&e))?;
        let index = store.index("active").map_err(|e| store_error(&e))?;
        let read = index
            .get_all_with_key_and_limit(&JsValue::from_str(&queued.user), FIRST_LOOKAHEAD)
            .map_err(|e| store_error(&e))?;
        let first = Rc::new(Cell::new(false));
        let added: Rc<RefCell<Option<web_sys::IdbRequest>>> = Rc::default();
        let (r2, f2, a2) = (read.clone(), first.clone(), added.clone());
        let (q, c) = (super::record(queued), super::record(claimed));
        let user_entry = queued.clone();
        let on = Closure::once_into_js(move |_: web_sys::Event| {
            let values: js_sys::Array = r2.result().map(JsCast::unchecked_into).unwrap_or_else(|_| js_sys::Array::new());
            // An unreadable one (or a newer SDK's) is left to the ordinary pass.
            let live: Option<Vec<Entry>> = values.iter().map(|v| to_json(&v).ok().and_then(|(j, _)| decode(0, &j).ok())).collect();
            let claim = first_in_line(live.as_deref(), &user_entry);
            f2.set(claim);
            // A failed add aborts the transaction: `committed` reports it.
            *a2.borrow_mut() = store.add(if claim { &c } else { &q }).ok();
        });
        read.set_onsuccess(Some(on.unchecked_ref()));
        committed.await?;
        let key = added.borrow().as_ref().and_then(|r| r.result().ok()).and_then(|k| k.as_f64());
        match key {
            Some(k) => Ok((k as u64, first.get())),
            None => Err(StoreError::Other("the new entry was not stored (no key)".into())),
        }
    }
}
