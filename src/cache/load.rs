//! One load of a user's records at a time. A cold start usually runs several reads at once (a
//! query, the app's watchers, their pending layer), and each would otherwise read and decode
//! every record of the user for itself: the later ones wait for the first load instead.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use std::task::{Poll, Waker};

/// The loads under way, by user.
#[derive(Default)]
pub struct Loads {
    inflight: RefCell<Vec<(String, Rc<Gate>)>>,
}

/// Opens when its load ends (however it ends), waking whoever waits.
#[derive(Default)]
struct Gate {
    open: Cell<bool>,
    wakers: RefCell<Vec<Waker>>,
}

/// Held by the one load of a user; dropping it (done, failed or cancelled) lets the waiters go.
pub struct Loading<'a> {
    loads: &'a Loads,
    user: String,
    gate: Rc<Gate>,
}

impl Loads {
    /// `Ok`: this caller loads `user` (holding the guard while it does). `Err`: another load
    /// of `user` is under way; the future resolves when it ends (then look again: it may
    /// have failed).
    pub fn start(&self, user: &str) -> Result<Loading<'_>, impl Future<Output = ()>> {
        let mut inflight = self.inflight.borrow_mut();
        if let Some((_, gate)) = inflight.iter().find(|(u, _)| u == user) {
            let gate = gate.clone();
            return Err(std::future::poll_fn(move |cx| {
                if gate.open.get() {
                    return Poll::Ready(());
                }
                gate.wakers.borrow_mut().push(cx.waker().clone());
                Poll::Pending
            }));
        }
        let gate = Rc::new(Gate::default());
        inflight.push((user.to_string(), gate.clone()));
        Ok(Loading { loads: self, user: user.to_string(), gate })
    }
}

impl Drop for Loading<'_> {
    fn drop(&mut self) {
        self.loads.inflight.borrow_mut().retain(|(u, _)| *u != self.user);
        self.gate.open.set(true);
        for w in self.gate.wakers.take() {
            w.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::pin;
    use std::task::Context;

    #[test]
    fn a_second_load_of_the_same_user_waits_until_the_first_ends() {
        let loads = Loads::default();
        let first = loads.start("a").ok().expect("the first load goes ahead");
        assert!(loads.start("b").is_ok(), "another user is not held up");
        let Err(wait) = loads.start("a") else { panic!("a second load of a waits") };
        let mut wait = pin!(wait);
        let cx = &mut Context::from_waker(Waker::noop());
        assert!(wait.as_mut().poll(cx).is_pending());
        drop(first);
        assert!(wait.as_mut().poll(cx).is_ready(), "released when the first load ends");
        assert!(loads.start("a").is_ok(), "and the next load of a may start");
    }
}
