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

#[test]
fn query_variables_are_validated_like_arguments() {
    use graphql_outbox::api::validate::query_variables;
    let ws = &graphql_outbox::api::worksome::API;
    let q = |api: &graphql_outbox::api::model::Api, name: &str, v: Value| query_variables(api, api.query(name).expect("query exists"), v);
    assert_eq!(q(&API, "profile", json!({"gcId": "2"})).map(Value::Object), Ok(json!({"gcId": "2"})));
    assert_eq!(q(&API, "profile", json!({})).unwrap_err().path, "gcId");
    assert_eq!(q(&API, "profile", json!({"gcId": "2", "x": 1})).unwrap_err().path, "x");
    assert_eq!(q(&API, "profile", json!([1])).unwrap_err().path, "(arguments)");
    // Every variable of `timesheets` is optional: nothing, `{}` and a page all pass.
    assert_eq!(q(ws, "timesheets", Value::Null).map(Value::Object), Ok(json!({})));
    assert_eq!(q(ws, "timesheets", json!({"accounts": ["3"], "page": 2})).map(Value::Object), Ok(json!({"accounts": ["3"], "page": 2})));
    assert_eq!(q(ws, "timesheets", json!({"accounts": [true]})).unwrap_err().path, "accounts[0]");
    assert_eq!(q(ws, "timesheets", json!({"first": "ten"})).unwrap_err().path, "first");
    let names: Vec<&str> = ws.queries.iter().map(|q| q.name).collect();
    assert_eq!(names, ["hire", "timesheet", "timesheets", "viewer"]);
    assert_eq!(ws.key_field("TimesheetRegistration"), Some("id"));
    assert_eq!(API.key_field("Profile"), Some("gcId"));
    assert_eq!(API.patch("modifyProfile").map(|p| p.key), Some("gcId"));
    assert!(ws.operation("updateTimesheetRegistration").is_some_and(|o| o.selection.type_name == "Mutation" && o.selection.fields[0].name == "updateTimesheetRegistration"));
}
