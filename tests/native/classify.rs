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
        Outcome::Dead { status: 422, message, .. } => assert_eq!(message, "HTTP 422: IDEMPOTENCY_KEY_REUSED"),
        other => panic!("{other:?}"),
    }
}

/// The dead entry's `errors` and `message` for a 4xx answer `body`.
fn dead(status: u16, body: &str) -> (String, serde_json::Value) {
    match answer(status, body, None) {
        Outcome::Dead { status: s, message, errors } if s == status => (message, errors),
        other => panic!("not dead: {other:?}"),
    }
}

#[test]
fn a_non_graphql_4xx_body_becomes_a_string_message() {
    // The reference server's (and many APIs') JSON error shape: the object used to land in
    // errors[0].message as is.
    let (message, errors) = dead(400, r#"{"error":{"code":"INJECTED_FAULT","message":"injected fault"}}"#);
    assert_eq!(message, "HTTP 400: injected fault");
    assert_eq!(errors, json!([{ "message": "HTTP 400: injected fault", "extensions": { "code": "INJECTED_FAULT" } }]));
    assert_eq!(dead(404, r#"{"message":"no such route"}"#).1, json!([{ "message": "HTTP 404: no such route" }]));
    // An object with no readable message: its JSON text, not the object.
    assert_eq!(dead(409, r#"{"error":{"code":"CONFLICT"}}"#).0, r#"HTTP 409: {"error":{"code":"CONFLICT"}}"#);
    // A proxy's HTML page: its first 200 characters, whitespace folded, cut with an ellipsis.
    let html = format!("<!doctype html>\n<html>\n  <title>404 Not Found</title>\n<body>{}</body></html>", "é".repeat(300));
    let (message, errors) = dead(404, &html);
    assert!(message.starts_with("HTTP 404: <!doctype html> <html> <title>404 Not Found</title> <body>éé"), "{message}");
    assert_eq!(message.chars().count(), "HTTP 404: ".len() + 200 + 1, "{message}");
    assert!(message.ends_with('…'));
    assert_eq!(errors[0]["message"], json!(message));
    assert_eq!(dead(410, "").0, "HTTP 410");
    assert_eq!(dead(418, "   \n").1, json!([{ "message": "HTTP 418" }]));
    assert_eq!(dead(400, "[1,2]").0, "HTTP 400: [1,2]");
}

#[test]
fn graphql_errors_always_carry_string_messages() {
    // A server breaking the GraphQL spec: the item keeps its other fields; message becomes text.
    let body = json!({ "errors": [{ "message": { "text": "bad" }, "extensions": { "code": "X" } }, "plain", { "path": ["a"] }] }).to_string();
    for status in [200, 400] {
        let (message, errors) = dead(status, &body);
        assert_eq!(message, r#"{"text":"bad"}"#);
        assert_eq!(errors, json!([
            { "message": r#"{"text":"bad"}"#, "extensions": { "code": "X" } },
            { "message": "plain" },
            { "message": "GraphQL error", "path": ["a"] },
        ]));
    }
}

#[test]
fn auth_failures_pause() {
    assert_eq!(answer(401, r#"{"error":"unknown token"}"#, None), Outcome::Auth { status: 401, message: "unknown token".into() });
    let injected = r#"{"error":{"code":"UNAUTHENTICATED","message":"token rejected"}}"#;
    assert_eq!(answer(401, injected, None), Outcome::Auth { status: 401, message: "token rejected".into() });
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

#[test]
fn graphql_errors_keep_the_spec_fields_and_write_no_nulls() {
    // Read through graphql_client's `Error`: `locations`, `path` (keys and indexes) and
    // `extensions` reach the app as sent; an absent field stays absent (the crate's own
    // `Serialize` would write `null`). Keys beyond the spec's four: envelope_crate.rs.
    let body = json!({ "data": { "doIt": null }, "errors": [
        { "message": "bad date", "locations": [{ "line": 2, "column": 9 }], "path": ["doIt", "registrations", 3, "date"],
          "extensions": { "validation": { "input.date": ["The date is invalid."] }, "category": "validation" } },
        { "message": "second" },
    ] }).to_string();
    let (message, errors) = dead(200, &body);
    assert_eq!(message, "bad date");
    assert_eq!(errors, json!([
        { "message": "bad date", "locations": [{ "line": 2, "column": 9 }], "path": ["doIt", "registrations", 3, "date"],
          "extensions": { "category": "validation", "validation": { "input.date": ["The date is invalid."] } } },
        { "message": "second" },
    ]));
    // A location the crate cannot read (a line beyond i32) is read as plain JSON, item kept whole.
    let odd = json!({ "errors": [{ "message": "m", "locations": [{ "line": 1e12, "column": 1 }] }] }).to_string();
    assert_eq!(dead(200, &odd).1, json!([{ "message": "m", "locations": [{ "line": 1e12, "column": 1 }] }]));
}
