//! Worksome over real HTTP: authentication, one forbidden call per role-rule kind, ownership,
//! unknown ids, scalar formats, and idempotency keys applying to Worksome requests too.

mod common;

use common::*;
use serde_json::json;

fn job_name(s: &Server, id: &str) -> serde_json::Value {
    s.wq(WS_COMPANY, &format!("{{ job(id: \"{id}\") {{ name }} }}"))["job"]["name"].clone()
}

#[test]
fn unknown_and_other_api_tokens_are_401() {
    let s = Server::start();
    for token in ["nope", ADMIN] {
        let r = s.ws(token, "{ viewer { id } }", json!({}), None);
        assert_eq!(r.status, 401, "{token}: {}", r.body);
        assert_eq!(r.json()["error"]["code"], "UNAUTHENTICATED");
    }
    assert_eq!(
        s.wq(WS_WORKER, "{ viewer { id name } }")["viewer"],
        json!({ "id": "31", "name": "Wanda Worker" })
    );
}

#[test]
fn only_companies_rule() {
    let s = Server::start();
    let code = s.op_err(
        WS_WORKER,
        "createJob",
        json!({ "company": "1", "name": "Sneaky", "skills": [] }),
    );
    assert_eq!(code, "COMPANY_ONLY");
    let code = s.op_err(
        WS_RECRUITER,
        "updateJob",
        json!({ "id": "100", "name": "Renamed" }),
    );
    assert_eq!(code, "COMPANY_ONLY");
    assert_eq!(job_name(&s, "100"), "Backend developer");
}

#[test]
fn only_workers_rule() {
    let s = Server::start();
    let input =
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08" });
    assert_eq!(
        s.op_err(WS_COMPANY, "createTimesheet", input),
        "WORKER_ONLY"
    );
    assert_eq!(
        s.op_err(
            WS_RECRUITER,
            "updateWorker",
            json!({ "id": "3", "firstName": "X" })
        ),
        "WORKER_ONLY"
    );
    assert_eq!(
        s.wq(WS_COMPANY, "{ worker(id: \"3\") { firstName } }")["worker"]["firstName"],
        "Wanda"
    );
}

#[test]
fn only_recruiters_rule() {
    let s = Server::start();
    let input = json!({ "recruiter": "5", "firstName": "A", "lastName": "B", "email": "ab@x.test", "currency": "DKK",
                        "tags": [], "links": [] });
    assert_eq!(
        s.op_err(WS_COMPANY, "createRecruiterCandidate", input),
        "RECRUITER_ONLY"
    );
    assert_eq!(
        s.wq(WS_COMPANY, "{ recruiter(id: \"5\") { candidates { id } } }")["recruiter"]
            ["candidates"],
        json!([{ "id": "180" }])
    );
}

#[test]
fn both_parties_rules() {
    let s = Server::start();
    // "Both the company and the recruiter can delete the relationship": a worker cannot.
    assert_eq!(
        s.op_err(WS_WORKER, "deleteCompanyRecruiter", json!({ "id": "140" })),
        "COMPANY_OR_RECRUITER_ONLY"
    );
    // "Both the recruiter and the candidate can delete the relationship": a company cannot.
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "deleteRecruiterCandidate",
            json!({ "id": "180" })
        ),
        "RECRUITER_OR_CANDIDATE_ONLY"
    );
    // A worker who is not the candidate is FORBIDDEN.
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "deleteRecruiterCandidate",
            json!({ "id": "180" })
        ),
        "FORBIDDEN"
    );
    assert!(
        !s.wq(WS_COMPANY, "{ companyRecruiter(id: \"140\") { id } }")["companyRecruiter"].is_null()
    );
    assert!(
        !s.wq(WS_RECRUITER, "{ recruiterCandidate(id: \"180\") { id } }")["recruiterCandidate"]
            .is_null()
    );
}

#[test]
fn another_companys_objects_are_forbidden() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_OTHER_COMPANY,
            "updateJob",
            json!({ "id": "100", "name": "Mine now" })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "acceptBid", json!({ "bid": "120" })),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createJob",
            json!({ "company": "2", "name": "For Globex", "skills": [] })
        ),
        "FORBIDDEN"
    );
    assert_eq!(job_name(&s, "100"), "Backend developer");
}

#[test]
fn unknown_or_wrongly_typed_ids_are_not_found() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updateJob",
            json!({ "id": "9999", "name": "x" })
        ),
        "NOT_FOUND"
    );
    // 110 exists but is a Hire, not a Bid.
    assert_eq!(
        s.op_err(WS_COMPANY, "acceptBid", json!({ "bid": "110" })),
        "NOT_FOUND"
    );
    assert_eq!(
        s.op_err(WS_COMPANY, "deleteNote", json!({ "id": "100" })),
        "NOT_FOUND"
    );
    assert!(s.wq(WS_COMPANY, "{ job(id: \"110\") { id } }")["job"].is_null());
}

#[test]
fn mutations_outside_the_eighty_are_not_in_the_schema() {
    let s = Server::start();
    let r = s.ws(
        WS_COMPANY,
        "mutation { duplicateJob(input: { job: \"100\" }) { id } }",
        json!({}),
        None,
    );
    assert_eq!(
        r.code().as_deref(),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{}",
        r.body
    );
}

#[test]
fn date_and_time_scalars_are_checked() {
    let s = Server::start();
    let bad_date =
        json!({ "worker": "3", "hire": "110", "startDate": "2026-13-01", "endDate": "2026-11-08" });
    assert_eq!(
        s.op_err(WS_WORKER, "createTimesheet", bad_date),
        "GRAPHQL_VALIDATION_FAILED"
    );
    let bad_time = json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08",
        "registrations": [{ "type": "DAY", "date": "2026-11-03", "startTime": "9:30", "duration": 1, "unit": "HOURS" }] });
    assert_eq!(
        s.op_err(WS_WORKER, "createTimesheet", bad_time),
        "GRAPHQL_VALIDATION_FAILED"
    );
}

#[test]
fn idempotency_key_applies_a_worksome_mutation_once() {
    let s = Server::start();
    let vars = json!({ "input": { "company": "1", "name": "Once", "skills": [] } });
    let first = s.ws(
        WS_COMPANY,
        &ws_op("createJob"),
        vars.clone(),
        Some("ws-key-1"),
    );
    let second = s.ws(
        WS_COMPANY,
        &ws_op("createJob"),
        vars.clone(),
        Some("ws-key-1"),
    );
    assert_eq!(first.status, 200);
    assert_eq!(first.body, second.body);
    assert_eq!(second.header("idempotency-replayed"), Some("true"));
    let id = first.json()["data"]["createJob"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let next: u64 = id.parse::<u64>().unwrap() + 1;
    assert!(
        s.wq(WS_COMPANY, &format!("{{ job(id: \"{next}\") {{ id }} }}"))["job"].is_null(),
        "a second job was created"
    );
    let applied = s.applied();
    let rows: Vec<_> = applied
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["api"] == "worksome")
        .collect();
    assert_eq!(rows.len(), 1, "{applied}");
    assert_eq!(rows[0]["operation"], "createJob");
    assert_eq!(rows[0]["timesApplied"], 1);
    // The same key from another caller is a reuse, not a replay.
    let other = s.ws(WS_COLLEAGUE, &ws_op("createJob"), vars, Some("ws-key-1"));
    assert_eq!(other.status, 422, "{}", other.body);
}

#[test]
fn bad_worksome_fixtures_fail_at_start_naming_the_problem() {
    let cases = [
        (
            json!({ "objects": [{ "type": "Company", "id": "c1", "name": "x" }] }),
            "must be digits",
        ),
        (
            json!({ "objects": [{ "type": "Nope", "id": "1" }] }),
            "Nope is not an object type",
        ),
        (
            json!({ "users": [{ "id": "1", "account": "99", "email": "a@b.test" }] }),
            "account 99 is not an object",
        ),
        (
            json!({ "objects": [{ "type": "Job", "id": "1", "name": "j" }], "users": [{ "id": "2", "account": "1", "email": "a@b.test" }] }),
            "not a Company, Worker or Recruiter",
        ),
        (
            json!({ "objects": [{ "type": "Worker", "id": "1", "name": "w" }], "users": [{ "id": "2", "account": "1", "email": "nope" }] }),
            "well-formed `email`",
        ),
    ];
    for (section, expected) in cases {
        let config = outbox_server::Config {
            db: ":memory:".into(),
            fixtures: json!({ "worksome": section }).to_string(),
            ..Default::default()
        };
        let err = outbox_server::AppState::new(&config)
            .err()
            .unwrap_or_else(|| panic!("accepted {section}"));
        assert!(
            err.contains("worksome") && err.contains(expected),
            "{expected:?} not in {err:?}"
        );
    }
}
