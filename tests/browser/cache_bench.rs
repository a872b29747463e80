//! A measurement, not a check of speed: the cache's 500-entity write and cold read against
//! raw IndexedDB doing the same records in one transaction (`put` x500, `getAll`), and the
//! bytes one changed entity writes. Prints figures (run with `-- --nocapture`); asserts only
//! that the work was done. The runner's Chromium profile is on disk (chromedriver's temporary
//! user-data-dir); a "cold" read here is a new connection and a new `Cache` in the same page,
//! not a reload, so the browser's own caches are warm: the Playwright benchmark of the issue
//! (reload, on-disk profile, anchor-bench pages) is the figure to publish.

use crate::cache_tables::{query, API};
use crate::support::fresh_db;
use graphql_outbox::cache::{Cache, Target};
use graphql_outbox::store::idb::IdbStore;
use graphql_outbox::store::{CacheStore, Durability, StoreError};
use serde_json::{json, Value};
use std::cell::Cell;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::{console_log, wasm_bindgen_test};

fn now() -> f64 {
    let perf = js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap();
    let f: js_sys::Function = js_sys::Reflect::get(&perf, &"now".into()).unwrap().unchecked_into();
    f.call0(&perf).unwrap().as_f64().unwrap()
}

/// Counts what goes through `write` while `on` (off for the timed write: counting serializes).
struct Counting {
    inner: IdbStore,
    on: Cell<bool>,
    puts: Cell<u64>,
    bytes: Cell<u64>,
}

impl CacheStore for Counting {
    async fn load(&self, user: &str) -> Result<Vec<(String, Value)>, StoreError> {
        self.inner.load(user).await
    }
    async fn get(&self, user: &str, keys: &[String]) -> Result<Vec<(String, Value)>, StoreError> {
        self.inner.get(user, keys).await
    }
    async fn write(&self, user: &str, puts: &[(String, Value)], deletes: &[String], d: Durability) -> Result<(), StoreError> {
        if !self.on.get() {
            return self.inner.write(user, puts, deletes, d).await;
        }
        self.puts.set(self.puts.get() + puts.len() as u64);
        self.bytes.set(self.bytes.get() + puts.iter().map(|(k, v)| (k.len() + v.to_string().len()) as u64).sum::<u64>());
        self.inner.write(user, puts, deletes, d).await
    }
    async fn clear(&self, user: &str) -> Result<(), StoreError> {
        self.inner.clear(user).await
    }
    async fn users(&self) -> Result<Vec<String>, StoreError> {
        self.inner.users().await
    }
}

fn answer(n: usize, changed: Option<usize>) -> Value {
    let data: Vec<Value> = (0..n)
        .map(|i| {
            let d = if Some(i) == changed { 0.25 } else { i as f64 + 0.5 };
            json!({ "__typename": "TimesheetRegistration", "id": (1000 + i).to_string(), "date": "2026-11-02", "duration": d,
                    "comments": format!("Registration {i} of the week, billed at the standard rate") })
        })
        .collect();
    json!({ "timesheet": { "__typename": "Timesheet", "id": "1", "startDate": "2026-11-02", "hire": { "__typename": "Hire", "id": "7" },
        "registrations": { "__typename": "TimesheetRegistrationPaginator",
            "paginatorInfo": { "__typename": "PaginatorInfo", "total": n, "currentPage": 1, "hasMorePages": false }, "data": data } } })
}

/// Raw IndexedDB, as the peers' baseline: `n` records put in one transaction, then `getAll`.
async fn raw(n: usize) -> (f64, f64) {
    let db = fresh_db();
    let store = IdbStore::open(Some(&db)).await.unwrap();
    let rows: Vec<(String, Value)> = (0..n).map(|i| (format!("TimesheetRegistration:{i}"), json!({ "id": i.to_string(), "date": "2026-11-02", "duration": i as f64 + 0.5, "comments": format!("Registration {i} of the week, billed at the standard rate") }))).collect();
    // Through the same store code (one JSON.parse, n puts, one transaction), so the ratio is
    // the cache's own cost: normalization, diffing, assembly.
    let t = now();
    store.write("raw", &rows, &[], Durability::Relaxed).await.unwrap();
    let write = now() - t;
    store.close();
    let cold = IdbStore::open(Some(&db)).await.unwrap();
    let t = now();
    assert_eq!(cold.load("raw").await.unwrap().len(), n);
    (write, now() - t)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

#[wasm_bindgen_test]
async fn bench_cache_write_and_cold_read_against_raw_indexeddb() {
    let n = 500;
    let vars = json!({ "id": "1", "first": n });
    let (mut w, mut r, mut rw, mut rr, mut changed_bytes, mut changed_puts) = (vec![], vec![], vec![], vec![], 0, 0);
    for _ in 0..5 {
        let db = fresh_db();
        let c = Cache::new(Counting { inner: IdbStore::open(Some(&db)).await.unwrap(), on: Cell::new(false), puts: Cell::new(0), bytes: Cell::new(0) });
        let t = now();
        c.write_result("u", &API, Target::Query(query("timesheet")), &vars, &answer(n, None), 1.0).await.unwrap();
        w.push(now() - t);
        c.store().on.set(true);
        c.write_result("u", &API, Target::Query(query("timesheet")), &vars, &answer(n, Some(250)), 2.0).await.unwrap();
        (changed_puts, changed_bytes) = (c.store().puts.get(), c.store().bytes.get());
        c.store().inner.close();
        let cold = Cache::new(IdbStore::open(Some(&db)).await.unwrap());
        let t = now();
        let got = cold.read("u", query("timesheet"), &vars, &[]).await.unwrap();
        r.push(now() - t);
        assert_eq!(got.data["timesheet"]["registrations"]["data"].as_array().map(Vec::len), Some(n));
        let (a, b) = raw(n).await;
        rw.push(a);
        rr.push(b);
    }
    let (w, r, rw, rr) = (median(w), median(r), median(rw), median(rr));
    console_log!(
        "cache bench ({n} entities, median of 5): write {w:.1} ms vs raw put x{n} {rw:.1} ms (ratio {:.2}); cold read {r:.1} ms vs raw getAll {rr:.1} ms (ratio {:.2}); one changed entity: {changed_puts} records, {changed_bytes} bytes",
        w / rw,
        r / rr
    );
    assert!(changed_puts <= 2 && changed_bytes < 1024, "{changed_puts} records, {changed_bytes} bytes");
}
