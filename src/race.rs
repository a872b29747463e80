//! The two future combinators the SDK needs (a timeout or a "blocked" signal racing an
//! operation; two reads run at once), hand-written rather than pulling in the `futures` crate.

use std::future::Future;
use std::pin::pin;
use std::task::Poll;

/// Which of two futures finished first.
#[derive(Debug, PartialEq, Eq)]
pub enum First<A, B> {
    Left(A),
    Right(B),
}

/// Polls both, `a` first; returns the output of whichever finishes first (the other is dropped).
pub async fn first<A: Future, B: Future>(a: A, b: B) -> First<A::Output, B::Output> {
    let (mut a, mut b) = (pin!(a), pin!(b));
    std::future::poll_fn(move |cx| {
        if let Poll::Ready(v) = a.as_mut().poll(cx) {
            return Poll::Ready(First::Left(v));
        }
        if let Poll::Ready(v) = b.as_mut().poll(cx) {
            return Poll::Ready(First::Right(v));
        }
        Poll::Pending
    })
    .await
}

/// Polls both until each has finished; their outputs. (Both requests are issued at once, so
/// neither waits for the other's round trip.)
pub async fn both<A: Future, B: Future>(a: A, b: B) -> (A::Output, B::Output) {
    let (mut a, mut b) = (pin!(a), pin!(b));
    let (mut x, mut y) = (None, None);
    std::future::poll_fn(move |cx| {
        if x.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                x = Some(v);
            }
        }
        if y.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                y = Some(v);
            }
        }
        match (x.take(), y.take()) {
            (Some(v), Some(w)) => Poll::Ready((v, w)),
            (v, w) => {
                (x, y) = (v, w);
                Poll::Pending
            }
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<F: Future>(f: F) -> F::Output {
        let mut f = std::pin::pin!(f);
        match f.as_mut().poll(&mut std::task::Context::from_waker(std::task::Waker::noop())) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("pending"),
        }
    }

    #[test]
    fn the_first_ready_wins_and_left_breaks_ties() {
        assert_eq!(run(first(std::future::ready(1), std::future::ready("b"))), First::Left(1));
        assert_eq!(run(first(std::future::pending::<u8>(), std::future::ready("b"))), First::Right("b"));
    }

    #[test]
    fn both_waits_for_each_and_polls_neither_after_it_finished() {
        assert_eq!(run(both(std::future::ready(1), std::future::ready("b"))), (1, "b"));
        // `ready` panics if polled again after it answered: polling the finished one again
        // while the other is pending would fail here.
        let mut polls = 0;
        let late = std::future::poll_fn(move |_| {
            polls += 1;
            if polls == 1 { Poll::Pending } else { Poll::Ready(3) }
        });
        let mut f = std::pin::pin!(both(std::future::ready(1), late));
        let cx = &mut std::task::Context::from_waker(std::task::Waker::noop());
        assert!(f.as_mut().poll(cx).is_pending(), "the second is not done yet");
        assert_eq!(f.as_mut().poll(cx), Poll::Ready((1, 3)));
    }
}
