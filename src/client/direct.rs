//! An online call's own way out: its new entry stored and claimed in one transaction, sent
//! alone and its outcome written in a second (`Drain::first`), in a locked section of its own:
//! two IndexedDB transactions, where storing it and then running a pass costs four (insert,
//! list, claim, outcome). Taken only when that is cheap to know: online, nothing waiting or
//! being sent elsewhere, no dependency or placeholder, the token at hand, the drain lock free
//! right now. Otherwise the call stores its entry and runs a pass, as before.
//!
//! Order: the direct way awaits the token and the Web Lock before it stores anything, and the
//! calls made meanwhile (the rest of a `Promise.all`) were stored at once, in a group: before
//! the first call, which was then sent last (found by review in round s27; e2e
//! `batched-drain.test.mjs`: of three edits of one profile, the first one's value stayed). They
//! now wait at a gate until the direct call's entry is stored or the direct way gives up. A call
//! naming placeholders holds the same gate while it reads its creates before storing (found by
//! the store review: a later call was stored first).

use super::drive::{online_hint, Job, Ran};
use super::errors::SdkError;
use super::open::ClientRef;
use super::tokens::PassTokens;
use crate::outbox::entry::Entry;
use crate::store::StoreError;
use crate::sync::{lock, First};
use wasm_bindgen::JsValue;

/// What the direct way did with a call's entry.
pub enum Direct {
    /// Nothing stored: store it and run a pass. `true`: the app's token callback, called for
    /// this entry, has not answered yet; the pass waits for that same call (bounded by
    /// `tokenTimeoutMs`), and the call waits for the pass as if it had started the callback.
    NotTried(bool),
    /// Stored queued behind other entries (its `queued` event reported): run a pass.
    Queued,
    /// Stored, sent and settled: its events tell how.
    Sent,
    /// Stored and sent, but its outcome could not be written: the call answers `queued`.
    Unrecorded(StoreError),
}

impl ClientRef {
    /// Tries the direct way for `entry` (new, not stored). `Err`: nothing was stored.
    pub async fn direct(&self, entry: &Entry) -> Result<Direct, SdkError> {
        let inner = &*self.0;
        // Cheapest first: an offline call (the usual reason) costs one property read here.
        let quiet = || !inner.direct_busy.get() && inner.queued_pass.borrow().is_none() && !inner.busy.get() && !self.head_waiting();
        let simple = || entry.depends_on.is_empty() && crate::outbox::placeholders::candidates(&entry.variables).is_empty();
        if inner.closed.get() || !online_hint() || !quiet() || !simple() || self.token_pending() || inner.endpoint(&entry.api).is_none() {
            return Ok(Direct::NotTried(false));
        }
        inner.direct_busy.set(true);
        self.hold_gate();
        let r = self.direct_locked(entry).await;
        inner.direct_busy.set(false);
        // Given up before storing (the caller stores the entry next, in this same turn, so
        // still before the calls let through now), or stored already (the gate is open).
        self.open_direct_gate();
        r
    }

    /// Waits while a call made earlier has not stored its entry (the gate is held): called by
    /// every call before anything it awaits ahead of storing. Released in call order, each
    /// resumes in that order; one released ahead may hold the gate again (placeholders), so
    /// this looks again.
    pub(super) async fn wait_turn(&self) {
        loop {
            let p = {
                let mut gate = self.0.direct_gate.borrow_mut();
                let Some(waiting) = gate.as_mut() else { return };
                let mut resolve_fn = None;
                let p = js_sys::Promise::new(&mut |resolve, _| resolve_fn = Some(resolve));
                // The executor runs at once; without it, nothing to wait for.
                let Some(resolve) = resolve_fn else { return };
                waiting.push(resolve);
                p
            };
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
        }
    }

    /// This call awaits something before storing its entry: calls made meanwhile wait.
    pub(super) fn hold_gate(&self) {
        self.0.direct_gate.borrow_mut().get_or_insert_with(Vec::new);
    }

    /// The holding call's entry is stored (or will not be): the calls behind it go on, in order.
    pub(super) fn open_direct_gate(&self) {
        let waiting = self.0.direct_gate.borrow_mut().take();
        for resolve in waiting.into_iter().flatten() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }

    async fn direct_locked(&self, entry: &Entry) -> Result<Direct, SdkError> {
        let inner = &*self.0;
        let api = entry.api.clone();
        let Some(token) = self.token_within(&api, 0).await else { return Ok(Direct::NotTried(true)) };
        // Later passes read this API's token before the lock too (as after `NeedToken`).
        inner.read_token_before_lock(&api);
        let tokens = PassTokens::one(&api, token);
        let name = inner.lock_name(&inner.options.user);
        let (this, mut e) = (self.clone(), entry.clone());
        let ran = lock::try_with_lock(&name, move |exclusive| async move {
            if this.0.closed.get() {
                return Ok(Ran::First(First::NotTried));
            }
            let stored = || this.open_direct_gate();
            this.run_job(Job::First(&mut e, &stored), exclusive, &tokens).await
        })
        .await;
        Ok(match ran {
            None | Some(Ok(Ran::First(First::NotTried))) | Some(Ok(Ran::Pass(_))) => Direct::NotTried(false),
            Some(Err(e)) => return Err(e),
            Some(Ok(Ran::First(First::Queued))) => Direct::Queued,
            Some(Ok(Ran::First(First::Sent(Ok(stop))))) => {
                self.schedule(&stop);
                Direct::Sent
            }
            Some(Ok(Ran::First(First::Sent(Err(e))))) => Direct::Unrecorded(e),
        })
    }
}
