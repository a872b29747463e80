//! The outbox in a dedicated worker (no `window`): IndexedDB, Web Locks, fetch and the
//! BroadcastChannel all come from the worker's global scope. Its own test binary, because
//! wasm-bindgen-test picks the context per binary.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[path = "browser/support.rs"]
#[allow(dead_code)]
mod support;

use serde_json::json;
use support::*;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn a_worker_queues_then_a_new_client_in_it_sends() {
    let global = js_sys::global();
    assert!(js_sys::Reflect::get(&global, &"window".into()).unwrap().is_undefined(), "runs without window");
    assert!(js_sys::Reflect::get(&global, &"importScripts".into()).unwrap().is_function(), "runs in a worker");
    let db = fresh_db();
    let args = || js(&json!({ "gcId": "4", "data": { "name": "From A Worker" } }).to_string());
    let offline = open(options_in(&db, "worker-user", UNREACHABLE, "gc-admin-token")).await;
    let r = settle(offline.gcdirectory().modify_profile(args(), None)).await.expect("queued");
    assert_eq!(r["status"], "queued");
    let id = r["id"].as_str().unwrap().to_string();
    offline.close();
    let online = open(options_in(&db, "worker-user", &gc_endpoint(), "gc-admin-token")).await;
    let done = settle(online.outbox().settled(id.clone())).await.unwrap();
    assert_eq!((&done["status"], &done["data"]["name"]), (&json!("sent"), &json!("From A Worker")));
    assert_eq!(applied_keys().await.iter().filter(|(k, _)| *k == id).count(), 1);
    let r = settle(online.gcdirectory().modify_profile(args(), None)).await.expect("sent online");
    assert_eq!(r["status"], "sent");
    online.close();
}
