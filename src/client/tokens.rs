//! The bearer tokens a drain pass uses. They are read before the pass takes the drain lock and
//! under `tokenTimeoutMs`: the app's callback may wait for an interactive login, or itself call
//! `sync()`, `outbox.discard()` or `outbox.purge()` (which take the lock), and neither may stall
//! every context. One callback call per API is in flight at a time; a pass that starts meanwhile
//! waits for the same call rather than prompting again.

use super::open::ClientRef;
use crate::timers;
use crate::race::{first, First};
use crate::sync::Tokens;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// The tokens read for one pass: per API, the token (or none) or why there is none.
#[derive(Debug, Default)]
pub struct PassTokens(Vec<(String, Result<Option<String>, String>)>);

impl PassTokens {
    /// The token of one API (an online call's own send, `direct.rs`).
    pub fn one(api: &str, token: Result<Option<String>, String>) -> PassTokens {
        PassTokens(vec![(api.to_string(), token)])
    }
}

impl Tokens for PassTokens {
    async fn token(&self, api: &str) -> Result<Option<String>, String> {
        self.0.iter().find(|(a, _)| a == api).map(|(_, t)| t.clone()).unwrap_or(Ok(None))
    }
    fn has(&self, api: &str) -> bool {
        self.0.iter().any(|(a, _)| a == api)
    }
}

/// `p`'s outcome, or `None` if it has not settled within `ms` (`timers::within`, which clears
/// its timer: a pending one kept a Node process alive for the whole `tokenTimeoutMs`).
pub(super) async fn within(p: js_sys::Promise, ms: u32) -> Option<Result<JsValue, JsValue>> {
    timers::within(f64::from(ms), JsFuture::from(p)).await
}

impl ClientRef {
    /// True while the app's token callback runs or has not answered: nothing may wait for a
    /// pass then, since the callback itself may be the one waiting (`await client.sync()`
    /// inside it).
    /// A call older than `tokenTimeoutMs` no longer counts: passes gave up waiting for it, and
    /// a callback that never settles (a login prompt closed) made every later call answer
    /// `queued` and every `sync()` return before its pass, for the client's life (found by
    /// review in round s27). A `sync()` the callback makes after that waits for a pass, which
    /// waits for that same call at most `tokenTimeoutMs`: bounded, not a cycle.
    pub fn token_pending(&self) -> bool {
        let since = js_sys::Date::now() - f64::from(self.0.options.token_timeout_ms);
        self.0.token_calling.get() > 0 || self.0.token_inflight.borrow().iter().any(|c| !c.settled.get() && c.started > since)
    }

    /// `setToken` for `api` (`None`: every API): the callback's calls in flight for it are not
    /// waited for any more (the token set wins over their answers).
    pub fn drop_token_calls(&self, api: Option<&str>) {
        self.0.token_inflight.borrow_mut().retain(|c| api.is_some_and(|a| a != c.api));
    }

    /// Reads the token of each API in `apis`, one after another.
    pub async fn read_tokens(&self, apis: &[String]) -> PassTokens {
        let mut out = Vec::with_capacity(apis.len());
        for api in apis {
            out.push((api.clone(), self.token_for(api).await));
        }
        PassTokens(out)
    }

    /// The token for `api`: a `setToken` override, else the app's callback (shared while in
    /// flight, bounded by `tokenTimeoutMs`).
    async fn token_for(&self, api: &str) -> Result<Option<String>, String> {
        let ms = self.0.options.token_timeout_ms;
        match self.token_within(api, ms).await {
            Some(answer) => answer,
            None => {
                // Kept in flight: when it answers, its answer serves the next pass.
                self.0.token_late.set(true);
                Err(format!("the token callback did not answer within {ms} ms (tokenTimeoutMs)"))
            }
        }
    }

    /// The token for `api` if it is had within `ms`; `None` if the callback has not answered
    /// by then (the call stays in flight: the next pass that needs it waits for the same call).
    /// `ms` 0 is "at hand": a callback that answers from memory (even through promises) is
    /// settled before a zero timer fires; one that waits for the network is not.
    pub async fn token_within(&self, api: &str, ms: u32) -> Option<Result<Option<String>, String>> {
        if let Some(t) = self.overridden(api) {
            return Some(Ok(t));
        }
        let Some(f) = self.0.options.token.clone() else { return Some(Ok(None)) };
        let existing = self.0.token_inflight.borrow().iter().find(|c| c.api == api).map(|c| c.promise.clone());
        let call = existing.unwrap_or_else(|| self.start_token_call(&f, api));
        // `setToken` meanwhile ends the wait with its token: before, the pass waited for the
        // callback (up to `tokenTimeoutMs`) and sent with its answer, a stale one perhaps,
        // though the app had set a token (found by review in round s27).
        let mut wake = None;
        let set = js_sys::Promise::new(&mut |resolve, _| wake = Some(resolve));
        let answer = match (wake, ms) {
            (Some(wake), 1..) => {
                self.0.token_set.borrow_mut().push(wake.clone());
                let raced = first(within(call.clone(), ms), JsFuture::from(set)).await;
                self.0.token_set.borrow_mut().retain(|f| !js_sys::Object::is(f, &wake));
                match raced {
                    First::Left(answer) => answer,
                    First::Right(_) => match self.overridden(api) {
                        Some(t) => return Some(Ok(t)),
                        // Set for another API: this one still waits for the callback.
                        None => within(call.clone(), ms).await,
                    },
                }
            }
            _ => within(call.clone(), ms).await,
        }?;
        self.0.token_inflight.borrow_mut().retain(|c| !(c.api == api && js_sys::Object::is(&c.promise, &call)));
        Some(match answer {
            Err(e) => Err(format!("the token callback failed: {}", super::js::describe(&e))),
            Ok(v) if v.is_null() || v.is_undefined() => Ok(None),
            Ok(v) => match v.as_string() {
                Some(t) => match crate::transport::header_value_problem(&t) {
                    Some(problem) => Err(format!("the token callback returned a token that cannot be sent: {problem}")),
                    None => Ok(Some(t)),
                },
                None => {
                    let got = v.js_typeof().as_string().unwrap_or_default();
                    Err(format!("the token callback must return a string, null or a promise of one (got a {got})"))
                }
            },
        })
    }

    /// The `setToken` token for `api` (its own, or the one for every API), if one was set.
    fn overridden(&self, api: &str) -> Option<Option<String>> {
        let t = self.0.tokens.borrow();
        t.iter().find(|(a, _)| a.as_deref() == Some(api)).or_else(|| t.iter().find(|(a, _)| a.is_none())).map(|(_, t)| t.clone())
    }

    /// `setToken` was called: the passes waiting for the callback's token take it instead.
    pub fn token_was_set(&self) {
        let waiting = std::mem::take(&mut *self.0.token_set.borrow_mut());
        for wake in waiting {
            let _ = wake.call0(&JsValue::NULL);
        }
    }

    /// Calls the callback once and tracks the call until a pass has used its answer; a call that
    /// answers after a pass gave up on it starts a new pass.
    fn start_token_call(&self, f: &js_sys::Function, api: &str) -> js_sys::Promise {
        // Counted while it runs: an async callback runs synchronously up to its first await,
        // and may call `sync()` right there.
        self.0.token_calling.set(self.0.token_calling.get() + 1);
        let returned = f.call1(&JsValue::NULL, &JsValue::from_str(api));
        self.0.token_calling.set(self.0.token_calling.get() - 1);
        // A synchronous throw, a plain value and a (possibly hostile) thenable all become one
        // promise of ours. `resolve(v)` inside a new promise adopts any thenable and turns a
        // throwing `then` (or `then` getter) into a rejection; `Promise.resolve(v)` would throw
        // synchronously for a promise with a throwing `constructor` getter.
        let call = match returned {
            Ok(v) => js_sys::Promise::new(&mut |resolve, _| {
                let _ = resolve.call1(&JsValue::NULL, &v);
            }),
            Err(e) => js_sys::Promise::reject(&e),
        };
        let settled = std::rc::Rc::new(std::cell::Cell::new(false));
        let pending = TokenCall { api: api.to_string(), promise: call.clone(), settled: settled.clone(), started: js_sys::Date::now() };
        self.0.token_inflight.borrow_mut().push(pending);
        let weak = std::rc::Rc::downgrade(&self.0);
        let p = call.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(p).await;
            settled.set(true);
            let Some(inner) = weak.upgrade() else { return };
            if inner.token_late.replace(false) {
                ClientRef(inner).kick(super::drive::Trigger::Nudge);
            }
        });
        call
    }
}

/// One call of the app's token callback, until a pass has taken its answer.
pub struct TokenCall {
    pub(super) api: String,
    pub(super) promise: js_sys::Promise,
    settled: std::rc::Rc<std::cell::Cell<bool>>,
    /// When it was made (`Date.now()`).
    started: f64,
}
