//! Worksome approval flows over real HTTP: approvals, rules, approvers, actions on an approval
//! request, and workflows (the same tree written in one call), read back through queries.

mod common;

use common::*;
use serde_json::{json, Value};

fn approval(s: &Server, id: &str) -> Value {
    s.wq(WS_COMPANY, &format!("{{ approval(id: \"{id}\") {{ name version status description latestVersionId
        approvalRules {{ id rules {{ fieldId operator value }} approvers {{ userGroup {{ id }} position }} approverCount }} }} }}"))["approval"].clone()
}

#[test]
fn approvals_rules_and_approvers() {
    let s = Server::start();
    let input = json!({ "name": "Big hires", "status": "ACTIVE", "trigger": "HIRE_CREATED", "company": "1" });
    assert_eq!(
        s.op_err(WS_WORKER, "createApproval", input.clone()),
        "COMPANY_ONLY"
    );
    let a = s.op(WS_COMPANY, "createApproval", input);
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(
        (a["version"].as_i64(), a["company"]["id"].as_str()),
        (Some(1), Some("1"))
    );

    let rule = s.op(
        WS_COMPANY,
        "createApprovalRule",
        json!({ "approval": id,
        "rules": [{ "id": "hourly_rate", "rule": { "value": "800", "operator": "GREATER" } }] }),
    );
    let rid = rule["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.op_err(
            WS_OTHER_COMPANY,
            "createApprovalRule",
            json!({ "approval": id, "rules": [] })
        ),
        "FORBIDDEN"
    );
    let ap = s.op(
        WS_COMPANY,
        "createApprover",
        json!({ "approvalRule": rid, "userGroup": "160", "position": 1 }),
    );
    let apid = ap["id"].as_str().unwrap().to_string();
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createApprover",
            json!({ "approvalRule": rid, "userGroup": "160", "position": 0 })
        ),
        "BAD_USER_INPUT"
    );
    let g = s.op(
        WS_COMPANY,
        "createUserGroup",
        json!({ "name": "Second", "status": "ACTIVE", "company": "1", "users": ["12"] }),
    );
    s.op(
        WS_COMPANY,
        "updateApprover",
        json!({ "id": apid, "userGroup": g["id"], "position": 2 }),
    );
    s.op(
        WS_COMPANY,
        "updateApproval",
        json!({ "id": id, "description": "Rates above 800", "status": "INACTIVE" }),
    );

    let got = approval(&s, &id);
    assert_eq!(
        got,
        json!({ "name": "Big hires", "version": 2, "status": "INACTIVE", "description": "Rates above 800",
        "latestVersionId": format!("{id}-v2"), "approvalRules": [{ "id": rid, "rules": [{ "fieldId": "hourly_rate", "operator": "GREATER", "value": "800" }],
        "approvers": [{ "userGroup": { "id": g["id"] }, "position": 2 }], "approverCount": 1 }] })
    );
}

fn request(s: &Server) -> Value {
    s.wq(WS_COMPANY, "{ approvalApprovable(id: \"173\") { viewerCanAction approvable { __typename ... on Hire { id } }
        approvalStates { state message actionedBy { id } approver { id } } } }")["approvalApprovable"].clone()
}

#[test]
fn acting_on_an_approval_request() {
    let s = Server::start();
    // Colin (12) is in no approver group of rule 171; Cleo (11) is, via group 160.
    assert_eq!(
        s.op_err(
            WS_COLLEAGUE,
            "actionApprovalApprovable",
            json!({ "id": "173", "status": "APPROVED" })
        ),
        "NOT_AN_APPROVER"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "actionApprovalApprovable",
            json!({ "id": "173", "status": "REJECTED" })
        ),
        "REASON_REQUIRED"
    );
    s.op(
        WS_COMPANY,
        "actionApprovalApprovable",
        json!({ "id": "173", "status": "NEEDS_CHANGE", "reason": "Lower the rate" }),
    );
    let r = s.op(
        WS_COMPANY,
        "actionApprovalApprovable",
        json!({ "id": "173", "status": "APPROVED" }),
    );
    assert_eq!(r["viewerCanAction"], false);
    let got = request(&s);
    assert_eq!(
        got,
        json!({ "viewerCanAction": false, "approvable": { "__typename": "Hire", "id": "110" }, "approvalStates": [
        { "state": "NEEDS_CHANGE", "message": "Lower the rate", "actionedBy": { "id": "11" }, "approver": { "id": "172" } },
        { "state": "APPROVED", "message": null, "actionedBy": { "id": "11" }, "approver": { "id": "172" } }] })
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "actionApprovalApprovable",
            json!({ "id": "173", "status": "REJECTED", "reason": "late" })
        ),
        "ALREADY_ACTIONED"
    );
}

fn workflow(s: &Server, id: &str) -> Value {
    s.wq(WS_COMPANY, &format!("{{ workflow(id: \"{id}\") {{ id nodes {{ __typename ... on ApprovalRule {{ rules {{ fieldId value }} approvers {{ userGroup {{ id }} position }} }} }} }} }}"))["workflow"].clone()
}

#[test]
fn workflow_lifecycle() {
    let s = Server::start();
    let input = json!({ "root": { "id": "root", "children": ["r1"], "data": { "name": "Flow", "status": "ACTIVE", "trigger": "HIRE_CHANGED", "company": "1" } },
        "rules": [{ "id": "r1", "parent": "root", "children": ["a1"], "data": [{ "id": "budget", "rule": { "value": "10000", "operator": "GREATER_OR_EQUALS" } }] }],
        "approvers": [{ "id": "a1", "parent": "r1", "data": ["160"] }] });
    assert_eq!(
        s.op_err(WS_WORKER, "createWorkflow", input.clone()),
        "COMPANY_ONLY"
    );
    let w = s.op(WS_COMPANY, "createWorkflow", input);
    let id = w["id"].as_str().unwrap().to_string();
    assert_eq!(
        workflow(&s, &id),
        json!({ "id": id, "nodes": [{ "__typename": "ApprovalRule", "rules": [{ "fieldId": "budget", "value": "10000" }],
        "approvers": [{ "userGroup": { "id": "160" }, "position": 1 }] }] })
    );
    assert_eq!(approval(&s, &id)["name"], "Flow");

    let rule = w["nodes"][0]["id"].as_str().unwrap().to_string();
    let bad = json!({ "root": { "id": id, "data": {} }, "approvers": [{ "parent": "nope", "data": ["160"] }] });
    assert_eq!(
        s.op_err(WS_COMPANY, "updateWorkflow", bad),
        "BAD_USER_INPUT"
    );
    s.op(WS_COMPANY, "updateWorkflow", json!({ "root": { "id": id, "data": { "name": "Flow v2" } },
        "rules": [{ "id": rule, "data": [{ "id": "budget", "rule": { "value": "20000", "operator": "GREATER" } }] }, { "id": "new", "data": [] }],
        "approvers": [{ "parent": "new", "data": ["160"] }] }));
    let got = workflow(&s, &id);
    assert_eq!(got["nodes"].as_array().unwrap().len(), 2);
    assert_eq!(
        got["nodes"][0]["rules"],
        json!([{ "fieldId": "budget", "value": "20000" }])
    );
    assert_eq!(
        got["nodes"][1]["approvers"],
        json!([{ "userGroup": { "id": "160" }, "position": 1 }])
    );
    assert_eq!(approval(&s, &id)["name"], "Flow v2");

    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "deleteWorkflow", json!({ "id": id })),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op(WS_COMPANY, "deleteWorkflow", json!({ "id": id }))["id"],
        id.as_str()
    );
    assert!(workflow(&s, &id).is_null());
    assert!(approval(&s, &id).is_null());
    assert!(s.wq(
        WS_COMPANY,
        &format!("{{ approvalRule(id: \"{rule}\") {{ id }} }}")
    )["approvalRule"]
        .is_null());
}
