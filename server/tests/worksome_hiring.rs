//! Worksome hiring over real HTTP: jobs, acceptBid/hire/rejectHire (draft contracts), job
//! candidates, job shares and trusted contacts, each effect read back through queries.

mod common;

use common::*;
use serde_json::{json, Value};

fn q(s: &Server, query: &str) -> Value {
    s.wq(WS_COMPANY, query)
}

#[test]
fn job_create_update_budget_end() {
    let s = Server::start();
    let j = s.op(
        WS_COMPANY,
        "createJob",
        json!({ "company": "1", "name": "Data engineer", "skills": ["Python"], "owners": ["12"] }),
    );
    let id = j["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            j["status"].as_str(),
            j["draft"].as_bool(),
            j["currency"].as_str()
        ),
        (Some("DRAFT"), Some(true), Some("DKK"))
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createJob",
            json!({ "company": "1", "name": "x", "skills": [], "owners": ["21"] })
        ),
        "BAD_USER_INPUT"
    );

    s.op(WS_COMPANY, "updateJob", json!({ "id": id, "description": "Pipelines", "published": true,
        "rateType": { "type": "HOURLY", "range": { "minimum": 400.0, "maximum": 600.0 } }, "location": { "city": "Copenhagen", "country": "DK" } }));
    s.op(
        WS_COMPANY,
        "setInternalBudgetOnJob",
        json!({ "job": id, "amount": 12000.5 }),
    );
    let got = q(&s, &format!("{{ job(id: \"{id}\") {{ name description status published rateType minimumRate maximumRate internalBudget
        owners {{ id }} skills {{ name }} location {{ city }} }} }}"))["job"].clone();
    assert_eq!(
        got,
        json!({ "name": "Data engineer", "description": "Pipelines", "status": "ACTIVE", "published": true,
        "rateType": "HOURLY", "minimumRate": 400.0, "maximumRate": 600.0, "internalBudget": 12000.5, "owners": [{ "id": "12" }],
        "skills": [{ "name": "Python" }], "location": { "city": "Copenhagen" } })
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "setInternalBudgetOnJob",
            json!({ "job": id, "amount": -1 })
        ),
        "BAD_USER_INPUT"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "setInternalBudgetOnJob",
            json!({ "job": id, "amount": 1 })
        ),
        "COMPANY_ONLY"
    );

    assert_eq!(
        s.op_err(WS_COMPANY, "endJob", json!({ "id": id, "accountId": "2" })),
        "FORBIDDEN"
    );
    let ended = s.op(WS_COMPANY, "endJob", json!({ "id": id, "accountId": "1" }));
    assert_eq!(
        (ended["status"].as_str(), ended["completed"].as_bool()),
        (Some("COMPLETED"), Some(true))
    );
    assert_eq!(
        s.op_err(WS_COMPANY, "endJob", json!({ "id": id, "accountId": "1" })),
        "JOB_ALREADY_ENDED"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updateJob",
            json!({ "id": id, "name": "Later" })
        ),
        "JOB_ENDED"
    );
    assert_eq!(
        q(&s, &format!("{{ job(id: \"{id}\") {{ name status }} }}"))["job"],
        json!({ "name": "Data engineer", "status": "COMPLETED" })
    );
    for (amount, stored) in [(125000.456, 125000.45), (0.29, 0.29), (7.0, 7.0)] {
        let r = s.op(
            WS_COMPANY,
            "setInternalBudgetOnJob",
            json!({ "job": id, "amount": amount }),
        );
        assert_eq!(r["internalBudget"].as_f64(), Some(stored), "{amount}");
    }
}

#[test]
fn accept_bid_creates_a_hire_with_a_draft_contract() {
    let s = Server::start();
    let h = s.op(
        WS_COMPANY,
        "acceptBid",
        json!({ "bid": "120", "startDate": "2026-12-01", "endDate": "2027-03-31",
        "jobTitle": "Frontend lead", "paymentTermMethod": "NET", "closeOtherConversations": true }),
    );
    let id = h["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            h["worker"]["id"].as_str(),
            h["job"]["id"].as_str(),
            h["status"].as_str()
        ),
        (Some("4"), Some("101"), Some("OFFERED"))
    );
    assert_eq!(h["latestContract"], h["draftContract"]);
    let hire = q(&s, &format!("{{ hire(id: \"{id}\") {{ rate startDate latestContract {{ status jobName startDate endDate paymentTermMethod }}
        draftContract {{ status }} company {{ id }} }} }}"))["hire"].clone();
    assert_eq!(
        hire,
        json!({ "rate": 600.0, "startDate": "2026-12-01", "latestContract": { "status": "DRAFT", "jobName": "Frontend lead",
        "startDate": "2026-12-01", "endDate": "2027-03-31", "paymentTermMethod": "NET" }, "draftContract": { "status": "DRAFT" }, "company": { "id": "1" } })
    );
    // The bid is taken, the other open bid on the job was closed, and the job lists the hire.
    let job = q(
        &s,
        "{ job(id: \"101\") { bids { data { id status } } hires { data { id } } } }",
    )["job"]
        .clone();
    assert_eq!(
        job["bids"]["data"],
        json!([{ "id": "120", "status": "ACCEPTED" }, { "id": "121", "status": "REJECTED" }])
    );
    assert!(job["hires"]["data"]
        .as_array()
        .unwrap()
        .contains(&json!({ "id": id })));
    assert_eq!(
        s.op_err(WS_COMPANY, "acceptBid", json!({ "bid": "120" })),
        "BID_NOT_OPEN"
    );
    assert_eq!(
        s.op_err(WS_WORKER2, "acceptBid", json!({ "bid": "121" })),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "acceptBid",
            json!({ "bid": "121", "startDate": "2027-02-01", "endDate": "2027-01-01" })
        ),
        "BID_NOT_OPEN"
    );
}

#[test]
fn reject_hire_by_the_worker_archives_the_draft() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_WORKER2,
            "rejectHire",
            json!({ "account": "4", "hire": "113" })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "rejectHire",
            json!({ "account": "1", "hire": "113" })
        ),
        "FORBIDDEN"
    );
    let h = s.op(
        WS_WORKER,
        "rejectHire",
        json!({ "account": "3", "hire": "113" }),
    );
    assert_eq!(
        (h["status"].as_str(), h["draftContract"].is_null()),
        (Some("CANCELLED"), true)
    );
    let got = q(
        &s,
        "{ hire(id: \"113\") { status latestContract { status } } }",
    )["hire"]
        .clone();
    assert_eq!(
        got,
        json!({ "status": "CANCELLED", "latestContract": { "status": "ARCHIVED" } })
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "rejectHire",
            json!({ "account": "3", "hire": "113" })
        ),
        "HIRE_NOT_PENDING"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "rejectHire",
            json!({ "account": "3", "hire": "110" })
        ),
        "HIRE_NOT_PENDING"
    );
}

#[test]
fn trusted_contacts_lifecycle_and_direct_hire() {
    let s = Server::start();
    // Hiring needs an ACTIVE contact.
    let hire_input = json!({ "trustedContact": "130", "company": "1", "name": "Direct work", "rate": 500, "rateType": "HOURLY", "startDate": "2026-12-01" });
    assert_eq!(
        s.op_err(WS_COMPANY, "hire", hire_input.clone()),
        "TRUSTED_CONTACT_NOT_ACTIVE"
    );
    assert_eq!(
        s.op_err(WS_WORKER, "approveTrustedContact", json!({ "id": "130" })),
        "COMPANY_ONLY"
    );
    let a = s.op(WS_COMPANY, "approveTrustedContact", json!({ "id": "130" }));
    assert_eq!(
        (a["status"].as_str(), a["approvedByUser"]["id"].as_str()),
        (Some("ACTIVE"), Some("11"))
    );
    let h = s.op(WS_COMPANY, "hire", hire_input);
    let hid = h["id"].as_str().unwrap();
    let hire = q(&s, &format!("{{ hire(id: \"{hid}\") {{ worker {{ id }} job {{ name company {{ id }} }} latestContract {{ status jobName }} }} }}"))["hire"].clone();
    assert_eq!(
        hire,
        json!({ "worker": { "id": "4" }, "job": { "name": "Direct work", "company": { "id": "1" } },
                             "latestContract": { "status": "DRAFT", "jobName": "Direct work" } })
    );

    // Block only works on APPLIED contacts.
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "blockTrustedContact",
            json!({ "id": "130", "account": "1" })
        ),
        "INVALID_CONTACT_STATUS"
    );
    assert_eq!(
        s.op(
            WS_COMPANY,
            "blockTrustedContact",
            json!({ "id": "131", "account": "1" })
        )["status"],
        "BLOCKED"
    );

    let c = s.op(WS_COMPANY, "createTrustedContact", json!({ "company": "1", "firstName": "Nora", "lastName": "New", "email": "nora@new.test",
        "links": [], "attachments": [], "skills": ["Go"], "notifyWorker": true, "origin": "INVITED", "originChannel": "DIRECT_INVITE" }));
    let cid = c["id"].as_str().unwrap().to_string();
    let wid = c["worker"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        q(&s, &format!("{{ worker(id: \"{wid}\") {{ name email }} }}"))["worker"],
        json!({ "name": "Nora New", "email": "nora@new.test" })
    );
    let dup = json!({ "company": "1", "firstName": "N", "lastName": "N", "email": "nora@new.test", "links": [], "attachments": [],
        "skills": [], "notifyWorker": false, "origin": "INVITED", "originChannel": "DIRECT_INVITE" });
    assert_eq!(
        s.op_err(WS_COMPANY, "createTrustedContact", dup),
        "ALREADY_EXISTS"
    );
    s.op(
        WS_COMPANY,
        "updateTrustedContact",
        json!({ "id": cid, "links": ["https://nora.test"], "skills": ["Go", "K8s"] }),
    );
    let tc = q(
        &s,
        &format!("{{ trustedContact(id: \"{cid}\") {{ status links skills {{ name }} }} }}"),
    )["trustedContact"]
        .clone();
    assert_eq!(
        tc,
        json!({ "status": "INVITED", "links": ["https://nora.test"], "skills": [{ "name": "Go" }, { "name": "K8s" }] })
    );
    let pool = q(
        &s,
        "{ company(id: \"1\") { trustedContacts { data { id } } } }",
    )["company"]["trustedContacts"]["data"]
        .clone();
    assert!(pool.as_array().unwrap().contains(&json!({ "id": cid })));
    assert_eq!(
        s.op_err(
            WS_OTHER_COMPANY,
            "deleteTrustedContact",
            json!({ "id": cid, "account": "2" })
        ),
        "FORBIDDEN"
    );
    s.op(
        WS_COMPANY,
        "deleteTrustedContact",
        json!({ "id": cid, "account": "1" }),
    );
    assert!(
        q(&s, &format!("{{ trustedContact(id: \"{cid}\") {{ id }} }}"))["trustedContact"].is_null()
    );
    let pool = q(
        &s,
        "{ company(id: \"1\") { trustedContacts { data { id } } } }",
    )["company"]["trustedContacts"]["data"]
        .clone();
    assert!(!pool.as_array().unwrap().contains(&json!({ "id": cid })));
}

#[test]
fn job_candidates_and_shares() {
    let s = Server::start();
    let cands = s.op(
        WS_COMPANY,
        "createJobCandidate",
        json!({ "job": "100", "workers": ["4", "6", "4"], "sourcingChannel": "TRUSTED_CONTACT" }),
    );
    let statuses: Vec<_> = cands
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["ELIGIBLE", "ELIGIBLE", "DUPLICATE"]);
    let cid = cands[0]["id"].as_str().unwrap().to_string();
    // A recruiter may propose only once the job is shared with them.
    let rec = json!({ "job": "100", "workers": ["3"], "sourcingChannel": "RECRUITER_ATTRIBUTION" });
    assert_eq!(
        s.op_err(WS_RECRUITER, "createJobCandidate", rec.clone()),
        "FORBIDDEN"
    );
    let shares = s.op(
        WS_COMPANY,
        "createJobShare",
        json!({ "job": "100", "accounts": ["5", "3"] }),
    );
    assert_eq!(
        shares[0]["account"],
        json!({ "__typename": "Recruiter", "id": "5" })
    );
    assert_eq!(
        s.op(WS_RECRUITER, "createJobCandidate", rec)[0]["owner"],
        json!({ "__typename": "Recruiter", "id": "5" })
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createJobShare",
            json!({ "job": "100", "accounts": ["1"] })
        ),
        "BAD_USER_INPUT"
    );

    s.op(
        WS_COMPANY,
        "updateJobCandidateStatus",
        json!({ "jobCandidate": cid, "status": "NON_ELIGIBLE", "statusComment": "Not available" }),
    );
    s.op(
        WS_COMPANY,
        "updateJobCandidatePreferred",
        json!({ "jobCandidate": cid, "isPreferred": true }),
    );
    let c = q(&s, &format!("{{ jobCandidate(id: \"{cid}\") {{ status statusComment isPreferred statusSetByUser {{ id }} }} }}"))["jobCandidate"].clone();
    assert_eq!(
        c,
        json!({ "status": "NON_ELIGIBLE", "statusComment": "Not available", "isPreferred": true, "statusSetByUser": { "id": "11" } })
    );
    assert_eq!(
        s.op_err(
            WS_RECRUITER,
            "updateJobCandidatePreferred",
            json!({ "jobCandidate": cid, "isPreferred": false })
        ),
        "COMPANY_ONLY"
    );

    let sid = shares[0]["id"].as_str().unwrap().to_string();
    let removed = s.op(WS_COMPANY, "removeJobShare", json!({ "ids": [sid] }));
    assert_eq!(removed[0]["isActive"], false);
    let left = q(&s, "{ job(id: \"100\") { shares { data { account { __typename ... on Worker { id } ... on Recruiter { id } } } } } }")["job"]["shares"]["data"].clone();
    assert_eq!(
        left,
        json!([{ "account": { "__typename": "Worker", "id": "3" } }])
    );
}
