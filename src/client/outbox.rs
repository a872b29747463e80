//! `client.outbox`: the app's view of its user's queue. Changes to the queue (retry, discard,
//! purge) run under the drain lock so they never race a pass in any context.

use super::args;
use super::drive::Trigger;
use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use crate::outbox::clock::Clock;
use crate::outbox::entry::{Entry, State};
use crate::sync::{lock, ops, Event};
use crate::api::formats::kind_of;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// The outbox of one client's user.
#[wasm_bindgen]
pub struct Outbox {
    pub(crate) client: ClientRef,
}

fn entry_json(e: &Entry) -> Value {
    let mut v = e.to_record();
    // `seq` is the record's key, not in the record, but it is part of the JS shape
    // (`OutboxEntry`); the internal bookkeeping is not.
    if let Some(m) = v.as_object_mut() {
        m.insert("seq".into(), e.seq.into());
        for k in ["entities", "settledAt", "active", "httpFailures", "document", "format", "claim"] {
            m.remove(k);
        }
    }
    v
}

fn promise<F>(f: F) -> js_sys::Promise
where
    F: std::future::Future<Output = Result<Value, SdkError>> + 'static,
{
    future_to_promise(async move { f.await.map(|v| js::to_js(&v)).map_err(JsValue::from) })
}

impl ClientRef {
    /// Runs `f` under this user's drain lock; `f` is told whether the Web Lock was held.
    async fn locked<R: 'static, Fut: std::future::Future<Output = R> + 'static>(&self, f: impl FnOnce(ClientRef, bool) -> Fut + 'static) -> R {
        let user = self.0.options.user.clone();
        self.locked_for(&user, f).await
    }

    /// Runs `f` under `user`'s drain lock (`purge` of another user must wait for that user's
    /// drainer in this context, not for this client's own).
    async fn locked_for<R: 'static, Fut: std::future::Future<Output = R> + 'static>(
        &self,
        user: &str,
        f: impl FnOnce(ClientRef, bool) -> Fut + 'static,
    ) -> R {
        let name = self.0.lock_name(user);
        let this = self.clone();
        lock::with_lock(&name, move |exclusive| f(this, exclusive)).await
    }

    /// This client as the one changing an entry.
    fn actor(&self, exclusive: bool) -> ops::Actor<'_> {
        ops::Actor { user: &self.0.options.user, owner: &self.0.owner, exclusive }
    }

    /// Drops an entry that was not sent (under the drain lock) and tells subscribers.
    pub(super) async fn discard_entry(&self, id: String) -> Result<(), SdkError> {
        let now = self.0.clock.now_ms();
        let ev: Event = self.locked(move |c, x| async move { ops::discard(&c.0.store, &id, c.actor(x), now).await }).await?;
        self.0.emit(ev);
        // The discarded entry may be the head waiting out a backoff: what follows it need not wait.
        self.0.waiting_until.set(0.0);
        self.kick(Trigger::Nudge);
        Ok(())
    }
}

#[wasm_bindgen]
impl Outbox {
    /// Calls `listener` with every outbox event of this user (from every tab and worker); returns
    /// a function that unsubscribes it.
    /// Throws `ValidationError` when `listener` is not a function.
    #[wasm_bindgen(unchecked_return_type = "() => void")]
    pub fn subscribe(&self, #[wasm_bindgen(unchecked_param_type = "(event: OutboxEvent) => void")] listener: js_sys::Function) -> Result<JsValue, JsValue> {
        // An imported type is not checked by the glue: `listener` may be any JS value.
        let listener = args::function("outbox.subscribe", "listener", listener.into())?;
        let inner = &self.client.0;
        let n = inner.next_subscriber.get() + 1;
        inner.next_subscriber.set(n);
        inner.subscribers.borrow_mut().push((n, listener));
        let weak = std::rc::Rc::downgrade(inner);
        // `FnMut`, not `once_into_js`: calling `unsubscribe()` twice (a React effect's cleanup
        // run twice) threw wasm-bindgen's "closure invoked ... after being dropped"; now the
        // second call does nothing. Freed when JS drops the function (`--weak-refs`).
        Ok(Closure::<dyn FnMut()>::new(move || {
            if let Some(i) = weak.upgrade() {
                i.subscribers.borrow_mut().retain(|(k, _)| *k != n);
            }
        })
        .into_js_value())
    }

    /// This user's entries in creation order, optionally only those in `filter.state`.
    /// (TypeScript in `typescript.rs`: the filter is optional.)
    #[wasm_bindgen(skip_typescript)]
    pub fn list(&self, filter: JsValue) -> js_sys::Promise {
        let c = self.client.clone();
        promise(async move {
            let bad = |path: &str, reason: String| args::bad("outbox.list", path, reason);
            // As JSON: reading it runs no app code outside JSON.stringify's caught exceptions.
            let state = match js::to_json(&filter).map_err(|r| bad("filter", r))? {
                Value::Null => Value::Null,
                Value::Object(m) if m.keys().any(|k| k != "state") => {
                    let key = m.keys().find(|k| *k != "state").cloned().unwrap_or_default();
                    return Err(bad(&format!("filter.{key}"), "is not a filter (known: state)".into()));
                }
                Value::Object(mut m) => m.remove("state").unwrap_or(Value::Null),
                other => return Err(bad("filter", format!("expected an object {{ state }}, got {}", kind_of(&other)))),
            };
            let state = match state {
                Value::Null => None,
                s => Some(s.as_str().and_then(State::parse).ok_or_else(|| {
                    bad("filter.state", format!("expected one of {}, got {s}", State::ALL.map(|s| s.name()).join(", ")))
                })?),
            };
            let entries = ops::list(&c.0.store, &c.0.options.user, state).await?;
            Ok(Value::Array(entries.iter().map(entry_json).collect()))
        })
    }

    /// Puts a dead (or waiting) entry back at its place in the queue and drains.
    #[wasm_bindgen(js_name = retry, unchecked_return_type = "Promise<void>")]
    pub fn retry_js(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        args::entry_id("outbox.retry", &id).map_or_else(args::rejected, |id| self.retry(id))
    }

    /// Drops an entry that was not sent; `settled(id)` resolves `{ status: "discarded" }`.
    #[wasm_bindgen(js_name = discard, unchecked_return_type = "Promise<void>")]
    pub fn discard_js(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        args::entry_id("outbox.discard", &id).map_or_else(args::rejected, |id| self.discard(id))
    }

    /// Resolves once the entry is sent, dead or discarded (at once if it already is), from
    /// this or another context, also after a reload. Rejects `NotFoundError` for an unknown id.
    #[wasm_bindgen(js_name = settled, unchecked_return_type = "Promise<SettledOutcome>")]
    pub fn settled_js(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> js_sys::Promise {
        args::entry_id("outbox.settled", &id).map_or_else(args::rejected, |id| self.settled(id))
    }

    /// `{ byState, total, oldestAgeMs, bytes, quarantined }` for this user.
    #[wasm_bindgen(unchecked_return_type = "Promise<OutboxStats>")]
    pub fn stats(&self) -> js_sys::Promise {
        let c = self.client.clone();
        promise(async move { Ok(ops::stats(&c.0.store, &c.0.options.user, c.0.clock.now_ms()).await?) })
    }

    /// Deletes every entry of `user` (in every state, sent or not); resolves with how many.
    #[wasm_bindgen(js_name = purge, unchecked_return_type = "Promise<number>")]
    pub fn purge_js(&self, #[wasm_bindgen(unchecked_param_type = "string")] user: JsValue) -> js_sys::Promise {
        args::string("outbox.purge", "user", &user).map_or_else(args::rejected, |user| self.purge(user))
    }

    /// Runs `call` (which makes one mutation call) so that the entry it makes depends on the
    /// entries `ids`: it is not sent while one of them is dead. Returns what `call` returns;
    /// rejects `ValidationError` (without calling it) when `ids` is not a list of ids or `call`
    /// not a function. (Its TypeScript is generic, declared in `typescript.rs`.)
    #[wasm_bindgen(js_name = after, skip_typescript)]
    pub fn after_js(&self, ids: JsValue, call: JsValue) -> Result<JsValue, JsValue> {
        let checked = js::to_json(&ids)
            .ok()
            .and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
            .ok_or_else(|| args::bad("outbox.after", "ids", format!("expected an array of entry ids (strings), got {}", js::describe(&ids))))
            .and_then(|ids| Ok((ids, args::function("outbox.after", "call", call)?)));
        match checked {
            Ok((ids, call)) => self.after(ids, call),
            Err(e) => Ok(args::rejected(e).into()),
        }
    }
}

/// The typed forms of the exported functions above, for Rust callers (the browser tests).
impl Outbox {
    /// `retry(id)`.
    pub fn retry(&self, id: String) -> js_sys::Promise {
        let c = self.client.clone();
        promise(async move {
            let now = c.0.clock.now_ms();
            let ev = c.locked(move |c, x| async move { ops::retry(&c.0.store, &id, c.actor(x), now).await }).await?;
            c.0.emit(ev);
            c.0.waiting_until.set(0.0);
            c.kick(Trigger::Nudge);
            Ok(Value::Null)
        })
    }

    /// `discard(id)`.
    pub fn discard(&self, id: String) -> js_sys::Promise {
        let c = self.client.clone();
        promise(async move {
            c.discard_entry(id).await?;
            Ok(Value::Null)
        })
    }

    /// `settled(id)` (`waiters.rs`).
    pub fn settled(&self, id: String) -> js_sys::Promise {
        self.client.settled(id)
    }

    /// `purge(user)`.
    pub fn purge(&self, user: String) -> js_sys::Promise {
        let c = self.client.clone();
        promise(async move {
            let u = user.clone();
            let n = c.locked_for(&u, move |c, _| async move { ops::purge(&c.0.store, &user).await }).await?;
            // The user's cached records go with their entries (a shared device, a sign-out).
            c.clear_cache(&u).await?;
            // `settled()` calls waiting here for entries now gone reject at once.
            if u == c.0.options.user {
                c.recheck_waiters(true);
            }
            Ok(json!(n))
        })
    }

    /// `after(ids, call)`.
    pub fn after(&self, ids: Vec<String>, call: js_sys::Function) -> Result<JsValue, JsValue> {
        *self.client.0.pending_depends.borrow_mut() = Some(ids);
        let r = call.call0(&JsValue::NULL);
        *self.client.0.pending_depends.borrow_mut() = None;
        r
    }
}
