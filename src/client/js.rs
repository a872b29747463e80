//! Crossing between JS values and JSON, for any value an app may pass.
//!
//! JSON -> JS is one JSON text parsed by `JSON.parse`, not the card's serde-wasm-bindgen
//! (`Serializer::json_compatible()`, which gives the same values: `tests/boundary.rs`). The
//! crate builds the value from wasm one property at a time, each string decoded on its own: a
//! 500-entity query result took ~7 ms that way after a reload (CPU profile, `bench/
//! cache-profile.mjs`), most of the cold read's budget, against ~1 ms for one text and
//! `JSON.parse`.
//!
//! JS -> JSON stays on `JSON.stringify` (one call, `catch`-wrapped by js-sys), because
//! `serde_wasm_bindgen::from_value` cannot take an app's arbitrary value safely: it recurses
//! into a cyclic object until the wasm stack overflows (a trap that kills the module), and a
//! Proxy whose `ownKeys` trap or a getter throws lets the JS exception unwind through Rust
//! frames (its `Object.entries`, `Array.isArray` and `get` imports are not `catch`). It also
//! ignores `toJSON` (a `Date` would become `{}`). `JSON.stringify` answers all of these with
//! an exception we catch or with `undefined`, and its output is exactly what is stored and sent.
//! `tests/boundary.rs` shows the crate path failing on these values.

use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A JS value as JSON; `undefined` becomes null. Fails, naming why, on what JSON cannot hold:
/// a function or symbol, a BigInt, a cycle, a throwing getter or `toJSON`, a nesting too deep.
pub fn to_json(v: &JsValue) -> Result<Value, String> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(v).map_err(|e| format!("not JSON-serializable: {}", describe(&e)))?;
    // `undefined` for a function or a symbol (or a `toJSON` returning one): nothing to send.
    let text = text.as_string().ok_or_else(|| format!("not JSON-serializable: {}", describe(v)))?;
    outbox_json::value(&text).map_err(|e| format!("not JSON-serializable: {e}"))
}

pub(crate) use crate::to_js;

#[wasm_bindgen]
extern "C" {
    /// `String(v)`: only called on a number or a boolean, which it cannot throw on.
    #[wasm_bindgen(js_name = String)]
    fn js_string(v: &JsValue) -> String;
}

/// A short description of any JS value for an error message, without running app code that
/// could throw (no `toString`, no getters but a guarded `message`): `"a function"`, the
/// string itself, an `Error`'s message.
pub fn describe(v: &JsValue) -> String {
    if let Some(s) = v.as_string() {
        return s.chars().take(200).collect();
    }
    let kind = v.js_typeof().as_string().unwrap_or_default();
    if kind == "object" && !v.is_null() {
        if let Some(m) = js_sys::Reflect::get(v, &"message".into()).ok().and_then(|m| m.as_string()) {
            return m.chars().take(200).collect();
        }
    }
    match kind.as_str() {
        "undefined" => "undefined".into(),
        "object" if v.is_null() => "null".into(),
        "object" => "an object".into(),
        // JS's own `String(v)`: the number as the app would write it (Rust's f64 `Display`
        // writes 1e21 as `1000000000000000000000`).
        "number" | "boolean" => format!("the {kind} {}", js_string(v)),
        other => format!("a {other}"),
    }
}

