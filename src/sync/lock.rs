//! One drainer at a time across tabs, workers and the service worker: a Web Lock
//! (`navigator.locks`, present in all three) held for the whole pass. Requests wait their turn,
//! so a call made while another context drains is sent by whichever pass reaches it first.
//!
//! Web Locks exist only in secure contexts (not on a plain-http intranet host). Without them a
//! context still runs one locked section at a time (a queue in memory), but other contexts run
//! theirs at the same time: then the claim in the store (`OutboxStore::claim`, a lease checked
//! and written in one IndexedDB transaction) is what keeps two of them from sending one entry.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

fn lock_manager() -> Option<JsValue> {
    let nav = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = js_sys::Reflect::get(&nav, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

thread_local! {
    /// Without Web Locks: per name, the promise that resolves when the last queued section ends.
    static TAILS: RefCell<HashMap<String, js_sys::Promise>> = RefCell::new(HashMap::new());
}

/// Runs `f(exclusive)` holding the exclusive Web Lock `name`; `exclusive` is true when the
/// Web Lock was held (no other live context runs such a section meanwhile). Without Web Locks
/// runs it after this context's earlier sections of `name`, with `exclusive` false.
pub async fn with_lock<F, Fut, R>(name: &str, f: F) -> R
where
    F: FnOnce(bool) -> Fut + 'static,
    Fut: Future<Output = R> + 'static,
    R: 'static,
{
    let Some(locks) = lock_manager() else { return in_this_context(name, f).await };
    let slot: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let s2 = slot.clone();
    let cb = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        future_to_promise(async move {
            let r = f(true).await;
            *s2.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        })
    });
    let request: js_sys::Function = js_sys::Reflect::get(&locks, &"request".into()).map(|f| f.unchecked_into()).expect("locks.request");
    match request.call2(&locks, &JsValue::from_str(name), &cb) {
        Ok(p) => {
            let _ = JsFuture::from(p.unchecked_into::<js_sys::Promise>()).await;
        }
        Err(e) => web_sys::console::warn_2(&"graphql-outbox: navigator.locks.request failed".into(), &e),
    }
    let taken = slot.borrow_mut().take();
    taken.expect("the locked section ran")
}

/// One section of `name` at a time in this context (two passes of one client, or two clients
/// of one page, would otherwise overlap): each waits for the one queued before it.
async fn in_this_context<F, Fut, R>(name: &str, f: F) -> R
where
    F: FnOnce(bool) -> Fut,
    Fut: Future<Output = R>,
{
    let mut release: Option<js_sys::Function> = None;
    let mine = js_sys::Promise::new(&mut |resolve, _| release = Some(resolve));
    let before = TAILS.with(|t| t.borrow_mut().insert(name.to_string(), mine.clone()));
    if let Some(p) = before {
        let _ = JsFuture::from(p).await;
    }
    let r = f(false).await;
    if let Some(done) = release {
        let _ = done.call0(&JsValue::NULL);
    }
    TAILS.with(|t| {
        let mut t = t.borrow_mut();
        if t.get(name).is_some_and(|p| js_sys::Object::is(p, &mine)) {
            t.remove(name);
        }
    });
    r
}
