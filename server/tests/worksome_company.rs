//! Worksome company settings over real HTTP: bank details, invite link, company recruiters,
//! recruiter candidates, custom fields, notes, webhooks and exports, read back through queries.

mod common;

use common::*;
use serde_json::{json, Value};

#[test]
fn bank_details_are_stored_once_per_account() {
    let s = Server::start();
    let input = json!({ "accountId": "3", "bankAddress": "Main St 1", "bankCountry": "DK", "bankName": "Danske", "beneficiaryName": "Wanda Worker", "iban": "DK5000400440116243" });
    assert_eq!(
        s.op_err(WS_COMPANY, "storeBankDetails", input.clone()),
        "FORBIDDEN"
    );
    let mut no_account = input.clone();
    no_account.as_object_mut().unwrap().remove("iban");
    assert_eq!(
        s.op_err(WS_WORKER, "storeBankDetails", no_account),
        "BANK_ACCOUNT_REQUIRED"
    );
    let first = s.op(WS_WORKER, "storeBankDetails", input);
    let second = s.op(WS_WORKER, "storeBankDetails", json!({ "accountId": "3", "bankAddress": "Main St 1", "bankCountry": "DK", "bankName": "Nordea",
        "beneficiaryName": "Wanda Worker", "bban": { "accountNumber": "12345678", "sortCode": "1234" } }));
    assert_eq!(first["id"], second["id"]);
    assert_eq!(
        (second["bankName"].as_str(), second["iban"].is_null()),
        (Some("Nordea"), true)
    );
    assert_eq!(second["bban"]["accountNumber"], "12345678");
}

#[test]
fn invite_link_is_regenerated() {
    let s = Server::start();
    assert_eq!(
        s.op_err(WS_WORKER, "generateInviteLink", json!({ "company": "1" })),
        "COMPANY_ONLY"
    );
    let a = s.op(WS_COMPANY, "generateInviteLink", json!({ "company": "1" }))["contactInviteUrl"]
        .clone();
    let b = s.op(WS_COMPANY, "generateInviteLink", json!({ "company": "1" }))["contactInviteUrl"]
        .clone();
    assert!(a.as_str().unwrap().starts_with("https://") && a != b);
    assert_eq!(
        s.wq(WS_COMPANY, "{ company(id: \"1\") { contactInviteUrl } }")["company"]
            ["contactInviteUrl"],
        b
    );
}

fn field(s: &Server, id: &str) -> Value {
    s.wq(WS_COMPANY, &format!("{{ customField(id: \"{id}\") {{ title slug visibility fieldType customFieldOptions {{ id value displayOrder }} }} }}"))["customField"].clone()
}

#[test]
fn custom_fields_with_options() {
    let s = Server::start();
    let base = json!({ "account": "1", "fieldType": "SINGLE_SELECT", "appliesTo": "JOB", "title": "Cost centre", "slug": "cost-centre",
        "settings": {}, "visibility": "INTERNAL", "options": [{ "value": "R&D", "displayOrder": 1 }, { "value": "Sales", "displayOrder": 2 }] });
    let mut no_options = base.clone();
    no_options["options"] = json!([]);
    assert_eq!(
        s.op_err(WS_COMPANY, "createCustomField", no_options),
        "OPTIONS_REQUIRED"
    );
    assert_eq!(
        s.op_err(WS_WORKER, "createCustomField", base.clone()),
        "FORBIDDEN"
    );
    let f = s.op(WS_COMPANY, "createCustomField", base.clone());
    let id = f["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.op_err(WS_COMPANY, "createCustomField", base),
        "SLUG_TAKEN"
    );
    let opts = field(&s, &id)["customFieldOptions"].clone();
    assert_eq!(opts.as_array().unwrap().len(), 2);
    let keep = opts[0]["id"].as_str().unwrap().to_string();
    s.op(WS_COMPANY, "updateCustomField", json!({ "customField": id, "fieldType": "SINGLE_SELECT", "title": "Cost center", "slug": "cost-center",
        "settings": {}, "visibility": "WORKER", "options": [{ "option": keep, "value": "Research", "displayOrder": 2 }, { "value": "Ops", "displayOrder": 1 }] }));
    let got = field(&s, &id);
    assert_eq!(
        (
            got["title"].as_str(),
            got["slug"].as_str(),
            got["visibility"].as_str()
        ),
        (Some("Cost center"), Some("cost-center"), Some("WORKER"))
    );
    let values: Vec<_> = got["customFieldOptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["value"].as_str().unwrap().to_string(),
                o["displayOrder"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        [("Research".to_string(), 2), ("Ops".to_string(), 1)]
    );
    assert_eq!(got["customFieldOptions"][0]["id"], keep.as_str());
    let d = s.op(
        WS_COMPANY,
        "deleteCustomField",
        json!({ "customField": id }),
    );
    assert!(d["deletedAt"].is_string());
    assert!(field(&s, &id).is_null());
}

#[test]
fn notes_on_notable_objects() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_OTHER_COMPANY,
            "createNote",
            json!({ "body": "x", "accountId": "2", "notableId": "100" })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createNote",
            json!({ "body": "x", "accountId": "1", "notableId": "110" })
        ),
        "NOT_FOUND"
    );
    let n = s.op(WS_COMPANY, "createNote", json!({ "body": "Strong candidate pool", "title": "Pool", "accountId": "1", "notableId": "130" }));
    let id = n["id"].as_str().unwrap().to_string();
    assert_eq!(
        n["notable"],
        json!({ "__typename": "TrustedContact", "id": "130" })
    );
    s.op(
        WS_COMPANY,
        "updateNote",
        json!({ "id": id, "body": "Very strong" }),
    );
    let notes = s.wq(
        WS_COMPANY,
        "{ trustedContact(id: \"130\") { notes { data { id title body author { id } } } } }",
    )["trustedContact"]["notes"]["data"]
        .clone();
    assert_eq!(
        notes,
        json!([{ "id": id, "title": "Pool", "body": "Very strong", "author": { "id": "11" } }])
    );
    assert_eq!(
        s.op_err(WS_COMPANY, "updateNote", json!({ "id": id, "body": "  " })),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "deleteNote", json!({ "id": id })),
        "FORBIDDEN"
    );
    s.op(WS_COMPANY, "deleteNote", json!({ "id": id }));
    let notes = s.wq(
        WS_COMPANY,
        "{ trustedContact(id: \"130\") { notes { data { id } } } }",
    )["trustedContact"]["notes"]["data"]
        .clone();
    assert_eq!(notes, json!([]));
}

#[test]
fn webhooks() {
    let s = Server::start();
    let input = json!({ "title": "Hires", "url": "https://hooks.acme.test/worksome", "company": "1", "clientId": "acme", "subscribedEvents": [] });
    assert_eq!(
        s.op_err(WS_WORKER, "createWebhook", input.clone()),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createWebhook",
            json!({ "title": "x", "url": "ftp://x", "company": "1" })
        ),
        "BAD_USER_INPUT"
    );
    let w = s.op(WS_COMPANY, "createWebhook", input);
    let id = w["id"].as_str().unwrap().to_string();
    assert!(w["clientSecret"].is_string());
    assert_eq!(
        s.wq(WS_COMPANY, "{ company(id: \"1\") { hasActiveWebhooks } }")["company"]
            ["hasActiveWebhooks"],
        true
    );
    s.op(WS_COMPANY, "updateWebhook", json!({ "id": id, "title": "Hires v2", "url": "https://hooks.acme.test/v2", "isActive": false }));
    let got = s.wq(
        WS_COMPANY,
        &format!("{{ webhook(id: \"{id}\") {{ title url isActive clientId clientSecret }} }}"),
    )["webhook"]
        .clone();
    assert_eq!(
        got,
        json!({ "title": "Hires v2", "url": "https://hooks.acme.test/v2", "isActive": false, "clientId": null, "clientSecret": null })
    );
    assert_eq!(
        s.wq(WS_COMPANY, "{ company(id: \"1\") { hasActiveWebhooks } }")["company"]
            ["hasActiveWebhooks"],
        false
    );
    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "deleteWebhook", json!({ "id": id })),
        "FORBIDDEN"
    );
    s.op(WS_COMPANY, "deleteWebhook", json!({ "id": id }));
    assert!(
        s.wq(WS_COMPANY, &format!("{{ webhook(id: \"{id}\") {{ id }} }}"))["webhook"].is_null()
    );
}

#[test]
fn exports_count_the_callers_rows() {
    let s = Server::start();
    let export = |ty: &str| {
        json!({ "userId": 11, "accountId": 1, "accountType": "company", "type": ty, "generatorType": "csv",
        "deliveries": ["email"], "args": { "companies": [1] } })
    };
    assert_eq!(
        s.op(WS_COMPANY, "createExport", export("jobs"))["message"]
            .as_str()
            .unwrap()
            .split(": ")
            .nth(1),
        Some("2 rows of jobs")
    );
    s.op(
        WS_COMPANY,
        "createJob",
        json!({ "company": "1", "name": "One more", "skills": [] }),
    );
    let r = s.op(WS_COMPANY, "createExport", export("jobs"));
    assert_eq!(
        (
            r["status"].as_str(),
            r["message"].as_str().unwrap().ends_with("3 rows of jobs")
        ),
        (Some("SUCCESS"), true)
    );
    assert_eq!(
        s.op(WS_COMPANY, "createExport", export("spaceships"))["status"],
        "ERROR"
    );
    let mut other = export("jobs");
    other["args"]["companies"] = json!([2]);
    assert_eq!(s.op_err(WS_COMPANY, "createExport", other), "FORBIDDEN");
    let mut not_me = export("jobs");
    not_me["userId"] = json!(12);
    assert_eq!(s.op_err(WS_COMPANY, "createExport", not_me), "FORBIDDEN");
}
