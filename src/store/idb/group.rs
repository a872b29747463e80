//! Work grouped per turn of the event loop. The requests of one kind that arrive together
//! (1,000 calls made in a loop, an app awaiting `settled(id)` for 1,000 ids) run in ONE
//! transaction, and each resolves with its own result once that transaction has completed.
//! Two kinds use it (`IdbStore`): new entries, written in one strict readwrite transaction
//! (group commit: one flush to disk for many calls, each resolving only once its entry is on
//! disk; an abort, a full disk say, fails every insert of the group and none is stored), and
//! lookups by id, in one readonly transaction.

use super::conn::Db;
use super::req::{commit, db_error, transaction, Mode};
use super::schema::ENTRIES;
use crate::store::StoreError;
use indexed_db_futures::prelude::*;
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
        F: FnOnce(Result<Db, StoreError>, Vec<I>) -> Fut + 'static,
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
pub async fn add_all(db: Result<Db, StoreError>, records: Vec<JsValue>) -> Result<Vec<f64>, StoreError> {
    let tx = transaction(db?, &[ENTRIES], Mode::Strict)?;
    let store = tx.object_store(ENTRIES).map_err(db_error)?;
    let mut reqs = Vec::with_capacity(records.len());
    for r in records {
        reqs.push(store.add(r).with_key_type::<JsValue>().primitive().map_err(db_error)?);
    }
    drop(store);
    commit(tx).await?;
    // Each add succeeded before `complete`: its future resolves at once with the new key.
    let mut keys = Vec::with_capacity(reqs.len());
    for q in reqs {
        keys.push(q.await.map_err(db_error)?.as_f64().ok_or_else(|| StoreError::Other("no key for the new entry".into()))?);
    }
    Ok(keys)
}

/// One record looked up by id: its key (undefined if absent) and value.
pub type Found = (JsValue, JsValue);

/// Looks `ids` up in one readonly transaction, every request issued before the first await.
pub async fn get_all(db: Result<Db, StoreError>, ids: Vec<String>) -> Result<Vec<Found>, StoreError> {
    let tx = transaction(db?, &[ENTRIES], Mode::Read)?;
    let store = tx.object_store(ENTRIES).map_err(db_error)?;
    let index = store.index("id").map_err(db_error)?;
    let mut reqs = Vec::with_capacity(ids.len());
    for id in ids {
        let id = JsValue::from(id);
        let k = index.get_key(id.clone()).primitive().map_err(db_error)?;
        reqs.push((k, index.get::<JsValue, _, _>(id).primitive().map_err(db_error)?));
    }
    let mut found = Vec::with_capacity(reqs.len());
    for (k, v) in reqs {
        let k: Option<JsValue> = k.await.map_err(db_error)?;
        found.push((k.unwrap_or(JsValue::UNDEFINED), v.await.map_err(db_error)?.unwrap_or(JsValue::UNDEFINED)));
    }
    Ok(found)
}
