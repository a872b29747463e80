//! Hiring and work: jobs, candidates, shares, bids and hires (a draft contract on acceptBid),
//! timesheets and registrations (also the custom JSON format), payment requests, file uploads.

use super::*;
use serde_json::json;

/// The mutations this domain makes.
pub const CALLS: &[&str] = &[
    "createJob", "updateJob", "setInternalBudgetOnJob", "createJobCandidate", "updateJobCandidateStatus", "updateJobCandidatePreferred",
    "createJobShare", "removeJobShare", "endJob", "acceptBid", "rejectHire",
    "createTimesheet", "updateTimesheet", "updateTimesheetRegistration", "deleteTimesheetRegistration", "deleteTimesheet",
    "createCustomTimesheet", "createPaymentRequest", "updatePaymentRequest", "deletePaymentRequest", "uploadFiles", "markFilesAsUploaded",
];

async fn jobs(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let j = run.sent("createJob", cleo.create_job(arg(json!({"company": run.id("1"), "name": "Data engineer", "skills": ["SQL", "Rust"], "owners": [run.id("11")]})), None)).await;
    let job = id(&j);
    assert_eq!((j["name"].as_str(), j["company"]["id"].as_str()), (Some("Data engineer"), Some(run.id("1").as_str())));
    assert_eq!(j["skills"].as_array().unwrap().len(), 2, "{j}");
    let j = run
        .sent(
            "updateJob",
            cleo.update_job(arg(json!({"id": job, "description": "Pipelines in Rust", "startDate": "2026-12-01", "endDate": "2027-03-31", "published": true})), None),
        )
        .await;
    assert_eq!((j["description"].as_str(), j["startDate"].as_str(), j["status"].as_str()), (Some("Pipelines in Rust"), Some("2026-12-01"), Some("ACTIVE")));
    let j = run.sent("setInternalBudgetOnJob", cleo.set_internal_budget_on_job(arg(json!({"job": job, "amount": 125000.456})), None)).await;
    assert_eq!(j["internalBudget"], 125000.45, "up to 2 decimal points are stored, the rest is omitted");
    let q = format!(r#"{{ job(id: "{job}") {{ description internalBudget status }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["job"], json!({"description": "Pipelines in Rust", "internalBudget": 125000.45, "status": "ACTIVE"}));

    let cands = run.sent("createJobCandidate", cleo.create_job_candidate(arg(json!({"job": job, "workers": [run.id("4"), run.id("6")], "sourcingChannel": "TRUSTED_CONTACT"})), None)).await;
    let cands = cands.as_array().unwrap().clone();
    assert_eq!(cands.iter().map(|c| c["worker"]["id"].clone()).collect::<Vec<_>>(), [json!(run.id("4")), json!(run.id("6"))]);
    assert!(cands.iter().all(|c| c["status"] == "ELIGIBLE" && c["job"]["id"] == json!(job)), "{cands:?}");
    let dup = run.sent("createJobCandidate", cleo.create_job_candidate(arg(json!({"job": job, "workers": [run.id("4")], "sourcingChannel": "MARKETPLACE"})), None)).await;
    assert_eq!(dup[0]["status"], "DUPLICATE", "the first proposal persisted");
    let first = id(&cands[0]);
    let c = run
        .sent(
            "updateJobCandidateStatus",
            cleo.update_job_candidate_status(arg(json!({"jobCandidate": first, "status": "NON_ELIGIBLE", "statusReason": "SKILLS_OR_EXPERIENCE", "statusComment": "No SQL"})), None),
        )
        .await;
    assert_eq!((c["status"].as_str(), c["statusReason"].as_str(), c["statusComment"].as_str()), (Some("NON_ELIGIBLE"), Some("SKILLS_OR_EXPERIENCE"), Some("No SQL")));
    let c = run.sent("updateJobCandidatePreferred", cleo.update_job_candidate_preferred(arg(json!({"jobCandidate": id(&cands[1]), "isPreferred": true})), None)).await;
    assert_eq!(c["isPreferred"], true);
    let q = format!(r#"{{ a: jobCandidate(id: "{first}") {{ status }} b: jobCandidate(id: "{}") {{ isPreferred }} }}"#, id(&cands[1]));
    let back = run.read(COMPANY, &q).await;
    assert_eq!((back["a"]["status"].as_str(), back["b"]["isPreferred"].as_bool()), (Some("NON_ELIGIBLE"), Some(true)));

    let shares = run.sent("createJobShare", cleo.create_job_share(arg(json!({"job": job, "accounts": [run.id("5")]})), None)).await;
    assert_eq!(shares.as_array().unwrap().len(), 1, "{shares}");
    let share = id(&shares[0]);
    assert_eq!((shares[0]["isActive"].as_bool(), shares[0]["job"]["id"].clone()), (Some(true), json!(job)));
    let removed = run.sent("removeJobShare", cleo.remove_job_share(arg(json!({"ids": [share]})), None)).await;
    assert_eq!((removed[0]["id"].clone(), removed[0]["isActive"].as_bool()), (json!(share), Some(false)));
    // Sharing again finds the removed share: the removal persisted.
    let again = run.sent("createJobShare", cleo.create_job_share(arg(json!({"job": job, "accounts": [run.id("5")]})), None)).await;
    assert_eq!(again[0]["isActive"], true);

    let j = run.sent("endJob", cleo.end_job(arg(json!({"id": job, "accountId": run.id("1")})), None)).await;
    assert_eq!(j["status"], "COMPLETED");
    let (code, _) = refused(cleo.update_job(arg(json!({"id": job, "name": "Too late"})), None)).await;
    assert_eq!(code, "JOB_ENDED", "a later call sees the job ended");
}

async fn bids_and_hires(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let h = run.sent("acceptBid", cleo.accept_bid(arg(json!({"bid": run.id("120"), "startDate": "2027-01-04", "jobTitle": "Frontend developer", "purchaseOrderNumber": "PO-77"})), None)).await;
    let hire = id(&h);
    assert_eq!((h["worker"]["id"].as_str(), h["job"]["id"].as_str(), h["status"].as_str()), (Some(run.id("4").as_str()), Some(run.id("101").as_str()), Some("OFFERED")));
    let contract = id(&h["latestContract"]);
    assert_eq!(h["draftContract"]["id"], json!(contract), "a draft contract is created with the hire");
    let q = format!(r#"{{ hire(id: "{hire}") {{ draftContract {{ id }} purchaseOrderNumber }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["hire"], json!({"draftContract": {"id": contract}, "purchaseOrderNumber": "PO-77"}));
    let (code, _) = refused(cleo.accept_bid(arg(json!({"bid": run.id("120")})), None)).await;
    assert_eq!(code, "BID_NOT_OPEN", "the bid was accepted once and stays accepted");

    let wanda = run.api(WORKER).await;
    let h = run.sent("rejectHire", wanda.reject_hire(arg(json!({"account": run.id("3"), "hire": run.id("113")})), None)).await;
    assert_eq!((h["id"].as_str(), h["status"].as_str()), (Some(run.id("113").as_str()), Some("CANCELLED")));
    assert_eq!(run.read(WORKER, &format!(r#"{{ hire(id: "{}") {{ status }} }}"#, run.id("113"))).await["hire"]["status"], "CANCELLED");
}

fn registration(date: &str, hours: f64) -> Value {
    json!({"type": "DAY", "date": date, "startTime": "08:00", "endTime": "16:00", "duration": hours, "unit": "HOURS"})
}

async fn timesheets(run: &Run) {
    let wanda = run.api(WORKER).await;
    let regs = [registration("2026-11-02", 8.0), registration("2026-11-03", 7.5)];
    let t = run.sent("createTimesheet", wanda.create_timesheet(arg(json!({"worker": run.id("3"), "hire": run.id("110"), "startDate": "2026-11-02", "endDate": "2026-11-08", "registrations": regs})), None)).await;
    let ts = id(&t);
    assert_eq!((t["startDate"].as_str(), t["hire"]["id"].as_str()), (Some("2026-11-02"), Some(run.id("110").as_str())));
    assert_eq!(t["registrations"]["paginatorInfo"]["total"], 2);
    let t = run.sent("updateTimesheet", wanda.update_timesheet(arg(json!({"id": ts, "registrations": [registration("2026-11-04", 6.0)]})), None)).await;
    let reg_ids: Vec<String> = t["registrations"]["data"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(reg_ids.len(), 3, "updateTimesheet adds registrations: {t}");
    let r = run.sent("updateTimesheetRegistration", wanda.update_timesheet_registration(arg(json!({"id": reg_ids[0], "endTime": "17:00", "duration": 9, "comments": "Overtime"})), None)).await;
    assert_eq!((r["endTime"].as_str(), r["duration"].as_f64(), r["comments"].as_str()), (Some("17:00"), Some(9.0), Some("Overtime")));
    let r = run.sent("deleteTimesheetRegistration", wanda.delete_timesheet_registration(arg(json!({"id": reg_ids[1]})), None)).await;
    assert_eq!(r["id"], json!(reg_ids[1]));
    let q = format!(r#"{{ timesheet(id: "{ts}") {{ registrations {{ data {{ id duration }} }} }} }}"#);
    let back = run.read(WORKER, &q).await["timesheet"]["registrations"]["data"].clone();
    assert_eq!(back, json!([{"id": reg_ids[0], "duration": 9}, {"id": reg_ids[2], "duration": 6}]));
    let d = run.sent("deleteTimesheet", wanda.delete_timesheet(arg(json!({"id": ts})), None)).await;
    assert_eq!(d["id"], json!(ts));
    assert_eq!(run.read(WORKER, &format!(r#"{{ timesheet(id: "{ts}") {{ id }} }}"#)).await["timesheet"], Value::Null);

    let data = json!([
        {"hireId": run.id("110"), "reportedDate": "2026-11-16", "hours": 7.5, "externalId": "ext-w1-1", "reference": "PRJ-9"},
        {"hireId": run.id("110"), "reportedDate": "2027-02-01", "hours": 8, "externalId": "ext-w1-2"}
    ]);
    let r = run.sent("createCustomTimesheet", wanda.create_custom_timesheet(arg(json!({"schema": "default-json", "data": data.to_string()})), None)).await;
    assert_eq!((r["providedRegistrations"].as_i64(), r["successfulRegistrations"].as_i64()), (Some(2), Some(1)));
    assert_eq!(r["rejectedRegistrations"], json!([{"externalId": "ext-w1-2", "reason": "DATE_OUTSIDE_CONTRACT_PERIOD", "message": r["rejectedRegistrations"][0]["message"]}]));
    let list = run.read(WORKER, &format!(r#"{{ timesheets(accounts: ["{}"], first: 50) {{ data {{ startDate hire {{ id }} registrations {{ data {{ externalIdentifier duration date }} }} }} }} }}"#, run.id("3"))).await;
    let week = list["timesheets"]["data"].as_array().unwrap().iter().find(|t| t["startDate"] == "2026-11-16").cloned();
    let week = week.unwrap_or_else(|| panic!("no timesheet for the week of 2026-11-16: {list}"));
    assert_eq!(week["hire"]["id"], run.id("110"));
    assert_eq!(week["registrations"]["data"], json!([{"externalIdentifier": "ext-w1-1", "duration": 7.5, "date": "2026-11-16"}]));
}

async fn payment_requests(run: &Run) {
    let wanda = run.api(WORKER).await;
    let p = run
        .sent(
            "createPaymentRequest",
            wanda.create_payment_request(arg(json!({"worker": run.id("3"), "job": run.id("100"), "company": run.id("1"), "hire": run.id("110"), "startDate": "2026-11-01",
                "endDate": "2026-11-30", "billableTime": 160, "rate": 700, "comments": "November"})), None),
        )
        .await;
    let pr = id(&p);
    assert_eq!((p["comments"].as_str(), p["status"].as_str()), (Some("November"), Some("UNAPPROVED")));
    let p = run.sent("updatePaymentRequest", wanda.update_payment_request(arg(json!({"id": pr, "comments": "November, corrected", "purchaseOrderNumber": "PO-11"})), None)).await;
    assert_eq!((p["comments"].as_str(), p["purchaseOrderNumber"].as_str()), (Some("November, corrected"), Some("PO-11")));
    let q = format!(r#"{{ paymentRequest(id: "{pr}") {{ comments purchaseOrderNumber startDate }} }}"#);
    assert_eq!(run.read(COMPANY, &q).await["paymentRequest"], json!({"comments": "November, corrected", "purchaseOrderNumber": "PO-11", "startDate": "2026-11-01"}));
    let d = run.sent("deletePaymentRequest", wanda.delete_payment_request(arg(json!({"id": pr})), None)).await;
    assert_eq!(d["id"], json!(pr));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ paymentRequest(id: "{pr}") {{ id }} }}"#)).await["paymentRequest"], Value::Null);
}

async fn files(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let bytes = "timesheet scan";
    let t = run.sent("uploadFiles", cleo.upload_files(arg(json!([{"owner": run.id("1"), "name": "scan.txt", "size": bytes.len(), "mimeType": "text/plain"}])), None)).await;
    let (file, url) = (id(&t[0]), t[0]["url"].as_str().unwrap().to_string());
    assert_eq!(t[0]["name"], "scan.txt");
    let (code, _) = refused(cleo.mark_files_as_uploaded(arg(json!({"files": [file]})), None)).await;
    assert_eq!(code, "FILE_NOT_UPLOADED", "the temporary file persisted, without bytes yet");
    assert_eq!(http("PUT", &url, Some(bytes)).await.0, 200);
    let f = run.sent("markFilesAsUploaded", cleo.mark_files_as_uploaded(arg(json!({"files": [file]})), None)).await;
    assert_eq!((f[0]["id"].clone(), f[0]["size"].as_i64(), f[0]["mimeType"].as_str()), (json!(file), Some(bytes.len() as i64), Some("text/plain")));
    let q = format!(r#"{{ file(id: "{file}") {{ name url }} }}"#);
    let back = run.read(COMPANY, &q).await["file"].clone();
    assert_eq!(back["name"], "scan.txt");
    assert_eq!(http("GET", back["url"].as_str().unwrap(), None).await, (200, bytes.to_string()));
}

#[wasm_bindgen_test]
async fn hiring_and_work_mutations() {
    let run = Run::new().await;
    jobs(&run).await;
    bids_and_hires(&run).await;
    timesheets(&run).await;
    payment_requests(&run).await;
    files(&run).await;
    run.called_exactly(CALLS);
}
