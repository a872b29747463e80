//! Batched drains, the pure parts: which waiting entries go out together in one
//! GraphQL-over-HTTP batch (a JSON array of operations in one POST), the request that carries
//! them, and how its answer splits into one answer per entry. The drain (`drain.rs`) claims,
//! sends and records; everything here is a function of its arguments, tested natively.

use crate::outbox::deps;
use crate::outbox::entry::Entry;
use crate::outbox::request;
use crate::transport::{HttpRequest, HttpResponse, NetworkError};
use serde_json::{json, Value};

/// Default `batch.max`: at most 50 entries per request. 1 turns batching off. Why 50, not
/// Apollo BatchHttpLink's 10: a queue that waited offline drains in fewer round trips (1,000
/// entries: 20 POSTs, not 50; `bench/outbox.mjs`, round s25: 751 → 523 ms on 127.0.0.1, and a
/// mobile link's round trip is far longer). A server with a lower limit answers 413 or 422,
/// and `max_after_refusal` halves the batches until they pass; `batch: { max }` skips that.
pub const DEFAULT_MAX: usize = 50;
/// The largest `batch.max` accepted (the reference server takes up to 100 operations).
pub const MAX_MAX: usize = 100;
/// The most entries per batch after an endpoint refused a batch of `n` with HTTP `status`.
/// 413 (Content Too Large: a body size limit, or GraphQL Yoga's batching limit) and 422
/// (Apollo Router's batch `maximum_size`) say that batch was too long, not that batches are
/// refused: half of it, so a limit is found in a few refusals (50 → 25 → 12 → 6 for Yoga's 10).
/// Any other refusal (400: no batches at all): 1, one request per entry.
pub fn max_after_refusal(status: u16, n: usize) -> usize {
    if too_long(status) {
        (n / 2).max(1)
    } else {
        1
    }
}

/// Whether a refusal with HTTP `status` says the batch was too long (413, 422).
pub fn too_long(status: u16) -> bool {
    matches!(status, 413 | 422)
}

/// The longest batch `api` may send after its endpoint's refusals, as listed in `caps` (the
/// drain's pass and the client each keep such a list): unlisted, no limit.
pub fn cap(caps: &[(String, usize)], api: &str) -> usize {
    caps.iter().find(|(a, _)| a == api).map_or(usize::MAX, |(_, m)| *m)
}

/// Lowers `api`'s cap in `caps` to `max` (never raises it).
pub fn lower_cap(caps: &mut Vec<(String, usize)>, api: &str, max: usize) {
    set_cap(caps, api, cap(caps, api).min(max));
}

/// Sets `api`'s cap in `caps` to `max` (may raise it: after `Refusals::alone_refused`).
pub fn set_cap(caps: &mut Vec<(String, usize)>, api: &str, max: usize) {
    match caps.iter_mut().find(|(a, _)| a == api) {
        Some((_, m)) => *m = max,
        None => caps.push((api.to_string(), max)),
    }
}

/// The batches a client's endpoints refused: each refusal's API, the entries a "too long" one
/// (413/422) held, and the longest batch it left. An API's limit is the least of them.
/// Halving finds a batch-length limit; but one entry too large on its own (a body-size limit, a
/// photo) is refused in every batch holding it, down to itself alone, and then refused too:
/// those refusals said nothing about batches, and are forgotten. Before, the halvings stayed:
/// one request per entry for the client's life. Kept by the client, not the pass (a pass that
/// stops between the refusals and the entry's own, offline say, would forget them), and by
/// entry, so a length limit other batches taught stays (found by review in round s27).
#[derive(Default)]
pub struct Refusals(Vec<(String, Vec<String>, usize)>);

/// Most refusals kept with the entries they held; later ones are kept for good (a refusal at
/// least halves an API's batches, so a client meets few).
const HELD_MAX: usize = 64;

impl Refusals {
    /// `api`'s endpoint refused a batch of `held` (entry ids) with HTTP `status`: its batches
    /// at most `max` long from now on.
    pub fn refused(&mut self, api: &str, status: u16, held: &[Entry], max: usize) {
        let ids = if too_long(status) && self.0.len() < HELD_MAX { held.iter().map(|e| e.id.clone()).collect() } else { vec![] };
        self.0.push((api.to_string(), ids, max));
    }

    /// The longest batch `api` may send (no refusal: no limit).
    pub fn cap(&self, api: &str) -> usize {
        self.0.iter().filter(|(a, ..)| a == api).map(|(.., m)| *m).min().unwrap_or(usize::MAX)
    }

    /// `e` was just sent alone: when a status that refuses batches as too long (413/422) killed
    /// it and refused batches held it, it was too large itself, not those batches. They are
    /// forgotten; `Some` of its API's limit without them.
    pub fn alone_refused(&mut self, e: &Entry) -> Option<usize> {
        let status = e.last_error.as_ref().and_then(|err| err.get("status")).and_then(Value::as_u64);
        if e.state != crate::outbox::entry::State::Dead || !status.is_some_and(|s| u16::try_from(s).is_ok_and(too_long)) {
            return None;
        }
        let before = self.0.len();
        self.0.retain(|(a, held, _)| *a != e.api || !held.contains(&e.id));
        (self.0.len() < before).then(|| self.cap(&e.api))
    }
}

/// Where a batch element carries its entry's idempotency key: `extensions.idempotencyKey`
/// (one `Idempotency-Key` header cannot name a key per operation).
pub const KEY_EXTENSION: &str = "idempotencyKey";

/// The end (exclusive) of the batch that `entries[head]` starts (the caller found the head
/// sendable): the entries right after it join while `joins(e)` holds (due, of the head's API,
/// not held back: the drain's own checks) and `e` depends on no entry already in the batch
/// (`deps::depends`: a dependant must see its dependency's outcome, and a placeholder its real
/// id, before it is sent, so it starts the next batch); at most `max` in all. The first entry
/// that cannot join ends the batch: order is kept.
pub fn next_batch(entries: &[Entry], head: usize, max: usize, joins: impl Fn(&Entry) -> bool) -> usize {
    let Some(first) = entries.get(head) else { return head };
    let mut end = head + 1;
    while end < entries.len() && end - head < max {
        let e = &entries[end];
        if e.api != first.api || !joins(e) || entries[head..end].iter().any(|a| deps::depends(e, a)) {
            break;
        }
        end += 1;
    }
    end
}

/// An entry as an element of a batch: its request object (`request::operation`) with its key
/// in `extensions`; a function of the stored entry alone, so every attempt sends the same bytes.
pub fn element(e: &Entry) -> Result<Value, String> {
    let mut op = request::operation(e)?;
    if let Some(m) = op.as_object_mut() {
        m.insert("extensions".into(), json!({ KEY_EXTENSION: e.id }));
    }
    Ok(op)
}

/// The batch request for `entries` (all of one API, sent to `url`).
pub fn build(entries: &[Entry], url: &str, token: Option<&str>) -> Result<HttpRequest, String> {
    let elements = entries.iter().map(|e| element(e).map(|v| crate::text(&v))).collect::<Result<Vec<_>, _>>()?;
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let Some(t) = token {
        headers.push(("authorization".to_string(), format!("Bearer {t}")));
    }
    Ok(HttpRequest { url: url.to_string(), headers, body: format!("[{}]", elements.join(",")) })
}

/// What the answer to a batch of `n` means.
#[derive(Debug, Clone, PartialEq)]
pub enum Split {
    /// One answer per entry, in order: the array's elements (each as a 2xx GraphQL answer), or
    /// the same answer for all (no answer at all, 401/403, 408/429/5xx: the request as a whole).
    Each(Vec<Result<HttpResponse, NetworkError>>),
    /// The endpoint does not take batches: HTTP 400 (or another 4xx), or a 2xx that is not an
    /// array of `n` answers. `applied_maybe`: it was a 2xx, so the server may have run them.
    NotBatch { status: u16, message: String, applied_maybe: bool },
}

/// Splits the answer to a batch of `n` entries.
pub fn split(answer: Result<HttpResponse, NetworkError>, n: usize) -> Split {
    let resp = match answer {
        Err(e) => return Split::Each(vec![Err(e); n]),
        Ok(r) => r,
    };
    match resp.status {
        401 | 403 | 408 | 429 | 500..=599 => Split::Each(vec![Ok(resp); n]),
        200..=299 => match outbox_json::value(&resp.body) {
            Ok(Value::Array(items)) if items.len() == n => Split::Each(
                items.into_iter().map(|v| Ok(HttpResponse { status: resp.status, retry_after: None, body: crate::text(&v) })).collect(),
            ),
            _ => Split::NotBatch {
                status: resp.status,
                message: format!("HTTP {} to a batch of {n} was not an array of {n} answers", resp.status),
                applied_maybe: true,
            },
        },
        status => {
            let body: Option<Value> = outbox_json::value(&resp.body).ok();
            let said = body.as_ref().and_then(|b| b.pointer("/error/message").or_else(|| b.pointer("/errors/0/message"))).and_then(Value::as_str);
            let message = match said {
                Some(m) => format!("HTTP {status} to a batch: {m}"),
                None => format!("HTTP {status} to a batch"),
            };
            Split::NotBatch { status, message, applied_maybe: false }
        }
    }
}
