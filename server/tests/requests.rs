//! Test mode's request log, `GET /__test/requests`: every GraphQL request with its idempotency
//! key, replays included, and when it was received and answered (monotonic ms), so a test can
//! see a client sending one key twice, or twice at once, which the applied log cannot show.

mod common;

use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const RENAME: &str =
    "mutation rename($n: String!) { modifyProfile(gcId: 1, data: {name: $n}) { name } }";

fn requests(s: &Server) -> Vec<Value> {
    let r = s.request("GET", "/__test/requests", &[], "");
    assert_eq!(r.status, 200, "{}", r.body);
    r.json().as_array().unwrap().clone()
}

fn ms(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a time: {v}"))
}

#[test]
fn every_request_is_listed_with_its_key_replays_included() {
    let s = Server::start();
    assert_eq!(requests(&s), Vec::<Value>::new());
    assert_eq!(s.gql(Some(ADMIN), RENAME, json!({ "n": "One" }), Some("k1")).status, 200);
    let again = s.gql(Some(ADMIN), RENAME, json!({ "n": "One" }), Some("k1"));
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    assert_eq!(s.gql(None, RENAME, json!({ "n": "Two" }), None).status, 401);
    let log = requests(&s);
    let rows: Vec<(Value, Value, Value, Value)> = log
        .iter()
        .map(|r| (r["seq"].clone(), r["idempotencyKey"].clone(), r["status"].clone(), r["replayed"].clone()))
        .collect();
    assert_eq!(
        rows,
        [
            (json!(1), json!("k1"), json!(200), json!(false)),
            (json!(1 + 1), json!("k1"), json!(200), json!(true)),
            (json!(3), Value::Null, json!(401), json!(false)),
        ]
    );
    for r in &log {
        assert_eq!(r["api"], "gcdirectory");
        assert!(ms(&r["receivedMs"]) <= ms(&r["answeredMs"]), "{r}");
    }
    assert!(ms(&log[0]["answeredMs"]) <= ms(&log[1]["receivedMs"]), "one after the other");
    assert_eq!(s.applied().as_array().unwrap().len(), 1, "the applied log sees one application");
}

#[test]
fn two_sends_of_one_key_at_once_show_as_overlapping_intervals() {
    let s = Server::start();
    let r = s.request(
        "POST",
        "/__test/faults",
        &[("content-type", "application/json")],
        &json!({ "delayMs": 500, "times": 1 }).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let port = s.port;
    let slow = std::thread::spawn(move || {
        let body = json!({ "query": RENAME, "variables": { "n": "Twice" } }).to_string();
        let auth = format!("Bearer {ADMIN}");
        request(
            port,
            "POST",
            "/graphql/gcdirectory",
            &[("content-type", "application/json"), ("authorization", &auth), ("idempotency-key", "dup")],
            &body,
        )
    });
    std::thread::sleep(Duration::from_millis(150));
    let fast = s.gql(Some(ADMIN), RENAME, json!({ "n": "Twice" }), Some("dup"));
    let slow = slow.join().unwrap();
    assert_eq!((fast.status, slow.status), (200, 200));
    assert_eq!(slow.header("idempotency-replayed"), Some("true"), "the delayed one ran second");
    let log = requests(&s);
    assert_eq!(log.len(), 2, "{log:?}");
    let (first, second) = (&log[0], &log[1]);
    assert_eq!((first["idempotencyKey"].as_str(), second["idempotencyKey"].as_str()), (Some("dup"), Some("dup")));
    assert_eq!((first["replayed"].as_bool(), second["replayed"].as_bool()), (Some(true), Some(false)));
    assert!(
        ms(&second["receivedMs"]) < ms(&first["answeredMs"]),
        "the second was received while the first was in flight: {log:?}"
    );
    assert!(ms(&first["answeredMs"]) - ms(&first["receivedMs"]) >= 500.0, "{first}");
}
