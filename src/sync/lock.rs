//! One drainer at a time across tabs, workers and the service worker: a Web Lock
//! (`navigator.locks`, present in all three) held for the whole pass. Requests wait their turn,
//! so a call made while another context drains is sent by whichever pass reaches it first.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

fn lock_manager() -> Option<JsValue> {
    let nav = js_sys::Reflect::get(&js_sys::global(), &"navigator".into()).ok()?;
    let locks = js_sys::Reflect::get(&nav, &"locks".into()).ok()?;
    (!locks.is_undefined() && !locks.is_null()).then_some(locks)
}

/// Runs `f` holding the exclusive Web Lock `name`; without Web Locks (old browsers) runs it
/// directly, which is still one drainer per context.
pub async fn with_lock<F, Fut, R>(name: &str, f: F) -> R
where
    F: FnOnce() -> Fut + 'static,
    Fut: Future<Output = R> + 'static,
    R: 'static,
{
    let Some(locks) = lock_manager() else { return f().await };
    let slot: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let s2 = slot.clone();
    let cb = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        future_to_promise(async move {
            let r = f().await;
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
