//! The state one `Client` shares with its API objects and its `Outbox` view: options, the
//! store, the auth pause, subscribers and `settled` waiters, the broadcast channel. Events go
//! to local subscribers and to other contexts; events from other contexts go to local ones.

use super::js;
use super::options::Options;
use crate::outbox::clock::SystemClock;
use crate::store::idb::IdbStore;
use crate::sync::broadcast::Channel;
use crate::sync::{AuthPause, Event};
use crate::transport::FetchTransport;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

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
    /// The timer that reads waited-for entries again (`waiters.rs`).
    pub waiter_timer: Cell<Option<f64>>,
    /// A pass of this context runs (it holds the drain lock).
    pub passing: Cell<bool>,
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
    /// Token callback calls not yet settled, per API (shared by the passes that need them).
    pub token_inflight: RefCell<Vec<super::tokens::TokenCall>>,
    /// Passes waiting for a callback's token, woken by `setToken` (its token wins).
    pub token_set: RefCell<Vec<js_sys::Function>>,
    /// Token callback invocations running right now (synchronously).
    pub token_calling: Cell<u32>,
    /// A pass gave up waiting for a token call: start a pass when it answers.
    pub token_late: Cell<bool>,
    /// The APIs whose token a pass reads before it takes the lock (those it has needed).
    pub token_apis: RefCell<Vec<String>>,
    /// Who this client is when it claims an entry for sending: random, one per `Client`,
    /// memory only (a reloaded page is a new owner).
    pub owner: String,
    /// The last pass stopped at an entry another context is sending.
    pub busy: Cell<bool>,
    /// A Background Sync `sync` event was asked for (service workers; `background.rs`).
    pub sync_asked: Cell<bool>,
    pub closed: Cell<bool>,
    /// The offline cache (records of every user of this database; this client reads its own).
    pub cache: crate::cache::Cache<IdbStore>,
    /// Sent entries whose answer is being written into the cache: their overlay still shows.
    pub cache_writing: RefCell<Vec<crate::outbox::entry::Entry>>,
    /// Calls that resolved `sent` waiting for their answer's cache write: (entry id, resolve).
    pub cache_waiters: RefCell<Vec<(String, js_sys::Function)>>,
    pub watchers: RefCell<Vec<super::watch::Watcher>>,
    pub next_watcher: Cell<u32>,
    /// A re-read of the watched queries is scheduled.
    pub notify_scheduled: Cell<bool>,
    /// A change came during a round of `notify_watchers`: one more round after it.
    pub notify_again: Cell<bool>,
    /// This `Inner`, for the tasks an event starts (the cache write of a sent entry).
    pub me: std::rc::Weak<Inner>,
    /// The batches endpoints refused, which set the most entries per batch an API is sent from
    /// then on (1: one request per entry; this client's lifetime, a new client tries again).
    pub refusals: RefCell<crate::sync::batch::Refusals>,
    /// Calls waiting for their entry's drain: entry id -> the last event about it (its state,
    /// error and data), so a call answers from memory instead of reading its entry back.
    pub awaiting: RefCell<std::collections::BTreeMap<String, Option<Value>>>,
    /// The last pass left an entry waiting on one only a client with another API's endpoint
    /// sends (`Drain::left_for_others`): another context's events start a pass.
    pub left_for_others: Cell<bool>,
    /// A call is on the direct way (`direct.rs`): calls made meanwhile go the ordinary way at
    /// once, so that those made together are still stored in one transaction.
    pub direct_busy: Cell<bool>,
    /// While a call on the direct way has not stored its entry: the calls made since, waiting
    /// to store theirs after it (`direct.rs`); `None` otherwise.
    pub direct_gate: RefCell<Option<Vec<js_sys::Function>>>,
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
        "unknown" => Some(json!({ "status": "unknown", "id": id, "error": ev.get("error").cloned().unwrap_or(Value::Null) })),
        _ => None,
    }
}

/// Takes the functions waiting for entry `id` out of `list` (`settled` waiters, calls waiting
/// for their answer's cache write). In place: with 1,000 waiting, rebuilding the list per
/// event made draining them quadratic in allocations (a map would cost 2.4 KB of wasm gzip for
/// little more).
pub fn take_waiting(list: &RefCell<Vec<(String, js_sys::Function)>>, id: &str) -> Vec<js_sys::Function> {
    let mut ready = vec![];
    list.borrow_mut().retain(|(wid, f)| wid != id || {
        ready.push(f.clone());
        false
    });
    ready
}

impl Inner {
    /// The drain lock's name for `user`'s queue in this database: `<database name>:<user>`,
    /// also the queue's Background Sync tag (`background.rs`).
    pub fn lock_name(&self, user: &str) -> String {
        format!("{}:{}", self.store.name(), user)
    }

    /// Passes read `api`'s token before they take the drain lock from now on (the app's
    /// callback never runs under it; a pass that finds it missing stops with `NeedToken`).
    pub fn read_token_before_lock(&self, api: &str) {
        let mut apis = self.token_apis.borrow_mut();
        if !apis.iter().any(|a| a == api) {
            apis.push(api.to_string());
        }
    }

    /// Reports an event of this context: to local subscribers and to other contexts.
    pub fn emit(&self, mut ev: Event) {
        // Not part of `to_json`: only the cache write of a sent entry reads them.
        let variables = ev.variables.take();
        let v = ev.to_json();
        // One serialization for the channel and (parsed, if subscribed) the subscribers.
        let text = crate::text(&v);
        // A `queued` event while offline may wait for the next ones (`gather.rs`).
        let may_wait = v["type"] == "queued" && !super::globals::online_hint() && !super::globals::page_hidden();
        self.broadcast_with(format!("{{\"event\":{text}}}"), may_wait);
        self.deliver_parsed(&v, || js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL));
        if let Some(me) = self.me.upgrade() {
            super::open::ClientRef(me).cache_after_event(&v, variables);
        }
    }

    /// Posts `msg` to the other contexts with the other messages of this turn, as one
    /// (`broadcast.rs`).
    pub fn broadcast(&self, msg: String) {
        self.broadcast_with(msg, false)
    }

    /// `broadcast`; `may_wait`: a message of a burst may wait up to `GATHER_MS` for the next.
    fn broadcast_with(&self, msg: String, may_wait: bool) {
        use crate::sync::gather::{Flush, GATHER_MS};
        let flush = match self.channel.borrow().as_ref() {
            Some(ch) => ch.queue(msg, may_wait),
            None => Flush::Arranged,
        };
        if flush != Flush::Arranged {
            let me = self.me.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if flush == Flush::Gathered {
                    let _ = crate::timers::wait(GATHER_MS).await;
                }
                if let Some(inner) = me.upgrade() {
                    if let Some(ch) = inner.channel.borrow().as_ref() {
                        ch.flush();
                    }
                }
            });
        }
    }

    /// Hands an event (local or from another context) to subscribers and `settled` waiters.
    pub fn deliver(&self, v: &Value) {
        self.deliver_parsed(v, || js::to_js(v));
    }

    /// `deliver` with the event's JS object made by `js_ev` (when it is wanted).
    fn deliver_parsed(&self, v: &Value, js_ev: impl FnOnce() -> JsValue) {
        if v.get("user").and_then(Value::as_str).is_some_and(|u| u != self.options.user && v["type"] != "quarantined") {
            return;
        }
        if let Some(id) = v.get("id").and_then(Value::as_str) {
            if let Some(slot) = self.awaiting.borrow_mut().get_mut(id) {
                *slot = Some(v.clone());
            }
        }
        // The JS objects only for someone who reads them (issue 9: a drain of 1,000 made 2,000
        // event objects and 1,000 outcomes with nobody subscribed or waiting).
        let subs: Vec<js_sys::Function> = self.subscribers.borrow().iter().map(|(_, f)| f.clone()).collect();
        if !subs.is_empty() {
            let js_ev = js_ev();
            for f in subs {
                // A throwing subscriber must not stop the drain or the other subscribers.
                if let Err(e) = f.call1(&JsValue::NULL, &js_ev) {
                    web_sys::console::error_2(&"graphql-outbox: an outbox subscriber threw".into(), &e);
                }
            }
        }
        // A non-final event has no outcome and takes no waiter; the JS outcome is made only
        // for an id someone waits for.
        let anyone_waits = !self.waiters.borrow().is_empty();
        if let Some(outcome) = anyone_waits.then(|| final_outcome(v)).flatten() {
            self.resolve_waiters(v["id"].as_str().unwrap_or_default(), &outcome);
        }
    }

    /// Resolves the `settled()` waiters of entry `id` with `outcome` (its JS value made only if
    /// someone waits for it).
    pub fn resolve_waiters(&self, id: &str, outcome: &Value) {
        self.answer_waiters(Some(id), || js::to_js(outcome));
    }

    /// Hands the `settled()` waiters of entry `id` (all of them for `None`) the value `make`
    /// gives, made only if someone waits: an outcome, or an error `settled()` rejects with.
    pub fn answer_waiters(&self, id: Option<&str>, make: impl FnOnce() -> JsValue) {
        let waiting: Vec<js_sys::Function> = match id {
            Some(id) => take_waiting(&self.waiters, id),
            None => std::mem::take(&mut *self.waiters.borrow_mut()).into_iter().map(|(_, f)| f).collect(),
        };
        if !waiting.is_empty() {
            let value = make();
            for f in waiting {
                let _ = f.call1(&JsValue::NULL, &value);
            }
        }
    }

    /// Stops the timer and unregisters the `online` listener and the BroadcastChannel (`close()`,
    /// and when the client is garbage-collected without it).
    pub fn stop_listening(&self) {
        self.closed.set(true);
        // Nothing here can settle them any more (no events, no look-ups): they reject now.
        self.answer_waiters(None, || {
            let message = "the client was closed (client.close()) while settled() waited; open a new one to wait again";
            super::errors::SdkError::Storage { reason: "unavailable", message: message.into() }.into()
        });
        for timer in [&self.timer, &self.waiter_timer] {
            if let Some(id) = timer.take() {
                crate::timers::clear_timeout(id);
            }
        }
        if let Some(l) = self.online_listener.borrow_mut().take() {
            let target: web_sys::EventTarget = js_sys::global().unchecked_into();
            let _ = target.remove_event_listener_with_callback("online", l.as_ref().unchecked_ref());
        }
        if let Some(ch) = self.channel.borrow_mut().take() {
            ch.close();
        }
    }

    /// Most entries per request for `api` now: `batch.max`, or less once its endpoint refused a
    /// batch.
    pub fn batch_max(&self, api: &str) -> usize {
        self.options.batch_max(api).min(self.refusals.borrow().cap(api))
    }

    /// `api`'s endpoint refused a batch (HTTP `status`, `why`): its batches at most `max` long
    /// from now on (1: batching off), and a `warning` event (`reason: "batchRefused"`,
    /// `error: { kind: "batch", status, message, max }`, with the id of the entry that led the
    /// batch).
    pub fn refuse_batches(&self, batch: &[crate::outbox::entry::Entry], status: u16, why: &str, max: usize) {
        let Some(head) = batch.first() else { return };
        self.refusals.borrow_mut().refused(&head.api, status, batch, max);
        let then = if max == 1 { "sending one request per entry to this endpoint from now on".to_string() } else { format!("sending batches of at most {max} to this endpoint from now on") };
        let mut ev = Event::of("warning", head);
        ev.reason = Some("batchRefused".into());
        ev.error = Some(json!({ "kind": "batch", "status": status, "message": format!("{why}; {then}"), "max": max }));
        self.emit(ev);
    }

    /// Entry `alone` was sent alone and died: when refused batches held it and its own refusal
    /// said "too long" too (413/422), it was too large, not the batches. Those refusals are
    /// forgotten, the API's batches are as long as the others allow again (`Some` of that), and
    /// a `warning` event (`reason: "batchRestored"`) says so.
    pub fn restore_batches(&self, alone: &crate::outbox::entry::Entry) -> Option<usize> {
        self.refusals.borrow_mut().alone_refused(alone)?;
        let max = self.batch_max(&alone.api);
        let status = alone.last_error.as_ref().and_then(|e| e.get("status")).cloned().unwrap_or(Value::Null);
        let mut ev = Event::of("warning", alone);
        ev.reason = Some("batchRestored".into());
        let message = format!("entry {} was refused on its own as the batches holding it were: it is too large, not the batches; sending batches of at most {max} to this endpoint again", alone.id);
        ev.error = Some(json!({ "kind": "batch", "status": status, "message": message, "max": max }));
        self.emit(ev);
        Some(max)
    }

    /// GraphQL endpoint of `api`, if configured.
    pub fn endpoint(&self, api: &str) -> Option<String> {
        self.options.endpoints.iter().find(|(n, _)| n == api).map(|(_, u)| u.clone())
    }
}

impl Drop for Inner {
    /// A client garbage-collected without `close()` (wasm-bindgen's weak refs free it) must not
    /// leave its `online` listener registered: the next `online` event would call a dropped
    /// closure, which throws.
    fn drop(&mut self) {
        self.stop_listening();
    }
}
