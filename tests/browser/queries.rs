//! `client.<api>.query.<name>` against the reference server: every query document answered with
//! the shape it selects, over data each test makes itself (the suite can run twice on one
//! server); and the rejections, named as the mutations' are.

use crate::support::*;
use crate::worksome::WORKER;
use serde_json::Value;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

const ADMIN: &str = "gc-admin-token";
const SAM: &str = "gc-user-sam-token";

/// A client of its own database acting with `token` on both APIs.
async fn as_user(token: &str) -> graphql_outbox::Client {
    client(token).await
}

/// A query's resolution, checked to be a network result; returns `data`.
fn network_data(r: Value) -> Value {
    assert_eq!(r["source"], "network", "{r}");
    assert_eq!(r["pending"], serde_json::json!([]), "{r}");
    assert!(r["fetchedAt"].as_f64().is_some_and(|t| t > 1.7e12), "{r}");
    r["data"].clone()
}

/// A suffix no earlier run used, for names this test creates.
fn unique() -> String {
    js_sys::Math::random().to_string().trim_start_matches("0.").chars().take(8).collect()
}

#[wasm_bindgen_test]
async fn worksome_queries_read_a_timesheet_the_test_made() {
    let c = as_user(WORKER).await;
    let note = format!("query test {}", unique());
    let input = js(&format!(
        r#"{{"worker":"3","hire":"110","startDate":"2026-12-07","endDate":"2026-12-13","registrations":[
            {{"type":"DAY","date":"2026-12-08","duration":7.5,"unit":"HOURS","comments":{note:?}}},
            {{"type":"DAY","date":"2026-12-09","duration":6,"unit":"HOURS"}}]}}"#
    ));
    let made = settle(c.worksome().create_timesheet(input, None)).await.unwrap_or_else(|e| panic!("{:?}", error_parts(&e)));
    let id = made["data"]["id"].as_str().expect("timesheet id").to_string();

    let t = network_data(settle(c.worksome().query().timesheet(js(&format!(r#"{{"id":{id:?}}}"#)), None)).await.expect("timesheet"));
    let ts = &t["timesheet"];
    assert_eq!((ts["__typename"].as_str(), ts["id"].as_str()), (Some("Timesheet"), Some(id.as_str())), "{t}");
    assert_eq!(ts["hire"]["id"], "110");
    assert!(ts["hire"]["job"]["name"].is_string(), "{t}");
    let regs = ts["registrations"]["data"].as_array().expect("registrations");
    assert_eq!(regs.len(), 2, "{t}");
    assert_eq!((regs[0]["__typename"].as_str(), regs[0]["comments"].as_str()), (Some("TimesheetRegistration"), Some(note.as_str())));
    assert_eq!(regs[1]["duration"], 6.0);

    let list = network_data(settle(c.worksome().query().timesheets(js(r#"{"first":100}"#), Some(js(r#"{"policy":"network-only"}"#).unchecked_into()))).await.expect("timesheets"));
    let pages = list["timesheets"]["paginatorInfo"]["lastPage"].as_u64().unwrap_or(1);
    let mut found = list["timesheets"]["data"].as_array().unwrap().iter().any(|t| t["id"] == id.as_str());
    for page in 2..=pages {
        let more = settle(c.worksome().query().timesheets(js(&format!(r#"{{"first":100,"page":{page}}}"#)), None)).await.expect("page");
        found |= more["data"]["timesheets"]["data"].as_array().unwrap().iter().any(|t| t["id"] == id.as_str());
    }
    assert!(found, "the new timesheet is in the list");

    let h = network_data(settle(c.worksome().query().hire(js(r#"{"id":"110"}"#), Some(js(r#"{"policy":"cache-first"}"#).unchecked_into()))).await.expect("hire"));
    assert_eq!((h["hire"]["__typename"].as_str(), h["hire"]["worker"]["id"].as_str()), (Some("Hire"), Some("3")), "{h}");

    let v = network_data(settle(c.worksome().query().viewer(js(r#"{"worker":"3"}"#), None)).await.expect("viewer"));
    assert_eq!(v["viewer"]["__typename"], "User");
    let hires = v["worker"]["hires"]["data"].as_array().expect("hires");
    assert!(hires.iter().any(|h| h["id"] == "110" && h["company"]["name"].is_string()), "{v}");
}

#[wasm_bindgen_test]
async fn gcdirectory_queries_read_an_org_tier_the_test_made() {
    let name = format!("Query Lab {}", unique());
    let admin = as_user(ADMIN).await;
    let args = js(&format!(r#"{{"nameEn":{name:?},"nameFr":"Labo","organization":{{"id":"1"}},"owner":{{"gcID":"3"}}}}"#));
    let made = settle(admin.gcdirectory().create_org_tier(args, None)).await.expect("created");
    let id = made["data"]["id"].as_str().unwrap().to_string();

    let o = network_data(settle(admin.gcdirectory().query().org_tier(js(&format!(r#"{{"id":{id:?}}}"#)), None)).await.expect("orgTier"));
    assert_eq!((o["orgTier"]["__typename"].as_str(), o["orgTier"]["nameEn"].as_str()), (Some("OrgTier"), Some(name.as_str())), "{o}");
    assert_eq!(o["orgTier"]["owner"]["gcId"], "3");
    assert_eq!(o["orgTier"]["organization"]["acronymEn"], "TBS");

    let p = network_data(settle(admin.gcdirectory().query().profile(js(r#"{"gcId":"3"}"#), None)).await.expect("profile"));
    let owned = p["profile"]["ownerOfTeams"].as_array().expect("ownerOfTeams");
    assert!(owned.iter().any(|t| t["id"] == id.as_str() && t["__typename"] == "OrgTier"), "{p}");

    let sam = as_user(SAM).await;
    let a = network_data(settle(sam.gcdirectory().query().approval(js(r#"{"id":"1"}"#), None)).await.expect("approval"));
    assert_eq!((a["approval"]["__typename"].as_str(), a["approval"]["gcIDApprover"]["gcId"].as_str()), (Some("Approval"), Some("3")), "{a}");
    assert_eq!(a["approval"]["requestedChange"]["__typename"], "RequestedChange");
}

#[wasm_bindgen_test]
async fn query_rejections_are_named() {
    let c = as_user(ADMIN).await;
    let q = c.gcdirectory().query();
    let fail = |r: Result<Value, wasm_bindgen::JsValue>| error_parts(&r.expect_err("must reject"));

    let (name, _, d) = fail(settle(q.profile(js("{}"), None)).await);
    assert_eq!((name.as_str(), d["operation"].as_str(), d["path"].as_str()), ("ValidationError", Some("profile"), Some("gcId")));
    let (name, _, d) = fail(settle(q.profile(js(r#"{"gcId":"1"}"#), Some(js(r#"{"policy":"cache-and-network"}"#).unchecked_into()))).await);
    assert_eq!((name.as_str(), d["path"].as_str()), ("ValidationError", Some("options.policy")));
    let (name, _, d) = fail(settle(q.profile(js(r#"{"gcId":"1"}"#), Some(js(r#"{"policy":"cache-only"}"#).unchecked_into()))).await);
    assert_eq!((name.as_str(), d["operation"].as_str()), ("CacheMissError", Some("profile")));

    let stranger = as_user("not-a-token").await;
    let (name, _, d) = fail(settle(stranger.gcdirectory().query().profile(js(r#"{"gcId":"1"}"#), None)).await);
    assert_eq!((name.as_str(), d["status"].as_u64()), ("AuthError", Some(401)));

    let worker = as_user(WORKER).await;
    let (name, _, d) = fail(settle(worker.worksome().query().timesheets(js(r#"{"accounts":["1"]}"#), None)).await);
    assert_eq!(name, "GraphQLError", "{d}");
    assert_eq!(d["errors"][0]["extensions"]["code"], "FORBIDDEN", "{d}");

    let offline = open(options_in(&fresh_db(), "test-user", UNREACHABLE, ADMIN)).await;
    // network-first with no answer falls back to the cache: a miss there is CacheMissError
    // (saying the network did not answer); network-only is the network's own error.
    let (name, _, d) = fail(settle(offline.gcdirectory().query().profile(js(r#"{"gcId":"1"}"#), None)).await);
    assert_eq!((name.as_str(), d["operation"].as_str()), ("CacheMissError", Some("profile")));
    assert!(d["reason"].as_str().is_some_and(|r| r.contains("network did not answer")), "{d}");
    let only = Some(js(r#"{"policy":"network-only"}"#).unchecked_into());
    let (name, _, d) = fail(settle(offline.gcdirectory().query().profile(js(r#"{"gcId":"1"}"#), only)).await);
    assert_eq!((name.as_str(), d["status"].clone()), ("NetworkError", Value::Null));
}
