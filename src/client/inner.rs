//! The state one `Client` shares with its API objects and its `Outbox` view: options, the
//! store, the auth pause, subscribers and `settled` waiters, the broadcast channel. Events go
//! to local subscribers and to other contexts; events from other contexts go to local ones.

use super::js;
use super::options::Options;
use crate::outbox::clock::SystemClock;
use crate::store::idb::IdbStore;
use crate::sync::broadcast::Channel;
use crate::sync::{AuthPause, Event, Tokens};
use crate::transport::FetchTransport;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // The global scope's `setTimeout(f, ms, arg)`: calls `f(arg)` after `ms`.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_with_arg(f: &js_sys::Function, ms: f64, arg: &JsValue) -> JsValue;
}

/// How long a send waits for the app's `token` callback: the drain lock is held meanwhile.
const TOKEN_TIMEOUT_MS: f64 = 10_000.0;

/// A promise of our own for whatever the app's callback returned, rejecting after `ms`.
/// `resolve(v)` adopts a promise or any thenable and turns a throwing `then` (or `then`
/// getter) into a rejection; `JsFuture::from(v)` would call the app's `then` unguarded, and
/// an exception there would unwind through Rust frames.
fn settle_within(v: JsValue, ms: f64) -> js_sys::Promise {
    let answer = js_sys::Promise::new(&mut |resolve, _| {
        let _ = resolve.call1(&JsValue::NULL, &v);
    });
    let timeout = js_sys::Promise::new(&mut |_, reject| {
        let e = js_sys::Error::new(&format!("it did not answer within {} s", ms / 1000.0));
        set_timeout_with_arg(&reject, ms, &e);
    });
    js_sys::Promise::race(&js_sys::Array::of2(&answer, &timeout))
}

/// Everything behind a `Client`.
pub struct Inner {
    pub options: Options,
    pub transport: FetchTransport,
    pub store: IdbStore,
    pub clock: SystemClock,
    pub pause: AuthPause,
    /// `setToken` overrides: (API or None for all, token). Memory only.
    pub tokens: RefCell<Vec<(Option<String>, Option<String>)>>,
    pub subscribers: RefCell<Vec<(u32, js_sys::Function)>>,
    pub next_subscriber: Cell<u32>,
    /// `settled(id)` promises waiting for a final event: (id, resolve).
    pub waiters: RefCell<Vec<(String, js_sys::Function)>>,
    pub channel: RefCell<Option<Channel>>,
    /// Ids named by `outbox.after(ids, fn)` while `fn` runs; read by the call it makes.
    pub pending_depends: RefCell<Option<Vec<String>>>,
    /// A drain pass requested but not yet started (later requests share it).
    pub queued_pass: RefCell<Option<js_sys::Promise>>,
    pub timer: Cell<Option<f64>>,
    /// (full read, network may be back) for the next pass: the union of what its requesters asked.
    pub pass_flags: Cell<(bool, bool)>,
    /// Epoch ms until which the head entry waits (0: not waiting).
    pub waiting_until: Cell<f64>,
    pub online_listener: RefCell<Option<Closure<dyn FnMut()>>>,
    pub closed: Cell<bool>,
}

/// The final outcome an event carries, if it is one: the shape `settled(id)` resolves with.
pub fn final_outcome(ev: &Value) -> Option<Value> {
    let id = ev.get("id")?;
    match ev.get("type")?.as_str()? {
        "sent" => Some(json!({ "status": "sent", "id": id, "data": ev.get("data").cloned().unwrap_or(Value::Null) })),
        "dead" => Some(json!({
            "status": "dead", "id": id,
            "errors": ev.get("error").and_then(|e| e.get("errors")).cloned().unwrap_or(json!([])),
            "error": ev.get("error").cloned().unwrap_or(Value::Null),
        })),
        "discarded" => Some(json!({ "status": "discarded", "id": id })),
        _ => None,
    }
}

impl Inner {
    /// Reports an event of this context: to local subscribers and to other contexts.
    pub fn emit(&self, ev: Event) {
        let v = ev.to_json();
        if let Some(ch) = self.channel.borrow().as_ref() {
            ch.post(&json!({ "event": v }));
        }
        self.deliver(&v);
    }

    /// Hands an event (local or from another context) to subscribers and `settled` waiters.
    pub fn deliver(&self, v: &Value) {
        if v.get("user").and_then(Value::as_str).is_some_and(|u| u != self.options.user && v["type"] != "quarantined") {
            return;
        }
        let js_ev = js::to_js(v);
        let subs: Vec<js_sys::Function> = self.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        for f in subs {
            // A throwing subscriber must not stop the drain or the other subscribers.
            if let Err(e) = f.call1(&JsValue::NULL, &js_ev) {
                web_sys::console::error_2(&"graphql-outbox: an outbox subscriber threw".into(), &e);
            }
        }
        if let Some(outcome) = final_outcome(v) {
            let id = v["id"].as_str().unwrap_or_default();
            let ready: Vec<js_sys::Function> = {
                let mut w = self.waiters.borrow_mut();
                let (hit, keep): (Vec<_>, Vec<_>) = w.drain(..).partition(|(wid, _)| wid == id);
                *w = keep;
                hit.into_iter().map(|(_, f)| f).collect()
            };
            let js_outcome = js::to_js(&outcome);
            for f in ready {
                let _ = f.call1(&JsValue::NULL, &js_outcome);
            }
        }
    }

    /// The token for `api`: a `setToken` override, else the app's callback.
    pub async fn token_for(&self, api: &str) -> Result<Option<String>, String> {
        let overridden = {
            let t = self.tokens.borrow();
            t.iter().find(|(a, _)| a.as_deref() == Some(api)).or_else(|| t.iter().find(|(a, _)| a.is_none())).map(|(_, t)| t.clone())
        };
        if let Some(t) = overridden {
            return Ok(t);
        }
        let Some(f) = &self.options.token else { return Ok(None) };
        let failed = |e: JsValue| format!("the token callback failed: {}", js::describe(&e));
        let v = f.call1(&JsValue::NULL, &JsValue::from_str(api)).map_err(failed)?;
        let v = JsFuture::from(settle_within(v, TOKEN_TIMEOUT_MS)).await.map_err(failed)?;
        match v {
            v if v.is_null() || v.is_undefined() => Ok(None),
            v => v.as_string().map(Some).ok_or_else(|| {
                format!("the token callback must return a string, null or a promise of one (got {})", js::describe(&v))
            }),
        }
    }

    /// GraphQL endpoint of `api`, if configured.
    pub fn endpoint(&self, api: &str) -> Option<String> {
        self.options.endpoints.iter().find(|(n, _)| n == api).map(|(_, u)| u.clone())
    }
}

/// `Tokens` for a drain pass.
pub struct TokenSource<'a>(pub &'a Inner);

impl Tokens for TokenSource<'_> {
    async fn token(&self, api: &str) -> Result<Option<String>, String> {
        self.0.token_for(api).await
    }
}
