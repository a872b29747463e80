//! The errors a call can reject with, and their JS form: an `Error` whose `name` is a stable
//! code and whose `details` holds the specifics. Apps switch on `err.name`, never on messages.

use crate::api::validate::Invalid;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

/// Why a call or `Client.open` failed.
#[derive(Debug, Clone, PartialEq)]
pub enum SdkError {
    /// The arguments do not fit the schema; nothing was stored or sent.
    Validation { operation: String, invalid: Invalid },
    /// `Client.open` options are wrong, or the API has no endpoint.
    Config(String),
    /// 401/403, or the token callback failed.
    Auth { status: Option<u16>, message: String },
    /// The server answered with GraphQL errors (or refused the request with a 4xx).
    GraphQl { status: u16, message: String, errors: Value },
    /// No usable answer: offline, refused, 5xx, 408, 429.
    Network { status: Option<u16>, message: String, retry_after_ms: Option<u64> },
    /// IndexedDB failed (`reason`: `quota`, `unavailable`, `other`); nothing stored was lost.
    Storage { reason: &'static str, message: String },
    /// No outbox entry with this id for this user.
    NotFound(String),
    /// A file upload target refused the bytes (a 4xx other than 408/429).
    Upload { status: u16, message: String },
    /// A query with policy `cache-only` (or no network) found no complete cached result;
    /// `reason` says what was missing (and why the network did not answer).
    CacheMiss { operation: String, reason: String },
}

impl From<crate::store::StoreError> for SdkError {
    fn from(e: crate::store::StoreError) -> SdkError {
        use crate::store::StoreError as E;
        let reason = match &e {
            E::Quota(_) => "quota",
            E::Unavailable(_) => "unavailable",
            E::NotFound(id) => return SdkError::NotFound(id.clone()),
            E::Other(_) => "other",
        };
        SdkError::Storage { reason, message: e.to_string() }
    }
}

impl SdkError {
    /// The stable code, which becomes the JS error's `name`.
    pub fn code(&self) -> &'static str {
        match self {
            SdkError::Validation { .. } => "ValidationError",
            SdkError::Config(_) => "ConfigError",
            SdkError::Auth { .. } => "AuthError",
            SdkError::GraphQl { .. } => "GraphQLError",
            SdkError::Network { .. } => "NetworkError",
            SdkError::Storage { .. } => "StorageError",
            SdkError::NotFound(_) => "NotFoundError",
            SdkError::Upload { .. } => "UploadError",
            SdkError::CacheMiss { .. } => "CacheMissError",
        }
    }

    fn message(&self) -> String {
        match self {
            SdkError::Validation { operation, invalid } => format!("{operation}: {invalid}"),
            SdkError::Config(m) => m.clone(),
            SdkError::Auth { message, .. }
            | SdkError::GraphQl { message, .. }
            | SdkError::Network { message, .. }
            | SdkError::Upload { message, .. }
            | SdkError::Storage { message, .. } => message.clone(),
            SdkError::NotFound(id) => format!("no outbox entry {id} for this user"),
            SdkError::CacheMiss { operation, reason } => format!("{operation}: no complete cached result ({reason})"),
        }
    }

    fn details(&self) -> Value {
        match self {
            SdkError::Validation { operation, invalid } => {
                json!({ "operation": operation, "path": invalid.path, "reason": invalid.reason })
            }
            SdkError::Config(_) => json!({}),
            SdkError::Auth { status, .. } => json!({ "status": status }),
            SdkError::GraphQl { status, errors, .. } => json!({ "status": status, "errors": errors }),
            SdkError::Network { status, retry_after_ms, .. } => json!({ "status": status, "retryAfterMs": retry_after_ms }),
            SdkError::Storage { reason, .. } => json!({ "reason": reason }),
            SdkError::NotFound(id) => json!({ "id": id }),
            SdkError::Upload { status, .. } => json!({ "status": status }),
            SdkError::CacheMiss { operation, reason } => json!({ "operation": operation, "reason": reason }),
        }
    }
}

impl SdkError {
    /// The JS error, with `extra` fields merged into `details` (the entry `id`, ...).
    pub fn to_js_with(&self, extra: Value) -> JsValue {
        let err = js_sys::Error::new(&self.message());
        err.set_name(self.code());
        let mut details = self.details();
        if let (Some(d), Value::Object(x)) = (details.as_object_mut(), extra) {
            d.extend(x);
        }
        let _ = js_sys::Reflect::set(&err, &"details".into(), &super::js::to_js(&details));
        err.into()
    }
}

impl From<SdkError> for JsValue {
    fn from(e: SdkError) -> JsValue {
        e.to_js_with(Value::Null)
    }
}
