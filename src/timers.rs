//! The global scope's timers (window, worker and service worker alike), for the client's
//! backoff and token timeouts and the store's blocked-open grace period.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout_raw(f: &JsValue, ms: f64) -> f64;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout_raw(id: f64);
}

/// The longest delay `setTimeout` honours (2^31 - 1 ms, about 24.8 days); a longer one fires at
/// once, which turned a far-off retry into a tight loop.
pub const MAX_DELAY_MS: f64 = 2_147_483_647.0;

/// `setTimeout(f, ms)` with `ms` clamped to [0, MAX_DELAY_MS]; returns the timer id.
pub fn set_timeout(f: &JsValue, ms: f64) -> f64 {
    set_timeout_raw(f, clamp(ms))
}

/// `clearTimeout(id)`.
pub fn clear_timeout(id: f64) {
    clear_timeout_raw(id)
}

/// A delay `setTimeout` takes as meant: NaN and negatives are 0, the rest at most `MAX_DELAY_MS`.
pub fn clamp(ms: f64) -> f64 {
    if ms.is_nan() {
        0.0
    } else {
        ms.clamp(0.0, MAX_DELAY_MS)
    }
}

/// A promise that resolves after `ms`.
pub fn sleep(ms: f64) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _| {
        set_timeout(&resolve, ms);
    })
}

/// Waits `ms` (`let _ = wait(ms).await`: the timer's promise never rejects).
pub fn wait(ms: f64) -> wasm_bindgen_futures::JsFuture {
    wasm_bindgen_futures::JsFuture::from(sleep(ms))
}

/// `f`'s output, or None if it has not finished after `ms` (it is then dropped). The timer
/// is cleared as soon as `f` finishes: a pending one keeps a Node process (tests, server-side
/// use) alive until it fires.
pub async fn within<F: std::future::Future>(ms: f64, f: F) -> Option<F::Output> {
    let mut timer = None;
    let timeout = js_sys::Promise::new(&mut |resolve, _| timer = Some(set_timeout(&resolve, ms)));
    let r = crate::race::first(f, wasm_bindgen_futures::JsFuture::from(timeout)).await;
    if let Some(id) = timer {
        clear_timeout(id);
    }
    match r {
        crate::race::First::Left(out) => Some(out),
        crate::race::First::Right(_) => None,
    }
}
