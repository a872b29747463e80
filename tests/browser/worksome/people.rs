//! People and relationships: company recruiters, recruiter candidates, trusted contacts (and a
//! direct hire of one), user groups.

use super::*;
use serde_json::json;

/// The mutations this domain makes.
pub const CALLS: &[&str] = &[
    "createCompanyRecruiter", "updateCompanyRecruiter", "deleteCompanyRecruiter", "inviteCompanyRecruiter",
    "createRecruiterCandidate", "updateRecruiterCandidate", "deleteRecruiterCandidate",
    "createTrustedContact", "updateTrustedContact", "approveTrustedContact", "blockTrustedContact", "deleteTrustedContact", "hire",
    "createUserGroup", "updateUserGroup", "attachUsersToUserGroup", "detachUsersFromUserGroup", "deleteUserGroup",
];

async fn company_recruiters(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let created = run
        .sent(
            "createCompanyRecruiter",
            cleo.create_company_recruiter(arg(json!({"company": run.id("1"), "name": "Talent Scouts", "email": run.email("hello@scouts.test"),
                "recruiterFee": 12.5, "tags": ["it"], "message": "Welcome"})), None),
        )
        .await;
    let rel = id(&created);
    let recruiter = id(&created["recruiter"]);
    assert_eq!((created["company"]["id"].as_str(), created["email"].as_str()), (Some(run.id("1").as_str()), Some(run.email("hello@scouts.test").as_str())));
    assert_eq!(created["recruiterFee"].as_f64(), Some(12.5));
    let updated = run.sent("updateCompanyRecruiter", cleo.update_company_recruiter(arg(json!({"id": rel, "recruiterFee": 15, "managesWorkers": true})), None)).await;
    assert_eq!((updated["recruiterFee"].as_f64(), updated["recruiterManagesWorkers"].as_bool()), (Some(15.0), Some(true)));
    let read_back = run.read(COMPANY, &format!(r#"{{ companyRecruiter(id: "{rel}") {{ recruiterFee recruiterManagesWorkers recruiter {{ id }} }} }}"#)).await;
    assert_eq!(read_back["companyRecruiter"], json!({"recruiterFee": 15, "recruiterManagesWorkers": true, "recruiter": {"id": recruiter}}));
    let deleted = run.sent("deleteCompanyRecruiter", cleo.delete_company_recruiter(arg(json!({"id": rel})), None)).await;
    assert_eq!(deleted["id"], json!(rel));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ companyRecruiter(id: "{rel}") {{ id }} }}"#)).await["companyRecruiter"], Value::Null);
    // The recruiter still exists; invite them again into a new relationship.
    let invited = run.sent("inviteCompanyRecruiter", cleo.invite_company_recruiter(arg(json!({"id": recruiter, "company": run.id("1"), "recruiterFee": 10})), None)).await;
    assert_eq!((invited["recruiter"]["id"].clone(), invited["company"]["id"].as_str()), (json!(recruiter), Some(run.id("1").as_str())));
    assert_ne!(invited["id"], json!(rel));
    let again = run.read(COMPANY, &format!(r#"{{ companyRecruiter(id: "{}") {{ status recruiterFee }} }}"#, id(&invited))).await;
    assert_eq!(again["companyRecruiter"]["recruiterFee"].as_f64(), Some(10.0));
}

async fn recruiter_candidates(run: &Run) {
    let rita = run.api(RECRUITER).await;
    let created = run
        .sent(
            "createRecruiterCandidate",
            rita.create_recruiter_candidate(arg(json!({"recruiter": run.id("5"), "firstName": "Cara", "lastName": "Candidate",
                "email": run.email("cara@candidate.test"), "currency": "DKK", "hourlyRate": 550, "tags": ["design"], "links": ["https://cara.test"], "jobTitle": "Designer"})), None),
        )
        .await;
    let cand = id(&created);
    assert_eq!((created["recruiter"]["id"].as_str(), created["email"].as_str(), created["jobTitle"].as_str()), (Some(run.id("5").as_str()), Some(run.email("cara@candidate.test").as_str()), Some("Designer")));
    let updated = run.sent("updateRecruiterCandidate", rita.update_recruiter_candidate(arg(json!({"id": cand, "jobTitle": "Senior designer", "links": ["https://cara.design"]})), None)).await;
    assert_eq!((updated["jobTitle"].as_str(), updated["links"].clone()), (Some("Senior designer"), json!(["https://cara.design"])));
    let q = format!(r#"{{ recruiterCandidate(id: "{cand}") {{ jobTitle links }} }}"#);
    assert_eq!(run.read(RECRUITER, &q).await["recruiterCandidate"], json!({"jobTitle": "Senior designer", "links": ["https://cara.design"]}));
    let deleted = run.sent("deleteRecruiterCandidate", rita.delete_recruiter_candidate(arg(json!({"id": cand})), None)).await;
    assert_eq!(deleted["id"], json!(cand));
    assert_eq!(run.read(RECRUITER, &format!(r#"{{ recruiterCandidate(id: "{cand}") {{ id }} }}"#)).await["recruiterCandidate"], Value::Null);
}

async fn trusted_contacts(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let created = run
        .sent(
            "createTrustedContact",
            cleo.create_trusted_contact(arg(json!({"company": run.id("1"), "firstName": "Tina", "lastName": "Trusted", "email": run.email("tina@trusted.test"),
                "links": [], "attachments": [], "skills": ["Welding"], "origin": "INVITED", "originChannel": "DIRECT_INVITE"})), None),
        )
        .await;
    let tc = id(&created);
    assert_eq!((created["status"].as_str(), created["company"]["id"].as_str(), created["origin"].as_str()), (Some("INVITED"), Some(run.id("1").as_str()), Some("INVITED")));
    let updated = run.sent("updateTrustedContact", cleo.update_trusted_contact(arg(json!({"id": tc, "links": ["https://tina.test"], "externalIdentifier": "EXT-7"})), None)).await;
    assert_eq!((updated["links"].clone(), updated["externalIdentifier"].as_str()), (json!(["https://tina.test"]), Some("EXT-7")));
    let q = format!(r#"{{ trustedContact(id: "{tc}") {{ links externalIdentifier status }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["trustedContact"], json!({"links": ["https://tina.test"], "externalIdentifier": "EXT-7", "status": "INVITED"}));

    // Fixture contacts 130 (Walt) and 131 (Wes) are APPLIED: approve one and hire them, block the other.
    let approved = run.sent("approveTrustedContact", cleo.approve_trusted_contact(arg(json!({"id": run.id("130")})), None)).await;
    assert_eq!((approved["status"].as_str(), approved["approvedByUser"]["id"].as_str()), (Some("ACTIVE"), Some(run.id("11").as_str())));
    let (code, _) = refused(cleo.approve_trusted_contact(arg(json!({"id": run.id("130")})), None)).await;
    assert_eq!(code, "INVALID_CONTACT_STATUS", "the approval persisted");
    let hired = run
        .sent(
            "hire",
            cleo.hire(arg(json!({"trustedContact": run.id("130"), "company": run.id("1"), "name": "Site survey", "description": "Two weeks on site",
                "rateType": "HOURLY", "rate": 500, "startDate": "2026-12-01", "endDate": "2026-12-14"})), None),
        )
        .await;
    let hire_id = id(&hired);
    assert_eq!((hired["worker"]["id"].as_str(), hired["company"]["id"].as_str(), hired["rate"].as_f64()), (Some(run.id("4").as_str()), Some(run.id("1").as_str()), Some(500.0)));
    let h = run.read(COMPANY, &format!(r#"{{ hire(id: "{hire_id}") {{ worker {{ id }} job {{ id }} startDate }} }}"#)).await;
    assert_eq!((h["hire"]["worker"]["id"].as_str(), h["hire"]["startDate"].as_str()), (Some(run.id("4").as_str()), Some("2026-12-01")));
    assert!(h["hire"]["job"]["id"].is_string(), "a job was created for the hire: {h}");

    let blocked = run.sent("blockTrustedContact", cleo.block_trusted_contact(arg(json!({"id": run.id("131"), "account": run.id("1")})), None)).await;
    assert_eq!(blocked["status"], "BLOCKED");
    assert_eq!(run.read(COMPANY, &format!(r#"{{ trustedContact(id: "{}") {{ status }} }}"#, run.id("131"))).await["trustedContact"]["status"], "BLOCKED");

    let deleted = run.sent("deleteTrustedContact", cleo.delete_trusted_contact(arg(json!({"id": tc, "account": run.id("1")})), None)).await;
    assert_eq!(deleted["id"], json!(tc));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ trustedContact(id: "{tc}") {{ id }} }}"#)).await["trustedContact"], Value::Null);
}

async fn user_groups(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let users = |v: &Value| -> Vec<String> { v["users"]["data"].as_array().unwrap().iter().map(id).collect() };
    let g = run.sent("createUserGroup", cleo.create_user_group(arg(json!({"name": "Finance", "status": "ACTIVE", "company": run.id("1"), "users": [run.id("11")]})), None)).await;
    let gid = id(&g);
    assert_eq!((g["name"].as_str(), g["status"].as_str(), users(&g)), (Some("Finance"), Some("ACTIVE"), vec![run.id("11").to_string()]));
    let g = run.sent("updateUserGroup", cleo.update_user_group(arg(json!({"id": gid, "name": "Finance team", "description": "Pays invoices"})), None)).await;
    assert_eq!((g["name"].as_str(), g["description"].as_str()), (Some("Finance team"), Some("Pays invoices")));
    let g = run.sent("attachUsersToUserGroup", cleo.attach_users_to_user_group(arg(json!({"userGroup": gid, "users": [run.id("12")]})), None)).await;
    assert_eq!(users(&g), [run.id("11"), run.id("12")]);
    let q = format!(r#"{{ userGroup(id: "{gid}") {{ name users {{ data {{ id }} }} }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["userGroup"], json!({"name": "Finance team", "users": {"data": [{"id": run.id("11")}, {"id": run.id("12")}]}}));
    let g = run.sent("detachUsersFromUserGroup", cleo.detach_users_from_user_group(arg(json!({"userGroup": gid, "users": [run.id("11")]})), None)).await;
    assert_eq!(users(&g), [run.id("12")]);
    assert_eq!(run.read(COMPANY, &q).await["userGroup"]["users"]["data"], json!([{"id": run.id("12")}]));
    let g = run.sent("deleteUserGroup", cleo.delete_user_group(arg(json!({"id": gid})), None)).await;
    assert_eq!(g["status"], "ARCHIVED", "deleteUserGroup is a soft delete");
    assert_eq!(run.read(COMPANY, &format!(r#"{{ userGroup(id: "{gid}") {{ status }} }}"#)).await["userGroup"], Value::Null);
    let (code, _) = refused(cleo.attach_users_to_user_group(arg(json!({"userGroup": gid, "users": [run.id("11")]})), None)).await;
    assert_eq!(code, "NOT_FOUND", "a later call no longer finds the group");
}

#[wasm_bindgen_test]
async fn relationship_and_group_mutations() {
    let run = Run::new().await;
    company_recruiters(&run).await;
    recruiter_candidates(&run).await;
    trusted_contacts(&run).await;
    user_groups(&run).await;
    run.called_exactly(CALLS);
}
