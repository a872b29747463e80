//! `outbox.settled(id)`: a promise for an entry's outcome. It looks in the store once, then
//! waits for the outcome's event: this context's, or another's over the BroadcastChannel. That
//! event can be lost: the context that sent the entry stopped between the outcome's durable
//! write and the post that carries it (a page closed within that turn, a worker the browser
//! stopped). Nothing would tell the waiter then, since the entry is no longer live and no pass
//! reports it again. So while waiters wait, their entries are looked up again every
//! `RECHECK_MS`: they hear of such an outcome within that, not never. Not while this context's
//! own pass runs (its events are not lost, and reading many entries would slow it), nor offline
//! (nothing is being sent).
//!
//! An entry that is gone when looked up again (`outbox.purge`, here or in another context)
//! rejects its waiters `NotFoundError`, as `settled()` of an unknown id does at once: before,
//! they waited forever.

use super::drive::online_hint;
use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use crate::store::OutboxStore;
use crate::timers::set_timeout;
use std::rc::{Rc, Weak};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, spawn_local};

/// How often waiting `settled()` calls look up their entries again, ms.
pub const RECHECK_MS: f64 = 2000.0;

impl ClientRef {
    /// Resolves once entry `id` is sent, dead, discarded or unknown (at once if it is); rejects
    /// `NotFoundError` for an id this user has no entry for, or no longer has (purged);
    /// `StorageError` (`unavailable`) if the client is closed while it waits.
    pub fn settled(&self, id: String) -> js_sys::Promise {
        let c = self.clone();
        let mut resolve_fn: Option<js_sys::Function> = None;
        let waiting = js_sys::Promise::new(&mut |resolve, _| resolve_fn = Some(resolve));
        // The executor runs at once (the Promise constructor calls it synchronously).
        let Some(resolve) = resolve_fn else { return super::args::rejected(SdkError::Config("Promise executor did not run".into())) };
        // Wait first, then look: an event between the look and the wait is not missed.
        c.0.waiters.borrow_mut().push((id.clone(), resolve.clone()));
        future_to_promise(async move {
            // Only this call's waiter: another call's for the same id may still wait.
            let unwait = || c.0.waiters.borrow_mut().retain(|(w, f)| *w != id || *f != resolve);
            // One index lookup: apps call this for many ids at once.
            let found = match c.0.store.get(&id).await {
                Ok(found) => found.filter(|e| e.user == c.0.options.user),
                Err(e) => {
                    unwait();
                    return Err(SdkError::from(e).into());
                }
            };
            let Some(e) = found else {
                unwait();
                return Err(SdkError::NotFound(id).into());
            };
            match crate::sync::ops::outcome(&e) {
                Some(outcome) => {
                    unwait();
                    let _ = resolve.call1(&JsValue::NULL, &js::to_js(&outcome));
                }
                None => c.recheck_waiters_later(),
            }
            drop(e);
            // A waiter is given an outcome (a plain object) or, for an entry gone, its error.
            let v = wasm_bindgen_futures::JsFuture::from(waiting).await?;
            if v.is_instance_of::<js_sys::Error>() {
                return Err(v);
            }
            Ok(v)
        })
    }

    /// Arms the look-up timer if it is not armed (a `settled()` call waits).
    fn recheck_waiters_later(&self) {
        if self.0.closed.get() || self.0.waiter_timer.get().is_some() {
            return;
        }
        let weak: Weak<_> = Rc::downgrade(&self.0);
        let fire = Closure::once_into_js(move || {
            if let Some(inner) = weak.upgrade() {
                inner.waiter_timer.set(None);
                ClientRef(inner).recheck_waiters(false);
            }
        });
        self.0.waiter_timer.set(Some(set_timeout(&fire, RECHECK_MS)));
    }

    /// Looks up each waited-for entry (the look-ups of one turn share a transaction) and
    /// resolves the waiters of one that has an outcome, rejects those of one not found
    /// (purged); armed again while any wait. A failed read leaves its waiters as they are.
    /// `now`: also during this context's pass and offline (after a purge here).
    pub(super) fn recheck_waiters(&self, now: bool) {
        if self.0.waiters.borrow().is_empty() {
            return;
        }
        self.recheck_waiters_later();
        if !now && (self.0.passing.get() || !online_hint()) {
            return;
        }
        // Each id once. A linear search, not a sort: a sort's instance measured +2,264 B of wasm
        // gzip, and this runs every 2 s at most, over what the app waits for.
        let mut ids: Vec<String> = vec![];
        for (id, _) in self.0.waiters.borrow().iter() {
            if !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        for id in ids {
            let c = self.clone();
            spawn_local(async move {
                match c.0.store.get(&id).await {
                    Ok(Some(e)) if e.user == c.0.options.user => {
                        if let Some(outcome) = crate::sync::ops::outcome(&e) {
                            c.0.resolve_waiters(&id, &outcome);
                        }
                    }
                    Ok(_) => c.0.answer_waiters(Some(&id), || SdkError::NotFound(id.clone()).into()),
                    Err(_) => {}
                }
            });
        }
    }
}
