//! Fault injection for test mode: rules that make the next N matching GraphQL requests slow,
//! fail with an HTTP status, or lose their response after the server committed them.
//!
//! A rule matches by API, operation (operation name or root field name) and bearer token, each
//! optional. Rules are kept in the order they were added; a request takes the first matching
//! rule that is past its `skip` count, and every matching rule still skipping counts the request.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use async_graphql_parser::types::{DocumentOperations, Selection};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// One rule as posted to `/__test/faults` and listed back (with what is left of it).
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultSpec {
    /// Only requests to this API (`gcdirectory`, ...); any API when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Only requests whose operation name or a root field is this; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Only requests bearing this token; any when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Matching requests to let through untouched before the rule starts firing (default 0).
    #[serde(default)]
    pub skip: u32,
    /// How many matching requests the rule applies to (default 1, at least 1).
    #[serde(default = "one")]
    pub times: u32,
    /// Wait this long before handling the request (alone or with `status`/`dropAfterCommit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<u64>,
    /// Answer with this HTTP status (400..=599) and run nothing; 401 answers like a bad token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// `Retry-After` header value sent with `status` (e.g. `"1"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<String>,
    /// Handle the request in full (writes and idempotency record commit), then close the
    /// connection without a response.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drop_after_commit: bool,
}

fn one() -> u32 {
    1
}

impl FaultSpec {
    /// Checks the rule, naming the offending field.
    pub fn check(&self) -> Result<(), String> {
        if self.times == 0 {
            return Err("times: must be at least 1".into());
        }
        if self.delay_ms.is_none() && self.status.is_none() && !self.drop_after_commit {
            return Err("a fault needs delayMs, status or dropAfterCommit".into());
        }
        if self.status.is_some() && self.drop_after_commit {
            return Err("status and dropAfterCommit exclude each other".into());
        }
        if let Some(s) = self.status {
            if !(400..=599).contains(&s) {
                return Err(format!("status: {s} is not an error status (400..=599)"));
            }
        }
        if let Some(ra) = &self.retry_after {
            if self.status.is_none() {
                return Err("retryAfter: only with status".into());
            }
            if HeaderValue::from_str(ra).is_err() {
                return Err(format!("retryAfter: {ra:?} is not a header value"));
            }
        }
        Ok(())
    }

    fn matches(&self, req: &RequestFacts) -> bool {
        self.api.as_deref().is_none_or(|a| a == req.api)
            && self
                .operation
                .as_deref()
                .is_none_or(|o| req.operations.contains(o))
            && self
                .token
                .as_deref()
                .is_none_or(|t| req.token.as_deref() == Some(t))
    }
}

/// What a request is matched on.
pub struct RequestFacts {
    /// The API the request went to.
    pub api: String,
    /// The operation name (given or in the document) and the root field names.
    pub operations: BTreeSet<String>,
    /// The bearer token, if any.
    pub token: Option<String>,
}

impl RequestFacts {
    /// Reads the facts from the request; an unparseable body just names no operation.
    pub fn of(api: &str, headers: &HeaderMap, body: &[u8]) -> RequestFacts {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .map(|(_, t)| t.trim().to_string());
        let mut operations = BTreeSet::new();
        // A batch names every operation of its elements.
        let ops = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Array(ops)) => ops,
            Ok(v) => vec![v],
            Err(_) => vec![],
        };
        for v in &ops {
            if let Some(name) = v.get("operationName").and_then(Value::as_str) {
                operations.insert(name.to_string());
            }
            if let Some(doc) = v
                .get("query")
                .and_then(Value::as_str)
                .and_then(|q| async_graphql_parser::parse_query(q).ok())
            {
                if let DocumentOperations::Multiple(ops) = &doc.operations {
                    operations.extend(ops.keys().map(|n| n.to_string()));
                }
                for (_, op) in doc.operations.iter() {
                    for sel in &op.node.selection_set.node.items {
                        if let Selection::Field(f) = &sel.node {
                            operations.insert(f.node.name.node.to_string());
                        }
                    }
                }
            }
        }
        RequestFacts {
            api: api.to_string(),
            operations,
            token,
        }
    }
}

/// What the GraphQL handler must do for one request.
#[derive(Clone, Debug, Default)]
pub struct Fault {
    /// Sleep before handling.
    pub delay_ms: Option<u64>,
    /// Answer this instead of handling.
    pub status: Option<(u16, Option<String>)>,
    /// Close the connection after handling, without the response.
    pub drop_after_commit: bool,
}

impl Fault {
    /// The response that replaces handling, if the fault has a status.
    pub fn early_response(&self) -> Option<Response> {
        let (status, retry_after) = self.status.clone()?;
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let (code, message) = if status == StatusCode::UNAUTHORIZED {
            ("UNAUTHENTICATED", "token rejected (injected fault)")
        } else {
            ("INJECTED_FAULT", "injected fault")
        };
        let mut res = (
            status,
            axum::Json(json!({ "error": { "code": code, "message": message } })),
        )
            .into_response();
        if let Some(v) = retry_after.and_then(|ra| HeaderValue::from_str(&ra).ok()) {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        Some(res)
    }
}

#[derive(Clone, Debug)]
struct Rule {
    spec: FaultSpec,
    skipped: u32,
    fired: u32,
}

/// The pending rules; shared by the handlers and the `/__test/faults` routes.
#[derive(Clone, Debug, Default)]
pub struct Faults(Arc<Mutex<Vec<Rule>>>);

impl Faults {
    /// Appends checked rules (all or none).
    pub fn add(&self, specs: Vec<FaultSpec>) -> Result<(), String> {
        for (i, s) in specs.iter().enumerate() {
            s.check().map_err(|e| format!("fault {i}: {e}"))?;
        }
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        rules.extend(specs.into_iter().map(|spec| Rule {
            spec,
            skipped: 0,
            fired: 0,
        }));
        Ok(())
    }

    /// Removes every rule; returns how many there were.
    pub fn clear(&self) -> usize {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner())).len()
    }

    /// The pending rules, each with `remaining` (times left) and `skipLeft`.
    pub fn list(&self) -> Value {
        let rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        Value::Array(
            rules
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(&r.spec).unwrap_or(Value::Null);
                    v["remaining"] = json!(r.spec.times - r.fired);
                    v["skipLeft"] = json!(r.spec.skip - r.skipped);
                    v
                })
                .collect(),
        )
    }

    /// The fault for this request, counting it against the rules it matches.
    pub fn take(&self, req: &RequestFacts) -> Option<Fault> {
        let mut rules = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let mut chosen = None;
        for (i, r) in rules.iter_mut().enumerate() {
            if !r.spec.matches(req) {
                continue;
            }
            if r.skipped < r.spec.skip {
                r.skipped += 1;
                continue;
            }
            r.fired += 1;
            chosen = Some(i);
            break;
        }
        let i = chosen?;
        let spec = rules[i].spec.clone();
        if rules[i].fired >= spec.times {
            rules.remove(i);
        }
        Some(Fault {
            delay_ms: spec.delay_ms,
            status: spec.status.map(|s| (s, spec.retry_after.clone())),
            drop_after_commit: spec.drop_after_commit,
        })
    }
}
