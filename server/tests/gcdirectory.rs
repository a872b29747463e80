//! GC Directory over real HTTP: auth, role rules, error codes, persisted effects.

mod common;

use common::*;
use serde_json::{json, Value};

const MODIFY_PROFILE: &str = "mutation($gcId: ID!, $data: ModifyProfileInput!) {
  modifyProfile(gcId: $gcId, data: $data) { gcId name email titleEn officePhone team { id }
    address { streetAddress city province postalCode country } } }";
const MODIFY_APPROVAL: &str = "mutation($id: ID!, $data: ModifyApprovalInput!) {
  modifyApproval(id: $id, data: $data) { id status deniedComment actionedOn } }";
const CREATE_TIER: &str = "mutation($org: ID!, $owner: OrgTierOwnerInput!) {
  createOrgTier(nameEn: \"Web\", nameFr: \"Web FR\", descriptionEn: \"d\", organization: {id: $org}, owner: $owner)
  { id nameEn nameFr descriptionEn organization { id } owner { gcId } } }";
const MODIFY_TIER: &str = "mutation($id: ID!, $data: ModifyOrgTierInput!) {
  modifyOrgTier(id: $id, data: $data) { id nameEn organization { id } owner { gcId } } }";
const DELETE_TIER: &str = "mutation($id: ID!) { deleteOrgTier(id: $id) }";

fn profile_name(s: &Server, id: &str) -> Value {
    s.data(&format!("{{ profile(gcId: \"{id}\") {{ name }} }}"))["profile"]["name"].clone()
}

#[test]
fn missing_or_unknown_token_is_401_and_applies_nothing() {
    let s = Server::start();
    let vars = json!({ "gcId": "2", "data": { "name": "Hacked" } });
    for token in [None, Some("not-a-token")] {
        let r = s.gql(token, MODIFY_PROFILE, vars.clone(), None);
        assert_eq!(r.status, 401, "{r:?}");
        assert_eq!(r.json()["error"]["code"], "UNAUTHENTICATED");
    }
    let r = s.request(
        "POST",
        "/graphql/gcdirectory",
        &[("authorization", "Basic abc")],
        "{}",
    );
    assert_eq!(r.status, 401);
    assert_eq!(profile_name(&s, "2"), "Uma User");
    assert_eq!(s.applied(), json!([]));
}

#[test]
fn malformed_body_is_400_json() {
    let s = Server::start();
    for body in [
        "not json",
        "{\"variables\":{}}",
        "{\"query\":\"{ __typename }\",\"variables\":[1]}",
    ] {
        let r = s.gql_raw(Some(ADMIN), body, None);
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert_eq!(r.json()["error"]["code"], "BAD_REQUEST");
    }
}

#[test]
fn user_cannot_modify_another_profile_but_admin_can() {
    let s = Server::start();
    let r = s.gql(
        Some(UMA),
        MODIFY_PROFILE,
        json!({ "gcId": "3", "data": { "name": "Not Sam" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
    assert_eq!(profile_name(&s, "3"), "Sam Supervisor");

    let r = s.gql(
        Some(ADMIN),
        MODIFY_PROFILE,
        json!({ "gcId": "3", "data": { "name": "Samuel" } }),
        None,
    );
    assert_eq!(
        r.json()["data"]["modifyProfile"]["name"],
        "Samuel",
        "{}",
        r.body
    );
    assert_eq!(profile_name(&s, "3"), "Samuel");
}

#[test]
fn modify_profile_persists_fields_merges_address_and_sets_team() {
    let s = Server::start();
    let data = json!({ "titleEn": "Analyst", "officePhone": "+1 (613) 555-0199", "team": { "id": "2" },
                       "address": { "streetAddress": "90 Elgin", "city": "Ottawa", "postalCode": "K1A 0B1" } });
    let r = s.gql(
        Some(UMA),
        MODIFY_PROFILE,
        json!({ "gcId": "2", "data": data }),
        None,
    );
    assert!(r.json().get("errors").is_none(), "{}", r.body);
    // A second change to the address keeps the fields it does not name.
    let r = s.gql(
        Some(UMA),
        MODIFY_PROFILE,
        json!({ "gcId": "2", "data": { "address": { "province": "ON" } } }),
        None,
    );
    assert!(r.json().get("errors").is_none(), "{}", r.body);

    let p = &s.data(
        "{ profile(gcId: \"2\") { titleEn officePhone team { id members { gcId } }
                      address { streetAddress city province postalCode country } } }",
    )["profile"];
    assert_eq!(p["titleEn"], "Analyst");
    assert_eq!(p["officePhone"], "+1 (613) 555-0199");
    assert_eq!(p["team"]["id"], "2");
    assert_eq!(
        p["team"]["members"],
        json!([{ "gcId": "1" }, { "gcId": "2" }])
    );
    assert_eq!(
        p["address"],
        json!({ "streetAddress": "90 Elgin", "city": "Ottawa", "province": "ON", "postalCode": "K1A 0B1", "country": "" })
    );
}

#[test]
fn error_codes_e1_to_e4() {
    let s = Server::start();
    let r = s.gql(
        Some(ADMIN),
        MODIFY_PROFILE,
        json!({ "gcId": "99", "data": { "name": "x" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E1ProfileNotExist"), "{}", r.body);
    let r = s.gql(
        Some(ADMIN),
        CREATE_TIER,
        json!({ "org": "1", "owner": { "gcID": "99" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E1ProfileNotExist"), "{}", r.body);
    let r = s.gql(
        Some(ADMIN),
        CREATE_TIER,
        json!({ "org": "1", "owner": { "email": "nobody@canada.ca" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E1ProfileNotExist"), "{}", r.body);
    let r = s.gql(
        Some(ADMIN),
        CREATE_TIER,
        json!({ "org": "1", "owner": {} }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E1ProfileNotExist"), "{}", r.body);

    let r = s.gql(
        Some(UMA),
        MODIFY_PROFILE,
        json!({ "gcId": "2", "data": { "name": "x", "team": { "id": "99" } } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E2TeamNotExist"), "{}", r.body);
    assert_eq!(
        profile_name(&s, "2"),
        "Uma User",
        "a failed mutation must not write"
    );
    let r = s.gql(
        Some(ADMIN),
        MODIFY_TIER,
        json!({ "id": "99", "data": { "nameEn": "x" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E2TeamNotExist"), "{}", r.body);
    let r = s.gql(Some(ADMIN), DELETE_TIER, json!({ "id": "99" }), None);
    assert_eq!(r.code().as_deref(), Some("E2TeamNotExist"), "{}", r.body);

    let r = s.gql(
        Some(ADMIN),
        CREATE_TIER,
        json!({ "org": "99", "owner": { "gcID": "1" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E3OrgNotExist"), "{}", r.body);
    let r = s.gql(
        Some(SAM),
        MODIFY_TIER,
        json!({ "id": "1", "data": { "organization": { "id": "99" } } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("E3OrgNotExist"), "{}", r.body);

    let r = s.gql(
        Some(SAM),
        MODIFY_APPROVAL,
        json!({ "id": "99", "data": { "status": "Approved" } }),
        None,
    );
    assert_eq!(
        r.code().as_deref(),
        Some("E4ApprovalNotExist"),
        "{}",
        r.body
    );
    assert_eq!(
        s.applied(),
        json!([]),
        "failed mutations are not applications"
    );
}

#[test]
fn create_org_tier_persists_with_owner_by_email() {
    let s = Server::start();
    let r = s.gql(
        Some(VAL),
        CREATE_TIER,
        json!({ "org": "2", "owner": { "email": "ned.newcomer@canada.ca" } }),
        None,
    );
    let t = &r.json()["data"]["createOrgTier"];
    assert_eq!(t["id"], "3", "{}", r.body);
    assert_eq!(t["owner"]["gcId"], "5");
    let d = s.data("{ orgTier(id: 3) { nameEn nameFr descriptionEn owner { name } organization { id } }
                      organization(id: \"2\") { orgTiers { id } } profile(gcId: \"5\") { ownerOfTeams { id } } }");
    assert_eq!(d["orgTier"]["nameFr"], "Web FR");
    assert_eq!(d["orgTier"]["descriptionEn"], "d");
    assert_eq!(d["orgTier"]["owner"]["name"], "Ned Newcomer");
    assert_eq!(
        d["organization"]["orgTiers"],
        json!([{ "id": "2" }, { "id": "3" }])
    );
    assert_eq!(d["profile"]["ownerOfTeams"], json!([{ "id": "3" }]));
}

#[test]
fn modify_org_tier_only_owner_or_admin() {
    let s = Server::start();
    let r = s.gql(
        Some(UMA),
        MODIFY_TIER,
        json!({ "id": "1", "data": { "nameEn": "Mine now" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
    let r = s.gql(
        Some(SAM),
        MODIFY_TIER,
        json!({ "id": "1", "data": { "nameEn": "Digital", "organization": { "id": "2" } } }),
        None,
    );
    assert!(r.json().get("errors").is_none(), "{}", r.body);
    let r = s.gql(
        Some(ADMIN),
        MODIFY_TIER,
        json!({ "id": "1", "data": { "owner": { "gcID": "4" } } }),
        None,
    );
    assert!(r.json().get("errors").is_none(), "{}", r.body);
    let t = &s.data("{ orgTier(id: \"1\") { nameEn nameFr organization { id } owner { gcId } } }")
        ["orgTier"];
    assert_eq!(
        *t,
        json!({ "nameEn": "Digital", "nameFr": "Services numériques", "organization": { "id": "2" }, "owner": { "gcId": "4" } })
    );
    // Sam is no longer the owner.
    let r = s.gql(
        Some(SAM),
        MODIFY_TIER,
        json!({ "id": "1", "data": { "nameEn": "Back" } }),
        None,
    );
    assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
}

#[test]
fn delete_org_tier_leaves_members_teamless() {
    let s = Server::start();
    let r = s.gql(Some(UMA), DELETE_TIER, json!({ "id": "1" }), None);
    assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
    let r = s.gql(Some(SAM), DELETE_TIER, json!({ "id": "1" }), None);
    assert_eq!(r.json()["data"]["deleteOrgTier"], true, "{}", r.body);
    let d = s.data("{ orgTier(id: \"1\") { id } a: profile(gcId: \"2\") { team { id } } b: profile(gcId: \"3\") { team { id } }
                      organization(id: \"1\") { orgTiers { id } } }");
    assert_eq!(
        d,
        json!({ "orgTier": null, "a": { "team": null }, "b": { "team": null }, "organization": { "orgTiers": [] } })
    );
    let r = s.gql(Some(ADMIN), DELETE_TIER, json!({ "id": "2" }), None);
    assert_eq!(r.json()["data"]["deleteOrgTier"], true, "{}", r.body);
}

#[test]
fn modify_approval_only_by_its_approver() {
    let s = Server::start();
    for token in [UMA, ADMIN] {
        let r = s.gql(
            Some(token),
            MODIFY_APPROVAL,
            json!({ "id": "1", "data": { "status": "Approved" } }),
            None,
        );
        assert_eq!(r.code().as_deref(), Some("FORBIDDEN"), "{}", r.body);
    }
    assert_eq!(
        s.data("{ approval(id: 1) { status } }")["approval"]["status"],
        "Pending"
    );
}

#[test]
fn denied_needs_a_comment_and_stores_it() {
    let s = Server::start();
    for data in [
        json!({ "status": "Denied" }),
        json!({ "status": "Denied", "deniedComment": "  " }),
    ] {
        let r = s.gql(
            Some(SAM),
            MODIFY_APPROVAL,
            json!({ "id": "2", "data": data }),
            None,
        );
        assert_eq!(
            r.code().as_deref(),
            Some("DENIED_COMMENT_REQUIRED"),
            "{}",
            r.body
        );
    }
    let r = s.gql(
        Some(SAM),
        MODIFY_APPROVAL,
        json!({ "id": "2", "data": { "status": "Denied", "deniedComment": "No." } }),
        None,
    );
    assert!(r.json().get("errors").is_none(), "{}", r.body);
    let a = &s
        .data("{ approval(id: 2) { status deniedComment actionedOn } profile(gcId: 2) { name } }");
    assert_eq!(a["approval"]["status"], "Denied");
    assert_eq!(a["approval"]["deniedComment"], "No.");
    assert!(
        is_rfc3339_utc(a["approval"]["actionedOn"].as_str().unwrap()),
        "{a}"
    );
    assert_eq!(
        a["profile"]["name"], "Uma User",
        "a denied change is not applied"
    );
}

fn is_rfc3339_utc(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

#[test]
fn approved_applies_each_kind_of_requested_change() {
    let s = Server::start();
    for id in ["1", "2", "3", "4", "5"] {
        let r = s.gql(
            Some(SAM),
            MODIFY_APPROVAL,
            json!({ "id": id, "data": { "status": "Approved" } }),
            None,
        );
        let a = &r.json()["data"]["modifyApproval"];
        assert_eq!(a["status"], "Approved", "approval {id}: {}", r.body);
        assert!(is_rfc3339_utc(a["actionedOn"].as_str().unwrap()));
    }
    let d = s.data(
        "{ uma: profile(gcId: 2) { name titleEn titleFr officePhone }
           val: profile(gcId: 4) { team { id } }
           tier: orgTier(id: 2) { owner { gcId } members { gcId } }
           sam: profile(gcId: 3) { outstandingApprovals { id } } }",
    );
    assert_eq!(
        d["uma"],
        json!({ "name": "Uma U. User", "titleEn": "Senior Analyst", "titleFr": "Analyste principal", "officePhone": "613-555-0100" })
    );
    assert_eq!(d["val"]["team"]["id"], "2");
    assert_eq!(d["tier"]["owner"]["gcId"], "5");
    assert_eq!(
        d["tier"]["members"],
        json!([{ "gcId": "1" }, { "gcId": "4" }])
    );
    assert_eq!(d["sam"]["outstandingApprovals"], json!([]));
}

#[test]
fn related_objects_resolve_to_any_depth() {
    let s = Server::start();
    let d = s.data(
        "{ approval(id: \"1\") { gcIDApprover { name } gcIDSubmitter { team { owner { name
             ownerOfTeams { organization { acronymEn orgTiers { members { submittedApprovals { id } } } } } } } }
           requestedChange { titleFr team { id } } } }",
    );
    let a = &d["approval"];
    assert_eq!(a["gcIDApprover"]["name"], "Sam Supervisor");
    let owner = &a["gcIDSubmitter"]["team"]["owner"];
    assert_eq!(owner["name"], "Sam Supervisor");
    let org = &owner["ownerOfTeams"][0]["organization"];
    assert_eq!(org["acronymEn"], "TBS");
    assert_eq!(
        org["orgTiers"][0]["members"][0]["submittedApprovals"],
        json!([{ "id": "1" }, { "id": "2" }, { "id": "5" }])
    );
    assert_eq!(
        a["requestedChange"],
        json!({ "titleFr": "Analyste principal", "team": null })
    );
    assert_eq!(
        s.data("{ profile(gcId: \"42\") { name } }"),
        json!({ "profile": null })
    );
}

#[test]
fn custom_scalars_are_validated_on_input() {
    let s = Server::start();
    let bad = [
        json!({ "email": "not an email" }),
        json!({ "officePhone": "12-34" }),
        json!({ "mobilePhone": "613-555-CALL" }),
        json!({ "address": { "postalCode": "K1A-0B1" } }),
    ];
    for data in bad {
        let r = s.gql(
            Some(UMA),
            MODIFY_PROFILE,
            json!({ "gcId": "2", "data": data }),
            None,
        );
        assert_eq!(r.status, 200);
        assert_eq!(
            r.code().as_deref(),
            Some("GRAPHQL_VALIDATION_FAILED"),
            "{data}: {}",
            r.body
        );
    }
    // Literals are checked too, not only variables.
    let r = s.gql(
        Some(UMA),
        "mutation { modifyProfile(gcId: 2, data: {email: \"a@@b\"}) { gcId } }",
        json!({}),
        None,
    );
    assert_eq!(
        r.code().as_deref(),
        Some("GRAPHQL_VALIDATION_FAILED"),
        "{}",
        r.body
    );
    let r = s.gql(Some(UMA), MODIFY_PROFILE, json!({ "gcId": "2", "data": { "email": "uma@canada.ca", "address": { "postalCode": "12345-6789" } } }), None);
    assert!(r.json().get("errors").is_none(), "{}", r.body);
    assert_eq!(s.applied().as_array().unwrap().len(), 1);
}

#[test]
fn every_mutation_is_recorded_in_the_applied_log() {
    let s = Server::start();
    s.gql(
        Some(UMA),
        MODIFY_PROFILE,
        json!({ "gcId": "2", "data": { "name": "U" } }),
        Some("k-1"),
    );
    s.gql(
        Some(ADMIN),
        CREATE_TIER,
        json!({ "org": "1", "owner": { "gcID": "1" } }),
        Some("k-2"),
    );
    s.gql(
        Some(ADMIN),
        MODIFY_TIER,
        json!({ "id": "3", "data": { "nameEn": "W" } }),
        None,
    );
    s.gql(Some(ADMIN), DELETE_TIER, json!({ "id": "3" }), None);
    s.gql(
        Some(SAM),
        MODIFY_APPROVAL,
        json!({ "id": "1", "data": { "status": "Approved" } }),
        None,
    );
    let ops: Vec<(String, Value)> = s
        .applied()
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["operation"].as_str().unwrap().to_string(),
                r["idempotencyKey"].clone(),
            )
        })
        .collect();
    let expected = [
        ("modifyProfile", json!("k-1")),
        ("createOrgTier", json!("k-2")),
        ("modifyOrgTier", Value::Null),
        ("deleteOrgTier", Value::Null),
        ("modifyApproval", Value::Null),
    ];
    assert_eq!(ops, expected.map(|(o, k)| (o.to_string(), k)).to_vec());
}
