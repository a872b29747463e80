//! Worksome timesheets over real HTTP: timesheets and registrations, createCustomTimesheet with
//! the default-json payload, and payment requests, each effect read back through queries.

mod common;

use common::*;
use serde_json::{json, Value};

fn sheet(s: &Server, id: &str) -> Value {
    s.wq(WS_WORKER, &format!("{{ timesheet(id: \"{id}\") {{ startDate endDate registrations {{ data {{ id date duration unit comments externalIdentifier isBillable }} }} paymentRequests {{ data {{ id }} }} }} }}"))["timesheet"].clone()
}

fn reg(date: &str, duration: f64) -> Value {
    json!({ "type": "DAY", "date": date, "duration": duration, "unit": "HOURS" })
}

#[test]
fn timesheet_and_registration_lifecycle() {
    let s = Server::start();
    let base =
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08" });
    let mut outside = base.clone();
    outside["registrations"] = json!([reg("2026-11-03", 7.5), reg("2026-11-20", 1.0)]);
    assert_eq!(
        s.op_err(WS_WORKER, "createTimesheet", outside),
        "REGISTRATION_OUTSIDE_PERIOD"
    );
    let mut negative = base.clone();
    negative["registrations"] = json!([reg("2026-11-03", -1.0)]);
    let r = s.ws(
        WS_WORKER,
        &ws_op("createTimesheet"),
        json!({ "input": negative }),
        None,
    );
    assert!(
        r.json()["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("input.registrations[0].duration"),
        "{}",
        r.body
    );
    let mut reversed = base.clone();
    reversed["endDate"] = json!("2026-11-01");
    assert_eq!(
        s.op_err(WS_WORKER, "createTimesheet", reversed),
        "INVALID_DATE_RANGE"
    );
    let mut not_theirs = base.clone();
    not_theirs["worker"] = json!("4");
    assert_eq!(
        s.op_err(WS_WORKER, "createTimesheet", not_theirs),
        "FORBIDDEN"
    );
    // Nothing was stored by the failed calls: the next timesheet gets the first free id.
    let mut ok = base.clone();
    ok["registrations"] = json!([reg("2026-11-03", 7.5)]);
    let t = s.op(WS_WORKER, "createTimesheet", ok);
    let id = t["id"].as_str().unwrap().to_string();
    assert_eq!(id, "181");

    s.op(
        WS_WORKER,
        "updateTimesheet",
        json!({ "id": id, "registrations": [reg("2026-11-04", 6.0)] }),
    );
    let got = sheet(&s, &id);
    let regs = got["registrations"]["data"].as_array().unwrap().clone();
    assert_eq!(
        regs.iter()
            .map(|r| r["date"].as_str().unwrap())
            .collect::<Vec<_>>(),
        ["2026-11-03", "2026-11-04"]
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "updateTimesheet",
            json!({ "id": id, "endDate": "2026-11-03" })
        ),
        "REGISTRATION_OUTSIDE_PERIOD"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updateTimesheet",
            json!({ "id": id, "endDate": "2026-11-09" })
        ),
        "WORKER_ONLY"
    );

    let rid = regs[0]["id"].as_str().unwrap().to_string();
    s.op(
        WS_WORKER,
        "updateTimesheetRegistration",
        json!({ "id": rid, "duration": 8.0, "comments": "On site", "isBillable": false }),
    );
    let r0 = sheet(&s, &id)["registrations"]["data"][0].clone();
    assert_eq!(
        (
            r0["duration"].as_f64(),
            r0["comments"].as_str(),
            r0["isBillable"].as_bool()
        ),
        (Some(8.0), Some("On site"), Some(false))
    );
    assert_eq!(
        s.op_err(
            WS_WORKER2,
            "updateTimesheetRegistration",
            json!({ "id": rid, "duration": 1.0 })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "deleteTimesheetRegistration",
            json!({ "id": rid })
        ),
        "WORKER_ONLY"
    );
    s.op(
        WS_WORKER,
        "deleteTimesheetRegistration",
        json!({ "id": rid }),
    );
    assert_eq!(
        sheet(&s, &id)["registrations"]["data"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    assert_eq!(
        s.op_err(WS_COMPANY, "deleteTimesheet", json!({ "id": id })),
        "WORKER_ONLY"
    );
    assert_eq!(
        s.op(WS_WORKER, "deleteTimesheet", json!({ "id": id }))["id"],
        id.as_str()
    );
    assert!(sheet(&s, &id).is_null());
}

#[test]
fn custom_timesheet_accepts_rejects_and_replaces_by_external_id() {
    let s = Server::start();
    let data = json!([
        { "hireId": "110", "reportedDate": "2026-11-04", "hours": 8, "externalId": "ext-1", "reference": "PO-7" },
        { "hireId": "110", "reportedDate": "2026-11-05", "hours": 4.5, "externalId": "ext-2", "isPayable": false },
        { "hireId": "110", "reportedDate": "2026-11-05", "hours": 1, "externalId": "" },
        { "hireId": "999", "reportedDate": "2026-11-05", "hours": 1, "externalId": "ext-3" },
        { "hireId": "110", "reportedDate": "2027-02-01", "hours": 1, "externalId": "ext-4" },
        { "hireId": "110", "reportedDate": "2026-11-05", "hours": 1, "externalId": "ext-5", "extra": true }
    ]);
    let r = s.op(
        WS_WORKER,
        "createCustomTimesheet",
        json!({ "schema": "default-json", "data": data.to_string() }),
    );
    assert_eq!(
        (
            r["providedRegistrations"].as_i64(),
            r["successfulRegistrations"].as_i64()
        ),
        (Some(6), Some(2))
    );
    let reasons: Vec<_> = r["rejectedRegistrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["reason"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        reasons,
        [
            "MISSING_REQUIRED_FIELD",
            "HIRE_NOT_FOUND",
            "DATE_OUTSIDE_CONTRACT_PERIOD",
            "MISSING_REQUIRED_FIELD"
        ]
    );

    // Filed into the hire's timesheet for ISO week 2026-11-02..08 (created on demand).
    let id = "181";
    let got = sheet(&s, id);
    assert_eq!(
        (got["startDate"].as_str(), got["endDate"].as_str()),
        (Some("2026-11-02"), Some("2026-11-08"))
    );
    let regs = got["registrations"]["data"].clone();
    assert_eq!(regs.as_array().unwrap().len(), 2);
    assert_eq!(
        (
            regs[0]["duration"].as_f64(),
            regs[0]["comments"].as_str(),
            regs[0]["externalIdentifier"].as_str()
        ),
        (Some(8.0), Some("PO-7"), Some("ext-1"))
    );
    assert_eq!(regs[1]["isBillable"], false);

    // The company may file too; the same externalId replaces the registration.
    let again =
        json!({ "hireId": "110", "reportedDate": "2026-11-04", "hours": 6, "externalId": "ext-1" });
    let r = s.op(
        WS_COMPANY,
        "createCustomTimesheet",
        json!({ "schema": "default-json", "data": again.to_string() }),
    );
    assert_eq!(r["successfulRegistrations"], 1);
    let regs = sheet(&s, id)["registrations"]["data"].clone();
    let durations: Vec<_> = regs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["duration"].as_f64().unwrap())
        .collect();
    assert_eq!(durations, [4.5, 6.0]);

    // Someone with no part in the hire gets HIRE_NOT_FOUND; bad schema or data is an error.
    let r = s.op(
        WS_OTHER_COMPANY,
        "createCustomTimesheet",
        json!({ "schema": "default-json", "data": again.to_string() }),
    );
    assert_eq!(r["rejectedRegistrations"][0]["reason"], "HIRE_NOT_FOUND");
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "createCustomTimesheet",
            json!({ "schema": "csv", "data": "[]" })
        ),
        "UNSUPPORTED_SCHEMA"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "createCustomTimesheet",
            json!({ "schema": "default-json", "data": "{oops" })
        ),
        "INVALID_CUSTOM_TIMESHEET_DATA"
    );
}

#[test]
fn payment_request_lifecycle() {
    let s = Server::start();
    let ts = s.op(
        WS_WORKER,
        "createTimesheet",
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08" }),
    );
    let tid = ts["id"].as_str().unwrap().to_string();
    let input = json!({ "worker": "3", "job": "100", "company": "1", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08",
        "comments": "Week 45", "rate": 700.0, "billableTime": 37.5, "timesheet": tid });
    assert_eq!(
        s.op_err(WS_COMPANY, "createPaymentRequest", input.clone()),
        "FORBIDDEN"
    );
    let mut wrong_job = input.clone();
    wrong_job["job"] = json!("101");
    assert_eq!(
        s.op_err(WS_WORKER, "createPaymentRequest", wrong_job),
        "HIRE_MISMATCH"
    );
    let p = s.op(WS_WORKER, "createPaymentRequest", input);
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            p["status"].as_str(),
            p["billedAmount"].as_f64(),
            p["number"].as_str()
        ),
        (
            Some("UNAPPROVED"),
            Some(26250.0),
            Some(format!("PR-{id}").as_str())
        )
    );
    assert_eq!(
        sheet(&s, &tid)["paymentRequests"]["data"],
        json!([{ "id": id }])
    );
    let hire = s.wq(
        WS_WORKER,
        "{ hire(id: \"110\") { lastPaymentRequestDate paymentRequests { data { id } } } }",
    )["hire"]
        .clone();
    assert_eq!(hire["paymentRequests"]["data"], json!([{ "id": id }]));
    assert!(hire["lastPaymentRequestDate"].is_string());

    s.op(
        WS_WORKER,
        "updatePaymentRequest",
        json!({ "id": id, "billableTime": 30.0, "comments": "Corrected" }),
    );
    let got = s.wq(WS_WORKER, &format!("{{ paymentRequest(id: \"{id}\") {{ comments rateQuantity billedAmount timesheet {{ id }} }} }}"))["paymentRequest"].clone();
    assert_eq!(
        got,
        json!({ "comments": "Corrected", "rateQuantity": 30.0, "billedAmount": 21000.0, "timesheet": { "id": tid } })
    );
    assert_eq!(
        s.op_err(
            WS_WORKER2,
            "updatePaymentRequest",
            json!({ "id": id, "rate": 1.0 })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "updatePaymentRequest",
            json!({ "id": id, "rate": -1.0 })
        ),
        "BAD_USER_INPUT"
    );
    s.op(WS_WORKER, "deletePaymentRequest", json!({ "id": id }));
    assert!(s.wq(
        WS_WORKER,
        &format!("{{ paymentRequest(id: \"{id}\") {{ id }} }}")
    )["paymentRequest"]
        .is_null());
    assert_eq!(sheet(&s, &tid)["paymentRequests"]["data"], json!([]));
}

#[test]
fn timesheets_query_lists_the_callers_timesheets_paginated() {
    let s = Server::start();
    for (week, end) in [
        ("2026-11-02", "2026-11-08"),
        ("2026-11-09", "2026-11-15"),
        ("2026-11-16", "2026-11-22"),
    ] {
        s.op(
            WS_WORKER,
            "createTimesheet",
            json!({ "worker": "3", "hire": "110", "startDate": week, "endDate": end }),
        );
    }
    let data =
        json!({ "hireId": "110", "reportedDate": "2026-11-25", "hours": 3, "externalId": "cx" })
            .to_string();
    s.op(
        WS_COMPANY,
        "createCustomTimesheet",
        json!({ "schema": "default-json", "data": data }),
    );
    let q = "{ timesheets(accounts: [\"3\"], first: 2, page: 2) { paginatorInfo { count currentPage firstItem lastItem lastPage hasMorePages total }
        data { startDate hire { id } registrations { data { externalIdentifier duration } } } } }";
    let got = s.wq(WS_WORKER, q)["timesheets"].clone();
    assert_eq!(
        got["paginatorInfo"],
        json!({ "count": 2, "currentPage": 2, "firstItem": 3, "lastItem": 4, "lastPage": 2, "hasMorePages": false, "total": 4 })
    );
    assert_eq!(
        got["data"][1],
        json!({ "startDate": "2026-11-23", "hire": { "id": "110" }, "registrations": { "data": [{ "externalIdentifier": "cx", "duration": 3 }] } })
    );
    // The company sees its hires' timesheets by default; other companies see none, and may not name the worker.
    assert_eq!(
        s.wq(
            WS_COMPANY,
            "{ timesheets(first: 50) { paginatorInfo { total } } }"
        )["timesheets"]["paginatorInfo"]["total"],
        4
    );
    assert_eq!(
        s.wq(
            WS_OTHER_COMPANY,
            "{ timesheets { paginatorInfo { total } } }"
        )["timesheets"]["paginatorInfo"]["total"],
        0
    );
    let r = s.ws(
        WS_OTHER_COMPANY,
        "{ timesheets(accounts: [\"3\"]) { data { id } } }",
        json!({}),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
}
