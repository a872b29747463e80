//! The one future combinator the SDK needs (a timeout or a "blocked" signal racing an
//! operation), hand-written rather than pulling in the `futures` crate for it.

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
}
