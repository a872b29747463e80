//! Why `src/client/js.rs` converts JS values to JSON with `JSON.stringify` and not with the
//! card's serde-wasm-bindgen (JSON -> JS is one text and `JSON.parse` there too, for speed; the
//! last test shows the crate gives the same values): on values an app may pass,
//! `serde_wasm_bindgen::from_value::<serde_json::Value>` walks a cyclic object without noticing
//! the cycle (unbounded, until the wasm stack overflows: a trap), lets exceptions from getters
//! and Proxy traps unwind through Rust frames instead of returning an error, and ignores
//! `toJSON`. `JSON.stringify` answers every one of them with an exception it throws to its
//! caller (js-sys binds it with `catch`) or with a faithful value.
//!
//! Its own test binary, with no server: the crate path is run here on purpose, and an exception
//! unwinding through Rust leaks what those frames held; no other test should share the instance.
#![cfg(target_arch = "wasm32")]

use serde::Serialize;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// How a conversion ended.
#[derive(Debug, PartialEq)]
enum Ended {
    /// It returned this JSON.
    Json(Value),
    /// It returned an error (a `Result::Err`): safe.
    Error,
    /// A JS exception unwound through it: the Rust frames in between never finished.
    Threw(String),
}

fn message(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_else(|| format!("{e:?}"))
}

/// The crate path on `v`, called from JS through `Reflect.apply` (a `catch` binding), so an
/// exception that unwinds through the Rust code comes back here as `Threw`.
fn crate_path(v: &JsValue) -> Ended {
    let v = v.clone();
    let f = Closure::once_into_js(move || -> JsValue {
        match serde_wasm_bindgen::from_value::<Value>(v) {
            Ok(j) => JsValue::from_str(&j.to_string()),
            Err(_) => JsValue::NULL,
        }
    });
    let called: Result<JsValue, JsValue> = js_sys::Reflect::apply(f.unchecked_ref::<js_sys::Function>(), &JsValue::NULL, &js_sys::Array::new());
    match called {
        Ok(text) => text.as_string().map_or(Ended::Error, |t| Ended::Json(serde_json::from_str(&t).unwrap())),
        Err(e) => Ended::Threw(message(&e)),
    }
}

/// What `js::to_json` starts with: `JSON.stringify`, `catch`-bound.
fn stringify_path(v: &JsValue) -> Ended {
    match js_sys::JSON::stringify(v) {
        Ok(text) => text.as_string().map_or(Ended::Error, |t| Ended::Json(serde_json::from_str(&t).unwrap())),
        // Thrown to its caller as a `Result::Err`: nothing unwound through Rust.
        Err(_) => Ended::Error,
    }
}

fn js(source: &str) -> JsValue {
    js_sys::Function::new_no_args(&format!("return ({source});")).call0(&JsValue::NULL).unwrap()
}

#[wasm_bindgen_test]
fn a_cyclic_object_is_walked_without_end_by_the_crate() {
    // An object whose `next` is itself, through a Proxy that counts how deep the walk went and
    // stops it at 64 levels (unbounded, it would recurse until the wasm stack overflows).
    let cyclic = js(r#"(() => {
        let depth = 0;
        const p = new Proxy({}, {
            ownKeys: () => ["next"],
            getOwnPropertyDescriptor: () => ({ value: p, writable: true, enumerable: true, configurable: true }),
            get: (_, key) => {
                if (key !== "next") return undefined;
                if (++depth > 64) throw new Error("still descending at depth 64");
                return p;
            },
        });
        return p;
    })()"#);
    assert_eq!(crate_path(&cyclic), Ended::Threw("still descending at depth 64".into()));
    let plain_cycle = js("(() => { const o = { a: 1 }; o.self = o; return o; })()");
    assert_eq!(stringify_path(&plain_cycle), Ended::Error, "JSON.stringify detects the cycle");
    assert_eq!(stringify_path(&cyclic), Ended::Error, "and the Proxy's");
}

#[wasm_bindgen_test]
fn throwing_getters_and_traps_unwind_through_the_crate() {
    for source in [
        r#"({ get a() { throw new Error("a getter threw"); } })"#,
        r#"new Proxy({}, { ownKeys() { throw new Error("a trap threw"); } })"#,
        // A revoked Proxy: even `Array.isArray` throws on it.
        "(() => { const r = Proxy.revocable({}, {}); r.revoke(); return r.proxy; })()",
    ] {
        let v = js(source);
        assert!(matches!(crate_path(&v), Ended::Threw(_)), "{source}: {:?}", crate_path(&v));
        assert_eq!(stringify_path(&v), Ended::Error, "{source}");
    }
}

#[wasm_bindgen_test]
fn to_json_is_ignored_by_the_crate() {
    let date = js(r#"new Date("2026-11-02T08:30:00Z")"#);
    assert_eq!(crate_path(&date), Ended::Json(json!({})), "a Date loses its value");
    assert_eq!(stringify_path(&date), Ended::Json(json!("2026-11-02T08:30:00.000Z")));
}

#[wasm_bindgen_test]
fn functions_symbols_and_bigints_are_safe_on_both_paths() {
    for source in ["() => 1", "Symbol('s')"] {
        let v = js(source);
        assert_eq!(crate_path(&v), Ended::Error, "{source}");
        assert_eq!(stringify_path(&v), Ended::Error, "{source}");
    }
    // The crate reads a small BigInt as a number; JSON.stringify refuses it (TypeError).
    assert_eq!(crate_path(&js("10n")), Ended::Json(json!(10)));
    assert_eq!(stringify_path(&js("10n")), Ended::Error);
}

#[wasm_bindgen_test]
fn json_to_js_through_the_crate_matches_json_parse() {
    let v = json!({ "status": "sent", "id": "a", "data": { "n": 1.5, "list": [1, null, "é😀", { "x": false }], "none": null } });
    let through_crate = v.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).unwrap();
    let text = js_sys::JSON::stringify(&through_crate).unwrap().as_string().unwrap();
    assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v, "plain objects, null (not undefined) for null");
    assert!(js_sys::Reflect::get(&through_crate, &"data".into()).unwrap().is_object());
    // Integers beyond 2^53 are refused (they would need BigInts): js.rs falls back to
    // JSON.parse for those, which rounds them as any JS reader of that JSON would.
    assert!(json!({ "n": u64::MAX }).serialize(&serde_wasm_bindgen::Serializer::json_compatible()).is_err());
}
