//! One mutation call: validate, build the request, send, classify. The outbox slots in between
//! validation and sending without changing what the JS side sees.

use super::errors::SdkError;
use super::js;
use super::open::ClientRef;
use crate::api::model::Api;
use crate::api::validate;
use crate::outbox::classify::{classify, Outcome};
use crate::outbox::key::uuid_v4;
use crate::transport::{HttpRequest, Transport};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

impl ClientRef {
    /// Runs mutation `index` of `api` with the JS arguments; the promise settles with
    /// `{ status, id, data }` or rejects with a coded error.
    pub fn call(&self, api: &'static Api, index: usize, args: JsValue) -> js_sys::Promise {
        let this = self.clone();
        future_to_promise(async move { this.run(api, index, args).await.map_err(JsValue::from) })
    }

    async fn run(&self, api: &'static Api, index: usize, args: JsValue) -> Result<JsValue, SdkError> {
        let op = &api.operations[index];
        let invalid = |path: &str, reason: String| SdkError::Validation {
            operation: op.name.to_string(),
            invalid: validate::Invalid { path: path.into(), reason },
        };
        let called_with = js::to_json(&args).map_err(|r| invalid("(arguments)", r))?;
        let variables = validate::variables(api, op, called_with)
            .map_err(|invalid| SdkError::Validation { operation: op.name.to_string(), invalid })?;
        let url = self.endpoint(api.name)?;
        let key = uuid_v4(js::random_bytes().map_err(|_| SdkError::Config("no crypto.getRandomValues in this context".into()))?);
        let mut headers = vec![
            ("content-type".to_string(), "application/json".to_string()),
            ("idempotency-key".to_string(), key.clone()),
        ];
        if let Some(token) = self.token(api.name).await? {
            headers.push(("authorization".to_string(), format!("Bearer {token}")));
        }
        let body = json!({ "query": op.document, "variables": variables, "operationName": op.name }).to_string();
        let answer = self.0.transport.send(&HttpRequest { url, headers, body }).await;
        match classify(op.name, answer) {
            Outcome::Sent(data) => Ok(js::to_js(&json!({ "status": "sent", "id": key, "data": data }))),
            Outcome::Auth { status, message } => Err(SdkError::Auth { status: Some(status), message }),
            Outcome::Dead { status, message, errors } => Err(SdkError::GraphQl { status, message, errors }),
            Outcome::Retry { reason, status, retry_after_ms } => {
                Err(SdkError::Network { status, message: reason, retry_after_ms })
            }
        }
    }

    fn endpoint(&self, api: &str) -> Result<String, SdkError> {
        let eps = &self.0.options.endpoints;
        eps.iter().find(|(n, _)| n == api).map(|(_, u)| u.clone()).ok_or_else(|| {
            SdkError::Config(format!("no endpoint for the {api} API: pass endpoints.{api} to Client.open"))
        })
    }

    /// Asks the app's `token(api)` callback; it may return the token or a promise of it.
    async fn token(&self, api: &str) -> Result<Option<String>, SdkError> {
        let Some(f) = &self.0.options.token else { return Ok(None) };
        let failed = |e: JsValue| SdkError::Auth {
            status: None,
            message: format!("the token callback failed: {}", js::to_json(&e).map(|v| v.to_string()).unwrap_or_default()),
        };
        let mut v = f.call1(&JsValue::NULL, &JsValue::from_str(api)).map_err(failed)?;
        if v.has_type::<js_sys::Promise>() {
            v = JsFuture::from(v.unchecked_into::<js_sys::Promise>()).await.map_err(failed)?;
        }
        match v {
            v if v.is_null() || v.is_undefined() => Ok(None),
            v => v.as_string().map(Some).ok_or_else(|| SdkError::Auth {
                status: None,
                message: format!("the token callback must return a string, null or a promise of one (got {})", js::to_json(&v).map(|j| j.to_string()).unwrap_or_default()),
            }),
        }
    }
}

