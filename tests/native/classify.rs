use graphql_outbox::outbox::classify::{classify, classify_at, Outcome};
use graphql_outbox::transport::{HttpResponse, NetworkError};
use serde_json::json;

fn answer(status: u16, body: &str, retry_after: Option<&str>) -> Outcome {
    classify("doIt", Ok(HttpResponse { status, retry_after: retry_after.map(str::to_string), body: body.into() }))
}

#[test]
fn data_is_sent() {
    assert_eq!(answer(200, r#"{"data":{"doIt":{"id":"1"}}}"#, None), Outcome::Sent(json!({"id": "1"})));
    assert_eq!(answer(200, r#"{"data":{"doIt":null}}"#, None), Outcome::Sent(json!(null)));
}

#[test]
fn graphql_errors_and_client_errors_are_dead() {
    let errors = json!([{"message": "nope", "extensions": {"code": "FORBIDDEN"}}]);
    let body = json!({"data": null, "errors": errors}).to_string();
    assert_eq!(answer(200, &body, None), Outcome::Dead { status: 200, message: "nope".into(), errors: errors.clone() });
    assert!(matches!(answer(400, &body, None), Outcome::Dead { status: 400, .. }));
    match answer(422, r#"{"error":"IDEMPOTENCY_KEY_REUSED"}"#, None) {
        Outcome::Dead { status: 422, message, .. } => assert_eq!(message, "IDEMPOTENCY_KEY_REUSED"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn auth_failures_pause() {
    assert_eq!(answer(401, r#"{"error":"unknown token"}"#, None), Outcome::Auth { status: 401, message: "unknown token".into() });
    assert!(matches!(answer(403, "", None), Outcome::Auth { status: 403, .. }));
}

#[test]
fn transient_failures_retry_with_retry_after() {
    for status in [408, 429, 500, 502, 503, 504] {
        assert!(matches!(answer(status, "", None), Outcome::Retry { status: Some(s), .. } if s == status));
    }
    assert!(matches!(answer(503, "", Some("2")), Outcome::Retry { retry_after_ms: Some(2000), .. }));
    // The HTTP-date form counts from the time of the answer (issue 7: it used to be ignored).
    let at = |h: &str, now: f64| match classify_at("doIt", Ok(HttpResponse { status: 503, retry_after: Some(h.into()), body: "".into() }), now) {
        Outcome::Retry { retry_after_ms, .. } => retry_after_ms,
        other => panic!("not a retry: {other:?}"),
    };
    let now = 1_792_567_650_000.0; // 2026-10-21T07:27:30Z
    assert_eq!(at("Wed, 21 Oct 2026 07:28:00 GMT", now), Some(30_000));
    assert_eq!(at("Wed, 21 Oct 2026 07:27:00 GMT", now), Some(0), "a date in the past: no wait");
    assert_eq!(at("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777_000.0), Some(0), "RFC 9110's example is exactly then");
    assert_eq!(at("Tue, 29 Feb 2028 00:00:00 GMT", 1_835_395_200_000.0 - 1000.0), Some(1000), "leap day");
    assert_eq!(at("Wednesday, 21-Oct-26 07:28:00 GMT", now), None, "obsolete RFC 850 form: backoff applies");
    assert_eq!(at("soon", now), None, "unreadable: backoff applies");
    assert!(matches!(classify("doIt", Err(NetworkError("Failed to fetch".into()))), Outcome::Retry { status: None, .. }));
    // A 200 that is not GraphQL (a captive portal) may not have reached the API at all.
    assert!(matches!(answer(200, "<html>login</html>", None), Outcome::Retry { .. }));
}

#[test]
fn a_query_answer_is_the_whole_data_object_by_the_same_rules() {
    use graphql_outbox::outbox::classify::classify_query;
    let q = |status: u16, body: &str| classify_query(Ok(HttpResponse { status, retry_after: None, body: body.into() }), 0.0);
    assert_eq!(q(200, r#"{"data":{"viewer":{"id":"1"},"worker":null}}"#), Outcome::Sent(json!({"viewer": {"id": "1"}, "worker": null})));
    assert!(matches!(q(200, r#"{"data":null,"errors":[{"message":"no"}]}"#), Outcome::Dead { status: 200, .. }));
    assert!(matches!(q(401, ""), Outcome::Auth { status: 401, .. }));
    assert!(matches!(q(503, ""), Outcome::Retry { status: Some(503), .. }));
    assert!(matches!(q(200, "<html>"), Outcome::Retry { .. }));
}
