//! Work grouped per turn of the event loop. The requests of one kind that arrive together
//! (1,000 calls made in a loop, an app awaiting `settled(id)` for 1,000 ids) run in ONE
//! transaction, and each resolves with its own result once that transaction has completed.
//! Two kinds use it (`IdbStore`): new entries, written in one strict readwrite transaction
//! (group commit: one flush to disk for many calls, each resolving only once its entry is on
//! disk; an abort, a full disk say, fails every insert of the group and none is stored), and
//! lookups by id, in one readonly transaction.

use super::req::{done, store_error, transaction};
use super::schema::ENTRIES;
use crate::store::StoreError;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Items (`I`) waiting for the group's transaction, and its outcome (`O` per item) once it ran.
pub struct Group<I, O> {
    items: RefCell<Vec<I>>,
    /// Each item's result, or why the transaction failed; set before `done` resolves.
    outcome: RefCell<Option<Result<Vec<O>, StoreError>>>,
    done: js_sys::Promise,
    resolve: js_sys::Function,
}

/// The group of a kind still taking items, if any.
pub struct Turn<I, O>(RefCell<Option<Rc<Group<I, O>>>>);

impl<I, O> Default for Turn<I, O> {
    fn default() -> Self {
        Turn(RefCell::new(None))
    }
}

impl<I: 'static, O: Clone + 'static> Turn<I, O> {
    /// Adds `item` to the open group (opening one if there is none) and resolves with its
    /// result: the caller that opens a group runs it with `run` (items in order → one result
    /// each) once the turn's other callers have joined.
    pub async fn join<F, Fut>(self: &Rc<Self>, item: I, db: Rc<super::conn::Conn>, run: F) -> Result<O, StoreError>
    where
        F: FnOnce(Result<web_sys::IdbDatabase, StoreError>, Vec<I>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<Vec<O>, StoreError>> + 'static,
    {
        let (group, index) = {
            let mut open = self.0.borrow_mut();
            match open.as_ref() {
                Some(g) => {
                    g.items.borrow_mut().push(item);
                    (g.clone(), g.items.borrow().len() - 1)
                }
                None => {
                    let mut resolve = None;
                    let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
                    let resolve = resolve.unwrap_or_else(|| js_sys::Function::new_no_args(""));
                    let g = Rc::new(Group { items: RefCell::new(vec![item]), outcome: RefCell::new(None), done, resolve });
                    *open = Some(g.clone());
                    let (g2, turn) = (g.clone(), self.clone());
                    // Spawned: it runs after the tasks already queued (the other calls of this turn).
                    wasm_bindgen_futures::spawn_local(async move {
                        turn.0.borrow_mut().take();
                        let items = g2.items.take();
                        let outcome = run(db.ready().await, items).await;
                        *g2.outcome.borrow_mut() = Some(outcome);
                        let _ = g2.resolve.call0(&JsValue::NULL);
                    });
                    (g, 0)
                }
            }
        };
        let _ = JsFuture::from(group.done.clone()).await;
        let result = match group.outcome.borrow().as_ref() {
            Some(Ok(results)) => results.get(index).cloned().ok_or_else(|| StoreError::Other("no result for a grouped request".into())),
            Some(Err(e)) => Err(e.clone()),
            None => Err(StoreError::Other("the group was never run".into())),
        };
        result
    }
}

/// Adds `records` in one strict transaction: their keys, once it has committed.
pub async fn add_all(db: Result<web_sys::IdbDatabase, StoreError>, records: Vec<JsValue>) -> Result<Vec<f64>, StoreError> {
    let tx = transaction(&db?, &[ENTRIES], true)?;
    let committed = done(&tx);
    let store = tx.object_store(ENTRIES).map_err(|e| store_error(&e))?;
    let mut reqs = Vec::with_capacity(records.len());
    for r in &records {
        reqs.push(store.add(r).map_err(|e| store_error(&e))?);
    }
    committed.await?;
    reqs.iter().map(|q| q.result().ok().and_then(|k| k.as_f64()).ok_or_else(|| StoreError::Other("no key for the new entry".into()))).collect()
}

/// One record looked up by id: its key (undefined if absent) and value.
pub type Found = (JsValue, JsValue);

/// Looks `ids` up in one readonly transaction.
pub async fn get_all(db: Result<web_sys::IdbDatabase, StoreError>, ids: Vec<String>) -> Result<Vec<Found>, StoreError> {
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
