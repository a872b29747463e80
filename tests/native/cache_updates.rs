//! Apps' `updates` on the real Worksome tables (`createTimesheet` into the `timesheets` list),
//! against the in-memory store: the optimistic create under its placeholder, a dependant's
//! pending update on it, re-keying when sent, rollback when dead or discarded, and either order
//! of "the list was refetched" and "the create was sent" ending with one real entity.

use crate::fakes::block_on;
use graphql_outbox::api::model::Query;
use graphql_outbox::api::validate::query_variables;
use graphql_outbox::api::worksome::API;
use graphql_outbox::cache::updates::{dedupe_refs, optimistic};
use graphql_outbox::cache::{overlay_for, Cache, Layer, Target, Updating};
use graphql_outbox::store::{CacheStore, Durability, MemoryCacheStore};
use serde_json::{json, Value};

pub(crate) fn timesheets() -> &'static Query {
    API.query("timesheets").expect("a timesheets query")
}

/// The list's variables as a query call validates them (the root key depends on it).
pub(crate) fn list_vars() -> Value {
    Value::Object(query_variables(&API, timesheets(), json!({ "first": 50 })).expect("valid"))
}

pub(crate) fn sheet(id: &str, start: &str) -> Value {
    json!({ "__typename": "Timesheet", "id": id, "startDate": start, "endDate": "2026-11-08", "createdAt": "2026-11-01 10:00:00",
            "worker": { "__typename": "Worker", "id": "3" }, "hire": { "__typename": "Hire", "id": "7", "number": "H-7" } })
}

pub(crate) fn list(sheets: &[Value]) -> Value {
    json!({ "timesheets": { "__typename": "TimesheetPaginator",
        "paginatorInfo": { "__typename": "PaginatorInfo", "count": sheets.len(), "currentPage": 1, "firstItem": 1, "hasMorePages": false,
                           "lastItem": sheets.len(), "lastPage": 1, "perPage": 50, "total": sheets.len() },
        "data": sheets } })
}

pub(crate) fn cache_with_list(sheets: &[Value]) -> Cache<MemoryCacheStore> {
    let c = Cache::new(MemoryCacheStore::new());
    block_on(c.write_result("w", &API, Target::Query(timesheets()), &list_vars(), &list(sheets), 1000.0)).expect("write");
    c
}

pub(crate) fn create_vars() -> Value {
    json!({ "input": { "worker": "3", "hire": "7", "startDate": "2026-11-09", "endDate": "2026-11-15" } })
}

/// The app's function: append the created timesheet to the cached list (as www/ does).
pub(crate) fn append(u: &mut Updating<'_, '_>, created: &Value) {
    let vars = list_vars();
    if let Some(mut data) = u.read(timesheets(), &vars) {
        data["timesheets"]["data"].as_array_mut().expect("a list").push(created.clone());
        u.write(timesheets(), &vars, &data).expect("takes its own shape");
    }
}

fn create_layer(entry: &str) -> Layer<'static> {
    let op = API.operation("createTimesheet").unwrap();
    let created = optimistic(&API, op, &create_vars(), entry);
    Layer::Update { api: &API, entry_id: entry.into(), vars: create_vars(), run: Box::new(move |u: &mut Updating<'_, '_>| append(u, &created)) }
}

pub(crate) fn read(c: &Cache<MemoryCacheStore>, layers: &mut [Layer<'_>]) -> (Vec<Value>, Vec<String>) {
    let got = block_on(c.read_layers("w", timesheets(), &list_vars(), layers)).expect("a hit");
    (got.data["timesheets"]["data"].as_array().cloned().unwrap_or_default(), got.pending)
}

pub(crate) fn ids(sheets: &[Value]) -> Vec<String> {
    sheets.iter().map(|s| s["id"].as_str().unwrap_or("?").to_string()).collect()
}

#[test]
fn the_optimistic_result_comes_from_the_variables_with_the_placeholder_as_id() {
    let op = API.operation("createTimesheet").unwrap();
    let r = optimistic(&API, op, &create_vars(), "e1");
    assert_eq!(r["__typename"], "Timesheet");
    assert_eq!(r["id"], "tmp:e1", "the created id is the entry's placeholder");
    assert_eq!((r["startDate"].clone(), r["endDate"].clone()), (json!("2026-11-09"), json!("2026-11-15")), "input fields by name");
    assert_eq!(r["hire"], json!({ "__typename": "Hire", "id": "7" }), "an ID argument named like a related object: its key");
    assert_eq!(r["createdAt"], Value::Null, "what the variables do not say is null");
    let mfa = API.operation("createSmsMultiFactor").unwrap();
    let r = optimistic(&API, mfa, &json!({ "input": { "name": "phone" } }), "e2");
    assert_eq!(r["multiFactor"]["id"], "tmp:e2", "a payload's created object carries the placeholder: {r}");
}

#[test]
fn a_pending_create_shows_in_the_list_under_its_placeholder_and_goes_when_dead() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let (data, pending) = read(&c, &mut [create_layer("e1")]);
    assert_eq!(ids(&data), ["1", "tmp:e1"]);
    assert_eq!(pending, ["e1"], "the list names the create's entry");
    let new = &data[1];
    assert_eq!(new["hire"]["number"], "H-7", "the related hire is the cached one");
    assert_eq!(new["createdAt"], Value::Null, "unknown fields of a created entity read null, not a miss");
    assert_eq!(new["worker"]["id"], "3");
    // Dead or discarded: the entry is no longer live, so it has no layer.
    let (data, pending) = read(&c, &mut []);
    assert_eq!((ids(&data), pending.len()), (vec!["1".to_string()], 0), "rolled back, and nothing was stored");
    let stored = block_on(c.store().load("w")).unwrap();
    assert!(stored.iter().all(|(k, v)| !k.contains("tmp:") && !v.to_string().contains("tmp:")), "overlays are never stored");
}

#[test]
fn a_dependants_pending_update_applies_to_the_created_entity() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let edit = overlay_for(&API, "updateTimesheet", &json!({ "input": { "id": "tmp:e1", "endDate": "2026-11-12" } }), "e2").expect("a patch");
    let (data, pending) = read(&c, &mut [create_layer("e1"), Layer::Overlay(edit)]);
    assert_eq!((data[1]["id"].clone(), data[1]["endDate"].clone()), (json!("tmp:e1"), json!("2026-11-12")));
    assert_eq!(pending, ["e1", "e2"]);
}

#[test]
fn sent_the_servers_answer_is_stored_under_the_real_id() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let server = sheet("99", "2026-11-09");
    let changed = block_on(c.commit_update("w", &API, "e1", 2000.0, &mut |u| append(u, &server))).expect("commit");
    assert!(changed.contains(&"Timesheet:99".to_string()) && changed.iter().any(|k| k.starts_with("?timesheets")), "{changed:?}");
    assert_eq!(c.store().last_durability.get(), Some(Durability::Strict), "a sent entry's result is strict");
    let (data, pending) = read(&c, &mut []);
    assert_eq!((ids(&data), pending.len()), (vec!["1".to_string(), "99".to_string()], 0), "the real id, nothing pending");
    // Forgotten in memory (a reload), read back from the store: the same.
    c.forget("w");
    let got = block_on(c.read("w", timesheets(), &list_vars(), &[])).expect("a hit after reload");
    assert_eq!(ids(got.data["timesheets"]["data"].as_array().unwrap()), ["1", "99"]);
}

#[test]
fn a_list_refetched_before_the_sent_write_still_ends_with_one_real_entity() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    // The server applied the create; the list is refetched while the entry is still live.
    block_on(c.write_result("w", &API, Target::Query(timesheets()), &list_vars(), &list(&[sheet("1", "2026-11-02"), sheet("99", "2026-11-09")]), 1500.0)).unwrap();
    assert_eq!(ids(&read(&c, &mut [create_layer("e1")]).0), ["1", "99", "tmp:e1"], "both, while the create is being written");
    let server = sheet("99", "2026-11-09");
    block_on(c.commit_update("w", &API, "e1", 2000.0, &mut |u| append(u, &server))).unwrap();
    assert_eq!(ids(&read(&c, &mut []).0), ["1", "99"], "appended again, shown once");
}

#[test]
fn a_list_refetched_after_the_sent_write_ends_with_one_real_entity() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let server = sheet("99", "2026-11-09");
    block_on(c.commit_update("w", &API, "e1", 2000.0, &mut |u| append(u, &server))).unwrap();
    block_on(c.write_result("w", &API, Target::Query(timesheets()), &list_vars(), &list(&[sheet("99", "2026-11-09"), sheet("1", "2026-11-02")]), 2500.0)).unwrap();
    assert_eq!(ids(&read(&c, &mut []).0), ["99", "1"], "the server's list, as the server orders it");
}

#[test]
fn an_update_of_a_query_not_cached_changes_nothing_and_a_miss_is_not_an_error() {
    let c = Cache::new(MemoryCacheStore::new());
    let server = sheet("99", "2026-11-09");
    let changed = block_on(c.commit_update("w", &API, "e1", 2000.0, &mut |u| append(u, &server))).unwrap();
    assert!(changed.is_empty(), "the function got null and returned nothing: {changed:?}");
}

#[test]
fn lists_hold_each_ref_once() {
    let mut v = json!({ "data": [{ "__ref": "T:1" }, { "__ref": "T:2" }, { "__ref": "T:1" }], "x": [[{ "__ref": "T:3" }, { "__ref": "T:3" }]] });
    dedupe_refs(&mut v);
    assert_eq!(v, json!({ "data": [{ "__ref": "T:1" }, { "__ref": "T:2" }], "x": [[{ "__ref": "T:3" }]] }));
}

#[test]
fn a_sent_answer_that_would_leave_the_list_incomplete_keeps_the_old_list() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    // Hire 8 is not cached: its `number`, which the list shows, is known nowhere.
    let mut server = sheet("99", "2026-11-09");
    server["hire"] = json!({ "__typename": "Hire", "id": "8" });
    block_on(c.commit_update("w", &API, "e1", 2000.0, &mut |u| append(u, &server))).unwrap();
    assert_eq!(ids(&read(&c, &mut []).0), ["1"], "still a hit, without the new entity until the list is refetched");
}
