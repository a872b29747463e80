//! The five GC Directory mutations through the SDK against the reference server: typed result,
//! persisted effect (read back with a query), validation before sending, auth errors.
//! Fixture ids and tokens come from server/fixtures/seed.json.

use crate::support::*;
use serde_json::json;
use wasm_bindgen_test::wasm_bindgen_test;

const ADMIN: &str = "gc-admin-token";
const UMA: &str = "gc-user-uma-token";
const SAM: &str = "gc-user-sam-token";

#[wasm_bindgen_test]
async fn modify_profile_returns_the_profile_and_persists() {
    let c = client(ADMIN).await;
    let args = js(r#"{"gcId":"4","data":{"name":"Val V. Viewer","mobilePhone":"+1 613-555-0199",
        "address":{"streetAddress":"90 Elgin St","city":"Ottawa","province":"ON","postalCode":"K1P 5E9","country":"Canada"}}}"#);
    let r = settle(c.gcdirectory().modify_profile(args, None)).await.expect("sent");
    assert_eq!(r["status"], "sent");
    assert_eq!(r["id"].as_str().unwrap().len(), 36, "the id is the idempotency key (a UUID)");
    assert_eq!(r["data"]["gcId"], "4");
    assert_eq!(r["data"]["name"], "Val V. Viewer");
    assert_eq!(r["data"]["mobilePhone"], "+1 613-555-0199");
    assert!(r["data"]["address"]["id"].is_string(), "related objects come back as their id: {r}");
    let read = query("gcdirectory", ADMIN, r#"{ profile(gcId: "4") { name mobilePhone address { city postalCode } } }"#).await;
    assert_eq!(read["profile"], json!({"name":"Val V. Viewer","mobilePhone":"+1 613-555-0199","address":{"city":"Ottawa","postalCode":"K1P 5E9"}}));
}

#[wasm_bindgen_test]
async fn a_user_may_not_modify_another_profile() {
    let c = client(UMA).await;
    // Compared with the name before rather than the fixture's: other tests on this shared server
    // may rename profiles, and what matters is that the refused call changed nothing.
    let name_before = query("gcdirectory", ADMIN, r#"{ profile(gcId: "1") { name } }"#).await["profile"]["name"].clone();
    assert!(name_before.is_string() && name_before != "Hacked", "{name_before}");
    let e = settle(c.gcdirectory().modify_profile(js(r#"{"gcId":"1","data":{"name":"Hacked"}}"#), None)).await.unwrap_err();
    let (name, _, details) = error_parts(&e);
    assert_eq!(name, "GraphQLError");
    assert_eq!(details["errors"][0]["extensions"]["code"], "FORBIDDEN", "{details}");
    let read = query("gcdirectory", ADMIN, r#"{ profile(gcId: "1") { name } }"#).await;
    assert_eq!(read["profile"]["name"], name_before, "a refused change is not applied");
}

#[wasm_bindgen_test]
async fn create_org_tier_by_owner_email_persists() {
    let c = client(ADMIN).await;
    let args = js(r#"{"nameEn":"Open Data","nameFr":"Données ouvertes","descriptionEn":"Publishes datasets",
        "descriptionFr":"Publie des jeux de données","organization":{"id":"2"},"owner":{"email":"sam.supervisor@canada.ca"}}"#);
    let r = settle(c.gcdirectory().create_org_tier(args, None)).await.expect("sent");
    let tier = &r["data"];
    assert_eq!(tier["nameEn"], "Open Data");
    assert_eq!(tier["descriptionFr"], "Publie des jeux de données");
    assert_eq!(tier["organization"]["id"], "2");
    assert_eq!(tier["owner"]["gcId"], "3");
    let id = tier["id"].as_str().unwrap();
    // Owner by gcId, not name: other tests on this shared server rename profiles.
    let read = query("gcdirectory", ADMIN, &format!(r#"{{ orgTier(id: "{id}") {{ nameFr owner {{ gcId email }} organization {{ acronymEn }} }} }}"#)).await;
    assert_eq!(
        read["orgTier"],
        json!({"nameFr":"Données ouvertes","owner":{"gcId":"3","email":"sam.supervisor@canada.ca"},"organization":{"acronymEn":"StatCan"}})
    );
}

async fn new_tier(token: &str, name: &str) -> String {
    let c = client(token).await;
    let args = js(&format!(r#"{{"nameEn":"{name}","nameFr":"{name} FR","organization":{{"id":1}},"owner":{{"gcID":"3"}}}}"#));
    let r = settle(c.gcdirectory().create_org_tier(args, None)).await.expect("created");
    r["data"]["id"].as_str().unwrap().to_string()
}

#[wasm_bindgen_test]
async fn modify_org_tier_by_its_owner_persists() {
    let id = new_tier(SAM, "Policy Lab").await;
    let c = client(SAM).await;
    let args = js(&format!(r#"{{"id":"{id}","data":{{"nameEn":"Policy Innovation Lab","descriptionEn":"Tries things","owner":{{"gcID":"2"}}}}}}"#));
    let r = settle(c.gcdirectory().modify_org_tier(args, None)).await.expect("sent");
    assert_eq!(r["data"]["nameEn"], "Policy Innovation Lab");
    assert_eq!(r["data"]["nameFr"], "Policy Lab FR", "fields not in data are kept");
    assert_eq!(r["data"]["owner"]["gcId"], "2");
    let read = query("gcdirectory", ADMIN, &format!(r#"{{ orgTier(id: "{id}") {{ nameEn descriptionEn owner {{ gcId }} }} }}"#)).await;
    assert_eq!(read["orgTier"], json!({"nameEn":"Policy Innovation Lab","descriptionEn":"Tries things","owner":{"gcId":"2"}}));
}

#[wasm_bindgen_test]
async fn delete_org_tier_removes_it() {
    let id = new_tier(SAM, "Short Lived").await;
    let c = client(SAM).await;
    let r = settle(c.gcdirectory().delete_org_tier(js(&format!(r#"{{"id":"{id}"}}"#)), None)).await.expect("sent");
    assert_eq!(r["data"], true);
    let read = query("gcdirectory", ADMIN, &format!(r#"{{ orgTier(id: "{id}") {{ id }} }}"#)).await;
    assert_eq!(read["orgTier"], serde_json::Value::Null);
    let again = settle(c.gcdirectory().delete_org_tier(js(&format!(r#"{{"id":"{id}"}}"#)), None)).await.unwrap_err();
    let (name, _, details) = error_parts(&again);
    assert_eq!((name.as_str(), &details["errors"][0]["extensions"]["code"]), ("GraphQLError", &json!("E2TeamNotExist")));
}

#[wasm_bindgen_test]
async fn approving_applies_the_requested_change() {
    let c = client(SAM).await;
    let r = settle(c.gcdirectory().modify_approval(js(r#"{"id":"1","data":{"status":"Approved"}}"#), None)).await.expect("sent");
    assert_eq!(r["data"]["status"], "Approved");
    assert_eq!(r["data"]["gcIDSubmitter"]["gcId"], "2");
    assert!(r["data"]["actionedOn"].is_string(), "{r}");
    let read = query("gcdirectory", ADMIN, r#"{ profile(gcId: "2") { titleEn titleFr } approval(id: "1") { status } }"#).await;
    assert_eq!(read, json!({"profile":{"titleEn":"Senior Analyst","titleFr":"Analyste principal"},"approval":{"status":"Approved"}}));
}

#[wasm_bindgen_test]
async fn denying_needs_a_comment_and_stores_it() {
    let c = client(SAM).await;
    // Other tests on this shared server may rename Uma; what matters is that denying changes nothing.
    let name_before = query("gcdirectory", ADMIN, r#"{ profile(gcId: "2") { name } }"#).await["profile"]["name"].clone();
    assert_ne!(name_before, "Uma U. User", "approval 2's requested name must not be in place before the test");
    let e = settle(c.gcdirectory().modify_approval(js(r#"{"id":"2","data":{"status":"Denied"}}"#), None)).await.unwrap_err();
    assert_eq!(error_parts(&e).2["errors"][0]["extensions"]["code"], "DENIED_COMMENT_REQUIRED");
    let args = js(r#"{"id":"2","data":{"status":"Denied","deniedComment":"Use your legal name"}}"#);
    let r = settle(c.gcdirectory().modify_approval(args, None)).await.expect("sent");
    assert_eq!((&r["data"]["status"], &r["data"]["deniedComment"]), (&json!("Denied"), &json!("Use your legal name")));
    let read = query("gcdirectory", ADMIN, r#"{ profile(gcId: "2") { name } }"#).await;
    assert_eq!(read["profile"]["name"], name_before, "a denied change is not applied");
}

#[wasm_bindgen_test]
async fn bad_input_is_a_validation_error_and_nothing_is_sent() {
    let c = client(SAM).await;
    let before = applied().await.as_array().unwrap().len();
    let cases = [
        (r#"{"id":"5","data":{"status":"Maybe"}}"#, "data.status", "not one of Pending, Approved, Denied"),
        (r#"{"id":"5","data":{}}"#, "data.status", "is required"),
        (r#"{"data":{"status":"Approved"}}"#, "id", "is required"),
        (r#"{"id":"5","data":{"status":"Denied","deniedComment":7}}"#, "data.deniedComment", "expected a string"),
        (r#"{"id":"5","data":{"status":"Approved","extra":1}}"#, "data.extra", "no field extra"),
        (r#"{"id":"5","data":{"status":"Approved"},"force":true}"#, "force", "takes no argument force"),
    ];
    for (args, path, reason) in cases {
        let e = settle(c.gcdirectory().modify_approval(js(args), None)).await.unwrap_err();
        let (name, message, details) = error_parts(&e);
        assert_eq!(name, "ValidationError", "{args}");
        assert_eq!(details["path"], path, "{args}: {message}");
        assert!(message.contains(path) && message.contains(reason), "{args}: {message}");
    }
    let e = settle(c.gcdirectory().modify_profile(js(r#"{"gcId":"3","data":{"address":{"postalCode":"not a code"}}}"#), None))
        .await
        .unwrap_err();
    assert_eq!(error_parts(&e).2["path"], "data.address.postalCode");
    let e = settle(c.gcdirectory().modify_profile(js(r#"{"gcId":"3","data":{"email":"sam at canada"}}"#), None)).await.unwrap_err();
    assert_eq!(error_parts(&e).2["path"], "data.email");
    assert_eq!(applied().await.as_array().unwrap().len(), before, "nothing reached the server");
    let read = query("gcdirectory", ADMIN, r#"{ approval(id: "5") { status } }"#).await;
    assert_eq!(read["approval"]["status"], "Pending");
}

#[wasm_bindgen_test]
async fn an_unknown_token_is_an_auth_error() {
    let c = client("not-a-token").await;
    let e = settle(c.gcdirectory().delete_org_tier(js(r#"{"id":"1"}"#), None)).await.unwrap_err();
    let (name, _, details) = error_parts(&e);
    assert_eq!(name, "AuthError");
    assert_eq!(details["status"], 401);
    // With the outbox the entry is kept (state "auth", the queue paused for a new token) and
    // the error names it, so the app can discard it rather than call again.
    assert!(details["id"].is_string(), "{details}");
    let read = query("gcdirectory", ADMIN, r#"{ orgTier(id: "1") { id } }"#).await;
    assert_eq!(read["orgTier"]["id"], "1", "nothing was deleted");
}

/// A bad argument's error shows the value as JS writes it (`String(v)`): the SDK does not
/// carry Rust's float formatting, which writes 1e21 as `1000000000000000000000`.
#[wasm_bindgen_test]
async fn a_bad_argument_is_described_as_js_writes_it() {
    let c = graphql_outbox::Client::open(js(r#"{"user":"u","endpoints":{}}"#)).await.expect("opens");
    let cases = [(1e21, "the number 1e+21"), (f64::NAN, "the number NaN"), (-0.5, "the number -0.5"), (f64::NEG_INFINITY, "the number -Infinity")];
    for (v, said) in cases.into_iter().map(|(n, s)| (wasm_bindgen::JsValue::from_f64(n), s)).chain([(wasm_bindgen::JsValue::TRUE, "the boolean true")]) {
        let e = settle(c.outbox().purge_js(v)).await.unwrap_err();
        let (name, message, _) = error_parts(&e);
        assert_eq!(name, "ValidationError", "{message}");
        assert!(message.ends_with(&format!("expected a string, got {said}")), "{message}");
    }
}

#[wasm_bindgen_test]
async fn bad_options_and_missing_endpoints_are_config_errors() {
    let e = graphql_outbox::Client::open(js(r#"{"endpoints":{}}"#)).await.err().expect("user is required");
    assert_eq!(error_parts(&e).0, "ConfigError");
    let e = graphql_outbox::Client::open(js(r#"{"user":"u","endpoints":{"gcdirectroy":"http://x"}}"#)).await.err().expect("typo");
    assert!(error_parts(&e).1.contains("gcdirectroy"));
    let c = graphql_outbox::Client::open(js(r#"{"user":"u","endpoints":{}}"#)).await.expect("opens");
    let e = settle(c.gcdirectory().delete_org_tier(js(r#"{"id":"1"}"#), None)).await.unwrap_err();
    let (name, message, _) = error_parts(&e);
    assert_eq!(name, "ConfigError");
    assert!(message.contains("endpoints.gcdirectory"), "{message}");
}
