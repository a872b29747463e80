//! The pending layer: outbox entries' overlays applied on read, replaced by the server's
//! answer when sent, rolled back when dead or discarded.

use crate::cache::{cache_with_timesheet, registration, timesheet_data, ts_vars};
use crate::cache_tables::{query, API};
use crate::fakes::block_on;
use graphql_outbox::cache::record::{entity_key, ref_value};
use graphql_outbox::cache::{overlay_for, Cache, CacheError, Op, Overlay, Target};
use graphql_outbox::store::{Durability, MemoryCacheStore};
use serde_json::{json, Value};

fn update(entry: &str, id: &str, input: Value) -> Overlay {
    let mut input = input;
    input["id"] = json!(id);
    overlay_for(&API, "updateTimesheetRegistration", &json!({ "input": input }), entry).expect("a patched mutation")
}

fn regs(c: &Cache<MemoryCacheStore>, overlays: &[Overlay]) -> (Vec<Value>, Vec<String>) {
    let got = block_on(c.read("alice", query("timesheet"), &ts_vars(), overlays)).expect("hit");
    (got.data["timesheet"]["registrations"]["data"].as_array().cloned().unwrap_or_default(), got.pending)
}

#[test]
fn overlay_for_maps_arguments_to_fields_by_the_patch_table() {
    let o = update("e1", "11", json!({ "duration": 3.5 }));
    assert_eq!(o.ops, [Op::Set { key: "TimesheetRegistration:11".into(), path: vec!["duration".into()], value: json!(3.5) }], "absent arguments are not set");
    let del = overlay_for(&API, "deleteTimesheetRegistration", &json!({ "id": 10 }), "e2").unwrap();
    assert_eq!(del.ops, [Op::Delete { key: "TimesheetRegistration:10".into() }], "a numeric key reads as its text");
    assert_eq!(overlay_for(&API, "createTimesheet", &json!({}), "e3"), None, "no patch, no overlay");
    assert_eq!(overlay_for(&API, "updateTimesheetRegistration", &json!({ "input": { "duration": 1 } }), "e4"), None, "no key, no overlay");
}

#[test]
fn pending_values_show_in_entry_order_with_their_entry_ids() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let a = update("entry-a", "11", json!({ "duration": 3.0, "comments": "late" }));
    let b = update("entry-b", "11", json!({ "duration": 4.0 }));
    let (data, pending) = regs(&c, &[a.clone(), b.clone()]);
    assert_eq!((data[1]["duration"].clone(), data[1]["comments"].clone()), (json!(4.0), json!("late")), "later entries win, per field");
    assert_eq!(data[0]["duration"], 1.5, "other entities untouched");
    assert_eq!(pending, ["entry-a", "entry-b"]);
    let (data, pending) = regs(&c, &[]);
    assert_eq!((data[1]["duration"].clone(), pending.len()), (json!(2.0), 0), "overlays are never written into the records");
    let unrelated = update("entry-z", "99", json!({ "duration": 1.0 }));
    assert_eq!(regs(&c, &[unrelated]).1, Vec::<String>::new(), "an overlay of an entity not shown is not pending here");
}

#[test]
fn a_sent_entry_is_replaced_by_the_servers_answer() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let a = update("entry-a", "11", json!({ "duration": 3.0 }));
    assert_eq!(regs(&c, &[a]).0[1]["duration"], 3.0);
    // Sent: the server answered 3.25 (rounded); the integrator writes it and drops the overlay.
    let answer = json!({ "updateTimesheetRegistration": registration(11, 3.25) });
    let vars = json!({ "input": { "id": "11", "duration": 3.0 } });
    let changed = block_on(c.write_result("alice", &API, Target::Mutation(API.operation("updateTimesheetRegistration").unwrap()), &vars, &answer, 5000.0)).unwrap();
    assert_eq!(changed, ["TimesheetRegistration:11"]);
    assert_eq!(c.store().last_durability.get(), Some(Durability::Strict), "a sent mutation's result is strict");
    let (data, pending) = regs(&c, &[]);
    assert_eq!((data[1]["duration"].clone(), pending), (json!(3.25), vec![]), "the server's value, nothing pending");
}

#[test]
fn a_dead_or_discarded_entry_rolls_back() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let a = update("entry-a", "10", json!({ "duration": 8.0 }));
    let b = update("entry-b", "10", json!({ "comments": "x" }));
    assert_eq!(regs(&c, &[a, b.clone()]).0[0]["duration"], 8.0);
    // entry-a died: its overlay goes, entry-b's stays.
    let (data, pending) = regs(&c, &[b]);
    assert_eq!((data[0]["duration"].clone(), data[0]["comments"].clone(), pending), (json!(1.5), json!("x"), vec!["entry-b".to_string()]));
    assert_eq!(regs(&c, &[]).0[0], registration(10, 1.5), "all gone: the cached value");
}

#[test]
fn a_pending_delete_hides_the_entity_from_lists() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let del = overlay_for(&API, "deleteTimesheetRegistration", &json!({ "id": "10" }), "entry-d").unwrap();
    let (data, pending) = regs(&c, &[del]);
    assert_eq!(data, [registration(11, 2.0)], "10 is hidden");
    assert_eq!(pending, ["entry-d"]);
    assert_eq!(regs(&c, &[]).0.len(), 2, "discarded: back");
}

#[test]
fn an_app_update_adds_a_created_entity_to_a_list() {
    let c = cache_with_timesheet(&[1.5]);
    let tmp = entity_key("TimesheetRegistration", "tmp:1");
    let list = vec![r#"registrations{"first":50,"page":1}"#.to_string(), "data".into()];
    let mut fields: Vec<Op> = registration(0, 6.0)
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| Op::Set { key: tmp.clone(), path: vec![k.clone()], value: if k == "id" { json!("tmp:1") } else { v.clone() } })
        .collect();
    fields.push(Op::Insert { key: "Timesheet:1".into(), path: list.clone(), value: ref_value(&tmp), index: None });
    let create = Overlay { entry_id: "entry-c".into(), ops: fields };
    let (data, pending) = regs(&c, std::slice::from_ref(&create));
    assert_eq!(data.len(), 2);
    assert_eq!((data[1]["id"].clone(), data[1]["duration"].clone()), (json!("tmp:1"), json!(6.0)));
    assert_eq!(pending, ["entry-c"]);
    // An update queued after the create, on the placeholder, shows on top of it.
    let (data, pending) = regs(&c, &[create.clone(), update("entry-u", "tmp:1", json!({ "duration": 6.5 }))]);
    assert_eq!((data[1]["duration"].clone(), pending.len()), (json!(6.5), 2));
    // A list the query did not select: the insert is ignored, nothing breaks.
    let stray = Overlay { entry_id: "s".into(), ops: vec![Op::Insert { key: "Timesheet:1".into(), path: vec!["nope".into()], value: ref_value(&tmp), index: Some(0) }] };
    assert_eq!(regs(&c, &[stray]).0.len(), 1);
}

#[test]
fn an_overlay_on_a_record_the_cache_lacks_is_a_miss_not_a_guess() {
    let c = Cache::new(MemoryCacheStore::new());
    let o = update("e", "11", json!({ "duration": 1.0 }));
    let r = block_on(c.read("alice", query("timesheet"), &ts_vars(), &[o]));
    assert!(matches!(r, Err(CacheError::Miss(_))), "{r:?}");
}

#[test]
fn the_pending_view_survives_a_reload() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let o = update("entry-a", "11", json!({ "duration": 3.0 }));
    let before = block_on(c.read("alice", query("timesheet"), &ts_vars(), std::slice::from_ref(&o))).unwrap();
    // A new cache over the same records (a reload), the overlay derived again from the
    // durable entry: the same view.
    let store = MemoryCacheStore::new();
    let recs = block_on(graphql_outbox::store::CacheStore::load(c.store(), "alice")).unwrap();
    block_on(graphql_outbox::store::CacheStore::write(&store, "alice", &recs, &[], Durability::Strict)).unwrap();
    let after = block_on(Cache::new(store).read("alice", query("timesheet"), &ts_vars(), &[o])).unwrap();
    assert_eq!(before, after);
    assert_ne!(after.data, timesheet_data(&[1.5, 2.0]));
}

#[test]
fn a_sent_delete_removes_the_entity_and_its_refs() {
    let c = cache_with_timesheet(&[1.5, 2.0]);
    let vars = json!({ "id": "10" });
    let key = graphql_outbox::cache::delete::deleted_key(&API, "deleteTimesheetRegistration", &vars).expect("a delete patch");
    assert_eq!(key, "TimesheetRegistration:10");
    assert_eq!(graphql_outbox::cache::delete::deleted_key(&API, "updateTimesheetRegistration", &json!({ "input": { "id": "1" } })), None);
    c.store().reset_counters();
    let changed = block_on(c.write_deleted("alice", &key)).unwrap();
    assert_eq!(changed, ["Timesheet:1", "TimesheetRegistration:10"]);
    assert_eq!((c.store().puts.get(), c.store().last_durability.get()), (1, Some(Durability::Strict)), "the list holder only, strict");
    let (data, pending) = regs(&c, &[]);
    assert_eq!((data, pending), (vec![registration(11, 2.0)], vec![]), "gone with no overlay left");
    let stored = block_on(graphql_outbox::store::CacheStore::load(c.store(), "alice")).unwrap();
    assert!(!stored.iter().any(|(k, _)| k == &key), "the record is deleted");
}

#[test]
fn the_json_text_read_is_the_value_read() {
    // read_json (what JS gets) walks like read: overlays set and delete, deleted list
    // elements drop out, the same pending entries; only the form differs.
    let c = cache_with_timesheet(&[1.0, 2.0, 3.0]);
    let overlays = [update("e1", "11", json!({ "duration": 7.25, "comments": "late\n\"shift\"" })), Overlay { entry_id: "e2".into(), ops: vec![Op::Delete { key: "TimesheetRegistration:10".into() }] }];
    let value = block_on(c.read("alice", query("timesheet"), &ts_vars(), &overlays)).expect("hit");
    let text = block_on(c.read_json("alice", query("timesheet"), &ts_vars(), &overlays)).expect("hit");
    assert_eq!(serde_json::from_str::<Value>(&text.data).expect("JSON text"), value.data);
    assert_eq!((text.pending, text.fetched_at), (value.pending, value.fetched_at));
    assert_eq!(value.data["timesheet"]["registrations"]["data"].as_array().map(Vec::len), Some(2), "the deleted one is gone");
    assert!(text.data.starts_with(r#"{"timesheet":{"#), "fields in selection order: {}", &text.data[..40]);
    let miss = block_on(c.read_json("alice", query("timesheet"), &json!({ "id": "2", "first": 50 }), &[]));
    assert!(matches!(miss, Err(CacheError::Miss(_))), "a miss is a miss in either form");
}
