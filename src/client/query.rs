//! One query call (`client.<api>.query.<name>(variables, { policy })`): validate the variables
//! as mutation arguments are validated, check the options, read the token (outside any lock:
//! the app's callback may wait for a login), POST the document, and resolve
//! `{ data, source, fetchedAt, pending }`.
//!
//! Answers come from the network, the offline cache or both, by policy (`answer`); every network
//! answer is written into the cache, and reads apply the pending layer (`cached.rs`). A query is
//! never queued, and it sends no `Idempotency-Key` (reading twice is harmless).

use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use crate::api::formats::kind_of;
use crate::api::model::{Api, Query};
use crate::cache::Target;
use crate::api::validate::{self, Invalid};
use crate::outbox::classify::{classify_query, Outcome};
use crate::outbox::clock::Clock;
use crate::sync::Tokens;
use crate::transport::{HttpRequest, Transport};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

#[wasm_bindgen]
extern "C" {
    /// The optional last argument of every query function: `{ policy? }`.
    #[wasm_bindgen(typescript_type = "QueryOptions")]
    pub type QueryOptions;
}

#[wasm_bindgen(typescript_custom_section)]
const TS_QUERY: &'static str = r#"
/** Where a query's result may come from. */
export type QueryPolicy = "cache-first" | "network-first" | "cache-only" | "network-only";
/** The optional last argument of every `client.<api>.query.<name>` function. */
export interface QueryOptions {
  /**
   * Default "network-first": the server, else (offline, timeout, 5xx) the cache. "cache-first":
   * the cache, else the server. "cache-only": the cache, else CacheMissError. "network-only":
   * the server (its answer is still written into the cache).
   */
  policy?: QueryPolicy;
}
/** What a query resolves with. */
export interface QueryResult<T> {
  /** The fields the query's document selects. */
  data: T;
  /** "network": the server answered now; "cache": read from the offline cache. */
  source: "network" | "cache";
  /** When `data` was received from the server, epoch ms. */
  fetchedAt: number;
  /** Ids of the outbox entries whose pending values `data` shows. */
  pending: string[];
}
"#;

/// How a query may be answered (`options.policy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    CacheFirst,
    NetworkFirst,
    CacheOnly,
    NetworkOnly,
}

const POLICIES: [(&str, Policy); 4] = [
    ("cache-first", Policy::CacheFirst),
    ("network-first", Policy::NetworkFirst),
    ("cache-only", Policy::CacheOnly),
    ("network-only", Policy::NetworkOnly),
];

/// `options` as a policy: nothing means `network-first`; anything but `{ policy? }` with a known
/// policy name is a bad call. Read as JSON (see `js.rs`): a Proxy or a throwing getter must not
/// unwind through this function.
pub fn policy(options: Option<&JsValue>) -> Result<Policy, Invalid> {
    let invalid = |path: &str, reason: String| Invalid { path: path.into(), reason };
    let Some(options) = options else { return Ok(Policy::NetworkFirst) };
    let mut m = match js::to_json(options).map_err(|r| invalid("options", r))? {
        Value::Object(m) => m,
        Value::Null => return Ok(Policy::NetworkFirst),
        other => return Err(invalid("options", format!("expected an object {{ policy }}, got {}", kind_of(&other)))),
    };
    let given = m.remove("policy").unwrap_or(Value::Null);
    if let Some(unknown) = m.keys().next() {
        return Err(invalid(&format!("options.{unknown}"), "unknown option (a query takes { policy })".into()));
    }
    match given {
        Value::Null => Ok(Policy::NetworkFirst),
        Value::String(s) => POLICIES.iter().find(|(n, _)| *n == s).map(|(_, p)| *p).ok_or_else(|| {
            let names: Vec<&str> = POLICIES.iter().map(|(n, _)| *n).collect();
            invalid("options.policy", format!("{} is not one of {}", crate::api::formats::shown_json(&Value::String(s)), names.join(", ")))
        }),
        other => Err(invalid("options.policy", format!("expected a string, got {}", kind_of(&other)))),
    }
}

/// The request body of a query: the document, the validated variables, the operation name.
pub fn body(document: &str, name: &str, variables: &Value) -> String {
    crate::text(&json!({ "query": document, "variables": variables, "operationName": name }))
}

/// The SDK error for an answer that is not data, by the rules mutations follow.
pub fn rejection(outcome: Outcome) -> Result<Value, SdkError> {
    match outcome {
        Outcome::Sent(data) if data.is_object() => Ok(data),
        Outcome::Sent(other) => Err(SdkError::GraphQl { status: 200, message: "the answer has no data object".into(), errors: json!([{ "message": format!("data is {}", kind_of(&other)) }]) }),
        Outcome::Retry { reason, status, retry_after_ms } => Err(SdkError::Network { status, message: reason, retry_after_ms }),
        Outcome::Auth { status, message } => Err(SdkError::Auth { status: Some(status), message }),
        Outcome::Dead { status, message, errors } => Err(SdkError::GraphQl { status, message, errors }),
    }
}

impl ClientRef {
    /// Runs query `index` of `api` with the JS variables and options; the promise resolves
    /// `{ data, source, fetchedAt, pending }` or rejects with a coded error.
    pub fn query(&self, api: &'static Api, index: usize, variables: JsValue, options: Option<QueryOptions>) -> js_sys::Promise {
        let this = self.clone();
        // Read now: the app may change the objects after the call returns.
        let called_with = js::to_json(&variables);
        let policy = policy(options.as_ref().map(|o| o.unchecked_ref::<JsValue>()));
        future_to_promise(async move {
            let (q, variables, policy) = this.checked(api, index, called_with, policy)?;
            let r = this.answer(api, q, &variables, policy).await?;
            Ok(r.to_js())
        })
    }

    /// The query and its validated variables and policy, or the error the call rejects with.
    pub(crate) fn checked(&self, api: &'static Api, index: usize, called_with: Result<Value, String>, policy: Result<Policy, Invalid>) -> Result<(&'static Query, Value, Policy), SdkError> {
        let Some(q) = api.queries.get(index) else {
            return Err(SdkError::Config(format!("the {} API has no query #{index}", api.name)));
        };
        let bad = |invalid: Invalid| SdkError::Validation { operation: q.name.to_string(), invalid };
        let called_with = called_with.map_err(|reason| bad(Invalid { path: "(arguments)".into(), reason }))?;
        let variables = validate::query_variables(api, q, called_with).map_err(bad)?;
        let policy = policy.map_err(bad)?;
        if self.0.endpoint(api.name).is_none() {
            return Err(SdkError::Config(format!("no endpoint for the {} API: pass endpoints.{} to Client.open", api.name, api.name)));
        }
        Ok((q, Value::Object(variables), policy))
    }

    /// `{ data, source, fetchedAt, pending }` for `q` by `policy`. `network-first` falls back to
    /// the cache only when no answer came (offline, timeout, 5xx): a GraphQL or auth error is the
    /// server's answer and rejects.
    pub(crate) async fn answer(&self, api: &'static Api, q: &'static Query, variables: &Value, policy: Policy) -> Result<Answer, SdkError> {
        let cached = || async {
            match self.read_cached(api, q, variables).await {
                Ok(a) => Ok(Answer { data: a.data, source: "cache", fetched_at: a.fetched_at, pending: a.pending }),
                Err(reason) => Err(SdkError::CacheMiss { operation: q.name.to_string(), reason }),
            }
        };
        match policy {
            Policy::CacheOnly => cached().await,
            Policy::CacheFirst => match cached().await {
                Ok(hit) => Ok(hit),
                Err(_) => self.from_network(api, q, variables).await,
            },
            Policy::NetworkOnly => self.from_network(api, q, variables).await,
            Policy::NetworkFirst => match self.from_network(api, q, variables).await {
                Err(SdkError::Network { message, .. }) => cached().await.map_err(|miss| match miss {
                    SdkError::CacheMiss { operation, reason } => SdkError::CacheMiss { operation, reason: format!("{reason}; the network did not answer: {message}") },
                    other => other,
                }),
                other => other,
            },
        }
    }

    /// Asks the server, writes the answer into the cache and answers with the cache's view of
    /// it (the pending layer applied). A cache that cannot take the answer (storage failure, an
    /// answer of an unexpected shape) does not fail the query: the server's data is returned.
    async fn from_network(&self, api: &'static Api, q: &'static Query, variables: &Value) -> Result<Answer, SdkError> {
        let Some(url) = self.0.endpoint(api.name) else {
            return Err(SdkError::Config(format!("no endpoint for the {} API: pass endpoints.{} to Client.open", api.name, api.name)));
        };
        let token = self.read_tokens(&[api.name.to_string()]).await.token(api.name).await.map_err(|message| SdkError::Auth { status: None, message })?;
        let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
        if let Some(t) = token {
            headers.push(("authorization".to_string(), format!("Bearer {t}")));
        }
        let request = HttpRequest { url, headers, body: body(q.document, q.name, variables) };
        let answer = self.0.transport.send(&request).await;
        let fetched_at = self.0.clock.now_ms();
        let data = rejection(classify_query(answer, fetched_at))?;
        let user = self.0.options.user.clone();
        if let Ok(changed) = self.0.cache.write_result(&user, api, Target::Query(q), variables, &data, fetched_at).await {
            self.cache_changed(changed);
        }
        Ok(match self.read_cached(api, q, variables).await {
            Ok(a) => Answer { data: a.data, source: "network", fetched_at, pending: a.pending },
            Err(_) => Answer { data: crate::text(&data), source: "network", fetched_at, pending: vec![] },
        })
    }
}

/// What a query resolves with, `data` as JSON text (from the cache's records, or the server's
/// answer): it reaches JS through one `JSON.parse`.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub data: String,
    pub source: &'static str,
    pub fetched_at: f64,
    pub pending: Vec<String>,
}

impl Answer {
    /// `{ data, source, fetchedAt, pending }` as a JS object.
    pub fn to_js(&self) -> JsValue {
        let (at, pending) = (crate::text(&Value::from(self.fetched_at)), crate::text(&Value::from(self.pending.clone())));
        let text = format!(r#"{{"data":{},"source":"{}","fetchedAt":{at},"pending":{pending}}}"#, self.data, self.source);
        js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
    }
}
