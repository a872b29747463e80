//! Reads of the global object that need not be made per call (issue 9, round drain4: 1,000
//! concurrent calls read `navigator.onLine` 2,000 times and `crypto` 1,000 times, each read a
//! property name made into a JS string: ~9 ms of a ~110 ms burst). What a global is (window,
//! service worker) never changes: read once. `navigator.onLine` changes only between tasks (the
//! browser sets it, then fires `online` or `offline` in a task of its own): read once per turn.
//! Random bytes come from one `getRandomValues` per 64 ids.

use std::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

/// Bytes drawn per `getRandomValues`: 64 ids.
const POOL: usize = 16 * 64;

struct Globals {
    /// Bit 0: read; bit 1: a window; bit 2: a service worker.
    kind: Cell<u8>,
    /// `navigator.onLine` as read in this turn: 0 not read, 1 false, 2 true.
    online: Cell<u8>,
    /// Random bytes, and how many of them are still to be handed out.
    random: RefCell<([u8; POOL], usize)>,
}

thread_local! {
    static G: Globals = const { Globals { kind: Cell::new(0), online: Cell::new(0), random: RefCell::new(([0; POOL], 0)) } };
}

fn global(name: &str) -> JsValue {
    js_sys::Reflect::get(&js_sys::global(), &name.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `navigator.onLine`, a hint only: false means "do not even try"; true proves nothing.
pub fn online_hint() -> bool {
    G.with(|g| {
        if g.online.get() == 0 {
            let online = js_sys::Reflect::get(&global("navigator"), &"onLine".into()).ok().and_then(|v| v.as_bool()).unwrap_or(true);
            g.online.set(1 + u8::from(online));
            // Forgotten once the calls of this turn have run (a task queued after theirs).
            wasm_bindgen_futures::spawn_local(async { G.with(|g| g.online.set(0)) });
        }
        g.online.get() == 2
    })
}

/// What kind of global this is (bits of `Globals::kind`), read once.
fn kind() -> u8 {
    G.with(|g| {
        if g.kind.get() == 0 {
            // Only a service worker's global has this constructor; a window may have a
            // `registration` global of its own (an element with that id).
            let sw = !global("ServiceWorkerGlobalScope").is_undefined();
            g.kind.set(1 | u8::from(!global("document").is_undefined()) << 1 | u8::from(sw) << 2);
        }
        g.kind.get()
    })
}

/// Whether this global is a window's (it has a `document`).
pub fn is_window() -> bool {
    kind() & 2 != 0
}

/// Whether this is a window whose page is hidden (`document.visibilityState`): its timers are
/// throttled there (to once a second, in Chromium once a minute after five minutes hidden).
pub fn page_hidden() -> bool {
    is_window() && js_sys::Reflect::get(&global("document"), &"visibilityState".into()).ok().and_then(|v| v.as_string()).is_some_and(|v| v == "hidden")
}

/// Whether this global is a service worker's.
pub fn is_service_worker() -> bool {
    kind() & 4 != 0
}

/// 16 bytes from the global `crypto.getRandomValues` (a window, worker or service worker).
pub fn random_bytes() -> Result<[u8; 16], JsValue> {
    G.with(|g| {
        let mut r = g.random.borrow_mut();
        let (pool, left) = &mut *r;
        if *left < 16 {
            let crypto: web_sys::Crypto = global("crypto").dyn_into()?;
            crypto.get_random_values_with_u8_array(pool)?;
            *left = POOL;
        }
        *left -= 16;
        let mut b = [0u8; 16];
        b.copy_from_slice(&pool[*left..*left + 16]);
        Ok(b)
    })
}
