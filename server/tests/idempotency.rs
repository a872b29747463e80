//! Idempotency-Key over real HTTP, observed through `/__test/applied`.

mod common;

use common::*;
use serde_json::json;

const RENAME: &str =
    "mutation($name: String) { modifyProfile(gcId: \"2\", data: {name: $name}) { gcId name } }";

fn times_applied(s: &Server, key: Option<&str>) -> Vec<i64> {
    s.applied()
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["idempotencyKey"].as_str() == key)
        .map(|r| r["timesApplied"].as_i64().unwrap())
        .collect()
}

#[test]
fn same_key_twice_applies_once_and_replays_the_same_response() {
    let s = Server::start();
    let first = s.gql(
        Some(UMA),
        RENAME,
        json!({ "name": "Uma One" }),
        Some("key-a"),
    );
    assert_eq!(first.status, 200);
    assert!(first.header("idempotency-replayed").is_none());
    // Something changes the profile in between: a replay must not show the new state.
    s.gql(
        Some(ADMIN),
        RENAME,
        json!({ "name": "Changed Since" }),
        None,
    );
    let second = s.gql(
        Some(UMA),
        RENAME,
        json!({ "name": "Uma One" }),
        Some("key-a"),
    );
    assert_eq!(second.status, 200);
    assert_eq!(second.body, first.body);
    assert_eq!(second.header("idempotency-replayed"), Some("true"));
    assert_eq!(times_applied(&s, Some("key-a")), vec![1]);
    assert_eq!(
        s.data("{ profile(gcId: 2) { name } }")["profile"]["name"],
        "Changed Since"
    );
}

#[test]
fn same_body_with_keys_in_another_order_is_the_same_request() {
    let s = Server::start();
    let a = r#"{"query":"mutation($n: String) { modifyProfile(gcId: 2, data: {name: $n}) { name } }","variables":{"n":"X"}}"#;
    let b = r#"{"variables":{"n":"X"},"query":"mutation($n: String) { modifyProfile(gcId: 2, data: {name: $n}) { name } }"}"#;
    let first = s.gql_raw(Some(UMA), a, Some("k"));
    let second = s.gql_raw(Some(UMA), b, Some("k"));
    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(first.body, second.body);
    assert_eq!(times_applied(&s, Some("k")), vec![1]);
}

#[test]
fn same_key_with_another_body_or_caller_is_422() {
    let s = Server::start();
    s.gql(Some(UMA), RENAME, json!({ "name": "A" }), Some("key-b"));
    let r = s.gql(Some(UMA), RENAME, json!({ "name": "B" }), Some("key-b"));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "IDEMPOTENCY_KEY_REUSED");
    let r = s.gql(Some(ADMIN), RENAME, json!({ "name": "A" }), Some("key-b"));
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(times_applied(&s, Some("key-b")), vec![1]);
    assert_eq!(
        s.data("{ profile(gcId: 2) { name } }")["profile"]["name"],
        "A"
    );
}

#[test]
fn without_a_key_every_request_applies() {
    let s = Server::start();
    for _ in 0..3 {
        let r = s.gql(Some(UMA), RENAME, json!({ "name": "Again" }), None);
        assert_eq!(
            r.json()["data"]["modifyProfile"]["name"],
            "Again",
            "{}",
            r.body
        );
    }
    assert_eq!(times_applied(&s, None), vec![3]);
}

#[test]
fn concurrent_duplicates_apply_once() {
    let s = Server::start();
    let port = s.port;
    let body = json!({ "query": RENAME, "variables": { "name": "Racer" } }).to_string();
    let threads: Vec<_> = (0..6)
        .map(|_| {
            let body = body.clone();
            std::thread::spawn(move || {
                let headers = [
                    ("content-type", "application/json"),
                    ("authorization", "Bearer gc-user-uma-token"),
                    ("idempotency-key", "key-race"),
                ];
                request(port, "POST", "/graphql/gcdirectory", &headers, &body)
            })
        })
        .collect();
    let responses: Vec<Resp> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for r in &responses {
        assert_eq!(r.status, 200);
        assert_eq!(r.body, responses[0].body);
    }
    assert_eq!(times_applied(&s, Some("key-race")), vec![1]);
}

#[test]
fn a_failed_mutation_is_not_stored_so_its_key_can_run_after_a_fix() {
    let s = Server::start();
    // Tier 3 does not exist yet: the mutation fails and applies nothing.
    let edit = "mutation { modifyOrgTier(id: \"3\", data: {nameEn: \"Later\"}) { nameEn } }";
    let first = s.gql(Some(ADMIN), edit, json!({}), Some("key-f"));
    assert_eq!(first.code().as_deref(), Some("E2TeamNotExist"));
    let second = s.gql(Some(ADMIN), edit, json!({}), Some("key-f"));
    assert_eq!(second.code().as_deref(), Some("E2TeamNotExist"));
    assert_eq!(
        second.header("idempotency-replayed"),
        None,
        "a failure is executed again, not replayed"
    );
    assert_eq!(s.applied(), json!([]));
    // Fix the state: the same key now runs and applies, once; after that it is replayed.
    s.data("mutation { createOrgTier(nameEn: \"T\", nameFr: \"T\", organization: {id: 1}, owner: {gcID: 1}) { id } }");
    let third = s.gql(Some(ADMIN), edit, json!({}), Some("key-f"));
    assert_eq!(
        third.json()["data"]["modifyOrgTier"]["nameEn"],
        "Later",
        "{}",
        third.body
    );
    let fourth = s.gql(Some(ADMIN), edit, json!({}), Some("key-f"));
    assert_eq!(fourth.header("idempotency-replayed"), Some("true"));
    assert_eq!(fourth.body, third.body);
    assert_eq!(times_applied(&s, Some("key-f")), vec![1]);
}

#[test]
fn a_401_is_not_stored_under_the_key() {
    let s = Server::start();
    let r = s.gql(
        Some("expired"),
        RENAME,
        json!({ "name": "Later" }),
        Some("key-401"),
    );
    assert_eq!(r.status, 401);
    // The outbox retries with a fresh token and the same key: it must execute now.
    let r = s.gql(
        Some(UMA),
        RENAME,
        json!({ "name": "Later" }),
        Some("key-401"),
    );
    assert_eq!(
        r.json()["data"]["modifyProfile"]["name"],
        "Later",
        "{}",
        r.body
    );
    assert_eq!(times_applied(&s, Some("key-401")), vec![1]);
}
