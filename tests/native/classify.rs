use graphql_outbox::outbox::classify::{classify, Outcome};
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
    assert!(matches!(answer(503, "", Some("Wed, 21 Oct 2026 07:28:00 GMT")), Outcome::Retry { retry_after_ms: None, .. }));
    assert!(matches!(classify("doIt", Err(NetworkError("Failed to fetch".into()))), Outcome::Retry { status: None, .. }));
    // A 200 that is not GraphQL (a captive portal) may not have reached the API at all.
    assert!(matches!(answer(200, "<html>login</html>", None), Outcome::Retry { .. }));
}
