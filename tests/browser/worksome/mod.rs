//! All 80 Worksome mutations through the SDK against the reference server, in an order that makes
//! sense (create, then update, then delete), each typed result asserted and each effect read back
//! by a later call or query; role rules; MFA with codes computed here; the upload helper.
//! Fixture ids and tokens: server/fixtures/seed.json (documented in server/README.md).
//!
//! Each domain test that changes fixture state (sets Wanda's password, approves contact 130, ends
//! Cleo's other session, ...) runs on its own copy of the fixtures: `Run::new` asks the server for
//! one (`POST /__test/worksome/tenant`), and `run.id`, `run.token`, `run.email` name the copy's
//! objects, so the suite passes in any order and any number of times against one server.
//!
//! Every successful call goes through `Run::sent`, which also finds the call's idempotency key in
//! the server's applied log and checks that exactly this mutation ran, so the coverage assertion
//! (each domain's list, and together all 80) rests on what the server did, not on test labels.

mod account;
mod company;
mod hiring;
mod people;
mod roles;

use crate::support::*;
use graphql_outbox::Client;
use serde_json::Value;
use std::cell::RefCell;
use std::collections::BTreeSet;
use wasm_bindgen_test::wasm_bindgen_test;

/// Cleo (user 11) of company 1, Acme ApS.
pub const COMPANY: &str = "ws-company-token";
/// Cleo's second session, ended by forceLogoutUser.
pub const COMPANY_2: &str = "ws-company-token-2";
/// Gina (user 21) of company 2, Globex.
pub const OTHER_COMPANY: &str = "ws-other-company-token";
/// Wanda (user 31), worker 3, with hires 110 (ACTIVE) and 113 (OFFERED).
pub const WORKER: &str = "ws-worker-token";
/// Walt (user 41), worker 4.
pub const WORKER_2: &str = "ws-worker2-token";
/// Rita (user 51) of recruiter 5.
pub const RECRUITER: &str = "ws-recruiter-token";

/// One domain's run on its own copy of the fixtures: the mutations it made (each confirmed by the
/// server's applied log).
pub struct Run {
    called: RefCell<Vec<String>>,
    /// The copy's id offset (server/README.md, "Fresh fixtures").
    offset: i64,
}

impl Run {
    /// A run with nothing called yet, on a fresh copy of the fixtures.
    pub async fn new() -> Run {
        let (status, body) = http("POST", &format!("{SERVER}/__test/worksome/tenant"), None).await;
        assert_eq!(status, 200, "a fresh copy of the fixtures: {body}");
        let offset = serde_json::from_str::<Value>(&body).ok().and_then(|v| v["offset"].as_i64());
        Run { called: RefCell::new(vec![]), offset: offset.unwrap_or_else(|| panic!("no offset in {body}")) }
    }

    /// The copy's id of fixture object or user `fixture` (e.g. "110").
    pub fn id(&self, fixture: &str) -> String {
        self.n(fixture.parse().unwrap_or_else(|_| panic!("not a fixture id: {fixture}"))).to_string()
    }

    /// The copy's id of fixture `fixture`, as a number (inputs typed `Int`).
    pub fn n(&self, fixture: i64) -> i64 {
        fixture + self.offset
    }

    /// The copy's bearer token for fixture token `fixture`.
    pub fn token(&self, fixture: &str) -> String {
        format!("{fixture}-t{}", self.offset)
    }

    /// The copy's form of an email address (fixture users' and new ones alike: emails find users,
    /// so each copy uses its own).
    pub fn email(&self, e: &str) -> String {
        match e.split_once('@') {
            Some((local, domain)) => format!("{local}+t{}@{domain}", self.offset),
            None => e.to_string(),
        }
    }

    /// The Worksome API of a client acting as the copy's `fixture` token.
    pub async fn api(&self, fixture: &str) -> graphql_outbox::client::WorksomeApi {
        api(&self.token(fixture)).await
    }

    /// A query as the copy's `fixture` token.
    pub async fn read(&self, fixture: &str, q: &str) -> Value {
        read(&self.token(fixture), q).await
    }

    /// Awaits a call that must be sent; checks the server applied exactly `name` under the call's
    /// idempotency key; returns the typed result's `data`.
    pub async fn sent(&self, name: &str, p: js_sys::Promise) -> Value {
        let r = settle(p).await.unwrap_or_else(|e| panic!("{name} failed: {:?}", error_parts(&e)));
        assert_eq!(r["status"], "sent", "{name}: {r}");
        let key = r["id"].as_str().expect("the result has the entry id");
        let log = applied().await;
        let entry = log.as_array().unwrap().iter().find(|e| e["idempotencyKey"] == key);
        let entry = entry.unwrap_or_else(|| panic!("{name}: the server has no applied entry for key {key}"));
        assert_eq!((entry["api"].as_str(), entry["operation"].as_str()), (Some("worksome"), Some(name)), "{entry}");
        assert_eq!(entry["timesApplied"], 1, "{entry}");
        self.called.borrow_mut().push(name.to_string());
        r["data"].clone()
    }

    /// Checks this run called exactly `expected` (each at least once).
    pub fn called_exactly(&self, expected: &[&str]) {
        let called: BTreeSet<String> = self.called.borrow().iter().cloned().collect();
        let want: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        assert_eq!(called, want);
    }
}

/// Awaits a call that must be refused by the server; returns (extensions.code, message).
pub async fn refused(p: js_sys::Promise) -> (String, String) {
    let e = settle(p).await.expect_err("the call must fail");
    let (name, message, details) = error_parts(&e);
    assert_eq!(name, "GraphQLError", "{message} {details}");
    let code = details["errors"][0]["extensions"]["code"].as_str().unwrap_or_default().to_string();
    (code, message)
}

/// A query on the Worksome endpoint as `token`; returns `data`.
pub async fn read(token: &str, q: &str) -> Value {
    query("worksome", token, q).await
}

/// The string id in a result value.
pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

/// A `Decimal` result (a number or a numeric string, as its TypeScript type says) as f64.
pub fn decimal(v: &Value) -> f64 {
    v.as_f64().or_else(|| v.as_str().and_then(|s| s.parse().ok())).unwrap_or_else(|| panic!("not a decimal: {v}"))
}

/// A JS value from a `serde_json::json!` value.
pub fn arg(v: Value) -> wasm_bindgen::JsValue {
    js(&v.to_string())
}

/// A plain `fetch` (no SDK): (status, body text).
pub async fn http(method: &str, url: &str, body: Option<&str>) -> (u16, String) {
    let f = js_sys::Function::new_with_args(
        "m, u, b",
        "return fetch(u, { method: m, body: b === undefined ? undefined : b, headers: b === undefined ? {} : { 'content-type': 'text/plain' } }).then(async r => [r.status, await r.text()])",
    );
    let b = body.map(wasm_bindgen::JsValue::from).unwrap_or(wasm_bindgen::JsValue::UNDEFINED);
    let p: js_sys::Promise = wasm_bindgen::JsCast::unchecked_into(f.call3(&wasm_bindgen::JsValue::NULL, &method.into(), &url.into(), &b).unwrap());
    let v = json(&wasm_bindgen_futures::JsFuture::from(p).await.unwrap());
    (v[0].as_u64().unwrap() as u16, v[1].as_str().unwrap_or_default().to_string())
}

/// The Worksome API of a client acting with `token`.
pub async fn api(token: &str) -> graphql_outbox::client::WorksomeApi {
    let c: Client = client(token).await;
    c.worksome()
}

#[wasm_bindgen_test]
fn the_domain_lists_together_are_all_80_mutations() {
    let mut all: Vec<&str> = [account::CALLS, people::CALLS, hiring::CALLS, company::CALLS].concat();
    all.sort();
    let n = all.len();
    all.dedup();
    assert_eq!(all.len(), n, "a mutation is listed in two domains");
    let generated: BTreeSet<&str> = graphql_outbox::api::worksome::API.operations.iter().map(|o| o.name).collect();
    assert_eq!(generated.len(), 80);
    assert_eq!(all.into_iter().collect::<BTreeSet<_>>(), generated);
}
