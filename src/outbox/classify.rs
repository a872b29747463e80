//! What an answer means for a mutation: sent, worth retrying, blocked on auth, or dead.
//! The one place that decides it, so the call path and (later) the drainer agree.

use crate::outbox::envelope::{self, Said};
use crate::transport::{HttpResponse, NetworkError};
use serde_json::Value;

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Applied; the mutation field's value (`data.<mutation>`).
    Sent(Value),
    /// Not applied or not known to be: network failure, 408, 429, 5xx, an unreadable 2xx.
    Retry { reason: String, status: Option<u16>, retry_after_ms: Option<u64> },
    /// 401 or 403: a new token is needed before anything else is sent.
    Auth { status: u16, message: String },
    /// The server refused it for good: GraphQL errors, or a 4xx other than 401/403/408/429.
    Dead { status: u16, message: String, errors: Value },
}

/// `Retry-After` as a wait in ms from `now_ms`: delay-seconds, or an HTTP-date in the IMF-fixdate
/// form every sender must use (RFC 9110 §5.6.7). A date in the past means no wait; anything else
/// is ignored (backoff applies).
pub fn retry_after_ms(h: Option<&str>, now_ms: f64) -> Option<u64> {
    let h = h?.trim();
    if let Ok(s) = h.parse::<u64>() {
        return Some(s.saturating_mul(1000));
    }
    let at = imf_fixdate_ms(h)?;
    Some((at - now_ms).max(0.0) as u64)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` as epoch ms. Hand-written: the `httpdate` crate, which also
/// reads the two obsolete forms, added 4.5 KB gzip to the wasm (measured) for a header that
/// APIs send as delay-seconds almost always.
fn imf_fixdate_ms(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    if b.len() != 29 || &b[3..5] != b", " || &b[25..] != b" GMT" || b[7] != b' ' || b[11] != b' ' || b[16] != b' ' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| -> Option<i64> { std::str::from_utf8(&b[r]).ok()?.parse().ok() };
    let (day, year) = (n(5..7)?, n(12..16)?);
    let (h, m, sec) = (n(17..19)?, n(20..22)?, n(23..25)?);
    if b[19] != b':' || b[22] != b':' || h > 23 || m > 59 || sec > 60 || !(1..=31).contains(&day) {
        return None;
    }
    const MONTHS: [&[u8]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];
    let month = MONTHS.iter().position(|mo| *mo == &b[8..11])? as i64 + 1;
    // Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 86_400 + h * 3600 + m * 60 + sec) * 1000) as f64)
}

fn first_message(errors: &Value) -> Option<String> {
    errors.get(0)?.get("message")?.as_str().map(str::to_string)
}

/// The most a message quotes of a body that is not GraphQL, in characters.
const QUOTE_CHARS: usize = 200;

/// What a non-GraphQL error body says, as one line of text: the string at `error.message`,
/// `message` or `error` (the common JSON error shapes, the reference server's included), else
/// the first 200 characters of the body itself (an HTML error page, plain text). `None` when
/// the body is empty.
fn body_text(body: Option<&Value>, raw: &str) -> Option<String> {
    let said = body.and_then(|b| {
        [b.pointer("/error/message"), b.get("message"), b.get("error")].into_iter().flatten().find_map(Value::as_str)
    });
    let text = said.unwrap_or(raw).split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    Some(match text.char_indices().nth(QUOTE_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    })
}

/// The `errors` of a dead entry whose 4xx answer is not GraphQL: one item whose message is
/// `HTTP <status>: <what the body says>` (see `body_text`), with the body's `error.code` (a
/// string) as `extensions.code` the way a GraphQL error carries its code.
fn http_errors(status: u16, body: Option<&Value>, raw: &str) -> Value {
    let message = match body_text(body, raw) {
        Some(t) => format!("HTTP {status}: {t}"),
        None => format!("HTTP {status}"),
    };
    let mut item = serde_json::json!({ "message": message });
    if let Some(code) = body.and_then(|b| b.pointer("/error/code")).and_then(Value::as_str) {
        item["extensions"] = serde_json::json!({ "code": code });
    }
    Value::Array(vec![item])
}

/// Classifies the answer to mutation `field`, with the system clock for an HTTP-date `Retry-After`.
pub fn classify(field: &str, answer: Result<HttpResponse, NetworkError>) -> Outcome {
    classify_at(field, answer, crate::outbox::clock::Clock::now_ms(&crate::outbox::clock::SystemClock))
}

/// Classifies the answer to mutation `field` received at `now_ms` (epoch ms).
pub fn classify_at(field: &str, answer: Result<HttpResponse, NetworkError>, now_ms: f64) -> Outcome {
    classify_with(Some(field), answer, now_ms)
}

/// Classifies the answer to a query by the same rules; `Sent` holds the whole `data` object.
pub fn classify_query(answer: Result<HttpResponse, NetworkError>, now_ms: f64) -> Outcome {
    classify_with(None, answer, now_ms)
}

fn classify_with(field: Option<&str>, answer: Result<HttpResponse, NetworkError>, now_ms: f64) -> Outcome {
    let resp = match answer {
        Ok(r) => r,
        Err(NetworkError(reason)) => return Outcome::Retry { reason, status: None, retry_after_ms: None },
    };
    let status = resp.status;
    let Said { errors, data, body } = envelope::read(&resp.body);
    match status {
        401 | 403 => {
            let message = errors.as_ref().and_then(first_message).or_else(|| body_text(body.as_ref(), &resp.body));
            Outcome::Auth { status, message: message.unwrap_or_else(|| format!("HTTP {status}")) }
        }
        408 | 429 | 500..=599 => Outcome::Retry {
            reason: format!("HTTP {status}"),
            status: Some(status),
            retry_after_ms: retry_after_ms(resp.retry_after.as_deref(), now_ms),
        },
        200..=299 => match (data, errors) {
            (_, Some(errors)) => Outcome::Dead { status, message: first_message(&errors).unwrap_or_else(|| "GraphQL error".into()), errors },
            (Some(mut data), None) => Outcome::Sent(match field {
                Some(f) => data.get_mut(f).map(Value::take).unwrap_or(Value::Null),
                None => data,
            }),
            // A 2xx that is not a GraphQL answer (a captive portal's page, a cut body): we cannot
            // tell whether it reached the API, so retry; the idempotency key makes that safe.
            _ => Outcome::Retry { reason: format!("HTTP {status} without a GraphQL body"), status: Some(status), retry_after_ms: None },
        },
        // Another 4xx: GraphQL errors when the body has them, else what the body says (a JSON
        // error object, an HTML page from a proxy) as a string: it used to pass the body's
        // `error` object through as `errors[0].message`, which the type says is a string.
        _ => {
            let errors = errors.unwrap_or_else(|| http_errors(status, body.as_ref(), &resp.body));
            Outcome::Dead { status, message: first_message(&errors).unwrap_or_else(|| format!("HTTP {status}")), errors }
        }
    }
}
