//! Time and randomness for the policy: a trait so native tests drive backoff with a fake.

use std::cell::Cell;

/// The current time and a random number source (for jitter).
pub trait Clock {
    /// Epoch milliseconds.
    fn now_ms(&self) -> f64;
    /// Uniform in [0, 1).
    fn random(&self) -> f64;
}

/// `Date.now()` and `Math.random()` in the browser; the system clock natively.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> f64 {
        #[cfg(target_arch = "wasm32")]
        return js_sys::Date::now();
        #[cfg(not(target_arch = "wasm32"))]
        return std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as f64).unwrap_or(0.0);
    }
    fn random(&self) -> f64 {
        #[cfg(target_arch = "wasm32")]
        return js_sys::Math::random();
        #[cfg(not(target_arch = "wasm32"))]
        return 0.5;
    }
}

/// A clock tests set and advance by hand; `random` returns a fixed value.
#[derive(Debug)]
pub struct FakeClock {
    pub now: Cell<f64>,
    pub random: Cell<f64>,
}

impl FakeClock {
    /// At `now` ms, with `random()` = 0.5.
    pub fn at(now: f64) -> FakeClock {
        FakeClock { now: Cell::new(now), random: Cell::new(0.5) }
    }
    /// Moves time forward by `ms`.
    pub fn advance(&self, ms: f64) {
        self.now.set(self.now.get() + ms);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> f64 {
        self.now.get()
    }
    fn random(&self) -> f64 {
        self.random.get()
    }
}
