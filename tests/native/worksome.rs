//! The validator against the generated Worksome tables: nested inputs, lists, and the scalar
//! formats the schema's descriptions constrain (Date YYYY-MM-DD, Time HH:MM, Decimal places, ...).

use graphql_outbox::api::validate::{variables, Invalid};
use graphql_outbox::api::worksome::API;
use serde_json::{json, Value};

fn call(op: &str, args: Value) -> Result<Value, Invalid> {
    variables(&API, API.operation(op).expect("operation exists"), args).map(Value::Object)
}

fn error(op: &str, args: Value) -> Invalid {
    call(op, args).expect_err("should be invalid")
}

fn registration(date: &str, duration: Value) -> Value {
    json!({"type": "DAY", "date": date, "startTime": "08:00", "endTime": "16:30", "duration": duration, "unit": "HOURS"})
}

fn timesheet(registrations: Vec<Value>) -> Value {
    json!({"worker": "w1", "hire": 7, "startDate": "2026-11-02", "endDate": "2026-11-08", "registrations": registrations})
}

#[test]
fn a_valid_nested_timesheet_is_sent_as_the_input_variable() {
    let input = timesheet(vec![registration("2026-11-02", json!(8)), registration("2026-11-03", json!(7.5))]);
    assert_eq!(call("createTimesheet", input.clone()).unwrap(), json!({"input": input}));
}

#[test]
fn nested_list_items_are_named_by_index() {
    let input = timesheet(vec![
        registration("2026-11-02", json!(8)),
        registration("2026-11-03", json!(8)),
        registration("2026-11-04", json!("eight")),
    ]);
    let e = error("createTimesheet", input);
    assert_eq!(e.path, "input.registrations[2].duration");
    assert_eq!(e.reason, "expected a number, got a string");
    let mut missing = registration("2026-11-02", json!(8));
    missing.as_object_mut().unwrap().remove("unit");
    assert_eq!(error("createTimesheet", timesheet(vec![missing])).path, "input.registrations[0].unit");
    let mut bad_enum = registration("2026-11-02", json!(8));
    bad_enum["type"] = json!("NIGHT");
    let e = error("createTimesheet", timesheet(vec![bad_enum]));
    assert_eq!(e.to_string(), "input.registrations[0].type: \"NIGHT\" is not one of DAY, BREAK, LINE");
}

#[test]
fn dates_and_times_follow_the_scalar_descriptions() {
    let e = error("createTimesheet", timesheet(vec![registration("2026-11-31", json!(8))]));
    assert_eq!(e.path, "input.registrations[0].date");
    assert!(e.reason.contains("not a real calendar date"), "{e}");
    let mut input = timesheet(vec![]);
    input["startDate"] = json!("02/11/2026");
    assert_eq!(error("createTimesheet", input).to_string(), "input.startDate: \"02/11/2026\" is not a date in the form YYYY-MM-DD");
    let e = error("updateTimesheetRegistration", json!({"id": "r1", "startTime": "8:00"}));
    assert_eq!(e.to_string(), "input.startTime: \"8:00\" is not a 24-hour time in the form HH:MM");
    let e = error("updateTimesheetRegistration", json!({"id": "r1", "endTime": "16:30:00"}));
    assert_eq!(e.path, "input.endTime");
    assert!(call("updateTimesheetRegistration", json!({"id": "r1", "startTime": "23:59", "duration": 1})).is_ok());
}

#[test]
fn deeply_nested_custom_field_values_are_checked() {
    let mut reg = registration("2026-11-02", json!(8));
    reg["customFieldValues"] = json!([{"freeText": {"slug": "po", "value": "PO-1"}}, {"singleSelect": {"slug": "site", "colour": "red"}}]);
    let e = error("createTimesheet", timesheet(vec![reg]));
    assert_eq!(e.path, "input.registrations[0].customFieldValues[1].singleSelect.colour");
    assert_eq!(e.reason, "SingleSelectCustomFieldValueInput has no field colour");
}

#[test]
fn lists_of_inputs_taken_directly_are_checked_per_item() {
    let ok = json!([{"owner": "c1", "name": "cv.pdf", "size": 1024, "mimeType": "application/pdf"}]);
    assert_eq!(call("uploadFiles", ok.clone()).unwrap(), json!({"input": ok}));
    let e = error("uploadFiles", json!([{"owner": "c1", "name": "a", "size": 1, "mimeType": "text/plain"}, {"owner": "c1", "name": "b", "size": 2.5, "mimeType": "text/plain"}]));
    assert_eq!(e.to_string(), "input[1].size: 2.5 is not an integer");
    assert_eq!(error("uploadFiles", json!({"owner": "c1"})).to_string(), "input: expected a list, got an object");
}

#[test]
fn other_scalar_formats_reject_bad_values() {
    let e = error("createSmsMultiFactor", json!({"name": 5}));
    assert_eq!(e.path, "input.name");
    let e = error("updateProject", json!({"id": "p1", "internalBudget": 12.345}));
    assert_eq!(e.to_string(), "input.internalBudget: 12.345 is not a decimal with at most 2 decimal places");
    assert!(call("updateProject", json!({"id": "p1", "internalBudget": "12.34"})).is_ok());
    let e = error("createExport", json!({"userId": "seven", "accountId": 1, "accountType": "COMPANY", "type": "t", "generatorType": "g", "deliveries": [], "args": {}}));
    assert_eq!(e.to_string(), "input.userId: expected an integer, got a string");
    // Defaulted non-null fields may be left out; the server fills them in.
    assert!(call("createNote", json!({"body": "b", "accountId": "c1", "notableId": "j1"})).is_ok());
    assert_eq!(error("createNote", json!({"body": "b", "accountId": "c1"})).path, "input.notableId");
}

#[test]
fn a_mutation_without_arguments_takes_nothing() {
    assert_eq!(call("sendVerificationEmail", Value::Null).unwrap(), json!({}));
    assert_eq!(error("sendVerificationEmail", json!({"x": 1})).path, "x");
}
