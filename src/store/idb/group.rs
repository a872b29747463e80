//! Work grouped per turn of the event loop. The requests of one kind that arrive together
//! (1,000 calls made in a loop, an app awaiting `settled(id)` for 1,000 ids) run in ONE
//! transaction, and each resolves with its own result once that transaction has completed.
//! Two kinds use it (`IdbStore`): new entries, written in one strict readwrite transaction
//! (group commit: one flush to disk for many calls, each resolving only once its entry is on
//! disk; an abort, a full disk say, fails every insert of the group and none is stored), and
//! lookups by id, in one readonly transaction.
//!
//! A group may begin its transaction when it opens (`S`, its state) and issue each item on it
//! as it joins: IndexedDB then writes the first entries while the later calls are still being
//! built (issue 9's 1,000 concurrent calls spent ~40 ms building records before their one
//! transaction began).

use super::conn::Db;
use super::req::{add, all, commit, db_error, transaction, Mode, ALL};
use super::schema::ENTRIES;
use crate::store::StoreError;
use indexed_db_futures::future::BasicRequest;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::Transaction;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Items (`I`) waiting for the group's transaction, the group's state (`S`), and its outcome
/// (`O` per item) once it ran.
pub struct Group<I, O, S> {
    items: RefCell<Vec<I>>,
    /// Taken (left at its default) by the run.
    state: RefCell<S>,
    /// Each item's result, or why the transaction failed; set before `done` resolves.
    outcome: RefCell<Option<Result<Vec<O>, StoreError>>>,
    done: js_sys::Promise,
    resolve: js_sys::Function,
}

/// The group of a kind still taking items, if any.
pub struct Turn<I, O, S = ()>(RefCell<Option<Rc<Group<I, O, S>>>>);

impl<I, O, S> Default for Turn<I, O, S> {
    fn default() -> Self {
        Turn(RefCell::new(None))
    }
}

impl<I: 'static, O: Clone + 'static, S: Default + 'static> Turn<I, O, S> {
    /// Adds `item` to the open group (opening one if there is none, its state made by `start`)
    /// and resolves with its result. `push` sees each item as it joins, with the group's state.
    /// The caller that opens a group runs it with `run` (the state, items in order → one
    /// result each) once the turn's other callers have joined: all of them join before the
    /// turn's microtasks are done, so a transaction begun by `start` is still active for them.
    pub async fn join_with<F, Fut>(
        self: &Rc<Self>,
        mut item: I,
        db: Rc<super::conn::Conn>,
        start: impl FnOnce(&super::conn::Conn) -> S,
        push: impl FnOnce(&S, &mut I),
        run: F,
    ) -> Result<O, StoreError>
    where
        F: FnOnce(Result<Db, StoreError>, S, Vec<I>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<Vec<O>, StoreError>> + 'static,
    {
        let (group, index) = {
            let mut open = self.0.borrow_mut();
            let group = match open.as_ref() {
                Some(g) => g.clone(),
                None => {
                    let mut resolve = None;
                    let done = js_sys::Promise::new(&mut |res, _| resolve = Some(res));
                    let resolve = resolve.unwrap_or_else(|| js_sys::Function::new_no_args(""));
                    let state = RefCell::new(start(&db));
                    let g = Rc::new(Group { items: RefCell::default(), state, outcome: RefCell::new(None), done, resolve });
                    *open = Some(g.clone());
                    let (g2, turn) = (g.clone(), self.clone());
                    // Spawned: it runs after the tasks already queued (the other calls of this turn).
                    wasm_bindgen_futures::spawn_local(async move {
                        turn.0.borrow_mut().take();
                        let (items, state) = (g2.items.take(), g2.state.take());
                        let outcome = run(db.ready().await, state, items).await;
                        *g2.outcome.borrow_mut() = Some(outcome);
                        let _ = g2.resolve.call0(&JsValue::NULL);
                    });
                    g
                }
            };
            push(&group.state.borrow(), &mut item);
            group.items.borrow_mut().push(item);
            let index = group.items.borrow().len() - 1;
            (group, index)
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

impl<I: 'static, O: Clone + 'static> Turn<I, O> {
    /// `join_with` for a group with no state: its items are issued when it runs.
    pub fn join<F, Fut>(self: &Rc<Self>, item: I, db: Rc<super::conn::Conn>, run: F) -> impl std::future::Future<Output = Result<O, StoreError>> + use<'_, I, O, F, Fut>
    where
        F: FnOnce(Result<Db, StoreError>, Vec<I>) -> Fut + 'static,
        Fut: std::future::Future<Output = Result<Vec<O>, StoreError>> + 'static,
    {
        self.join_with(item, db, |_| (), |_, _| {}, |db, (), items| run(db, items))
    }
}

/// A new entry's record, and its `add` if it was issued on the group's transaction.
pub struct Insert {
    record: JsValue,
    issued: Option<BasicRequest<JsValue>>,
}

impl Insert {
    pub fn new(record: JsValue) -> Insert {
        Insert { record, issued: None }
    }
}

/// The inserts' state: their strict transaction, begun when the group opens if the connection
/// is open (else, or if it could not begin, the group begins one when it runs).
pub type Inserting = Option<Transaction<'static>>;

/// Begins the inserts' transaction at once, if the connection is open.
pub fn begin_inserts(conn: &super::conn::Conn) -> Inserting {
    transaction(conn.current().ok()??, &[ENTRIES], Mode::Strict).ok()
}

/// Issues a joining insert on the group's transaction. An `add` that throws (a value IndexedDB
/// cannot store, a transaction no longer active) leaves it unissued: `add_all` then writes the
/// whole group again in a new transaction, where the same error fails every insert of it.
pub fn issue_insert(tx: &Inserting, insert: &mut Insert) {
    let Some(tx) = tx else { return };
    let Ok(store) = tx.object_store(ENTRIES) else { return };
    insert.issued = add(&store, insert.record.clone()).ok();
}

/// Adds the group's records in one strict transaction: their keys, once it has committed.
pub async fn add_all(db: Result<Db, StoreError>, began: Inserting, inserts: Vec<Insert>) -> Result<Vec<f64>, StoreError> {
    let db = db?;
    let (tx, reqs): (_, Vec<BasicRequest<JsValue>>) = match began {
        Some(tx) if inserts.iter().all(|i| i.issued.is_some()) => (tx, inserts.into_iter().filter_map(|i| i.issued).collect()),
        began => {
            // Dropping a begun transaction aborts it: none of its adds is stored.
            drop(began);
            let tx = transaction(db, &[ENTRIES], Mode::Strict)?;
            let store = tx.object_store(ENTRIES).map_err(db_error)?;
            let mut reqs = Vec::with_capacity(inserts.len());
            for i in inserts {
                reqs.push(add(&store, i.record)?);
            }
            drop(store);
            (tx, reqs)
        }
    };
    commit(tx).await?;
    // Each add succeeded before `complete`: its future resolves at once with the new key.
    let mut keys = Vec::with_capacity(reqs.len());
    for q in reqs {
        keys.push(q.await.map_err(db_error)?.as_f64().ok_or_else(|| StoreError::Other("no key for the new entry".into()))?);
    }
    Ok(keys)
}

/// One entry looked up by id, decoded (`None`: absent or unreadable).
pub type Found = Option<crate::outbox::entry::Entry>;

/// From this many ids on, a group reads every record once (two requests) instead of two per
/// id, when the store holds at most `SCAN_RATIO` records per id: an app awaiting `settled()`
/// of 1,000 queued ids issued 2,000 requests, and the drain's first POST waited ~90 ms behind
/// them (bench/drain-profile.mjs).
const SCAN_FROM: usize = 64;
const SCAN_RATIO: usize = 8;

/// Looks `ids` up in one readonly transaction: every request issued before the first await,
/// or, for many ids in a store not much larger, one read of every record.
pub async fn get_all(db: Result<Db, StoreError>, ids: Vec<String>) -> Result<Vec<Found>, StoreError> {
    let tx = transaction(db?, &[ENTRIES], Mode::Read)?;
    let store = tx.object_store(ENTRIES).map_err(db_error)?;
    if ids.len() >= SCAN_FROM {
        // The keys first (numbers: cheap to read), to see how many records there are.
        let keys = all(store.get_all_keys().with_query(JsValue::UNDEFINED).with_limit(ALL).primitive().map_err(db_error)?).await?;
        if keys.len() <= ids.len() * SCAN_RATIO {
            return scan(&store, &ids, keys).await;
        }
    }
    let index = store.index("id").map_err(db_error)?;
    let mut reqs = Vec::with_capacity(ids.len());
    for id in ids {
        let id = JsValue::from(id);
        let k = index.get_key(id.clone()).primitive().map_err(db_error)?;
        reqs.push((k, index.get::<JsValue, _, _>(id).primitive().map_err(db_error)?));
    }
    let (mut keys, mut values) = (Vec::with_capacity(reqs.len()), Vec::with_capacity(reqs.len()));
    for (k, v) in reqs {
        let k: Option<JsValue> = k.await.map_err(db_error)?;
        keys.push(k.unwrap_or(JsValue::UNDEFINED));
        values.push(v.await.map_err(db_error)?.unwrap_or(JsValue::UNDEFINED));
    }
    Ok(decode_found(&keys, &values))
}

/// `ids` found in one read of every record, matched by their `id` field.
async fn scan(store: &indexed_db_futures::object_store::ObjectStore<'_>, ids: &[String], all_keys: Vec<JsValue>) -> Result<Vec<Found>, StoreError> {
    // Every record, in key order: the same records as the keys (a readonly transaction sees
    // no write until it ends).
    let all_values = all(store.get_all().with_query(JsValue::UNDEFINED).with_limit(ALL).primitive().map_err(db_error)?).await?;
    // Where each wanted id is asked, in a serde_json map (a BTreeMap of another key or value
    // type would be another copy of its code in the wasm). Ids are unique record fields.
    let mut wanted = serde_json::Map::new();
    for (i, id) in ids.iter().enumerate() {
        wanted.insert(id.clone(), i.into());
    }
    let mut keys: Vec<JsValue> = ids.iter().map(|_| JsValue::UNDEFINED).collect();
    let mut values = keys.clone();
    for (k, v) in all_keys.into_iter().zip(all_values) {
        let id = js_sys::Reflect::get(&v, &"id".into()).ok().and_then(|i| i.as_string());
        if let Some(at) = id.and_then(|id| wanted.get(&id).and_then(serde_json::Value::as_u64)) {
            keys[at as usize] = k;
            values[at as usize] = v;
        }
    }
    // An id asked twice in the turn: the map kept its last place; the others copy it.
    for i in 0..ids.len() {
        if let Some(at) = wanted.get(&ids[i]).and_then(serde_json::Value::as_u64).filter(|&at| at as usize != i) {
            keys[i] = keys[at as usize].clone();
            values[i] = values[at as usize].clone();
        }
    }
    Ok(decode_found(&keys, &values))
}

/// Looked-up records decoded (an undefined key: not found).
fn decode_found(keys: &[JsValue], values: &[JsValue]) -> Vec<Found> {
    let mut out: Vec<Found> = keys.iter().map(|_| None).collect();
    super::decode_entries(keys, values, &mut |i, e| out[i] = Some(e));
    out
}
