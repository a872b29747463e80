//! Live queries (`client.<api>.watch.<name>(variables, callback, { policy, onError })`): the
//! callback gets the query's result at once (by `policy`, default `network-first`) and again
//! whenever what it shows changes: a cache write in any context, an entry queued, sent, dead or
//! discarded (the pending layer). Re-reads are coalesced: one round at a time for all
//! watchers, the changes made during a round read by the next (`notify_watchers`).

use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use super::query::{policy, Answer, Policy};
use crate::api::model::{Api, Query};
use crate::api::validate::Invalid;
use crate::outbox::clock::Clock;
use serde_json::Value;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The optional last argument of every watch function: `{ policy?, onError? }`.
    #[wasm_bindgen(typescript_type = "WatchOptions")]
    pub type WatchOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_WATCH: &'static str = r#"
/** The optional last argument of every `client.<api>.watch.<name>` function. */
export interface WatchOptions {
  /** How the first result is read (default "network-first"); later ones come from the cache. */
  policy?: QueryPolicy;
  /** Called with a named error (NetworkError, CacheMissError, ...) when the first read fails; the watch goes on and calls back once the cache can answer. Without it the error is logged with console.warn. */
  onError?: (error: Error) => void;
}
"#;

/// One live query.
pub struct Watcher {
    pub id: u32,
    pub api: &'static Api,
    pub query: &'static Query,
    pub variables: Value,
    pub callback: js_sys::Function,
    pub on_error: Option<js_sys::Function>,
    /// `data` (JSON text) and `pending` last given to the callback: it is called only when
    /// that changes.
    pub last: Option<(String, Vec<String>)>,
}

/// `options` of a watch: its policy and `onError`. Read by property (a function is not JSON).
fn watch_options(options: Option<&JsValue>) -> Result<(Policy, Option<js_sys::Function>), Invalid> {
    let invalid = |path: &str, reason: &str| Invalid { path: path.into(), reason: reason.into() };
    let Some(o) = options.filter(|o| !o.is_undefined() && !o.is_null()) else { return Ok((Policy::NetworkFirst, None)) };
    if !o.is_object() {
        return Err(invalid("options", "expected an object { policy, onError }"));
    }
    let read = |k: &str| js_sys::Reflect::get(o, &k.into()).map_err(|_| invalid(&format!("options.{k}"), "reading it threw"));
    let on_error = match read("onError")? {
        f if f.is_undefined() || f.is_null() => None,
        f => Some(f.dyn_into::<js_sys::Function>().map_err(|_| invalid("options.onError", "expected a function"))?),
    };
    let only_policy = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&only_policy, &"policy".into(), &read("policy")?);
    Ok((policy(Some(&only_policy))?, on_error))
}

impl ClientRef {
    /// Starts watching query `index` of `api`; returns the function that stops it. Throws
    /// `ValidationError` (bad variables, callback or options) or `ConfigError` (no endpoint).
    pub fn watch(&self, api: &'static Api, index: usize, variables: JsValue, callback: JsValue, options: Option<WatchOptions>) -> Result<JsValue, JsValue> {
        let name = api.queries.get(index).map_or("watch", |q| q.name);
        let bad = |path: &str, reason: &str| SdkError::Validation { operation: name.into(), invalid: Invalid { path: path.into(), reason: reason.into() } };
        let callback: js_sys::Function = callback.dyn_into().map_err(|_| bad("callback", "expected a function (result) => void"))?;
        let options = watch_options(options.as_ref().map(|o| o.unchecked_ref::<JsValue>()));
        let (policy, on_error) = match options {
            Ok(o) => (Ok(o.0), o.1),
            Err(e) => (Err(e), None),
        };
        let (q, variables, policy) = self.checked(api, index, js::to_json(&variables), policy)?;
        let id = self.0.next_watcher.get().wrapping_add(1);
        self.0.next_watcher.set(id);
        self.0.watchers.borrow_mut().push(Watcher { id, api, query: q, variables: variables.clone(), callback, on_error, last: None });
        let c = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            match c.answer(api, q, &variables, policy).await {
                Ok(r) => c.deliver_watch(id, r),
                Err(e) => c.watch_failed(id, e),
            }
        });
        let weak = Rc::downgrade(&self.0);
        let stop = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.watchers.borrow_mut().retain(|w| w.id != id);
            }
        });
        Ok(stop.into_js_value())
    }

    /// Calls watcher `id` back with `r` unless it shows what it showed last.
    fn deliver_watch(&self, id: u32, r: Answer) {
        let shown = (r.data.clone(), r.pending.clone());
        let callback = {
            let mut ws = self.0.watchers.borrow_mut();
            let Some(w) = ws.iter_mut().find(|w| w.id == id) else { return };
            if w.last.as_ref() == Some(&shown) {
                return;
            }
            w.last = Some(shown);
            w.callback.clone()
        };
        // Outside the borrow: the callback may unsubscribe or start another watch.
        if let Err(e) = callback.call1(&JsValue::NULL, &r.to_js()) {
            web_sys::console::error_2(&"graphql-outbox: a watch callback threw".into(), &e);
        }
    }

    fn watch_failed(&self, id: u32, e: SdkError) {
        let on_error = self.0.watchers.borrow().iter().find(|w| w.id == id).map(|w| w.on_error.clone());
        let Some(on_error) = on_error else { return };
        let err: JsValue = e.into();
        match on_error {
            Some(f) => {
                let _ = f.call1(&JsValue::NULL, &err);
            }
            None => web_sys::console::warn_2(&"graphql-outbox: a watched query could not be read".into(), &err),
        }
    }

    /// Forgets what every watcher was shown (the cache was cleared): the next hit calls back.
    pub(crate) fn forget_watched(&self) {
        self.0.watchers.borrow_mut().iter_mut().for_each(|w| w.last = None);
    }

    /// Re-reads every watched query from the cache soon (once for all changes of this turn)
    /// and calls back those whose result changed. A miss leaves the watcher as it was.
    ///
    /// One round at a time: changes during a round make one more round after it, begun after
    /// a pause as long as the round took. A round can be long: with the app's `updates`, it
    /// runs them for every live entry once the records changed (no view kept, `cache/memo.rs`).
    /// A drain of 100 creates with a watched list made 100 rounds of ~75 ms back to back, one
    /// per sent answer, and took ~8 s instead of ~0.7 (`bench/updates.mjs`).
    pub(crate) fn notify_watchers(&self) {
        if self.0.watchers.borrow().is_empty() {
            return;
        }
        if self.0.notify_scheduled.replace(true) {
            self.0.notify_again.set(true);
            return;
        }
        let c = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            while {
                // Cleared before reading: a change during the reads makes another round.
                c.0.notify_again.set(false);
                // Bounded: a round that never ends (IndexedDB not answering) must not stop
                // every later one; past 5 s the next begins.
                let busy = crate::timers::within(5_000.0, c.watch_round()).await.unwrap_or_else(|| {
                    c.0.notify_again.set(true);
                    0.0
                });
                let again = c.0.notify_again.get();
                if again {
                    // The rest of the page (the drain) gets the main thread for as long as the
                    // round's reads took; at most 1 s (the wall clock may jump).
                    let _ = crate::timers::wait(busy.min(1_000.0)).await;
                }
                again
            } {}
            c.0.notify_scheduled.set(false);
        });
    }

    /// One round of `notify_watchers`: how long its reads took, in ms, the outbox's read not
    /// counted (the main thread is free while IndexedDB answers).
    async fn watch_round(&self) -> f64 {
        let entries = self.live_entries().await;
        let started = self.0.clock.now_ms();
        let watched: Vec<(u32, &'static Api, &'static Query, Value)> =
            self.0.watchers.borrow().iter().map(|w| (w.id, w.api, w.query, w.variables.clone())).collect();
        for (id, api, q, variables) in watched {
            if let Ok(a) = self.read_with(api, q, &variables, &entries).await {
                self.deliver_watch(id, Answer { data: a.data, source: "cache", fetched_at: a.fetched_at, pending: a.pending });
            }
        }
        self.0.clock.now_ms() - started
    }
}
