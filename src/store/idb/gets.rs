//! Grouped lookups by id: the `get`s issued in one turn of the event loop (an app calling
//! `settled(id)` for 1,000 ids at once, say) share ONE readonly transaction instead of one
//! each; each resolves with its own record once that transaction has completed.

use super::req::{done, store_error, transaction};
use super::schema::ENTRIES;
use crate::store::StoreError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// One record looked up: its key (undefined if absent) and value.
type Found = (JsValue, JsValue);

/// Ids waiting for the next lookup transaction, and its outcome once it ran.
pub struct Lookup {
    ids: RefCell<Vec<String>>,
    outcome: RefCell<Option<Result<Vec<Found>, StoreError>>>,
    done: js_sys::Promise,
    resolve: js_sys::Function,
}

/// The lookup group still taking ids, if any.
#[derive(Default)]
pub struct Gets(RefCell<Option<Rc<Lookup>>>);

impl Gets {
    /// Adds `id` to the open group (opening one if there is none): the group, the id's index in
    /// it, and whether the caller opened it (and so must run it).
    pub fn join(&self, id: &str) -> (Rc<Lookup>, usize, bool) {
        let mut open = self.0.borrow_mut();
        if let Some(g) = open.as_ref() {
            let mut ids = g.ids.borrow_mut();
            ids.push(id.to_string());
            return (g.clone(), ids.len() - 1, false);
        }
        let mut resolve = None;
        let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
        let resolve = resolve.unwrap_or_else(|| js_sys::Function::new_no_args(""));
        let g = Rc::new(Lookup { ids: RefCell::new(vec![id.to_string()]), outcome: RefCell::new(None), done, resolve });
        *open = Some(g.clone());
        (g, 0, true)
    }

    /// Closes the open group to new ids (it is about to run).
    pub fn close(&self) {
        self.0.borrow_mut().take();
    }
}

impl Lookup {
    /// Looks every id of the group up in one readonly transaction on `db`; records what it found
    /// (or the error) and wakes the waiters.
    pub async fn run(&self, db: Result<web_sys::IdbDatabase, StoreError>) {
        let ids = self.ids.take();
        let outcome = async {
            let tx = transaction(&db?, &[ENTRIES], false)?;
            let completed = done(&tx);
            let index = tx.object_store(ENTRIES).and_then(|s| s.index("id")).map_err(|e| store_error(&e))?;
            let mut reqs = Vec::with_capacity(ids.len());
            for id in &ids {
                let id = JsValue::from_str(id);
                reqs.push((index.get_key(&id).map_err(|e| store_error(&e))?, index.get(&id).map_err(|e| store_error(&e))?));
            }
            completed.await?;
            Ok(reqs.iter().map(|(k, v)| (k.result().unwrap_or(JsValue::UNDEFINED), v.result().unwrap_or(JsValue::UNDEFINED))).collect())
        }
        .await;
        *self.outcome.borrow_mut() = Some(outcome);
        let _ = self.resolve.call0(&JsValue::NULL);
    }

    /// What the lookup of id `index` found, once the group's transaction has completed.
    pub async fn found(&self, index: usize) -> Result<Found, StoreError> {
        let _ = JsFuture::from(self.done.clone()).await;
        match self.outcome.borrow().as_ref() {
            Some(Ok(found)) => found.get(index).cloned().ok_or_else(|| StoreError::Other("lookup lost".into())),
            Some(Err(e)) => Err(e.clone()),
            None => Err(StoreError::Other("the lookup group never ran".into())),
        }
    }
}
