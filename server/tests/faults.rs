//! Test mode's fault injection over real HTTP: delays, injected statuses (503 + Retry-After,
//! 401), dropping the response after commit, matching, clearing, bad rules; and that none of
//! it exists without test mode.

mod common;

use std::time::{Duration, Instant};

use common::*;
use outbox_server::Config;
use serde_json::{json, Value};

const RENAME: &str =
    "mutation rename($n: String!) { modifyProfile(gcId: 1, data: {name: $n}) { name } }";
const READ: &str = "{ organization(id: 1) { acronymEn } }";

fn add_fault(s: &Server, fault: Value) -> Value {
    let r = s.request(
        "POST",
        "/__test/faults",
        &[("content-type", "application/json")],
        &fault.to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

fn rename(s: &Server, token: &str, name: &str, key: &str) -> Resp {
    s.gql(Some(token), RENAME, json!({ "n": name }), Some(key))
}

fn applied_keys(s: &Server) -> Vec<(String, i64)> {
    s.applied()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["idempotencyKey"].as_str().unwrap_or("").to_string(),
                r["timesApplied"].as_i64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_delay_slows_only_the_matching_requests_and_only_n_times() {
    let s = Server::start();
    add_fault(
        &s,
        json!({ "operation": "modifyProfile", "delayMs": 600, "times": 1 }),
    );
    let t = Instant::now();
    let r = s.gql(Some(ADMIN), READ, json!({}), None);
    assert_eq!(r.status, 200);
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "a query that does not match was delayed"
    );
    let t = Instant::now();
    let r = rename(&s, ADMIN, "Slow", "d1");
    assert!(
        t.elapsed() >= Duration::from_millis(600),
        "not delayed: {:?}",
        t.elapsed()
    );
    assert_eq!(
        r.json()["data"]["modifyProfile"]["name"],
        "Slow",
        "{}",
        r.body
    );
    let t = Instant::now();
    rename(&s, ADMIN, "Fast", "d2");
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "the rule fired more than once"
    );
    assert_eq!(
        s.request("GET", "/__test/faults", &[], "").json(),
        json!([])
    );
}

#[test]
fn a_503_with_retry_after_twice_then_the_request_runs_once() {
    let s = Server::start();
    let listed = add_fault(
        &s,
        json!({ "api": "gcdirectory", "status": 503, "retryAfter": "1", "times": 2 }),
    );
    assert_eq!(listed["faults"][0]["remaining"], 2, "{listed}");
    for attempt in 0..2 {
        let r = rename(&s, ADMIN, "Later", "k503");
        assert_eq!(r.status, 503, "attempt {attempt}: {}", r.body);
        assert_eq!(r.header("retry-after"), Some("1"));
        assert_eq!(r.json()["error"]["code"], "INJECTED_FAULT");
        // CORS still applies, so a browser can read Retry-After.
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    }
    assert!(
        applied_keys(&s).is_empty(),
        "an injected 503 must run nothing"
    );
    let r = rename(&s, ADMIN, "Later", "k503");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("idempotency-replayed"), None);
    assert_eq!(applied_keys(&s), vec![("k503".to_string(), 1)]);
}

#[test]
fn a_401_for_one_token_after_skipping_some_requests() {
    let s = Server::start();
    add_fault(
        &s,
        json!({ "token": ADMIN, "skip": 2, "status": 401, "times": 100 }),
    );
    assert_eq!(rename(&s, ADMIN, "A", "a1").status, 200);
    assert_eq!(rename(&s, ADMIN, "B", "a2").status, 200);
    let r = rename(&s, ADMIN, "C", "a3");
    assert_eq!(r.status, 401, "{}", r.body);
    assert_eq!(r.json()["error"]["code"], "UNAUTHENTICATED");
    // Another token of the same caller (a "refreshed" token) is not rejected, and the key that
    // got the 401 was not stored, so it can be sent again.
    let r = s.request(
        "POST",
        "/__test/tokens",
        &[],
        &json!({ "api": "gcdirectory", "token": "admin-refreshed", "sameAs": ADMIN }).to_string(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = rename(&s, "admin-refreshed", "C", "a3");
    assert_eq!(r.json()["data"]["modifyProfile"]["name"], "C", "{}", r.body);
    assert_eq!(
        rename(&s, ADMIN, "D", "a4").status,
        401,
        "the rule lasts until its times run out"
    );
    let keys: Vec<String> = applied_keys(&s).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["a1", "a2", "a3"]);
}

#[test]
fn a_token_can_only_be_added_for_an_existing_caller() {
    let s = Server::start();
    let r = s.request(
        "POST",
        "/__test/tokens",
        &[],
        &json!({ "api": "gcdirectory", "token": "x", "sameAs": "nobody" }).to_string(),
    );
    assert_eq!(r.status, 400);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("sameAs"),
        "{}",
        r.body
    );
    assert_eq!(s.gql(Some("x"), READ, json!({}), None).status, 401);
}

#[test]
fn a_response_dropped_after_commit_is_replayed_on_retry_and_applied_once() {
    let s = Server::start();
    add_fault(
        &s,
        json!({ "operation": "rename", "dropAfterCommit": true }),
    );
    let body = json!({ "query": RENAME, "variables": { "n": "Dropped" } }).to_string();
    let headers = [
        ("content-type", "application/json"),
        ("authorization", "Bearer gc-admin-token"),
        ("idempotency-key", "kdrop"),
    ];
    let raw = request_bytes(s.port, "POST", "/graphql/gcdirectory", &headers, &body);
    match raw {
        Ok(bytes) => assert!(
            bytes.is_empty(),
            "got a response: {}",
            String::from_utf8_lossy(&bytes)
        ),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset | std::io::ErrorKind::ConnectionAborted
            ),
            "{e}"
        ),
    }
    // Committed: the change is there and the key counts as applied once.
    assert_eq!(
        s.data("{ profile(gcId: 1) { name } }")["profile"]["name"],
        "Dropped"
    );
    assert_eq!(applied_keys(&s), vec![("kdrop".to_string(), 1)]);
    // The retry gets the stored response, and nothing runs again.
    let r = s.gql_raw(Some(ADMIN), &body, Some("kdrop"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("idempotency-replayed"), Some("true"));
    assert_eq!(r.json()["data"]["modifyProfile"]["name"], "Dropped");
    assert_eq!(applied_keys(&s), vec![("kdrop".to_string(), 1)]);
    // The server is fine afterwards.
    assert_eq!(s.gql(Some(ADMIN), READ, json!({}), None).status, 200);
}

#[test]
fn rules_apply_in_order_and_can_be_cleared() {
    let s = Server::start();
    add_fault(
        &s,
        json!([
            { "operation": "createOrgTier", "status": 500 },
            { "status": 502, "times": 3 }
        ]),
    );
    let listed = s.request("GET", "/__test/faults", &[], "").json();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    // A modifyProfile does not match the first rule, so the second answers.
    assert_eq!(rename(&s, ADMIN, "X", "c1").status, 502);
    let r = s.request("DELETE", "/__test/faults", &[], "");
    assert_eq!(r.json(), json!({ "cleared": 2 }));
    assert_eq!(
        s.request("GET", "/__test/faults", &[], "").json(),
        json!([])
    );
    assert_eq!(rename(&s, ADMIN, "X", "c1").status, 200);
}

#[test]
fn bad_rules_are_refused_naming_what_is_wrong_and_add_nothing() {
    let s = Server::start();
    for (rule, expect) in [
        (json!({ "status": 503, "times": 0 }), "times"),
        (json!({ "status": 200 }), "status"),
        (
            json!({ "api": "gcdirectory" }),
            "delayMs, status or dropAfterCommit",
        ),
        (json!({ "status": 503, "dropAfterCommit": true }), "exclude"),
        (json!({ "delayMs": 5, "retryAfter": "1" }), "retryAfter"),
        (json!({ "status": 503, "colour": "red" }), "colour"),
        (json!([{ "status": 503 }, { "status": 99 }]), "fault 1"),
        (json!([]), "no fault"),
    ] {
        let r = s.request("POST", "/__test/faults", &[], &rule.to_string());
        assert_eq!(r.status, 400, "{rule} was accepted: {}", r.body);
        let message = r.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.contains(expect),
            "{rule}: {message:?} does not mention {expect:?}"
        );
    }
    assert_eq!(
        s.request("GET", "/__test/faults", &[], "").json(),
        json!([])
    );
}

#[test]
fn no_fault_or_token_endpoint_without_test_mode() {
    let s = Server::with(Config {
        db: ":memory:".into(),
        ..Config::default()
    });
    for (method, path) in [
        ("GET", "/__test/faults"),
        ("POST", "/__test/faults"),
        ("DELETE", "/__test/faults"),
        ("POST", "/__test/tokens"),
    ] {
        let r = s.request(method, path, &[], &json!({ "status": 503 }).to_string());
        assert_eq!(r.status, 404, "{method} {path}: {}", r.body);
    }
    assert_eq!(rename(&s, ADMIN, "Normal", "n1").status, 200);
}

#[test]
fn test_mode_closes_every_connection_after_its_response() {
    // Without this Chromium would resend a dropped request on its own (see close_connections).
    use std::io::{Read, Write};
    let s = Server::start();
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    // HTTP/1.1 without `Connection: close`: keep-alive unless the server says otherwise.
    write!(c, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    c.read_to_end(&mut raw)
        .expect("the server kept the connection open");
    let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
    assert!(text.starts_with("http/1.1 200"), "{text}");
    assert!(text.contains("connection: close"), "{text}");
}

#[test]
fn without_test_mode_connections_stay_open() {
    use std::io::{Read, Write};
    let s = Server::with(Config {
        db: ":memory:".into(),
        ..Config::default()
    });
    let mut c = std::net::TcpStream::connect(("127.0.0.1", s.port)).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    for _ in 0..2 {
        // Two requests on one connection: the second is only answered if the first left it open.
        write!(c, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        let mut buf = [0u8; 512];
        while !String::from_utf8_lossy(&raw).ends_with("\r\n\r\nok") {
            let n = c
                .read(&mut buf)
                .expect("no complete answer on the kept-alive connection");
            assert!(
                n > 0,
                "the server closed the connection: {}",
                String::from_utf8_lossy(&raw)
            );
            raw.extend_from_slice(&buf[..n]);
        }
        let text = String::from_utf8_lossy(&raw).to_ascii_lowercase();
        assert!(!text.contains("connection: close"), "{text}");
    }
}
