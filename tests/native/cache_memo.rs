//! The pending view kept between reads (`src/cache/memo.rs`): an app's `updates` function runs
//! once per live entry per state of the cache, not once per read. Counted with an updater that
//! notes each run, over the real Worksome tables and the in-memory store.

use crate::cache_updates::{append, cache_with_list, create_vars, ids, list, list_vars, read, sheet, timesheets};
use crate::fakes::block_on;
use graphql_outbox::api::worksome::API;
use graphql_outbox::cache::updates::optimistic;
use graphql_outbox::cache::{overlay_for, Layer, Target, Updating};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;

type Runs = Rc<RefCell<Vec<String>>>;

/// Entry `entry`'s create (with `vars`), appending to the list and noting each run in `runs`.
fn counted(entry: &str, vars: Value, runs: &Runs) -> Layer<'static> {
    let op = API.operation("createTimesheet").unwrap();
    let created = optimistic(&API, op, &vars, entry);
    let (runs, id) = (runs.clone(), entry.to_string());
    Layer::Update { api: &API, entry_id: entry.into(), vars, run: Box::new(move |u: &mut Updating<'_, '_>| {
        runs.borrow_mut().push(id.clone());
        append(u, &created);
    }) }
}

fn creates(entries: &[&str], runs: &Runs) -> Vec<Layer<'static>> {
    entries.iter().map(|e| counted(e, create_vars(), runs)).collect()
}

fn taken(runs: &Runs) -> Vec<String> {
    std::mem::take(&mut *runs.borrow_mut())
}

#[test]
fn the_same_layers_read_again_run_no_updater() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let runs = Runs::default();
    let first = read(&c, &mut creates(&["e1", "e2"], &runs));
    assert_eq!(taken(&runs), ["e1", "e2"]);
    for _ in 0..3 {
        assert_eq!(read(&c, &mut creates(&["e1", "e2"], &runs)), first, "the same data and pending");
    }
    assert!(taken(&runs).is_empty(), "kept: no run on the later reads");
    assert_eq!(ids(&first.0), ["1", "tmp:e1", "tmp:e2"]);
}

#[test]
fn an_entry_queued_since_runs_alone_over_the_kept_view() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let runs = Runs::default();
    read(&c, &mut creates(&["e1", "e2"], &runs));
    taken(&runs);
    let (data, pending) = read(&c, &mut creates(&["e1", "e2", "e3"], &runs));
    assert_eq!(taken(&runs), ["e3"], "only the new entry's function ran");
    assert_eq!((ids(&data), pending), (vec!["1", "tmp:e1", "tmp:e2", "tmp:e3"].into_iter().map(String::from).collect::<Vec<_>>(), vec!["e1".to_string(), "e2".into(), "e3".into()]));
    // A patch overlay queued since is a layer like any other.
    let edit = overlay_for(&API, "updateTimesheet", &json!({ "input": { "id": "tmp:e1", "endDate": "2026-11-12" } }), "e4").expect("a patch");
    let mut layers = creates(&["e1", "e2", "e3"], &runs);
    layers.push(Layer::Overlay(edit));
    let (data, _) = read(&c, &mut layers);
    assert!(taken(&runs).is_empty());
    assert_eq!(data[1]["endDate"], "2026-11-12");
}

#[test]
fn a_change_to_the_records_or_to_earlier_entries_builds_the_view_again() {
    let c = cache_with_list(&[sheet("1", "2026-11-02")]);
    let runs = Runs::default();
    read(&c, &mut creates(&["e1", "e2"], &runs));
    taken(&runs);
    // The list refetched: the view is built again on the new records.
    block_on(c.write_result("w", &API, Target::Query(timesheets()), &list_vars(), &list(&[sheet("1", "2026-11-02"), sheet("2", "2026-11-09")]), 2000.0)).expect("write");
    let (data, _) = read(&c, &mut creates(&["e1", "e2"], &runs));
    assert_eq!(taken(&runs), ["e1", "e2"]);
    assert_eq!(ids(&data), ["1", "2", "tmp:e1", "tmp:e2"]);
    // The first entry sent (no longer live): the rest run again without it.
    let (data, pending) = read(&c, &mut creates(&["e2"], &runs));
    assert_eq!(taken(&runs), ["e2"]);
    assert_eq!((ids(&data), pending), (vec!["1".to_string(), "2".into(), "tmp:e2".into()], vec!["e2".to_string()]));
    // The same entry with other variables (a placeholder resolved in them) is another layer.
    let other = json!({ "input": { "worker": "3", "hire": "7", "startDate": "2026-12-07", "endDate": "2026-12-13" } });
    let (data, _) = read(&c, &mut [counted("e2", other, &runs)]);
    assert_eq!(taken(&runs), ["e2"]);
    assert_eq!(data[2]["startDate"], "2026-12-07");
    // No layer left: nothing kept shows.
    let (data, pending) = read(&c, &mut []);
    assert_eq!((ids(&data), pending.len()), (vec!["1".to_string(), "2".into()], 0));
}
