//! When a context posts what it queued for the others (`broadcast.rs`).
//!
//! A burst is gathered across turns: 1,000 calls awaited one by one are 1,000 turns, and their
//! 1,000 `postMessage`s were ~100 ms of main thread in a ~1.2 s enqueue (profile of the named
//! build), with no other context listening. So a message that may wait, and comes less than
//! `GATHER_MS` after the last post, waits until `GATHER_MS` has passed, with those after it.
//! Every other message, and any message that follows a quiet spell, goes at the end of its
//! turn, taking the waiting ones along, in order.
//!
//! Only a `queued` event made offline (`navigator.onLine` false) in a context whose timers run
//! on time (not a hidden page) may wait: no context of this browser sends the entry meanwhile,
//! so another context cannot hear its `sending` or `sent` before its `queued`; and no
//! `settled()` waits for a `queued`. An outcome, which another context's `settled()` may wait
//! for, is never held back (a context closed in the wait would lose it), and a lone call is
//! heard at once. A page closed within the wait loses the waiting messages: its entries are
//! stored, and other contexts find them at their next pass.
//!
//! Measured (release build, Chromium): 1,000 awaited calls post 66–79 messages instead of
//! 1,000, and `bench/outbox.mjs`'s enqueue took 1,143–1,284 ms against 1,308–1,378 (three runs
//! each, in turns). Gathering `sending` too made no difference to the drain
//! (`bench/drain-ab.mjs`, 10 rounds: median 539 ms against 537).

/// How long a message that may wait is gathered with later ones, in a burst (ms): another
/// context's view is at most a frame (16.7 ms at 60 Hz) late.
pub const GATHER_MS: f64 = 16.0;

/// When the caller must have the queued messages posted (`Channel::queue`).
#[derive(Debug, PartialEq)]
pub enum Flush {
    /// Already arranged.
    Arranged,
    /// At the end of this turn.
    EndOfTurn,
    /// After `GATHER_MS`.
    Gathered,
}

/// What a message just queued needs: `first` in the queue, a flush at the end of this turn
/// already arranged (`turn_flush`), whether it `may_wait`, ms since the last post.
pub fn arrange(first: bool, turn_flush: bool, may_wait: bool, since_last_post: f64) -> Flush {
    if turn_flush {
        Flush::Arranged
    } else if may_wait && !first {
        // The first one queued arranged a flush: gathered (it may wait) or at the end of its
        // turn (then `turn_flush` is set).
        Flush::Arranged
    } else if may_wait && since_last_post < GATHER_MS {
        Flush::Gathered
    } else {
        Flush::EndOfTurn
    }
}

#[cfg(test)]
mod tests {
    use super::{arrange, Flush, GATHER_MS};

    #[test]
    fn a_burst_of_messages_that_may_wait_is_gathered_and_an_outcome_is_not() {
        // A `queued` event right after a post waits; the ones after it join it.
        assert_eq!(arrange(true, false, true, 1.0), Flush::Gathered);
        assert_eq!(arrange(false, false, true, 1.0), Flush::Arranged);
        // After a quiet spell it goes at the end of its turn (a lone call is heard at once).
        assert_eq!(arrange(true, false, true, GATHER_MS), Flush::EndOfTurn);
        assert_eq!(arrange(true, false, true, f64::INFINITY), Flush::EndOfTurn);
        // An outcome or a cache notice is never held back, even behind gathered ones: it
        // arranges the end of its turn (which takes them along) unless that is arranged.
        assert_eq!(arrange(true, false, false, 1.0), Flush::EndOfTurn);
        assert_eq!(arrange(false, false, false, 1.0), Flush::EndOfTurn);
        assert_eq!(arrange(false, true, false, 1.0), Flush::Arranged);
        // Behind an outcome of this turn, a `queued` event goes with it.
        assert_eq!(arrange(false, true, true, 1.0), Flush::Arranged);
    }
}
