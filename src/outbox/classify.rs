//! What an answer means for a mutation: sent, worth retrying, blocked on auth, or dead.
//! The one place that decides it, so the call path and (later) the drainer agree.

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

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and is ignored: backoff applies).
fn retry_after_ms(h: Option<&str>) -> Option<u64> {
    // Saturating: a server may send any digits (`Retry-After: 99999999999999999999`).
    h?.trim().parse::<u64>().ok().map(|s| s.saturating_mul(1000))
}

fn first_message(errors: &Value) -> Option<String> {
    errors.get(0)?.get("message")?.as_str().map(str::to_string)
}

/// Classifies the answer to mutation `field`.
pub fn classify(field: &str, answer: Result<HttpResponse, NetworkError>) -> Outcome {
    let resp = match answer {
        Ok(r) => r,
        Err(NetworkError(reason)) => return Outcome::Retry { reason, status: None, retry_after_ms: None },
    };
    let status = resp.status;
    let body: Option<Value> = serde_json::from_str(&resp.body).ok();
    let errors = body.as_ref().and_then(|b| b.get("errors")).filter(|e| e.as_array().is_some_and(|a| !a.is_empty()));
    match status {
        401 | 403 => {
            let message = errors.and_then(first_message).or_else(|| {
                body.as_ref().and_then(|b| b.get("message").or_else(|| b.get("error"))).and_then(Value::as_str).map(str::to_string)
            });
            Outcome::Auth { status, message: message.unwrap_or_else(|| format!("HTTP {status}")) }
        }
        408 | 429 | 500..=599 => Outcome::Retry {
            reason: format!("HTTP {status}"),
            status: Some(status),
            retry_after_ms: retry_after_ms(resp.retry_after.as_deref()),
        },
        200..=299 => match (&body, errors) {
            (_, Some(errs)) => Outcome::Dead {
                status,
                message: first_message(errs).unwrap_or_else(|| "GraphQL error".into()),
                errors: errs.clone(),
            },
            (Some(b), None) if b.get("data").is_some_and(Value::is_object) => {
                Outcome::Sent(b["data"].get(field).cloned().unwrap_or(Value::Null))
            }
            // A 2xx that is not a GraphQL answer (a captive portal's page, a cut body): we cannot
            // tell whether it reached the API, so retry; the idempotency key makes that safe.
            _ => Outcome::Retry { reason: format!("HTTP {status} without a GraphQL body"), status: Some(status), retry_after_ms: None },
        },
        _ => {
            let errors = errors.cloned().unwrap_or_else(|| {
                let msg = body.as_ref().and_then(|b| b.get("message").or_else(|| b.get("error"))).cloned();
                Value::Array(vec![serde_json::json!({ "message": msg.unwrap_or_else(|| Value::String(format!("HTTP {status}"))) })])
            });
            Outcome::Dead { status, message: first_message(&errors).unwrap_or_else(|| format!("HTTP {status}")), errors }
        }
    }
}
