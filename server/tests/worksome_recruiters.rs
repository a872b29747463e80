//! Worksome recruiter relationships over real HTTP: company recruiters (created, invited,
//! updated, deleted by either party) and recruiter candidates, read back through queries.

mod common;

use common::*;
use serde_json::json;

#[test]
fn company_recruiter_relationships() {
    let s = Server::start();
    let input = json!({ "company": "1", "name": "Hunt & Co", "email": "boss@hunt.test", "recruiterFee": 12.5, "tags": ["it"], "managesWorkers": true });
    assert_eq!(
        s.op_err(WS_RECRUITER, "createCompanyRecruiter", input.clone()),
        "COMPANY_ONLY"
    );
    let cr = s.op(WS_COMPANY, "createCompanyRecruiter", input);
    let id = cr["id"].as_str().unwrap().to_string();
    let rid = cr["recruiter"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            cr["status"].as_str(),
            cr["recruiterManagesWorkers"].as_bool()
        ),
        (Some("INVITED"), Some(true))
    );
    let rec = s.wq(
        WS_COMPANY,
        &format!("{{ recruiter(id: \"{rid}\") {{ name owner {{ email }} clients {{ id }} }} }}"),
    )["recruiter"]
        .clone();
    assert_eq!(
        rec,
        json!({ "name": "Hunt & Co", "owner": { "email": "boss@hunt.test" }, "clients": [{ "id": id }] })
    );
    let again = json!({ "company": "1", "name": "Hunt & Co", "email": "boss@hunt.test" });
    assert_eq!(
        s.op_err(WS_COMPANY, "createCompanyRecruiter", again),
        "ALREADY_EXISTS"
    );

    assert_eq!(
        s.op_err(
            WS_RECRUITER,
            "updateCompanyRecruiter",
            json!({ "id": "140", "recruiterFee": 50.0 })
        ),
        "COMPANY_ONLY"
    );
    s.op(
        WS_COMPANY,
        "updateCompanyRecruiter",
        json!({ "id": id, "recruiterFee": 15.0, "tags": ["it", "finance"] }),
    );
    let got = s.wq(
        WS_COMPANY,
        &format!("{{ companyRecruiter(id: \"{id}\") {{ recruiterFee tags {{ name }} }} }}"),
    )["companyRecruiter"]
        .clone();
    assert_eq!(
        got,
        json!({ "recruiterFee": 15.0, "tags": [{ "name": "it" }, { "name": "finance" }] })
    );

    // The recruiter side deletes its relationship; the company can then invite it again.
    assert_eq!(
        s.op(
            WS_RECRUITER,
            "deleteCompanyRecruiter",
            json!({ "id": "140" })
        )["id"],
        "140"
    );
    assert!(
        s.wq(WS_COMPANY, "{ companyRecruiter(id: \"140\") { id } }")["companyRecruiter"].is_null()
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "inviteCompanyRecruiter",
            json!({ "id": "5", "company": "1" })
        ),
        "COMPANY_ONLY"
    );
    let inv = s.op(
        WS_COMPANY,
        "inviteCompanyRecruiter",
        json!({ "id": "5", "company": "1", "message": "Welcome back" }),
    );
    assert_eq!(
        (
            inv["status"].as_str(),
            inv["email"].as_str(),
            inv["message"].as_str()
        ),
        (
            Some("INVITED"),
            Some("rita@recruiting.test"),
            Some("Welcome back")
        )
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "inviteCompanyRecruiter",
            json!({ "id": "5", "company": "1" })
        ),
        "ALREADY_EXISTS"
    );
    s.op(WS_COMPANY, "deleteCompanyRecruiter", json!({ "id": id }));
    let staff = s.wq(
        WS_COMPANY,
        "{ company(id: \"1\") { staffingAgencies { data { id } } } }",
    )["company"]["staffingAgencies"]["data"]
        .clone();
    assert_eq!(staff, json!([{ "id": inv["id"] }]));
}

#[test]
fn recruiter_candidates() {
    let s = Server::start();
    let c = s.op(WS_RECRUITER, "createRecruiterCandidate", json!({ "recruiter": "5", "firstName": "Cara", "lastName": "Candidate",
        "email": "cara@cand.test", "currency": "EUR", "hourlyRate": 90.0, "tags": ["java"], "links": ["https://cara.test"] }));
    let id = c["id"].as_str().unwrap().to_string();
    let wid = c["worker"]["id"].as_str().unwrap().to_string();
    s.op(
        WS_RECRUITER,
        "updateRecruiterCandidate",
        json!({ "id": id, "jobTitle": "Architect", "dailyRate": 700.0 }),
    );
    let got = s.wq(WS_RECRUITER, &format!("{{ recruiterCandidate(id: \"{id}\") {{ jobTitle links tags {{ name }} hourly: rate(rateType: HOURLY) daily: rate(rateType: DAILY) monthly: rate(rateType: MONTHLY) worker {{ name }} }} }}"))["recruiterCandidate"].clone();
    assert_eq!(
        got,
        json!({ "jobTitle": "Architect", "links": ["https://cara.test"], "tags": [{ "name": "java" }], "hourly": 90.0, "daily": 700.0,
        "monthly": null, "worker": { "name": "Cara Candidate" } })
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updateRecruiterCandidate",
            json!({ "id": id, "jobTitle": "x" })
        ),
        "RECRUITER_ONLY"
    );
    assert_eq!(
        s.wq(
            WS_RECRUITER,
            "{ recruiter(id: \"5\") { candidates { id } } }"
        )["recruiter"]["candidates"],
        json!([{ "id": "180" }, { "id": id }])
    );
    // The candidate (worker 4) ends relationship 180 themself.
    s.op(
        WS_WORKER2,
        "deleteRecruiterCandidate",
        json!({ "id": "180" }),
    );
    assert_eq!(
        s.wq(
            WS_RECRUITER,
            "{ recruiter(id: \"5\") { candidates { id } } }"
        )["recruiter"]["candidates"],
        json!([{ "id": id }])
    );
    assert!(
        s.wq(WS_COMPANY, &format!("{{ worker(id: \"{wid}\") {{ id }} }}"))["worker"].is_object()
    );
}
