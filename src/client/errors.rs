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
    /// A file upload target refused the bytes (a 4xx other than 408/429).
    Upload { status: u16, message: String },
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
            SdkError::Upload { .. } => "UploadError",
        }
    }

    fn message(&self) -> String {
        match self {
            SdkError::Validation { operation, invalid } => format!("{operation}: {invalid}"),
            SdkError::Config(m) => m.clone(),
            SdkError::Auth { message, .. }
            | SdkError::GraphQl { message, .. }
            | SdkError::Network { message, .. }
            | SdkError::Upload { message, .. } => message.clone(),
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
            SdkError::Upload { status, .. } => json!({ "status": status }),
        }
    }
}

impl From<SdkError> for JsValue {
    fn from(e: SdkError) -> JsValue {
        let err = js_sys::Error::new(&e.message());
        err.set_name(e.code());
        let _ = js_sys::Reflect::set(&err, &"details".into(), &super::js::to_js(&e.details()));
        err.into()
    }
}
