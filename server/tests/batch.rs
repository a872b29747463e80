//! GraphQL-over-HTTP batches over HTTP: a JSON array of operations, each with its idempotency key
//! in `extensions.idempotencyKey`, answered in order; replays per operation; one transaction;
//! the request log lists each operation with its key; test mode's switch refuses batches.

mod common;

use common::*;
use serde_json::{json, Value};

const RENAME: &str = "mutation rename($n: String) { modifyProfile(gcId: \"2\", data: {name: $n}) { gcId name } }";
/// Tier 3 does not exist in the fixtures: a GraphQL error that applies nothing.
const MISSING_TIER: &str = "mutation { modifyOrgTier(id: \"3\", data: {nameEn: \"X\"}) { nameEn } }";

fn op(query: &str, n: &str, key: Option<&str>) -> Value {
    let mut v = json!({ "query": query, "variables": { "n": n }, "operationName": Value::Null });
    if query == RENAME {
        v["operationName"] = json!("rename");
    }
    if let Some(k) = key {
        v["extensions"] = json!({ "idempotencyKey": k });
    }
    v
}

fn batch(s: &Server, ops: &[Value]) -> Resp {
    s.gql_raw(Some(ADMIN), &Value::Array(ops.to_vec()).to_string(), None)
}

fn times_applied(s: &Server, key: &str) -> i64 {
    s.applied().as_array().unwrap().iter().filter(|r| r["idempotencyKey"] == key).map(|r| r["timesApplied"].as_i64().unwrap()).sum()
}

fn requests(s: &Server) -> Vec<Value> {
    s.request("GET", "/__test/requests", &[], "").json().as_array().unwrap().clone()
}

#[test]
fn a_batch_runs_each_operation_in_order_and_answers_an_array() {
    let s = Server::start();
    let r = batch(&s, &[op(RENAME, "A", Some("b1")), op(RENAME, "B", Some("b2")), op(RENAME, "C", None)]);
    assert_eq!(r.status, 200, "{}", r.body);
    let answers = r.json();
    let names: Vec<&str> = answers.as_array().unwrap().iter().map(|a| a["data"]["modifyProfile"]["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["A", "B", "C"]);
    assert_eq!(s.data("{ profile(gcId: \"2\") { name } }")["profile"]["name"], "C", "applied in order: the last wins");
    assert_eq!((times_applied(&s, "b1"), times_applied(&s, "b2")), (1, 1));
}

#[test]
fn known_keys_are_replayed_per_operation_and_new_ones_run() {
    let s = Server::start();
    let first = batch(&s, &[op(RENAME, "A", Some("k1"))]);
    assert_eq!(first.status, 200, "{}", first.body);
    let again = batch(&s, &[op(RENAME, "A", Some("k1")), op(RENAME, "B", Some("k2"))]);
    assert_eq!(again.status, 200, "{}", again.body);
    let answers = again.json();
    assert_eq!(answers[0], first.json()[0], "the stored answer, replayed");
    assert_eq!(answers[1]["data"]["modifyProfile"]["name"], "B");
    assert_eq!((times_applied(&s, "k1"), times_applied(&s, "k2")), (1, 1));
    // The same operation alone, with the key as a header, is the same request: replayed.
    let alone = s.gql_raw(Some(ADMIN), &json!({ "query": RENAME, "variables": { "n": "B" }, "operationName": "rename" }).to_string(), Some("k2"));
    assert_eq!(alone.header("idempotency-replayed"), Some("true"), "{}", alone.body);
    assert_eq!(times_applied(&s, "k2"), 1);
    // The request log: one row per operation, with its key and whether it was replayed.
    let log: Vec<(Value, Value)> = requests(&s).iter().map(|r| (r["idempotencyKey"].clone(), r["replayed"].clone())).collect();
    assert_eq!(
        log,
        [(json!("k1"), json!(false)), (json!("k1"), json!(true)), (json!("k2"), json!(false)), (json!("k2"), json!(true))]
    );
}

#[test]
fn one_failing_operation_does_not_stop_the_others() {
    let s = Server::start();
    let r = batch(&s, &[op(RENAME, "A", Some("ok1")), op(MISSING_TIER, "", Some("bad")), op(RENAME, "C", Some("ok2"))]);
    assert_eq!(r.status, 200, "{}", r.body);
    let answers = r.json();
    assert_eq!(answers[0]["data"]["modifyProfile"]["name"], "A");
    assert!(answers[1]["errors"][0]["message"].is_string(), "{}", answers[1]);
    assert_eq!(answers[2]["data"]["modifyProfile"]["name"], "C");
    assert_eq!((times_applied(&s, "ok1"), times_applied(&s, "bad"), times_applied(&s, "ok2")), (1, 0, 1));
    // Not stored under its key: once the tier exists, the same key can run.
    s.data("mutation { createOrgTier(nameEn: \"T\", nameFr: \"T\", organization: {id: 1}, owner: {gcID: 1}) { id } }");
    let later = batch(&s, &[op(MISSING_TIER, "", Some("bad"))]);
    assert_eq!(later.json()[0]["data"]["modifyOrgTier"]["nameEn"], "X", "{}", later.body);
}

#[test]
fn a_bad_element_or_a_reused_key_is_an_error_element_not_a_failed_batch() {
    let s = Server::start();
    assert_eq!(batch(&s, &[op(RENAME, "A", Some("r1"))]).status, 200);
    let r = batch(&s, &[json!({ "nope": 1 }), op(RENAME, "Other", Some("r1")), op(RENAME, "B", Some("r2"))]);
    assert_eq!(r.status, 200, "{}", r.body);
    let answers = r.json();
    assert_eq!(answers[0]["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert_eq!(answers[1]["errors"][0]["extensions"]["code"], "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(answers[2]["data"]["modifyProfile"]["name"], "B");
}

#[test]
fn empty_oversized_unauthenticated_and_refused_batches_are_http_errors() {
    let s = Server::start();
    assert_eq!(batch(&s, &[]).status, 400);
    let many: Vec<Value> = (0..101).map(|i| op(RENAME, &i.to_string(), Some(&format!("m{i}")))).collect();
    let too_long = batch(&s, &many);
    assert_eq!((too_long.status, too_long.json()["error"]["code"].clone()), (413, json!("BATCH_LIMIT")), "{}", too_long.body);
    assert_eq!(times_applied(&s, "m0"), 0);
    // Test mode's lower limit, as a server configured with one (GraphQL Yoga's default is 10).
    let limit = |n: usize| {
        let r = s.request("POST", "/__test/batches", &[("content-type", "application/json")], &json!({ "limit": n }).to_string());
        assert_eq!(r.status, 200, "{}", r.body);
    };
    limit(2);
    let three = batch(&s, &many[..3]);
    assert_eq!(three.status, 413, "{}", three.body);
    assert_eq!(three.json()["error"]["message"], "Batching is limited to 2 operations per request.");
    assert_eq!(batch(&s, &many[..2]).status, 200);
    limit(0);
    assert_eq!(batch(&s, &many[2..100]).status, 200, "back to the server's own limit");
    assert_eq!(s.gql_raw(None, &json!([op(RENAME, "A", Some("u1"))]).to_string(), None).status, 401);
    let switch = |refuse: bool| {
        let r = s.request("POST", "/__test/batches", &[("content-type", "application/json")], &json!({ "refuse": refuse }).to_string());
        assert_eq!(r.status, 200, "{}", r.body);
    };
    switch(true);
    let refused = batch(&s, &[op(RENAME, "A", Some("x1"))]);
    assert_eq!(refused.status, 400);
    assert_eq!(refused.json()["error"]["code"], "BATCH_REFUSED");
    assert_eq!(times_applied(&s, "x1"), 0);
    assert_eq!(s.gql(Some(ADMIN), RENAME, json!({ "n": "single" }), Some("x2")).status, 200, "single requests still work");
    switch(false);
    assert_eq!(batch(&s, &[op(RENAME, "A", Some("x1"))]).status, 200);
    assert_eq!(times_applied(&s, "x1"), 1);
    let statuses: Vec<(Value, Value)> = requests(&s).iter().map(|r| (r["idempotencyKey"].clone(), r["status"].clone())).collect();
    assert!(statuses.contains(&(json!("x1"), json!(400))) && statuses.contains(&(json!("x1"), json!(200))), "{statuses:?}");
}

#[test]
fn a_fault_fails_the_whole_batch_and_a_retry_applies_each_once() {
    let s = Server::start();
    let r = s.request("POST", "/__test/faults", &[("content-type", "application/json")], &json!({ "operation": "modifyProfile", "status": 503 }).to_string());
    assert_eq!(r.status, 200, "{}", r.body);
    let ops = [op(RENAME, "A", Some("f1")), op(RENAME, "B", Some("f2"))];
    assert_eq!(batch(&s, &ops).status, 503, "a fault matches a batch by the operations in it");
    assert_eq!(batch(&s, &ops).status, 200);
    assert_eq!(batch(&s, &ops).status, 200);
    assert_eq!((times_applied(&s, "f1"), times_applied(&s, "f2")), (1, 1));
}
