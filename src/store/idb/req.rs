//! Transactions and requests through `indexed_db_futures`, the one place that maps its errors,
//! and the JSON conversions of stored values.
//!
//! The crate's rules this store is written for: a `Transaction` rolls back when dropped unless
//! `commit` was called (so `?` inside a write leaves nothing half written; a readonly one is
//! dropped once its results are read, and its abort undoes nothing); a request future
//! attaches its listeners at its first poll and then wakes in a microtask of the request's
//! success event, while the transaction is still active, so a write issued right after
//! awaiting a read of the same transaction keeps it alive; awaiting anything else lets it
//! commit. A request already done when first polled resolves at once (issued requests can be
//! awaited in turn without missing their events).
//!
//! Size: every request is built with `JsValue` keys and values (`.primitive()`, no serde) and
//! every crate error goes through `db_error` (no `Display` of the crate's error types), so few
//! generic instances of the crate end up in the wasm.

use super::conn::Db;
use crate::store::StoreError;
use indexed_db_futures::error::Error;
use indexed_db_futures::future::{BasicRequest, GetAllPrimitiveRequest};
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionDurability, TransactionMode, TransactionOptions};
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};
use wasm_bindgen::prelude::*;

/// The error a failed IndexedDB call or DOMException stands for.
pub fn store_error(e: &JsValue) -> StoreError {
    let name = js_sys::Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    let message = js_sys::Reflect::get(e, &"message".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| format!("{e:?}"));
    StoreError::from_dom(&name, message)
}

/// The crate's error as a `StoreError`: a DOMException by its name (quota, unavailable...),
/// anything else (a value of an unexpected type, a closed channel) `Other`. Not its `Display`:
/// that would bring the crate's messages for every variant into the wasm.
pub fn db_error(e: Error) -> StoreError {
    match e {
        Error::DomException(d) => store_error(d.as_ref()),
        Error::Unknown(j) => store_error(j.as_ref()),
        _ => StoreError::Other("IndexedDB returned unexpected data".into()),
    }
}

/// How a transaction writes.
#[derive(Clone, Copy, PartialEq)]
pub enum Mode {
    /// Readonly.
    Read,
    /// Readwrite, durability "strict": `complete` fires once the data is flushed to disk.
    Strict,
    /// Readwrite, durability "relaxed" (for writes a crash may lose harmlessly: claims, cache).
    Relaxed,
}

thread_local! {
    /// Readwrite transactions on `entries` begun by this instance (`early.rs`: entries read
    /// ahead are used only if none began since).
    static ENTRY_WRITES: Cell<u64> = const { Cell::new(0) };
}

/// How many readwrite transactions on `entries` this instance has begun.
pub fn entry_writes() -> u64 {
    ENTRY_WRITES.with(Cell::get)
}

/// A transaction over `stores`.
pub fn transaction(db: Db, stores: &[&str], mode: Mode) -> Result<Transaction<'static>, StoreError> {
    if mode != Mode::Read && stores.contains(&super::schema::ENTRIES) {
        ENTRY_WRITES.with(|w| w.set(w.get() + 1));
    }
    let durability = match mode {
        Mode::Read => return db.transaction(stores).build().map_err(db_error),
        Mode::Strict => TransactionDurability::Strict,
        Mode::Relaxed => TransactionDurability::Relaxed,
    };
    let options = TransactionOptions::new().with_durability(durability);
    db.transaction(stores).with_mode(TransactionMode::Readwrite).with_options(options).build().map_err(db_error)
}

/// Commits and waits for `complete`. A write refused for quota at commit reaches the crate as a
/// bare `abort` (no error event), which it reports as "aborted": the raw transaction's `error`
/// (a `QuotaExceededError`) is read first, so the caller still gets `Quota`.
pub async fn commit(tx: Transaction<'static>) -> Result<(), StoreError> {
    let raw: web_sys::IdbTransaction = (**tx.as_sys()).clone();
    tx.commit().await.map_err(|e| match raw.error() {
        Some(dom) => store_error(&dom.into()),
        None => db_error(e),
    })
}

/// An `add` of a new entry's record to `entries`, issued now: awaited after the commit, its new
/// key (the record's `seq`).
pub fn add(store: &indexed_db_futures::object_store::ObjectStore<'_>, record: JsValue) -> Result<BasicRequest<JsValue>, StoreError> {
    store.add(record).with_key_type::<JsValue>().primitive().map_err(db_error)
}

/// `getAll`'s count for "no limit". Every `getAll` is built with a query and a count (undefined
/// query: all records), so the crate's builder is instantiated once per store or index kind.
pub const ALL: u32 = 0;

/// A `getAll` or `getAllKeys` request's items, in order, once it has succeeded (the crate
/// yields them one JS call each; collected here, not into a new JS array: no call more).
pub async fn all(r: GetAllPrimitiveRequest<JsValue>) -> Result<Vec<JsValue>, StoreError> {
    Ok(r.await.map_err(db_error)?.map(|v| v.unwrap_or(JsValue::UNDEFINED)).collect())
}

#[wasm_bindgen]
extern "C" {
    // The global `TextEncoder` (windows and workers alike), bound here to take a JS string:
    // web-sys's `encode_with_input` takes a Rust one.
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    /// `{ read, written }`.
    #[wasm_bindgen(method, js_name = encodeInto)]
    fn encode_into(this: &TextEncoder, text: &js_sys::JsString, into: &js_sys::Uint8Array) -> JsValue;
}

/// A JS string's UTF-8 bytes in wasm memory, encoded natively straight into them
/// (`encodeInto`). wasm-bindgen's own string passing copies ASCII a character at a time in JS,
/// slow before the JIT warms up, which is when a cold load runs; `encode` then a copy into wasm
/// memory took 0.5 ms of a 500-entity cold read (93 KB), `encodeInto` 0.2 ms (bench/cache.mjs).
/// Also how many stored entries cross at once (`to_json_many`).
pub fn utf8(text: &js_sys::JsString) -> Vec<u8> {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    let cap = text.length() as usize * 3;
    let mut out = Vec::<u8>::with_capacity(cap);
    let encoder = TextEncoder::new();
    // SAFETY: the view covers `out`'s allocation and is used at once, by `encodeInto` alone,
    // with nothing allocated in between (an allocation could grow the memory under it).
    let view = unsafe { js_sys::Uint8Array::view_mut_raw(out.as_mut_ptr(), cap) };
    let answer = encoder.encode_into(text, &view);
    drop(view);
    let written = js_sys::Reflect::get(&answer, &"written".into()).ok().and_then(|w| w.as_f64()).unwrap_or(0.0) as usize;
    // SAFETY: `encodeInto` wrote these first `written` bytes (never more than the view holds).
    unsafe { out.set_len(written.min(cap)) };
    out
}

/// Stored JS values as JSON, all at once: one `JSON.stringify` of them as an array, its text
/// encoded into wasm memory and parsed once. `None` if any is not JSON-shaped (or is null or
/// undefined): the caller then reads them one by one (`to_json`), as before. One at a time, a
/// drain's listing of 1,000 entries cost ~30 ms of calls across the boundary before its first
/// POST (bench/drain-profile.mjs); an app awaiting `settled()` of 1,000 ids as much again.
pub fn to_json_many(values: &[JsValue]) -> Option<Vec<serde_json::Value>> {
    let array: js_sys::Array = values.iter().collect();
    let text: js_sys::JsString = js_sys::JSON::stringify(&array).ok()?;
    let bytes = utf8(&text);
    match outbox_json::value(std::str::from_utf8(&bytes).ok()?).ok()? {
        serde_json::Value::Array(all) if all.len() == values.len() && all.iter().all(|v| !v.is_null()) => Some(all),
        _ => None,
    }
}

/// A stored JS value as JSON (`Err` when it is not JSON-shaped) and its size in bytes.
pub fn to_json(v: &JsValue) -> Result<(serde_json::Value, u64), String> {
    let text = js_sys::JSON::stringify(v).map_err(|_| "not JSON-serializable".to_string())?;
    let text: String = text.as_string().unwrap_or_default();
    if text.is_empty() {
        return Err("empty or undefined record".into());
    }
    outbox_json::value(&text).map(|j| (j, text.len() as u64)).map_err(|e| e.to_string())
}

/// Runs `work` as its own task, started now, and resolves with its result: a write issued at a
/// call goes ahead (its reads chained to its writes, its commit) even if the returned future is
/// polled late or never (`update_issued`: a drain sends the next entry meanwhile).
pub fn spawn<T: 'static>(work: impl Future<Output = T> + 'static) -> impl Future<Output = T> {
    let slot: Rc<RefCell<(Option<T>, Option<Waker>)>> = Rc::new(RefCell::new((None, None)));
    let s2 = slot.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let v = work.await;
        let waker = {
            let mut s = s2.borrow_mut();
            s.0 = Some(v);
            s.1.take()
        };
        if let Some(w) = waker {
            w.wake();
        }
    });
    std::future::poll_fn(move |cx| {
        let mut s = slot.borrow_mut();
        match s.0.take() {
            Some(v) => Poll::Ready(v),
            None => {
                s.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    })
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

/// A raw request's result, or its error: for the one read that needs the records as the JS
/// array IndexedDB made (`cache.rs`, the cold load).
pub fn raw_result(req: web_sys::IdbRequest) -> impl Future<Output = Result<JsValue, StoreError>> {
    let mut hold: Option<(Handler, Handler)> = None;
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let ok = Handler::new(move |_| {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err_req = req.clone();
        let err = Handler::new(move |_| {
            let e = err_req.error().ok().flatten().map(JsValue::from).unwrap_or_else(|| "request failed".into());
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        req.set_onsuccess(Some(ok.as_ref().unchecked_ref()));
        req.set_onerror(Some(err.as_ref().unchecked_ref()));
        hold = Some((ok, err));
    });
    async move {
        let r = wasm_bindgen_futures::JsFuture::from(p).await;
        req.set_onsuccess(None);
        req.set_onerror(None);
        drop(hold);
        r.map_err(|e| store_error(&e))
    }
}
