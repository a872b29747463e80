//! Group commit of new entries: the inserts that arrive together (in one turn of the event
//! loop: 1,000 calls made in a loop, say) are written in ONE strict readwrite transaction, and
//! each resolves, with its own key, when that transaction has committed (its entry is on
//! disk). One commit (one flush to disk) for many calls instead of one each; an abort (a full
//! disk) fails every insert of the group, and none of them is stored.

use super::req::{done, store_error, transaction};
use super::schema::ENTRIES;
use crate::store::StoreError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Records waiting for the next group transaction, and its outcome once it ran.
pub struct Group {
    records: RefCell<Vec<JsValue>>,
    /// Each record's key, or why the transaction failed; set before `done` resolves.
    outcome: RefCell<Option<Result<Vec<f64>, StoreError>>>,
    done: js_sys::Promise,
    resolve: js_sys::Function,
}

/// The group still taking records, if any.
#[derive(Default)]
pub struct Inserts(RefCell<Option<Rc<Group>>>);

impl Inserts {
    /// Adds `record` to the open group (opening one if there is none). Returns the group, the
    /// record's index in it, and whether the caller opened it (and so must flush it).
    pub fn join(&self, record: JsValue) -> (Rc<Group>, usize, bool) {
        let mut open = self.0.borrow_mut();
        if let Some(g) = open.as_ref() {
            let mut records = g.records.borrow_mut();
            records.push(record);
            return (g.clone(), records.len() - 1, false);
        }
        let mut resolve = None;
        let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        let resolve = resolve.unwrap_or_else(|| js_sys::Function::new_no_args(""));
        let g = Rc::new(Group { records: RefCell::new(vec![record]), outcome: RefCell::new(None), done, resolve });
        *open = Some(g.clone());
        (g, 0, true)
    }

    /// Closes the open group to new records (the flush is about to write it).
    pub fn close(&self) {
        self.0.borrow_mut().take();
    }
}

impl Group {
    /// Writes every record of the group in one strict transaction on `db`; records the keys
    /// (or the error) and wakes the waiters.
    pub async fn write(&self, db: Result<web_sys::IdbDatabase, StoreError>) {
        let records = self.records.take();
        let outcome = async {
            let tx = transaction(&db?, &[ENTRIES], true)?;
            let committed = done(&tx);
            let store = tx.object_store(ENTRIES).map_err(|e| store_error(&e))?;
            let mut reqs = Vec::with_capacity(records.len());
            for r in &records {
                reqs.push(store.add(r).map_err(|e| store_error(&e))?);
            }
            committed.await?;
            reqs.iter()
                .map(|q| q.result().ok().and_then(|k| k.as_f64()).ok_or_else(|| StoreError::Other("no key for the new entry".into())))
                .collect()
        }
        .await;
        *self.outcome.borrow_mut() = Some(outcome);
        let _ = self.resolve.call0(&JsValue::NULL);
    }

    /// The key of record `index`, once the group's transaction has committed.
    pub async fn key(&self, index: usize) -> Result<u64, StoreError> {
        let _ = JsFuture::from(self.done.clone()).await;
        match self.outcome.borrow().as_ref() {
            Some(Ok(keys)) => keys.get(index).map(|k| *k as u64).ok_or_else(|| StoreError::Other("no key for the new entry".into())),
            Some(Err(e)) => Err(e.clone()),
            None => Err(StoreError::Other("the insert group was never written".into())),
        }
    }
}
