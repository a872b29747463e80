//! Worksome projects and user groups over real HTTP: create/update/delete, attach/detach,
//! end/open, each effect read back through queries.

mod common;

use common::*;
use serde_json::{json, Value};

fn project(s: &Server, id: &str) -> Value {
    s.wq(
        WS_COMPANY,
        &format!(
            "{{ project(id: \"{id}\") {{ name description internalBudget allocatedBudget endDate
        owners {{ id }} jobs {{ data {{ id project {{ id }} }} }} }} }}"
        ),
    )["project"]
        .clone()
}

#[test]
fn project_lifecycle() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "createProject",
            json!({ "name": "P", "company": "1" })
        ),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "createProject",
            json!({ "name": " ", "company": "1" })
        ),
        "BAD_USER_INPUT"
    );
    let p = s.op(WS_COMPANY, "createProject", json!({ "name": "Platform", "company": "1", "internalBudget": 5000, "owners": ["11", "12"] }));
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(
        (p["currency"].as_str(), p["creator"]["id"].as_str()),
        (Some("DKK"), Some("11"))
    );

    s.op(
        WS_COMPANY,
        "setInternalBudgetOnJob",
        json!({ "job": "100", "amount": 1500 }),
    );
    s.op(
        WS_COMPANY,
        "attachJobsToProject",
        json!({ "project": id, "jobs": ["100", "101"] }),
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "attachJobsToProject",
            json!({ "project": id, "jobs": ["102"] })
        ),
        "FORBIDDEN"
    );
    let got = project(&s, &id);
    assert_eq!(
        got["jobs"]["data"],
        json!([{ "id": "100", "project": { "id": id } }, { "id": "101", "project": { "id": id } }])
    );
    assert_eq!(got["allocatedBudget"], "1500.00");

    s.op(
        WS_COMPANY,
        "detachJobFromProject",
        json!({ "project": id, "job": "101" }),
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "detachJobFromProject",
            json!({ "project": id, "job": "101" })
        ),
        "JOB_NOT_IN_PROJECT"
    );
    s.op(WS_COMPANY, "updateProject", json!({ "id": id, "description": "Core platform", "internalBudget": "7500.5", "owners": ["12"] }));
    let got = project(&s, &id);
    assert_eq!(
        got,
        json!({ "name": "Platform", "description": "Core platform", "internalBudget": "7500.50", "allocatedBudget": "1500.00",
        "endDate": null, "owners": [{ "id": "12" }], "jobs": { "data": [{ "id": "100", "project": { "id": id } }] } })
    );
    assert!(
        s.wq(WS_COMPANY, "{ job(id: \"101\") { project { id } } }")["job"]["project"].is_null()
    );

    let ended = s.op(WS_COMPANY, "endProject", json!({ "id": id }));
    assert!(ended["endDate"].as_str().is_some_and(|d| d.len() == 10));
    assert_eq!(
        s.op_err(WS_COMPANY, "endProject", json!({ "id": id })),
        "PROJECT_ALREADY_ENDED"
    );
    assert_eq!(project(&s, &id)["endDate"], ended["endDate"]);
    assert!(s.op(WS_COMPANY, "openProject", json!({ "id": id }))["endDate"].is_null());
    assert_eq!(
        s.op_err(WS_COMPANY, "openProject", json!({ "id": id })),
        "PROJECT_NOT_ENDED"
    );
    assert!(project(&s, &id)["endDate"].is_null());

    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "deleteProject", json!({ "id": id })),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op(WS_COMPANY, "deleteProject", json!({ "id": id }))["id"],
        id.as_str()
    );
    assert!(project(&s, &id).is_null());
    assert!(
        s.wq(WS_COMPANY, "{ job(id: \"100\") { project { id } } }")["job"]["project"].is_null()
    );
}

fn members(s: &Server, id: &str) -> Value {
    s.wq(
        WS_COMPANY,
        &format!("{{ userGroup(id: \"{id}\") {{ name status users {{ data {{ id }} }} }} }}"),
    )["userGroup"]
        .clone()
}

#[test]
fn user_group_lifecycle() {
    let s = Server::start();
    assert_eq!(
        s.op_err(
            WS_RECRUITER,
            "createUserGroup",
            json!({ "name": "G", "status": "ACTIVE", "company": "1" })
        ),
        "COMPANY_ONLY"
    );
    let bad = json!({ "name": "G", "status": "ACTIVE", "company": "1", "users": ["31"] });
    assert_eq!(
        s.op_err(WS_COMPANY, "createUserGroup", bad),
        "BAD_USER_INPUT"
    );
    let g = s.op(
        WS_COMPANY,
        "createUserGroup",
        json!({ "name": "Finance", "status": "ACTIVE", "company": "1", "users": ["11"] }),
    );
    let id = g["id"].as_str().unwrap().to_string();
    s.op(
        WS_COMPANY,
        "attachUsersToUserGroup",
        json!({ "userGroup": id, "users": ["12", "11"] }),
    );
    assert_eq!(
        members(&s, &id)["users"]["data"],
        json!([{ "id": "11" }, { "id": "12" }])
    );
    s.op(
        WS_COMPANY,
        "detachUsersFromUserGroup",
        json!({ "userGroup": id, "users": ["11"] }),
    );
    assert_eq!(members(&s, &id)["users"]["data"], json!([{ "id": "12" }]));
    s.op(
        WS_COMPANY,
        "updateUserGroup",
        json!({ "id": id, "name": "Finance team", "status": "INACTIVE" }),
    );
    assert_eq!(
        members(&s, &id),
        json!({ "name": "Finance team", "status": "INACTIVE", "users": { "data": [{ "id": "12" }] } })
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "detachUsersFromUserGroup",
            json!({ "userGroup": id, "users": ["12"] })
        ),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op(WS_COMPANY, "deleteUserGroup", json!({ "id": id }))["status"],
        "ARCHIVED"
    );
    assert!(members(&s, &id).is_null());
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updateUserGroup",
            json!({ "id": id, "name": "Back" })
        ),
        "NOT_FOUND"
    );
}

#[test]
fn nested_paginators_honour_first_and_page() {
    let s = Server::start();
    let p = s.op(
        WS_COMPANY,
        "createProject",
        json!({ "name": "Many jobs", "company": "1" }),
    );
    let id = p["id"].as_str().unwrap().to_string();
    let mut jobs = Vec::new();
    for i in 0..11 {
        let j = s.op(
            WS_COMPANY,
            "createJob",
            json!({ "company": "1", "name": format!("Job {i}"), "skills": [] }),
        );
        jobs.push(j["id"].as_str().unwrap().to_string());
    }
    s.op(
        WS_COMPANY,
        "attachJobsToProject",
        json!({ "project": id, "jobs": jobs }),
    );
    let page = |args: &str| {
        s.wq(WS_COMPANY, &format!("{{ project(id: \"{id}\") {{ jobs{args} {{ paginatorInfo {{ count currentPage perPage total lastPage hasMorePages }} data {{ id }} }} }} }}"))["project"]["jobs"].clone()
    };
    // The schema's default is first: 10.
    let first = page("");
    assert_eq!(
        first["paginatorInfo"],
        json!({ "count": 10, "currentPage": 1, "perPage": 10, "total": 11, "lastPage": 2, "hasMorePages": true })
    );
    let last = page("(first: 10, page: 2)");
    assert_eq!(last["data"], json!([{ "id": jobs[10] }]));
    assert_eq!(last["paginatorInfo"]["hasMorePages"], false);
    let r = s.ws(
        WS_COMPANY,
        &format!("{{ project(id: \"{id}\") {{ jobs(first: 0) {{ data {{ id }} }} }} }}"),
        json!({}),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("BAD_USER_INPUT"), "{}", r.body);
}
