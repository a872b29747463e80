//! The SDK's query documents (`operations/<api>/queries/*.graphql`) over real HTTP: the reference
//! server answers every one of them without errors, with the shape the document selects.

mod common;

use common::*;
use serde_json::{json, Value};

fn query_doc(api: &str, name: &str) -> String {
    let path = format!(
        "{}/../operations/{api}/queries/{name}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Runs query `name` of Worksome and returns `data`, failing on any error.
fn ws_query(s: &Server, token: &str, name: &str, variables: Value) -> Value {
    let r = s.ws(token, &query_doc("worksome", name), variables, None);
    let v = r.json();
    assert!(v.get("errors").is_none(), "{name}: unexpected errors: {}", r.body);
    v["data"].clone()
}

/// Runs query `name` of the GC Directory as `token` and returns `data`, failing on any error.
fn gc_query(s: &Server, token: &str, name: &str, variables: Value) -> Value {
    let r = s.gql(Some(token), &query_doc("gcdirectory", name), variables, None);
    let v = r.json();
    assert!(v.get("errors").is_none(), "{name}: unexpected errors: {}", r.body);
    v["data"].clone()
}

#[test]
fn worksome_viewer_with_the_workers_hires() {
    let s = Server::start();
    let d = ws_query(&s, WS_WORKER, "viewer", json!({ "worker": "3" }));
    assert_eq!(d["viewer"]["__typename"], "User");
    assert!(d["viewer"]["id"].is_string(), "{d}");
    assert_eq!(d["worker"]["__typename"], "Worker");
    assert_eq!(d["worker"]["id"], "3");
    let hires = d["worker"]["hires"]["data"].as_array().expect("hires.data").clone();
    assert!(!hires.is_empty(), "{d}");
    for h in &hires {
        assert_eq!(h["__typename"], "Hire");
        assert!(h["job"]["name"].is_string() && h["company"]["name"].is_string(), "{h}");
    }
    assert_eq!(d["worker"]["hires"]["paginatorInfo"]["perPage"], 50);
}

#[test]
fn worksome_hire() {
    let s = Server::start();
    let d = ws_query(&s, WS_WORKER, "hire", json!({ "id": "110" }));
    let h = &d["hire"];
    assert_eq!((h["__typename"].as_str(), h["id"].as_str()), (Some("Hire"), Some("110")), "{d}");
    assert_eq!(h["worker"]["id"], "3");
    assert!(h["job"]["name"].is_string(), "{d}");
    let none = ws_query(&s, WS_WORKER, "hire", json!({ "id": "999999" }));
    assert_eq!(none["hire"], Value::Null);
}

#[test]
fn worksome_timesheet_with_its_registrations() {
    let s = Server::start();
    let reg = |date: &str| json!({ "type": "DAY", "date": date, "duration": 7.5, "unit": "HOURS", "comments": "site" });
    let t = s.op(
        WS_WORKER,
        "createTimesheet",
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08",
                "registrations": [reg("2026-11-03"), reg("2026-11-04")] }),
    );
    let id = t["id"].as_str().unwrap().to_string();
    let d = ws_query(&s, WS_WORKER, "timesheet", json!({ "id": id }));
    let ts = &d["timesheet"];
    assert_eq!(ts["__typename"], "Timesheet");
    assert_eq!(ts["hire"]["id"], "110");
    let regs = ts["registrations"]["data"].as_array().unwrap();
    assert_eq!(regs.len(), 2, "{d}");
    assert_eq!(regs[0]["__typename"], "TimesheetRegistration");
    assert_eq!(regs[0]["date"], "2026-11-03");
    assert_eq!(regs[1]["comments"], "site");
    assert_eq!(ts["registrations"]["paginatorInfo"]["perPage"], 100);
}

#[test]
fn worksome_timesheets() {
    let s = Server::start();
    let t = s.op(
        WS_WORKER,
        "createTimesheet",
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08" }),
    );
    let id = t["id"].as_str().unwrap().to_string();
    let list = ws_query(&s, WS_WORKER, "timesheets", json!({}));
    let data = list["timesheets"]["data"].as_array().unwrap();
    let mine = data.iter().find(|t| t["id"] == id.as_str()).unwrap_or_else(|| panic!("{list}"));
    assert_eq!(mine["hire"]["id"], "110");
    assert_eq!(mine["hire"]["__typename"], "Hire");
}

#[test]
fn gcdirectory_profile() {
    let s = Server::start();
    let p = gc_query(&s, UMA, "profile", json!({ "gcId": "2" }));
    assert_eq!(p["profile"]["__typename"], "Profile");
    assert_eq!(p["profile"]["gcId"], "2");
    assert_eq!(p["profile"]["team"]["nameEn"], "Digital Services");
    assert!(p["profile"]["submittedApprovals"].as_array().is_some_and(|a| !a.is_empty()), "{p}");
}

#[test]
fn gcdirectory_org_tier() {
    let s = Server::start();
    let o = gc_query(&s, UMA, "orgTier", json!({ "id": "1" }));
    assert_eq!(o["orgTier"]["__typename"], "OrgTier");
    assert_eq!(o["orgTier"]["organization"]["acronymEn"], "TBS");
    assert_eq!(o["orgTier"]["owner"]["gcId"], "3");
    assert_eq!(o["orgTier"]["members"].as_array().map(Vec::len), Some(2));
}

#[test]
fn gcdirectory_approval() {
    let s = Server::start();
    let a = gc_query(&s, SAM, "approval", json!({ "id": "1" }));
    assert_eq!(a["approval"]["__typename"], "Approval");
    assert_eq!(a["approval"]["gcIDApprover"]["gcId"], "3");
    assert_eq!(a["approval"]["requestedChange"]["titleEn"], "Senior Analyst");
    assert_eq!(a["approval"]["requestedChange"]["__typename"], "RequestedChange");
}
