//! The offline cache as the client uses it: reads with the pending layer of this user's live
//! outbox entries, the server's answer to a sent mutation written in (so its overlay's values
//! give way to the server's, not to the old ones), changes told to watchers here and in other
//! contexts, and `client.cache` (`clear()`).

use super::errors::SdkError;
use super::open::ClientRef;
use crate::api::model::{Api, Query};
use crate::cache::{delete, Assembled, CacheError, Target};
use crate::outbox::entry::{Entry, State};
use crate::outbox::clock::Clock;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// `client.cache`: the offline cache of this client's user.
#[wasm_bindgen]
pub struct Cache {
    pub(crate) client: ClientRef,
}

#[wasm_bindgen]
impl Cache {
    /// Deletes every cached record of this client's user, in this and every other context's
    /// view; watchers see their queries go (they are not called back with nothing). Outbox
    /// entries stay. `outbox.purge(user)` clears that user's cache too.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn clear(&self) -> js_sys::Promise {
        let c = self.client.clone();
        future_to_promise(async move {
            let user = c.0.options.user.clone();
            c.clear_cache(&user).await.map_err(JsValue::from)?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl ClientRef {
    /// This user's entries whose values show on reads: those still to be sent, and sent ones
    /// whose answer is being written into the cache.
    pub(crate) async fn live_entries(&self) -> Vec<Entry> {
        let user = &self.0.options.user;
        // Those read ahead at the open, if still good (`store/idb/early.rs`), else listed now.
        let mut live: Vec<Entry> = match self.0.store.live(user).await {
            Ok(entries) => entries.into_iter().filter(|e| e.state.pending()).collect(),
            Err(_) => vec![],
        };
        // `list_active` answers in creation (= seq) order: each entry being written into the
        // cache goes in at its place (a sort here was ~3 KB of wasm for this one call site).
        // One whose answer memory already holds (marked sent in `write_sent`) is left out, also
        // when the store's listing, read before its outcome was written, still has it pending.
        {
            let writing = self.0.cache_writing.borrow();
            live.retain(|l| !writing.iter().any(|w| w.id == l.id && !w.state.pending()));
            for e in writing.iter() {
                if e.state.pending() && !live.iter().any(|l| l.id == e.id) {
                    let at = live.partition_point(|l| l.seq <= e.seq);
                    live.insert(at, e.clone());
                }
            }
        }
        // An entry naming a placeholder whose create was sent shows on the real entity: its
        // variables are read with the real ids (as the drain will send them).
        let waiting: Vec<String> = live.iter().map(|e| e.id.clone()).collect();
        for e in live.iter_mut() {
            let named = crate::outbox::placeholders::candidates(&e.variables);
            if named.iter().any(|c| !waiting.contains(c)) {
                let _ = crate::sync::placeholders::resolve(&self.0.store, e).await;
            }
        }
        live
    }

    /// `q` from the cache with the pending layer; `Err` says what was missing. The outbox
    /// (for the pending layer) and, on a cold start, the user's records are read at once, the
    /// records' `getAll` issued first: it is the long one.
    pub(crate) async fn read_cached(&self, api: &'static Api, q: &'static Query, variables: &Value) -> Result<Assembled<String>, String> {
        let user = &self.0.options.user;
        let (_, entries) = crate::race::both(self.0.cache.preload(user), self.live_entries()).await;
        self.read_with(api, q, variables, &entries).await
    }

    pub(crate) async fn read_with(&self, api: &'static Api, q: &'static Query, variables: &Value, entries: &[Entry]) -> Result<Assembled<String>, String> {
        let user = self.0.options.user.clone();
        match self.0.cache.read_layers_json(&user, q, variables, &mut self.layers(api, entries)).await {
            Ok(a) => Ok(a),
            Err(CacheError::Miss(m)) => Err(format!("missing {}", m.missing.join(", "))),
            Err(e) => Err(e.to_string()),
        }
    }

    /// Records whose content changed here: other contexts re-read them, watchers look again.
    pub(crate) fn cache_changed(&self, keys: Vec<String>) {
        self.0.broadcast(crate::text(&json!({ "cache": { "user": self.0.options.user, "keys": keys } })));
        self.notify_watchers();
    }

    /// Another context changed these records of `user`.
    pub(crate) fn cache_changed_elsewhere(&self, msg: &Value) {
        if msg["user"] != self.0.options.user.as_str() {
            return;
        }
        let keys: Vec<String> = msg["keys"].as_array().map(|a| a.iter().filter_map(|k| k.as_str().map(String::from)).collect()).unwrap_or_default();
        let c = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let user = c.0.options.user.clone();
            if msg_clears(&keys) {
                let _ = c.0.cache.forget(&user);
            } else {
                let _ = c.0.cache.refresh(&user, &keys).await;
            }
            c.notify_watchers();
        });
    }

    /// What an outbox event means for the cache. A `sent` entry of this context has its answer
    /// written in before watchers look (between the two they would see neither the pending nor
    /// the server's value); other contexts wait for that write's message rather than re-read on
    /// their copy of the `sent` event. Entries queued, dead, discarded or parked change overlays.
    /// `variables` is the sent entry's, given only where it was sent (this context).
    pub(crate) fn cache_after_event(&self, ev: &Value, variables: Option<Value>) {
        if ev["user"] != self.0.options.user.as_str() {
            return;
        }
        match (ev["type"].as_str(), variables) {
            (Some("sent"), Some(variables)) => {
                // Nothing cached for this user, no `updates` for the mutation and not a delete
                // (whose write removes the stored record even when this context has none in
                // memory): its answer can change no record, so there is no overlay to keep until
                // it is written and no task (36 ms of a 1,000-entry drain with the notice,
                // bench/drain-profile.mjs). The notice still goes: another context's watchers
                // re-read on it, as after a write that changed nothing.
                let name = |k: &str| ev[k].as_str().unwrap_or_default();
                let text = |k: &str| name(k).to_string();
                let deletes = || crate::api::ALL.iter().find(|a| a.name == name("api")).is_some_and(|a| delete::deleted_key(a, name("operation"), &variables).is_some());
                if self.0.cache.known_empty(&self.0.options.user) && self.updater(name("api"), name("operation")).is_none() && !deletes() {
                    return self.cache_changed(vec![]);
                }
                let mut e = Entry::new(text("id"), &text("api"), &text("operation"), variables, &self.0.options.user, 0.0);
                e.seq = 0; // sent before any entry still live: its overlay goes first
                // At once, not in the task: the call that made it waits until it is written.
                self.0.cache_writing.borrow_mut().push(e.clone());
                let (c, ev) = (self.clone(), ev.clone());
                wasm_bindgen_futures::spawn_local(async move { c.write_sent(&ev, e).await });
            }
            (Some("queued" | "dead" | "discarded" | "unknown"), _) => self.notify_watchers(),
            _ => {}
        }
    }

    /// Writes a sent entry's answer into the cache (a delete removes the entity), keeping its
    /// overlay on reads until then. Built from the event: reading the entry back would cost a
    /// transaction per sent entry.
    async fn write_sent(&self, ev: &Value, e: Entry) {
        let done = |c: &ClientRef| c.written(&e.id);
        let Some(api) = crate::api::ALL.iter().copied().find(|a| a.name == e.api) else { return done(self) };
        let Some(op) = api.operation(&e.operation) else { return done(self) };
        let data = ev["data"].clone();
        let user = self.0.options.user.clone();
        let now = self.0.clock.now_ms();
        let mut changed = vec![];
        if let Some(key) = delete::deleted_key(api, &e.operation, &e.variables) {
            changed.extend(self.0.cache.write_deleted(&user, &key).await.unwrap_or_default());
        } else if let Some(field) = op.selection.fields.first() {
            // The entry keeps the mutation field's value; the selection is rooted at `Mutation`.
            let answer = json!({ field.response_key: data.clone() });
            changed.extend(self.0.cache.write_result(&user, api, Target::Mutation(op), &e.variables, &answer, now).await.unwrap_or_default());
        }
        // The app's `updates` for it, with the server's answer, into the stored records (a
        // create's entity joins the lists under its real id), before its overlay goes.
        if let Some(f) = self.updater(api.name, op.name) {
            let info = json!({ "entryId": e.id, "pending": false });
            let mut run = |u: &mut crate::cache::Updating<'_, '_>| super::updates::run(&f, api, op, &data, &e.variables, &info, u);
            // Its overlay goes the moment memory holds the real entity: run once more over it
            // (a watcher round during the strict write), it listed the placeholder beside it.
            // (Marked sent, not removed: `sync()` still waits for its write and notice.)
            let applied = || self.0.cache_writing.borrow_mut().iter_mut().filter(|w| w.id == e.id).for_each(|w| w.state = State::Sent);
            changed.extend(self.0.cache.commit_update_then(&user, api, &e.id, now, &mut run, &applied).await.unwrap_or_default());
        }
        self.written(&e.id);
        self.cache_changed(changed);
    }

    /// Entry `id`'s answer is in the cache (or could not be written): its overlay goes, and
    /// the call that made it may resolve.
    fn written(&self, id: &str) {
        self.0.cache_writing.borrow_mut().retain(|w| w.id != id);
        for f in super::inner::take_waiting(&self.0.cache_waiters, id) {
            let _ = f.call0(&JsValue::NULL);
        }
    }

    /// Waits until entry `id`'s answer is in the cache, so that a call resolving `sent` is
    /// followed by reads that show it (a create's entity under its real id). Every path of
    /// `write_sent` ends in `written`, which wakes it; at most 5 s.
    pub(crate) async fn cache_written(&self, id: &str) {
        self.cache_written_within(id, 5000.0).await
    }

    /// `cache_written`, waiting at most `ms`.
    async fn cache_written_within(&self, id: &str, ms: f64) {
        if !self.0.cache_writing.borrow().iter().any(|w| w.id == id) {
            return;
        }
        let mut wake = None;
        let p = js_sys::Promise::new(&mut |resolve, _| wake = Some(resolve));
        if let Some(f) = wake {
            self.0.cache_waiters.borrow_mut().push((id.to_string(), f));
            // Bounded: a call settles promptly even if IndexedDB never answers the write.
            let _ = crate::timers::within(ms, wasm_bindgen_futures::JsFuture::from(p)).await;
        }
    }

    /// Waits until no sent answer is being written into the cache (at most ~5 s): `sync()` and
    /// `syncEvent()` resolve after it, so their cache notices are posted before the app (a
    /// service worker's `sync` handler) closes the client, which drops notices not yet made
    /// (found by review: other contexts' views kept the pending value).
    pub(crate) async fn caches_written(&self) {
        let until = self.0.clock.now_ms() + 5000.0;
        loop {
            let next = self.0.cache_writing.borrow().first().map(|w| w.id.clone());
            let left = until - self.0.clock.now_ms();
            match next {
                Some(id) if left > 0.0 => self.cache_written_within(&id, left).await,
                _ => return,
            }
        }
    }

    /// Starts loading this user's records (one `getAll`) at the open, before anything else
    /// asks IndexedDB: an app reads its cached views first, and every client that sends loads
    /// them anyway (a sent answer is written into them). A read waits for this load, not a
    /// second one (`cache::load`).
    pub(crate) fn preload_cache(&self) {
        let c = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let _ = c.0.cache.preload(&c.0.options.user).await;
        });
    }

    /// Applies the cache's limits once the client has settled in: expired and over-cap results
    /// go, and records no result reaches. `EVICT_DELAY_MS` after the open, so it competes with
    /// neither the open nor the app's first reads (at the open, its IndexedDB requests went
    /// ahead of the first read's `getAll` and its walk of every record ran beside the read's
    /// assembly); not at all if the client was closed by then. It plans on its own copy of the
    /// stored records (`Cache::evict`): one that evicts nothing leaves reads and watchers as
    /// they were.
    pub(crate) fn evict_soon(&self) {
        let me = std::rc::Rc::downgrade(&self.0);
        wasm_bindgen_futures::spawn_local(async move {
            let _ = crate::timers::wait(EVICT_DELAY_MS).await;
            let Some(c) = me.upgrade().map(ClientRef) else { return };
            if c.0.closed.get() {
                return;
            }
            // Stopped by a change to the records meanwhile (the open's first queries land about
            // then), it runs again later, a few times at most.
            for _ in 0..EVICT_TRIES {
                let now = c.0.clock.now_ms();
                let Ok(evicted) = c.0.cache.evict(now).await else { return };
                // Other contexts may hold those users' records in memory: they drop them (a
                // write there skips records equal to its copy, and would not store an evicted
                // one again).
                evicted.users.iter().for_each(|user| c.announce_cleared(user));
                if !evicted.stopped || crate::timers::wait(EVICT_DELAY_MS).await.is_err() || c.0.closed.get() {
                    return;
                }
            }
        });
    }

    /// Tells the other contexts that `user`'s stored records changed under their copies (a
    /// clear, an eviction): they drop theirs and load what is stored.
    fn announce_cleared(&self, user: &str) {
        if let Some(ch) = self.0.channel.borrow().as_ref() {
            ch.post(&json!({ "cache": { "user": user, "keys": [CLEARED] } }));
        }
    }

    /// Deletes `user`'s cache (strict) and tells every context.
    pub(crate) async fn clear_cache(&self, user: &str) -> Result<(), SdkError> {
        self.0.cache.clear(user).await?;
        self.announce_cleared(user);
        if user == self.0.options.user {
            self.forget_watched();
            self.notify_watchers();
        }
        Ok(())
    }
}

/// How long after `Client.open` the cache's limits are applied (`evict_soon`), and between
/// its tries.
pub const EVICT_DELAY_MS: f64 = 3000.0;
/// How many times eviction runs when records change while it runs (`evict_soon`).
const EVICT_TRIES: u32 = 4;

/// The key a `clear` announces: every record of the user went.
const CLEARED: &str = "*";

fn msg_clears(keys: &[String]) -> bool {
    keys.iter().any(|k| k == CLEARED)
}
