//! The validator against the generated GC Directory tables (the real ones the SDK ships).

use graphql_outbox::api::gcdirectory::API;
use graphql_outbox::api::validate::{variables, Invalid};
use serde_json::{json, Value};

fn call(op: &str, args: Value) -> Result<Value, Invalid> {
    variables(&API, API.operation(op).expect("operation exists"), args).map(Value::Object)
}

fn path_of(op: &str, args: Value) -> String {
    call(op, args).expect_err("should be invalid").path
}

#[test]
fn valid_arguments_become_variables() {
    let args = json!({"id": 23, "data": {"status": "Denied", "deniedComment": "blah"}});
    assert_eq!(call("modifyApproval", args.clone()).unwrap(), args);
    let v = call("createOrgTier", json!({"nameEn": "a", "nameFr": "b", "organization": {"id": "1"}, "owner": {"gcID": "3"}, "descriptionEn": null}))
        .unwrap();
    assert!(v.get("descriptionEn").is_none(), "null optional arguments are left out: {v}");
}

#[test]
fn errors_name_the_full_path() {
    assert_eq!(path_of("modifyApproval", json!({"id": "1", "data": {"status": "Maybe"}})), "data.status");
    assert_eq!(path_of("modifyApproval", json!({"id": "1"})), "data");
    assert_eq!(path_of("modifyProfile", json!({"gcId": "1", "data": {"address": {"postalCode": "nope"}}})), "data.address.postalCode");
    assert_eq!(path_of("modifyProfile", json!({"gcId": "1", "data": {"team": {}}})), "data.team.id");
    assert_eq!(path_of("modifyProfile", json!({"gcId": "1", "data": {"team": {"id": "1", "name": "x"}}})), "data.team.name");
    assert_eq!(path_of("modifyProfile", json!({"gcId": true, "data": {}})), "gcId");
    assert_eq!(path_of("createOrgTier", json!({"nameEn": "a", "nameFr": "b", "organization": {"id": "1"}, "owner": {"email": "x"}})), "owner.email");
    assert_eq!(path_of("deleteOrgTier", json!({"id": "1", "cascade": true})), "cascade");
    assert_eq!(path_of("deleteOrgTier", json!("1")), "(arguments)");
}

#[test]
fn reasons_say_what_was_expected() {
    let e = call("modifyApproval", json!({"id": "1", "data": {"status": "Maybe"}})).unwrap_err();
    assert_eq!(e.reason, "\"Maybe\" is not one of Pending, Approved, Denied");
    let e = call("modifyProfile", json!({"gcId": "1", "data": {"name": 5}})).unwrap_err();
    assert_eq!(e.to_string(), "data.name: expected a string, got a number");
    let e = call("modifyProfile", json!({"gcId": "1", "data": []})).unwrap_err();
    assert_eq!(e.to_string(), "data: expected an object (ModifyProfileInput), got an array");
}
