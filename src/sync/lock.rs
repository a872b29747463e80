//! One drainer at a time across tabs, workers and the service worker: a Web Lock
//! (`navigator.locks`, present in all three) held for the whole pass. Requests wait their turn,
//! so a call made while another context drains is sent by whichever pass reaches it first.
//!
//! Web Locks exist only in secure contexts (not on a plain-http intranet host). Without them a
//! context still runs one locked section at a time (a queue in memory), but other contexts run
//! theirs at the same time: then the claim in the store (`OutboxStore::claim`, a lease checked
//! and written in one IndexedDB transaction) is what keeps two of them from sending one entry.

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

thread_local! {
    /// Without Web Locks: per name, the promise that resolves when the last queued section ends.
    /// A list, not a HashMap: a handful of names, and std's HashMap (its random hasher) added
    /// 2.7 KB gzip to the wasm (measured).
    static TAILS: RefCell<Vec<(String, js_sys::Promise)>> = const { RefCell::new(Vec::new()) };
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
    // `f` is handed to the lock callback through a slot, so that if `navigator.locks.request`
    // is unusable (replaced by a page script, a throwing getter, a rejected request) it is
    // still run, in this context's queue, rather than lost: a panic here would trap the module.
    let job: Rc<RefCell<Option<F>>> = Rc::new(RefCell::new(Some(f)));
    let slot: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let running: Rc<RefCell<Option<js_sys::Promise>>> = Rc::new(RefCell::new(None));
    let (j2, s2, r2) = (job.clone(), slot.clone(), running.clone());
    let cb = Closure::once_into_js(move |_lock: JsValue| -> js_sys::Promise {
        let section = future_to_promise(async move {
            let taken = j2.borrow_mut().take();
            if let Some(f) = taken {
                let r = f(true).await;
                *s2.borrow_mut() = Some(r);
            }
            Ok(JsValue::UNDEFINED)
        });
        *r2.borrow_mut() = Some(section.clone());
        section
    });
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    match request.map(|r| r.call2(&locks, &JsValue::from_str(name), &cb)) {
        Some(Ok(p)) => {
            if let Err(e) = JsFuture::from(js_sys::Promise::resolve(&p)).await {
                web_sys::console::warn_2(&"graphql-outbox: navigator.locks.request failed".into(), &e);
            }
        }
        Some(Err(e)) => web_sys::console::warn_2(&"graphql-outbox: navigator.locks.request failed".into(), &e),
        None => web_sys::console::warn_1(&"graphql-outbox: navigator.locks.request is not a function".into()),
    }
    let done = slot.borrow_mut().take();
    if let Some(r) = done {
        return r;
    }
    let f = job.borrow_mut().take();
    match f {
        Some(f) => in_this_context(name, f).await,
        // The section started under the lock, but the request's promise settled first (the
        // lock was stolen, say): wait for the section itself.
        None => {
            let section = running.borrow_mut().take();
            if let Some(p) = section {
                let _ = JsFuture::from(p).await;
            }
            let done = slot.borrow_mut().take();
            match done {
                Some(r) => r,
                // Unreachable short of a trap; waiting for ever is better than a panic, which
                // would trap every other pending call too.
                None => std::future::pending().await,
            }
        }
    }
}

/// Runs `f(exclusive)` holding lock `name` only if it is free right now (Web Locks'
/// `ifAvailable`; without Web Locks, when this context runs no section of `name`); `None`
/// without running `f` if it is not, or if `navigator.locks.request` is unusable. For work
/// with an ordinary way to go when the lock is taken (an online call's own send).
pub async fn try_with_lock<F, Fut, R>(name: &str, f: F) -> Option<R>
where
    F: FnOnce(bool) -> Fut + 'static,
    Fut: Future<Output = R> + 'static,
    R: 'static,
{
    let Some(locks) = lock_manager() else {
        let taken = TAILS.with(|t| t.borrow().iter().any(|(n, _)| n == name));
        return if taken { None } else { Some(in_this_context(name, f).await) };
    };
    let slot: Rc<RefCell<Option<R>>> = Rc::new(RefCell::new(None));
    let running: Rc<RefCell<Option<js_sys::Promise>>> = Rc::new(RefCell::new(None));
    let (s2, r2) = (slot.clone(), running.clone());
    let cb = Closure::once_into_js(move |lock: JsValue| -> js_sys::Promise {
        // `null`: not available now.
        if lock.is_null() {
            return js_sys::Promise::resolve(&JsValue::UNDEFINED);
        }
        let section = future_to_promise(async move {
            let r = f(true).await;
            *s2.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        });
        *r2.borrow_mut() = Some(section.clone());
        section
    });
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let request = js_sys::Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())?;
    let p = request.call3(&locks, &JsValue::from_str(name), &options, &cb).ok()?;
    let _ = JsFuture::from(js_sys::Promise::resolve(&p)).await;
    // A section that started must be waited for even if the request settled first (stolen):
    // `None` would have the caller do its work a second time.
    let section = running.borrow_mut().take();
    if let Some(p) = section {
        let _ = JsFuture::from(p).await;
    }
    let done = slot.borrow_mut().take();
    done
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
    let before = TAILS.with(|t| {
        let mut t = t.borrow_mut();
        match t.iter_mut().find(|(n, _)| n == name) {
            Some((_, tail)) => Some(std::mem::replace(tail, mine.clone())),
            None => {
                t.push((name.to_string(), mine.clone()));
                None
            }
        }
    });
    if let Some(p) = before {
        let _ = JsFuture::from(p).await;
    }
    let r = f(false).await;
    if let Some(done) = release {
        let _ = done.call0(&JsValue::NULL);
    }
    TAILS.with(|t| {
        let mut t = t.borrow_mut();
        t.retain(|(n, p)| !(n == name && js_sys::Object::is(p, &mine)));
    });
    r
}
