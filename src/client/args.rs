//! Checks of the arguments of every exported function that is not a mutation (those go through
//! the schema validator). JS may pass anything where TypeScript says `string`; wasm-bindgen's
//! glue for a `String` parameter does not check (it reads `arg.length` and copies, so
//! `{ length: 2 ** 31 }` asks the allocator for 2 GB and traps), so these functions take a
//! `JsValue` and check it here. A bad argument is a `ValidationError` whose `details` are
//! `{ operation: "outbox.retry", path: "id", reason }`; `Client.open` options stay `ConfigError`.

use super::errors::SdkError;
use super::js;
use crate::api::validate::Invalid;
use wasm_bindgen::prelude::*;

/// The error for a bad argument `path` of `function` (`"outbox.retry"`, `"setToken"`).
pub fn bad(function: &str, path: &str, reason: impl Into<String>) -> SdkError {
    SdkError::Validation { operation: function.into(), invalid: Invalid { path: path.into(), reason: reason.into() } }
}

/// `v` as a string, or the error naming the argument.
pub fn string(function: &str, path: &str, v: &JsValue) -> Result<String, SdkError> {
    v.as_string().ok_or_else(|| bad(function, path, format!("expected a string, got {}", js::describe(v))))
}

/// `v` as an entry id. Ids are UUIDs (36 characters): a longer string names no entry and is
/// answered `NotFoundError` at once, quoting only its start, rather than looked up in
/// IndexedDB (a 10 MB key takes the better part of a second there).
pub fn entry_id(function: &str, v: &JsValue) -> Result<String, SdkError> {
    let id = string(function, "id", v)?;
    match id.char_indices().nth(100) {
        None => Ok(id),
        Some((cut, _)) => Err(SdkError::NotFound(format!("{}…", &id[..cut]))),
    }
}

/// `v` as a function, or the error naming the argument.
pub fn function(function: &str, path: &str, v: JsValue) -> Result<js_sys::Function, SdkError> {
    // `is_function` is `typeof v === "function"`: it runs no app code (a Proxy's traps included).
    if v.is_function() {
        Ok(v.unchecked_into())
    } else {
        Err(bad(function, path, format!("expected a function, got {}", js::describe(&v))))
    }
}

/// A promise already rejected with `e`, for functions that return a promise.
pub fn rejected(e: SdkError) -> js_sys::Promise {
    js_sys::Promise::reject(&e.into())
}
