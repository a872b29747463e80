//! Background Sync in a service worker. A service worker is stopped when idle, which takes the
//! backoff timer with it: a queue left there would wait for the next `Client.open`. Where the
//! browser has Background Sync (Chromium), the SDK in a service worker asks for a `sync` event
//! (`registration.sync.register(tag)`) whenever entries are left waiting for the network, and
//! the browser wakes the worker when connectivity returns. The worker's own script must hand
//! the event over (`client.syncEvent(event)`): listeners of a service worker count only when
//! added during its first evaluation, before any client can be open, so the SDK cannot add one.
//! Windows and dedicated workers register nothing: their app's service worker may not run the
//! SDK, and their timer and the `online` event drain them.

use super::args;
use super::drive::Trigger;
use super::errors::SdkError;
use super::open::{Client, ClientRef};
use crate::outbox::entry::State;
use crate::store::OutboxStore;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

/// `self.registration.sync` in a service worker of a browser with Background Sync.
fn sync_manager() -> Option<JsValue> {
    if !super::globals::is_service_worker() {
        return None;
    }
    let get = |o: &JsValue, k: &str| js_sys::Reflect::get(o, &k.into()).ok().filter(|v| !v.is_undefined() && !v.is_null());
    get(&get(&js_sys::global(), "registration")?, "sync")
}

impl ClientRef {
    /// The `sync` tag of this client's queue: `<database>:<user>`, the drain lock's name.
    pub fn sync_tag(&self) -> String {
        self.0.lock_name(&self.0.options.user)
    }

    /// Entries are left waiting for the network: in a service worker with Background Sync, ask
    /// for a `sync` event (once until the queue is next found empty or an event is handled;
    /// registering a tag already registered is a no-op anyway, but costs a browser round trip).
    pub fn want_background_sync(&self) {
        if self.0.sync_asked.get() || self.0.closed.get() {
            return;
        }
        let Some(sync) = sync_manager() else { return };
        let register = js_sys::Reflect::get(&sync, &"register".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let Some(register) = register else { return };
        self.0.sync_asked.set(true);
        let asked = register.call1(&sync, &JsValue::from_str(&self.sync_tag())).map(|p| js_sys::Promise::resolve(&p));
        let this = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let done = match asked {
                Ok(p) => wasm_bindgen_futures::JsFuture::from(p).await.map(|_| ()),
                Err(e) => Err(e),
            };
            // Refused (no permission, a worker being replaced): the timer and the next open drain.
            if let Err(e) = done {
                this.0.sync_asked.set(false);
                web_sys::console::warn_2(&"graphql-outbox: Background Sync registration failed".into(), &e);
            }
        });
    }

    /// The queue was found empty: the next wait asks for a `sync` event again.
    pub fn background_sync_done(&self) {
        self.0.sync_asked.set(false);
    }

    async fn on_sync_event(&self, tag: String, last_chance: bool) -> Result<bool, SdkError> {
        if tag != self.sync_tag() {
            return Ok(false);
        }
        // While the event runs the browser holds the registration; asking again would make it
        // fire once more right after this one, also when this one failed.
        self.0.sync_asked.set(true);
        let drained = self.drain(Trigger::SyncEvent).await;
        self.caches_written().await;
        let entries = self.0.store.list_active(&self.0.options.user).await;
        self.0.sync_asked.set(false);
        drained?;
        let waiting = entries?.iter().filter(|e| matches!(e.state, State::Queued | State::Retrying)).count();
        // A rejection makes the browser fire `sync` again later (Chromium: after 5 and 15
        // minutes); on its last chance there is no later, and the timer and next open remain.
        if waiting > 0 && !last_chance {
            return Err(SdkError::Network {
                status: None,
                message: format!("{waiting} entries still wait for the network; the browser fires `sync` again later"),
                retry_after_ms: None,
            });
        }
        Ok(true)
    }
}

#[wasm_bindgen]
impl Client {
    /// For a service worker's `sync` event, in its script's first evaluation:
    /// `self.addEventListener("sync", (e) => e.waitUntil(ready.then((c) => c.syncEvent(e))))`.
    /// For this client's tag (`<database>:<user>`) drains and resolves `true` once nothing waits
    /// for the network, or rejects `NetworkError` while entries still do (so the browser fires
    /// `sync` again; on `lastChance` it resolves `true`). Another tag resolves `false` at once.
    /// An `event` without a string `tag` rejects `ValidationError`.
    #[wasm_bindgen(js_name = syncEvent, unchecked_return_type = "Promise<boolean>")]
    pub fn sync_event(&self, #[wasm_bindgen(unchecked_param_type = "{ readonly tag: string; readonly lastChance?: boolean }")] event: JsValue) -> js_sys::Promise {
        let this = self.handle();
        future_to_promise(async move {
            // Read as JSON (a SyncEvent's own properties are getters JSON.stringify skips, so
            // read them by name, each through a caught `Reflect.get`).
            let get = |k: &str| if event.is_object() { js_sys::Reflect::get(&event, &k.into()).ok() } else { None };
            let tag = args::string("syncEvent", "event.tag", &get("tag").unwrap_or(JsValue::UNDEFINED))?;
            let last_chance = get("lastChance").and_then(|v| v.as_bool()).unwrap_or(false);
            let handled = this.on_sync_event(tag, last_chance).await?;
            Ok(JsValue::from_bool(handled))
        })
    }
}
