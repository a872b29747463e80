//! When this context drains: on `Client.open`, `client.sync()`, each new call, the `online`
//! event, a message from another context, and the backoff timer. A pass first reads the tokens
//! it will need (outside any lock: that is app code), then runs under the Web Lock for this
//! database and user, so one context drains at a time; without Web Locks (non-secure contexts)
//! passes of several contexts compete, and each entry's claim decides who sends it: a pass that
//! finds the head entry claimed elsewhere stops and runs again when that context reports an
//! outcome, or when the claim expires.

use super::errors::SdkError;
use super::open::ClientRef;
use crate::timers::{clear_timeout, set_timeout};
use super::tokens::PassTokens;
use crate::sync::{lock, Drain, Event, Stop};
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

pub use super::globals::online_hint;

/// What asked for a pass; it decides how thorough the pass is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `Client.open`.
    Open,
    /// `client.sync()`.
    Sync,
    /// A service worker's `sync` event (`client.syncEvent(e)`): as `Sync`, but never inside
    /// the token callback, so it always waits for its pass (found by review in round s27: while
    /// a token call was in flight it settled before its pass, and the browser's `waitUntil`
    /// with it).
    SyncEvent,
    /// The global `online` event.
    Online,
    /// A new mutation call.
    Call,
    /// The backoff timer.
    Timer,
    /// Another context queued an entry, or the app changed the queue (retry, discard, token).
    Nudge,
    /// Another context reported an outcome while this one waited for an entry it had claimed.
    Released,
}

impl Trigger {
    /// Read every record (quarantine, tombstone cleanup): on open and `sync()`.
    fn full(self) -> bool {
        matches!(self, Trigger::Open | Trigger::Sync | Trigger::SyncEvent)
    }
    /// The network may be back: retry "no answer" failures without waiting out their backoff.
    fn network_back(self) -> bool {
        matches!(self, Trigger::Open | Trigger::Sync | Trigger::SyncEvent | Trigger::Online)
    }
}

/// What a locked section runs: a pass (full read, network may be back), or an online call's
/// new entry (`Drain::first`, see `direct.rs`).
pub(super) enum Job<'e> {
    Pass((bool, bool)),
    /// A new entry for the direct way, and what to call once it is stored.
    First(&'e mut crate::outbox::entry::Entry, &'e dyn Fn()),
}

/// What the job came to.
pub(super) enum Ran {
    Pass(Stop),
    First(crate::sync::First),
}

impl ClientRef {
    /// True while the head entry waits out a backoff: a new call need not run a pass, since
    /// its entry comes after the head anyway (order).
    pub fn head_waiting(&self) -> bool {
        js_sys::Date::now() < self.0.waiting_until.get()
    }

    /// Runs a pass (sharing one requested but not yet started); resolves when it ends. While
    /// the app's token callback has not answered it only requests the pass: the caller may be
    /// that callback (`await client.sync()` inside it), and waiting would be a cycle.
    pub async fn drain(&self, trigger: Trigger) -> Result<(), SdkError> {
        self.drain_with(trigger, true).await
    }

    /// `drain`; with `nested_check` false the first round waits for its pass even while a token
    /// call is in flight (the caller knows it is not running inside the token callback).
    pub async fn drain_with(&self, trigger: Trigger, mut nested_check: bool) -> Result<(), SdkError> {
        loop {
            let pass = self.request_pass(trigger);
            if nested_check && trigger != Trigger::SyncEvent && self.token_pending() {
                return Ok(());
            }
            nested_check = true;
            let again = JsFuture::from(pass).await.map_err(|e| SdkError::Storage {
                reason: "other",
                message: js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default(),
            })?;
            // The pass met an API whose token it had not read: the next one reads it too.
            if again != JsValue::TRUE {
                return Ok(());
            }
        }
    }

    /// The pass that will serve `trigger`: one requested but not yet started, or a new one.
    fn request_pass(&self, trigger: Trigger) -> js_sys::Promise {
        let (full, back) = self.0.pass_flags.get();
        self.0.pass_flags.set((full || trigger.full(), back || trigger.network_back()));
        let existing = self.0.queued_pass.borrow().clone();
        existing.unwrap_or_else(|| {
            let p = self.start_pass();
            *self.0.queued_pass.borrow_mut() = Some(p.clone());
            p
        })
    }

    /// Drains in the background if the browser does not say it is offline.
    pub fn kick(&self, trigger: Trigger) {
        if self.0.closed.get() || (trigger == Trigger::Nudge && self.head_waiting()) {
            return;
        }
        if !online_hint() {
            return self.wait_online();
        }
        let this = self.clone();
        spawn_local(async move {
            if let Err(e) = this.drain(trigger).await {
                web_sys::console::warn_2(&"graphql-outbox: drain failed".into(), &JsValue::from(e));
            }
        });
    }

    fn start_pass(&self) -> js_sys::Promise {
        let this = self.clone();
        future_to_promise(async move {
            let name = this.0.lock_name(&this.0.options.user);
            // App code, so before the lock and bounded by tokenTimeoutMs.
            let apis = this.0.token_apis.borrow().clone();
            let tokens = this.read_tokens(&apis).await;
            let inner = this.clone();
            let stop = lock::with_lock(&name, move |exclusive| async move {
                // From here on, a new request needs a new pass: this one may have listed already.
                *inner.0.queued_pass.borrow_mut() = None;
                let flags = inner.0.pass_flags.replace((false, false));
                if inner.0.closed.get() {
                    return Ok(Stop::Idle);
                }
                inner.0.passing.set(true);
                let stop = inner.pass(flags, exclusive, &tokens).await;
                inner.0.passing.set(false);
                stop
            })
            .await
            .map_err(JsValue::from)?;
            this.schedule(&stop);
            Ok(JsValue::from_bool(matches!(stop, Stop::NeedToken(_))))
        })
    }

    async fn pass(&self, flags: (bool, bool), exclusive: bool, tokens: &PassTokens) -> Result<Stop, SdkError> {
        match self.run_job(Job::Pass(flags), exclusive, tokens).await? {
            Ran::Pass(stop) => Ok(stop),
            Ran::First(_) => Ok(Stop::Idle),
        }
    }

    /// Runs `job` with this client's drain (the caller holds the drain lock).
    pub(super) async fn run_job(&self, job: Job<'_>, exclusive: bool, tokens: &PassTokens) -> Result<Ran, SdkError> {
        let inner = &*self.0;
        let (full, network_back) = match &job {
            Job::Pass(flags) => *flags,
            Job::First(..) => (false, false),
        };
        let endpoint = |api: &str| inner.endpoint(api);
        let emit = |e: Event| inner.emit(e);
        let keyless = |api: &str| inner.options.keyless.iter().any(|a| a == api);
        let batch_max = |api: &str| inner.batch_max(api);
        let batch_refused = |batch: &[crate::outbox::entry::Entry], status: u16, why: &str, max: usize| inner.refuse_batches(batch, status, why, max);
        let batch_restored = |alone: &crate::outbox::entry::Entry| inner.restore_batches(alone);
        let drain = Drain {
            store: &inner.store,
            transport: &inner.transport,
            clock: &inner.clock,
            tokens,
            policy: inner.options.policy,
            user: &inner.options.user,
            endpoint: &endpoint,
            emit: &emit,
            keyless: &keyless,
            pause: &inner.pause,
            full,
            network_back,
            owner: &inner.owner,
            exclusive,
            batch_max: &batch_max,
            batch_refused: &batch_refused,
            batch_restored: &batch_restored,
            left_for_others: &inner.left_for_others,
            hold: Default::default(),
            epoch: Default::default(),
        };
        if matches!(job, Job::Pass(_)) {
            inner.left_for_others.set(false);
        }
        Ok(match job {
            Job::Pass(_) => Ran::Pass(drain.run().await?),
            Job::First(e, stored) => Ran::First(drain.first(e, stored).await?),
        })
    }

    /// Sets the backoff timer for a pass that stopped on a wait (replacing an earlier one).
    pub(super) fn schedule(&self, stop: &Stop) {
        if let Some(id) = self.0.timer.take() {
            clear_timeout(id);
        }
        let at = match stop {
            Stop::WaitUntil(t) | Stop::Offline(t) | Stop::Busy(t) => *t,
            Stop::Idle | Stop::Auth => 0.0,
            Stop::NeedToken(api) => {
                // Read this API's token from now on; `drain` runs the next pass at once.
                self.0.read_token_before_lock(api);
                0.0
            }
        };
        match stop {
            // Left waiting for the network or a backoff: a service worker may be stopped
            // before its timer fires, so it asks the browser for a `sync` event too.
            Stop::WaitUntil(_) | Stop::Offline(_) => self.want_background_sync(),
            Stop::Idle => self.background_sync_done(),
            _ => {}
        }
        self.0.busy.set(matches!(stop, Stop::Busy(_)));
        self.0.waiting_until.set(at);
        if at == 0.0 {
            return;
        }
        self.arm_timer(at - js_sys::Date::now());
    }

    /// The timer runs a pass in `delay` ms (replacing none: callers cleared or checked it).
    fn arm_timer(&self, delay: f64) {
        if self.0.closed.get() {
            return;
        }
        let weak: Weak<_> = Rc::downgrade(&self.0);
        let fire = Closure::once_into_js(move || {
            if let Some(inner) = weak.upgrade() {
                inner.timer.set(None);
                ClientRef(inner).kick(Trigger::Timer);
            }
        });
        // `set_timeout` clamps to 2^31 - 1 ms: a longer delay would fire at once, in a loop.
        self.0.timer.set(Some(set_timeout(&fire, delay)));
    }

    /// No pass now (`navigator.onLine` is false, or the head waits out a backoff). A window
    /// drains on its `online` event; Chromium fires none in workers and service workers, so
    /// there, unless the backoff timer is already set, the timer looks at `navigator.onLine`
    /// again every `baseDelayMs`, 100 ms at least (a read of a flag, no request). A service worker may be
    /// stopped before then: it also asks for a Background Sync `sync` event.
    pub fn wait_online(&self) {
        self.want_background_sync();
        if super::globals::is_window() || self.0.timer.get().is_some() {
            return;
        }
        // At most 10 reads a second, whatever a short `baseDelayMs` says.
        self.arm_timer(self.0.options.policy.base_delay_ms.max(100.0));
    }

    /// Stops timers and listeners; later calls still store entries but nothing drains here.
    pub fn shutdown(&self) {
        self.0.stop_listening();
    }

    /// Listens for `online` and for other contexts' events.
    pub fn listen(&self) {
        let weak = Rc::downgrade(&self.0);
        let on_online = Closure::<dyn FnMut()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                ClientRef(inner).kick(Trigger::Online);
            }
        });
        let target: web_sys::EventTarget = js_sys::global().unchecked_into();
        let _ = target.add_event_listener_with_callback("online", on_online.as_ref().unchecked_ref());
        *self.0.online_listener.borrow_mut() = Some(on_online);
        let weak = Rc::downgrade(&self.0);
        let channel = crate::sync::broadcast::Channel::open(self.0.store.name(), move |msg| {
            let Some(inner) = weak.upgrade() else { return };
            if let Some(change) = msg.get("cache") {
                return ClientRef(inner).cache_changed_elsewhere(change);
            }
            let Some(ev) = msg.get("event") else { return };
            inner.store.drop_read_ahead();
            inner.deliver(ev);
            ClientRef(inner.clone()).cache_after_event(ev, None);
            if ev["user"] != inner.options.user.as_str() {
                return;
            }
            if ev["type"] == "queued" {
                ClientRef(inner).kick(Trigger::Nudge);
            } else if (inner.busy.get() || inner.left_for_others.get()) && ev["type"] != "sending" && ev["reason"] != "busy" {
                // The context holding the entry this one waits for is done with it (or with
                // its pass): look again now rather than when its claim would expire. Likewise
                // for an entry left waiting on one only another client can send.
                ClientRef(inner).kick(Trigger::Released);
            }
        });
        *self.0.channel.borrow_mut() = channel;
    }
}
