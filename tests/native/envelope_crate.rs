//! What graphql_client's envelope types cannot do with answers the SDK must read, and that the
//! SDK reads them anyway (`outbox/envelope.rs` takes these ways round the crate; issue 7 asks
//! for a test wherever a design-card crate does not do a whole job).
use graphql_client::Response;
use graphql_outbox::outbox::classify::{classify, Outcome};
use graphql_outbox::outbox::envelope::read;
use graphql_outbox::transport::HttpResponse;
use serde_json::{json, Value};

fn errors_of(body: &Value) -> Value {
    match classify("doIt", Ok(HttpResponse { status: 200, retry_after: None, body: body.to_string() })) {
        Outcome::Dead { errors, .. } => errors,
        other => panic!("not dead: {other:?}"),
    }
}

#[test]
fn one_item_that_breaks_the_spec_refuses_the_whole_answer() {
    // A bare-string item (seen from proxies and hand-written servers) next to a proper one.
    let body = json!({ "data": null, "errors": ["rate limited", { "message": "bad id", "path": ["doIt"] }] });
    assert!(serde_json::from_value::<Response<Value>>(body.clone()).is_err(), "the crate refuses the answer");
    assert_eq!(errors_of(&body), json!([{ "message": "rate limited" }, { "message": "bad id", "path": ["doIt"] }]));
}

#[test]
fn keys_outside_the_spec_are_dropped_and_absent_ones_written_as_null() {
    // Some servers (older Apollo, Hasura) put `code` at the item's top level.
    let body = json!({ "errors": [{ "message": "no", "code": "FORBIDDEN" }] });
    let r: Response<Value> = serde_json::from_value(body.clone()).unwrap();
    let round_trip = serde_json::to_value(&r.errors.unwrap()[0]).unwrap();
    assert_eq!(round_trip, json!({ "message": "no", "locations": null, "path": null, "extensions": null }));
    assert_eq!(errors_of(&body), json!([{ "message": "no", "code": "FORBIDDEN" }]));
}

#[test]
fn a_spec_answer_goes_through_the_crate() {
    // `body` is set only when the answer was read as plain JSON (round the crate).
    let spec = json!({ "data": { "doIt": { "id": "1" } }, "errors": [{ "message": "partial", "path": ["doIt", 0] }] });
    let said = read(&spec.to_string());
    assert_eq!(said.body, None, "read through graphql_client's Response");
    assert_eq!(said.errors, Some(json!([{ "message": "partial", "path": ["doIt", 0] }])));
    assert_eq!(said.data, Some(json!({ "doIt": { "id": "1" } })));
    let odd = json!({ "errors": [{ "message": "no", "code": "X" }] });
    assert!(read(&odd.to_string()).body.is_some(), "read as plain JSON");
}
