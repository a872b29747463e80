//! Crossing between JS values and JSON. Through `JSON.stringify`/`JSON.parse` rather than
//! serde-wasm-bindgen: it is smaller, drops `undefined` the way `fetch` bodies do, and the
//! result is exactly what is stored and sent.

use serde_json::Value;
use wasm_bindgen::prelude::*;

/// A JS value as JSON; `undefined` becomes null. Fails on what JSON cannot hold (a BigInt, a cycle).
pub fn to_json(v: &JsValue) -> Result<Value, String> {
    if v.is_undefined() {
        return Ok(Value::Null);
    }
    let text = js_sys::JSON::stringify(v).map_err(|e| {
        e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| "not JSON-serializable".into())
    })?;
    let text: String = text.into();
    serde_json::from_str(&text).map_err(|e| e.to_string())
}

/// JSON as a plain JS value.
pub fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap_or(JsValue::NULL)
}

/// 16 bytes from the global `crypto.getRandomValues` (a window, worker or service worker).
pub fn random_bytes() -> Result<[u8; 16], JsValue> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())?;
    let crypto: web_sys::Crypto = crypto.dyn_into()?;
    let mut b = [0u8; 16];
    crypto.get_random_values_with_u8_array(&mut b)?;
    Ok(b)
}
