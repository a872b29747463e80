//! IndexedDB's callbacks as futures: a request's result, a transaction's completion, and
//! mapping `DOMException` names to `StoreError`. Raw web-sys (no wrapper crate): it is small
//! and keeps control of when a transaction commits.

use crate::store::StoreError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

#[wasm_bindgen]
extern "C" {
    // `db.transaction(names, mode, { durability })`: web-sys gates the options form behind
    // an unstable cfg, so it is bound here directly.
    type DbWithOptions;
    #[wasm_bindgen(method, catch, js_name = transaction)]
    fn transaction_with_options(this: &DbWithOptions, names: &js_sys::Array, mode: &str, options: &JsValue) -> Result<IdbTransaction, JsValue>;
}

/// The error a failed IndexedDB call or DOMException stands for.
pub fn store_error(e: &JsValue) -> StoreError {
    let name = js_sys::Reflect::get(e, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
    let message = js_sys::Reflect::get(e, &"message".into()).ok().and_then(|n| n.as_string()).unwrap_or_else(|| format!("{e:?}"));
    StoreError::from_dom(&name, message)
}

/// A transaction over `stores`; writes use durability "strict" (flushed to disk before `complete`).
pub fn transaction(db: &IdbDatabase, stores: &[&str], write: bool) -> Result<IdbTransaction, StoreError> {
    let names: js_sys::Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let options = js_sys::Object::new();
    if write {
        js_sys::Reflect::set(&options, &"durability".into(), &"strict".into()).ok();
    }
    db.unchecked_ref::<DbWithOptions>().transaction_with_options(&names, if write { "readwrite" } else { "readonly" }, &options).map_err(|e| store_error(&e))
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

/// A readwrite transaction with durability "relaxed" (for writes a crash may lose harmlessly).
pub fn transaction_relaxed(db: &IdbDatabase, stores: &[&str]) -> Result<IdbTransaction, StoreError> {
    let names: js_sys::Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"durability".into(), &"relaxed".into()).ok();
    db.unchecked_ref::<DbWithOptions>().transaction_with_options(&names, "readwrite", &options).map_err(|e| store_error(&e))
}

/// Resolves with the request's result, or fails with its error. The two handlers live until
/// the request settles and are then dropped (one-shot closures would leak the one not called).
/// The handlers are attached now, not at the first poll, so several requests can be issued and
/// then awaited in turn without missing an event.
pub fn request(req: IdbRequest) -> impl std::future::Future<Output = Result<JsValue, StoreError>> {
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
        let r = JsFuture::from(p).await;
        req.set_onsuccess(None);
        req.set_onerror(None);
        drop(hold);
        r.map_err(|e| store_error(&e))
    }
}

/// Resolves when the transaction commits; fails with its error when it aborts. Handlers are
/// attached now, not at the first poll.
pub fn done(tx: &IdbTransaction) -> impl std::future::Future<Output = Result<(), StoreError>> {
    let tx = tx.clone();
    let mut hold: Option<(Handler, Handler)> = None;
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = Handler::new(move |_| {
            let _ = resolve.call0(&JsValue::NULL);
        });
        let t2 = tx.clone();
        let fail = Handler::new(move |_| {
            let e = t2.error().map(JsValue::from).unwrap_or_else(|| "transaction aborted".into());
            let _ = reject.call1(&JsValue::NULL, &e);
        });
        tx.set_oncomplete(Some(ok.as_ref().unchecked_ref()));
        // onerror fires first for a failed request, then onabort: abort is the verdict.
        tx.set_onabort(Some(fail.as_ref().unchecked_ref()));
        hold = Some((ok, fail));
    });
    async move {
        let r = JsFuture::from(p).await;
        tx.set_oncomplete(None);
        tx.set_onabort(None);
        drop(hold);
        r.map(|_| ()).map_err(|e| store_error(&e))
    }
}

/// A JSON value as a plain JS value (what is stored).
pub fn to_js(v: &serde_json::Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

/// A stored JS value as JSON (`Err` when it is not JSON-shaped) and its size in bytes.
pub fn to_json(v: &JsValue) -> Result<(serde_json::Value, u64), String> {
    let text = js_sys::JSON::stringify(v).map_err(|_| "not JSON-serializable".to_string())?;
    let text: String = text.as_string().unwrap_or_default();
    if text.is_empty() {
        return Err("empty or undefined record".into());
    }
    serde_json::from_str(&text).map(|j| (j, text.len() as u64)).map_err(|e| e.to_string())
}
