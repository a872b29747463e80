//! Helpers for browser tests: the reference server's URL (baked in at compile time by the test
//! script, which starts the server), clients, raw queries to check persisted effects.

use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Base URL of the reference server the test script started (`--test-mode`, in-memory DB).
pub const SERVER: &str = match option_env!("OUTBOX_TEST_SERVER") {
    Some(s) => s,
    None => "http://127.0.0.1:8080",
};

#[wasm_bindgen]
extern "C" {
    // The global `fetch` (window or worker), for talking to the server past the SDK.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &str, init: &JsValue) -> js_sys::Promise;
}

/// A JS value from JSON text.
pub fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("test JSON parses")
}

/// A JS value as JSON.
pub fn json(v: &JsValue) -> Value {
    serde_json::from_str(&String::from(js_sys::JSON::stringify(v).expect("stringify"))).expect("JSON")
}

/// The GC Directory endpoint of the reference server.
pub fn gc_endpoint() -> String {
    format!("{SERVER}/graphql/gcdirectory")
}

/// An endpoint where nothing listens: fetch fails as it does offline.
pub const UNREACHABLE: &str = "http://127.0.0.1:9/graphql/gcdirectory";

/// A database name no other test uses (each test gets its own outbox).
pub fn fresh_db() -> String {
    format!("test-{}", js_sys::Math::random().to_string().trim_start_matches("0."))
}

/// Options for `Client.open` on database `db` as `user`, sending to `endpoint`, whose token
/// callback returns `token` (asynchronously, as apps do).
pub fn options_in(db: &str, user: &str, endpoint: &str, token: &str) -> JsValue {
    let opts = js(&format!(r#"{{"user":{user:?},"database":{db:?},"endpoints":{{"gcdirectory":{endpoint:?},"worksome":"{SERVER}/graphql/worksome"}}}}"#));
    let f = js_sys::Function::new_with_args("api", &format!("return Promise.resolve({token:?})"));
    js_sys::Reflect::set(&opts, &"token".into(), &f).unwrap();
    opts
}

/// Options for a client of its own (fresh database) acting with `token`.
pub fn options(token: &str) -> JsValue {
    options_in(&fresh_db(), "test-user", &gc_endpoint(), token)
}

/// Opens a client with these options.
pub async fn open(options: JsValue) -> graphql_outbox::Client {
    graphql_outbox::Client::open(options).await.unwrap_or_else(|e| panic!("Client.open: {:?}", error_parts(&e)))
}

/// Opens a client (own database) acting with `token`.
pub async fn client(token: &str) -> graphql_outbox::Client {
    open(options(token)).await
}

/// Idempotency keys the server applied, with how many times each.
pub async fn applied_keys() -> Vec<(String, u64)> {
    applied().await.as_array().unwrap().iter().map(|r| (r["idempotencyKey"].as_str().unwrap_or("").to_string(), r["timesApplied"].as_u64().unwrap_or(0))).collect()
}

/// Awaits a call's promise: Ok(result as JSON) or Err(the JS error).
pub async fn settle(p: js_sys::Promise) -> Result<Value, JsValue> {
    JsFuture::from(p).await.map(|v| json(&v))
}

/// The error's `name`, `message` and `details`.
pub fn error_parts(e: &JsValue) -> (String, String, Value) {
    let get = |k: &str| js_sys::Reflect::get(e, &k.into()).unwrap();
    (get("name").as_string().unwrap_or_default(), get("message").as_string().unwrap_or_default(), json(&get("details")))
}

/// Runs a query on the reference server directly (not through the SDK) and returns `data`.
pub async fn query(api: &str, token: &str, query: &str) -> Value {
    let init = serde_json::json!({
        "method": "POST",
        "body": serde_json::json!({ "query": query }).to_string(),
        "headers": { "content-type": "application/json", "authorization": format!("Bearer {token}") },
    });
    let url = format!("{SERVER}/graphql/{api}");
    let resp: web_sys::Response = JsFuture::from(global_fetch(&url, &js(&init.to_string()))).await.unwrap().unchecked_into();
    let body = json(&JsFuture::from(resp.json().unwrap()).await.unwrap());
    assert!(body.get("errors").is_none(), "query failed: {body}");
    body["data"].clone()
}

/// The test-mode log of applied mutations.
pub async fn applied() -> Value {
    let url = format!("{SERVER}/__test/applied");
    let resp: web_sys::Response = JsFuture::from(global_fetch(&url, &JsValue::UNDEFINED)).await.unwrap().unchecked_into();
    json(&JsFuture::from(resp.json().unwrap()).await.unwrap())
}

/// How many requests with this idempotency key the server received, replays included (its
/// request log: the applied log does not count a replayed duplicate).
pub async fn requests_with_key(key: &str) -> usize {
    let url = format!("{SERVER}/__test/requests");
    let resp: web_sys::Response = JsFuture::from(global_fetch(&url, &JsValue::UNDEFINED)).await.unwrap().unchecked_into();
    let all = json(&JsFuture::from(resp.json().unwrap()).await.unwrap());
    all.as_array().unwrap().iter().filter(|r| r["idempotencyKey"] == key).count()
}

/// Waits `ms` milliseconds (the global `setTimeout`: window or worker).
pub async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let set_timeout: js_sys::Function = js_sys::Reflect::get(&js_sys::global(), &"setTimeout".into()).unwrap().unchecked_into();
        set_timeout.call2(&JsValue::NULL, &resolve, &JsValue::from(ms)).unwrap();
    });
    JsFuture::from(p).await.unwrap();
}

/// Resolves with a raw IndexedDB request's result (the tests that write a database as an old
/// SDK laid it out use raw IndexedDB, as the old SDK did).
pub async fn idb_result(req: &web_sys::IdbRequest) -> JsValue {
    let r = req.clone();
    let p = js_sys::Promise::new(&mut |resolve, reject| {
        let ok = r.clone();
        let on_ok = Closure::once_into_js(move |_: web_sys::Event| {
            resolve.call1(&JsValue::NULL, &ok.result().unwrap()).unwrap();
        });
        let on_err = Closure::once_into_js(move |e: web_sys::Event| {
            reject.call1(&JsValue::NULL, &e).unwrap();
        });
        r.set_onsuccess(Some(on_ok.unchecked_ref()));
        r.set_onerror(Some(on_err.unchecked_ref()));
    });
    JsFuture::from(p).await.expect("IndexedDB request")
}
