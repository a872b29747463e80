//! An online call's own way out: its new entry stored and claimed in one transaction, sent
//! alone and its outcome written in a second (`Drain::first`), in a locked section of its own:
//! two IndexedDB transactions, where storing it and then running a pass costs four (insert,
//! list, claim, outcome). Taken only when that is cheap to know: online, nothing waiting or
//! being sent elsewhere, no dependency or placeholder, the token at hand, the drain lock free
//! right now. Otherwise the call stores its entry and runs a pass, as before.

use super::drive::{online_hint, Job, Ran};
use super::errors::SdkError;
use super::open::ClientRef;
use super::tokens::PassTokens;
use crate::outbox::entry::Entry;
use crate::store::StoreError;
use crate::sync::{lock, First};

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
        let r = self.direct_locked(entry).await;
        inner.direct_busy.set(false);
        r
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
            this.run_job(Job::First(&mut e), exclusive, &tokens).await
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
