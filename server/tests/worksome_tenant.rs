//! `POST /__test/worksome/tenant`: a fresh copy of the Worksome fixtures per caller, so tests that
//! consume fixture state can run again against one server.

mod common;

use common::*;
use serde_json::json;

fn tenant(s: &Server) -> i64 {
    let r = s.request("POST", "/__test/worksome/tenant", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["offset"].as_i64().expect("an offset")
}

#[test]
fn each_copy_has_its_own_ids_tokens_and_emails_and_state() {
    let s = Server::start();
    let (a, b) = (tenant(&s), tenant(&s));
    assert!(a >= 1000 && a % 1000 == 0 && b > a, "{a} {b}");
    for offset in [a, b] {
        let token = format!("{WS_WORKER}-t{offset}");
        let viewer = s.wq(&token, "{ viewer { id email } }");
        assert_eq!(viewer["viewer"], json!({ "id": (31 + offset).to_string(), "email": format!("wanda+t{offset}@worker.test") }));
        // Consuming state in one copy (Wanda's password can be created once) leaves the others alone.
        let u = s.op(&token, "createPassword", json!({ "password": "worker-pass-1" }));
        assert_eq!(u["id"], json!((31 + offset).to_string()));
        let hire = s.wq(&token, &format!(r#"{{ hire(id: "{}") {{ worker {{ id }} job {{ id }} }} }}"#, 110 + offset));
        assert_eq!(hire["hire"], json!({ "worker": { "id": (3 + offset).to_string() }, "job": { "id": (100 + offset).to_string() } }));
    }
    assert_eq!(s.op_err(WS_WORKER, "updatePassword", json!({ "currentPassword": "x", "password": "new-pass-123", "passwordConfirmation": "new-pass-123" })), "PASSWORD_NOT_SET", "the original fixtures are untouched");
}

#[test]
fn no_tenant_endpoint_without_test_mode() {
    let s = Server::with(outbox_server::Config { db: ":memory:".into(), ..Default::default() });
    assert_eq!(s.request("POST", "/__test/worksome/tenant", &[], "").status, 404);
}
