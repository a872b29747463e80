//! What happens to an entry after an attempt: the retry policy (exponential backoff with full
//! jitter, `Retry-After`), the auth pause, and death. Pure functions of the entry, the
//! classified answer, the time and a random number.

use super::classify::Outcome;
use super::entry::{Entry, State};
use serde_json::json;

/// Retry settings. Defaults: base 1000 ms, cap 60 000 ms, 10 attempts for HTTP 5xx/408/429;
/// network errors (no answer at all) are retried without limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policy {
    /// First backoff ceiling, ms; doubles per failed attempt.
    pub base_delay_ms: f64,
    /// Largest backoff ceiling, ms.
    pub max_delay_ms: f64,
    /// After this many retryable HTTP answers (not counting network errors) the entry goes dead.
    pub max_http_attempts: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { base_delay_ms: 1000.0, max_delay_ms: 60_000.0, max_http_attempts: 10 }
    }
}

/// What the drainer must do after applying an outcome.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Applied: go on with the next entry.
    Sent,
    /// Refused for good: go on with the next entry (dependants will be blocked).
    Dead,
    /// Wait until the entry's `next_attempt_at`; `offline` when there was no answer at all.
    Retry { offline: bool },
    /// Pause the queue until a new token.
    Auth,
}

impl Policy {
    /// Full jitter: uniform in [0, min(cap, base * 2^(attempts-1))), `random` in [0, 1).
    pub fn backoff_ms(&self, attempts: u32, random: f64) -> f64 {
        let exp = attempts.saturating_sub(1).min(40) as i32;
        let ceiling = (self.base_delay_ms * 2f64.powi(exp)).min(self.max_delay_ms);
        (ceiling * random).floor()
    }

    /// Applies one attempt's outcome to `e` (which had `attempts` already counted) at `now`.
    pub fn apply(&self, e: &mut Entry, outcome: Outcome, now: f64, random: f64) -> Verdict {
        match outcome {
            Outcome::Sent(data) => {
                e.state = State::Sent;
                e.data = Some(data);
                e.settled_at = now;
                e.last_error = None;
                Verdict::Sent
            }
            Outcome::Dead { status, message, errors } => {
                e.state = State::Dead;
                e.settled_at = now;
                e.last_error = Some(json!({ "kind": "graphql", "status": status, "message": message, "errors": errors }));
                Verdict::Dead
            }
            Outcome::Auth { status, message } => {
                // Not the entry's fault: the attempt does not count.
                e.attempts = e.attempts.saturating_sub(1);
                e.state = State::Auth;
                e.last_error = Some(json!({ "kind": "auth", "status": status, "message": message }));
                Verdict::Auth
            }
            Outcome::Retry { reason, status, retry_after_ms } => {
                let offline = status.is_none();
                let mut error = json!({ "kind": if offline { "network" } else { "http" }, "status": status, "message": reason });
                // What the server asked for, so a NetworkError can report it (`details.retryAfterMs`).
                if let (Some(ms), Some(m)) = (retry_after_ms, error.as_object_mut()) {
                    m.insert("retryAfterMs".into(), json!(ms));
                }
                e.last_error = Some(error);
                if !offline {
                    e.http_failures += 1;
                }
                if !offline && e.http_failures >= self.max_http_attempts {
                    e.state = State::Dead;
                    e.settled_at = now;
                    return Verdict::Dead;
                }
                let wait = self.backoff_ms(e.attempts, random).max(retry_after_ms.unwrap_or(0) as f64);
                e.state = State::Retrying;
                e.next_attempt_at = now + wait;
                Verdict::Retry { offline }
            }
        }
    }
}
