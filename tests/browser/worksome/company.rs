//! Company administration: approvals (flows, rules, approvers, actions) and workflows, custom
//! fields, notes, projects, webhooks, exports.

use super::*;
use serde_json::json;

/// The mutations this domain makes.
pub const CALLS: &[&str] = &[
    "createApproval", "updateApproval", "createApprovalRule", "createApprover", "updateApprover", "actionApprovalApprovable",
    "createWorkflow", "updateWorkflow", "deleteWorkflow",
    "createCustomField", "updateCustomField", "deleteCustomField", "createNote", "updateNote", "deleteNote",
    "createProject", "updateProject", "attachJobsToProject", "detachJobFromProject", "endProject", "openProject", "deleteProject",
    "createWebhook", "updateWebhook", "deleteWebhook", "createExport",
];

async fn approvals(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let a = run.sent("createApproval", cleo.create_approval(arg(json!({"name": "Big hires", "status": "INACTIVE", "trigger": "HIRE_CREATED", "company": run.id("1")})), None)).await;
    let approval = id(&a);
    assert_eq!((a["name"].as_str(), a["status"].as_str(), a["trigger"].as_str()), (Some("Big hires"), Some("INACTIVE"), Some("HIRE_CREATED")));
    let a = run.sent("updateApproval", cleo.update_approval(arg(json!({"id": approval, "status": "ACTIVE", "description": "Rates above 1000"})), None)).await;
    assert_eq!((a["status"].as_str(), a["description"].as_str()), (Some("ACTIVE"), Some("Rates above 1000")));
    let q = format!(r#"{{ approval(id: "{approval}") {{ status description }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["approval"], json!({"status": "ACTIVE", "description": "Rates above 1000"}));

    let r = run
        .sent(
            "createApprovalRule",
            cleo.create_approval_rule(arg(json!({"approval": approval, "rules": [{"id": "hourly_rate", "rule": {"value": "1000", "operator": "GREATER"}}]})), None),
        )
        .await;
    let rule = id(&r);
    assert_eq!((r["approval"]["id"].clone(), r["approverCount"].as_i64()), (json!(approval), Some(0)));
    let ap = run.sent("createApprover", cleo.create_approver(arg(json!({"approvalRule": rule, "userGroup": run.id("160"), "position": 1})), None)).await;
    let approver = id(&ap);
    assert_eq!((ap["approvalRule"]["id"].clone(), ap["userGroup"]["id"].as_str(), ap["position"].as_i64()), (json!(rule), Some(run.id("160").as_str()), Some(1)));
    let q = format!(r#"{{ approvalRule(id: "{rule}") {{ approverCount approvers {{ id }} }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["approvalRule"], json!({"approverCount": 1, "approvers": [{"id": approver}]}));
    let ap = run.sent("updateApprover", cleo.update_approver(arg(json!({"id": approver, "position": 2})), None)).await;
    assert_eq!(ap["position"], 2);
    assert_eq!(run.read(COMPANY, &format!(r#"{{ approver(id: "{approver}") {{ position }} }}"#)).await["approver"]["position"], 2);

    // Fixture request 173 (hire 110) waits for group 160, whose member Cleo is.
    let done = run.sent("actionApprovalApprovable", cleo.action_approval_approvable(arg(json!({"id": run.id("173"), "status": "APPROVED"})), None)).await;
    assert_eq!((done["id"].as_str(), done["approvable"]["__typename"].as_str(), done["approvable"]["id"].as_str()), (Some(run.id("173").as_str()), Some("Hire"), Some(run.id("110").as_str())));
    assert_eq!(done["approvalStates"].as_array().map(Vec::len), Some(1), "{done}");
    let (code, _) = refused(cleo.action_approval_approvable(arg(json!({"id": run.id("173"), "status": "REJECTED", "reason": "changed my mind"})), None)).await;
    assert_eq!(code, "ALREADY_ACTIONED", "the action persisted");
}

async fn workflows(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let w = run
        .sent(
            "createWorkflow",
            cleo.create_workflow(arg(json!({
                "root": {"data": {"name": "Contract changes", "status": "ACTIVE", "trigger": "HIRE_CHANGED", "company": run.id("1")}},
                "rules": [{"id": "r1", "data": [{"id": "hourly_rate", "rule": {"value": "800", "operator": "GREATER_OR_EQUALS"}}]}],
                "approvers": [{"parent": "r1", "data": [run.id("160")]}]
            })), None),
        )
        .await;
    let wf = id(&w);
    let nodes = w["nodes"].as_array().unwrap().clone();
    assert_eq!(nodes.len(), 1, "{w}");
    assert_eq!(nodes[0]["__typename"], "ApprovalRule");
    let rule = id(&nodes[0]);
    let q = format!(r#"{{ approval(id: "{wf}") {{ name trigger }} approvalRule(id: "{rule}") {{ approverCount }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await, json!({"approval": {"name": "Contract changes", "trigger": "HIRE_CHANGED"}, "approvalRule": {"approverCount": 1}}));
    let w = run.sent("updateWorkflow", cleo.update_workflow(arg(json!({"root": {"id": wf, "data": {"name": "Contract changes (v2)"}}})), None)).await;
    assert_eq!(w["id"], json!(wf));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ approval(id: "{wf}") {{ name }} }}"#)).await["approval"]["name"], "Contract changes (v2)");
    let w = run.sent("deleteWorkflow", cleo.delete_workflow(arg(json!({"id": wf})), None)).await;
    assert_eq!(w["id"], json!(wf));
    let gone = run.read(COMPANY, &format!(r#"{{ workflow(id: "{wf}") {{ id }} approvalRule(id: "{rule}") {{ id }} }}"#)).await;
    assert_eq!(gone, json!({"workflow": null, "approvalRule": null}));
}

async fn custom_fields_and_notes(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let f = run
        .sent(
            "createCustomField",
            cleo.create_custom_field(arg(json!({"account": run.id("1"), "fieldType": "FREE_TEXT", "appliesTo": "JOB", "title": "Cost centre",
                "slug": "cost-centre", "settings": {"validation": ["REQUIRED"]}, "visibility": "INTERNAL"})), None),
        )
        .await;
    let field = id(&f);
    assert_eq!((f["title"].as_str(), f["slug"].as_str(), f["fieldType"].as_str(), f["appliesTo"].as_str()), (Some("Cost centre"), Some("cost-centre"), Some("FREE_TEXT"), Some("JOB")));
    assert_eq!(f["settings"]["validation"], json!(["REQUIRED"]));
    let f = run
        .sent(
            "updateCustomField",
            cleo.update_custom_field(arg(json!({"customField": field, "fieldType": "FREE_TEXT", "title": "Cost center", "visibility": "INTERNAL", "settings": {"validation": ["NULLABLE"]}})), None),
        )
        .await;
    assert_eq!((f["title"].as_str(), f["settings"]["validation"].clone()), (Some("Cost center"), json!(["NULLABLE"])));
    let q = format!(r#"{{ customField(id: "{field}") {{ title settings {{ validation }} }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["customField"], json!({"title": "Cost center", "settings": {"validation": ["NULLABLE"]}}));
    let f = run.sent("deleteCustomField", cleo.delete_custom_field(arg(json!({"customField": field})), None)).await;
    assert!(f["deletedAt"].is_string(), "{f}");
    assert_eq!(run.read(COMPANY, &format!(r#"{{ customField(id: "{field}") {{ id }} }}"#)).await["customField"], Value::Null);

    let n = run.sent("createNote", cleo.create_note(arg(json!({"body": "Great first week", "title": "Check-in", "accountId": run.id("1"), "notableId": run.id("100")})), None)).await;
    let note = id(&n);
    assert_eq!((n["notable"]["__typename"].as_str(), n["notable"]["id"].as_str(), n["author"]["id"].as_str()), (Some("Job"), Some(run.id("100").as_str()), Some(run.id("11").as_str())));
    let notes = |v: &Value| v["job"]["notes"]["data"].as_array().unwrap().iter().filter(|x| x["id"] == json!(note)).cloned().collect::<Vec<_>>();
    let q = &format!(r#"{{ job(id: "{}") {{ notes(first: 100) {{ data {{ id title body }} }} }} }}"#, run.id("100"));
    assert_eq!(notes(&run.read(COMPANY, q).await), [json!({"id": note, "title": "Check-in", "body": "Great first week"})]);
    let n = run.sent("updateNote", cleo.update_note(arg(json!({"id": note, "body": "Great first month"})), None)).await;
    assert_eq!((n["body"].as_str(), n["title"].as_str()), (Some("Great first month"), Some("Check-in")));
    assert_eq!(notes(&run.read(COMPANY, q).await)[0]["body"], "Great first month");
    let n = run.sent("deleteNote", cleo.delete_note(arg(json!({"id": note})), None)).await;
    assert_eq!(n["id"], json!(note));
    assert!(notes(&run.read(COMPANY, q).await).is_empty(), "the note is gone from the job");
}

/// Rows of a `projects` export of company 1 (the export counts the company's projects).
async fn project_rows(run: &Run) -> i64 {
    let cleo = run.api(COMPANY).await;
    let e = run
        .sent(
            "createExport",
            cleo.create_export(arg(json!({"userId": run.n(11), "accountId": run.n(1), "accountType": "company", "type": "projects", "generatorType": "csv",
                "deliveries": ["download"], "args": {"companies": [run.n(1)]}})), None),
        )
        .await;
    assert_eq!(e["status"], "SUCCESS", "{e}");
    let msg = e["message"].as_str().unwrap();
    let rows = msg.split(": ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok());
    rows.unwrap_or_else(|| panic!("no row count in {msg:?}"))
}

async fn projects(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let before = project_rows(run).await;
    let p = run.sent("createProject", cleo.create_project(arg(json!({"name": "Platform", "company": run.id("1"), "internalBudget": 50000, "owners": [run.id("11")]})), None)).await;
    let project = id(&p);
    assert_eq!((p["name"].as_str(), p["company"]["id"].as_str(), p["endDate"].clone()), (Some("Platform"), Some(run.id("1").as_str()), Value::Null));
    assert_eq!(project_rows(run).await, before + 1, "the export counts the new project");
    let p = run.sent("updateProject", cleo.update_project(arg(json!({"id": project, "description": "Core platform", "internalBudget": "60000.50"})), None)).await;
    assert_eq!((p["description"].as_str(), decimal(&p["internalBudget"])), (Some("Core platform"), 60000.5));
    let jobs = |v: &Value| -> Vec<String> { v["jobs"]["data"].as_array().unwrap().iter().map(id).collect() };
    let p = run.sent("attachJobsToProject", cleo.attach_jobs_to_project(arg(json!({"project": project, "jobs": [run.id("100"), run.id("101")]})), None)).await;
    assert_eq!(jobs(&p), [run.id("100"), run.id("101")]);
    assert_eq!(run.read(COMPANY, &format!(r#"{{ job(id: "{}") {{ project {{ id }} }} }}"#, run.id("101"))).await["job"]["project"]["id"], json!(project));
    let p = run.sent("detachJobFromProject", cleo.detach_job_from_project(arg(json!({"project": project, "job": run.id("101")})), None)).await;
    assert_eq!(jobs(&p), [run.id("100")]);
    let q = format!(r#"{{ project(id: "{project}") {{ description jobs {{ data {{ id }} }} }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["project"], json!({"description": "Core platform", "jobs": {"data": [{"id": run.id("100")}]}}));
    let p = run.sent("endProject", cleo.end_project(arg(json!({"id": project})), None)).await;
    assert!(p["endDate"].is_string(), "{p}");
    let (code, _) = refused(cleo.end_project(arg(json!({"id": project})), None)).await;
    assert_eq!(code, "PROJECT_ALREADY_ENDED");
    let p = run.sent("openProject", cleo.open_project(arg(json!({"id": project})), None)).await;
    assert_eq!(p["endDate"], Value::Null);
    assert_eq!(run.read(COMPANY, &format!(r#"{{ project(id: "{project}") {{ endDate }} }}"#)).await["project"]["endDate"], Value::Null);
    let p = run.sent("deleteProject", cleo.delete_project(arg(json!({"id": project})), None)).await;
    assert_eq!(p["id"], json!(project));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ project(id: "{project}") {{ id }} }}"#)).await["project"], Value::Null);
    assert_eq!(project_rows(run).await, before, "the deleted project is no longer exported");
}

async fn webhooks(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let w = run
        .sent(
            "createWebhook",
            cleo.create_webhook(arg(json!({"title": "Hires", "url": "https://hooks.acme.test/hires", "subscribedEvents": ["HIRE_ACCEPTED"], "company": run.id("1"), "isActive": true})), None),
        )
        .await;
    let hook = id(&w);
    assert_eq!((w["url"].as_str(), w["subscribedEvents"].clone(), w["isActive"].as_bool()), (Some("https://hooks.acme.test/hires"), json!(["HIRE_ACCEPTED"]), Some(true)));
    let w = run
        .sent(
            "updateWebhook",
            cleo.update_webhook(arg(json!({"id": hook, "title": "Hires and ends", "url": "https://hooks.acme.test/v2", "subscribedEvents": ["HIRE_ACCEPTED", "HIRE_ENDED"]})), None),
        )
        .await;
    assert_eq!((w["title"].as_str(), w["url"].as_str()), (Some("Hires and ends"), Some("https://hooks.acme.test/v2")));
    let q = format!(r#"{{ webhook(id: "{hook}") {{ title url subscribedEvents }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["webhook"], json!({"title": "Hires and ends", "url": "https://hooks.acme.test/v2", "subscribedEvents": ["HIRE_ACCEPTED", "HIRE_ENDED"]}));
    let w = run.sent("deleteWebhook", cleo.delete_webhook(arg(json!({"id": hook})), None)).await;
    assert_eq!(w["id"], json!(hook));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ webhook(id: "{hook}") {{ id }} }}"#)).await["webhook"], Value::Null);
}

#[wasm_bindgen_test]
async fn company_administration_mutations() {
    let run = Run::new().await;
    approvals(&run).await;
    workflows(&run).await;
    custom_fields_and_notes(&run).await;
    projects(&run).await;
    webhooks(&run).await;
    run.called_exactly(CALLS);
}
