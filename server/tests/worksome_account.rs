//! Worksome accounts over real HTTP: passwords, email change and verification emails,
//! forceLogoutUser, impersonateUser, updateWorker (MFA is in worksome_mfa.rs).

mod common;

use common::*;
use serde_json::json;

#[test]
fn passwords_create_update_and_their_rules() {
    let s = Server::start();
    assert_eq!(s.op_err(WS_WORKER, "updatePassword", json!({ "currentPassword": "x", "password": "new-pass-123", "passwordConfirmation": "new-pass-123" })), "PASSWORD_NOT_SET");
    assert_eq!(
        s.op_err(WS_WORKER, "createPassword", json!({ "password": "short" })),
        "PASSWORD_TOO_SHORT"
    );
    let u = s.op(
        WS_WORKER,
        "createPassword",
        json!({ "password": "worker-pass-1" }),
    );
    assert_eq!(
        (u["id"].as_str(), u["canCreatePassword"].as_bool()),
        (Some("31"), Some(false))
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "createPassword",
            json!({ "password": "worker-pass-2" })
        ),
        "PASSWORD_ALREADY_SET"
    );

    let upd = |cur: &str, new: &str, conf: &str| json!({ "currentPassword": cur, "password": new, "passwordConfirmation": conf });
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updatePassword",
            upd("wrong-pass", "company-pass-2", "company-pass-2")
        ),
        "INVALID_PASSWORD"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "updatePassword",
            upd("company-pass-1", "company-pass-2", "company-pass-3")
        ),
        "PASSWORD_CONFIRMATION_MISMATCH"
    );
    s.op(
        WS_COMPANY,
        "updatePassword",
        upd("company-pass-1", "company-pass-2", "company-pass-2"),
    );
    // The new password is the one forceLogoutUser now checks; the old one no longer works.
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "forceLogoutUser",
            json!({ "password": "company-pass-1" })
        ),
        "INVALID_PASSWORD"
    );
    s.op(
        WS_COMPANY,
        "forceLogoutUser",
        json!({ "password": "company-pass-2" }),
    );
}

#[test]
fn change_email_unverifies_and_verification_email_rules() {
    let s = Server::start();
    assert_eq!(
        s.op_err(WS_COMPANY, "sendVerificationEmail", json!(null)),
        "EMAIL_ALREADY_VERIFIED"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "changeEmail",
            json!({ "email": "colin@acme.test" })
        ),
        "EMAIL_TAKEN"
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "changeEmail",
            json!({ "email": "not-an-email" })
        ),
        "BAD_USER_INPUT"
    );
    let u = s.op(
        WS_COMPANY,
        "changeEmail",
        json!({ "email": "cleo.new@acme.test" }),
    );
    assert_eq!(
        (u["email"].as_str(), u["hasVerifiedEmail"].as_bool()),
        (Some("cleo.new@acme.test"), Some(false))
    );
    let v = s.wq(
        WS_COMPANY,
        "{ viewer { email hasVerifiedEmail emailVerifiedAt } }",
    )["viewer"]
        .clone();
    assert_eq!(
        v,
        json!({ "email": "cleo.new@acme.test", "hasVerifiedEmail": false, "emailVerifiedAt": null })
    );
    assert_eq!(
        s.op(WS_COMPANY, "sendVerificationEmail", json!(null))["id"],
        "11"
    );
    let sent = s.request("GET", "/__test/emails?user=11", &[], "").json();
    let to: Vec<_> = sent
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["email"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        to,
        ["cleo.new@acme.test", "cleo.new@acme.test"],
        "one for the change, one on request"
    );
    // A company user may change a colleague's email; a worker may not change someone else's.
    assert_eq!(
        s.op(
            WS_COMPANY,
            "changeEmail",
            json!({ "user": "12", "email": "colin2@acme.test" })
        )["email"],
        "colin2@acme.test"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "changeEmail",
            json!({ "user": "11", "email": "x@y.test" })
        ),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op_err(
            WS_OTHER_COMPANY,
            "changeEmail",
            json!({ "user": "11", "email": "x@y.test" })
        ),
        "FORBIDDEN"
    );
}

#[test]
fn force_logout_invalidates_the_users_other_tokens_only() {
    let s = Server::start();
    assert_eq!(
        s.ws(WS_COMPANY_2ND, "{ viewer { id } }", json!({}), None)
            .status,
        200
    );
    let r = s.op(
        WS_COMPANY,
        "forceLogoutUser",
        json!({ "password": "company-pass-1" }),
    );
    assert_eq!(
        r,
        json!({ "user": { "id": "11" }, "invalidatedSessions": 1 })
    );
    assert_eq!(
        s.ws(WS_COMPANY_2ND, "{ viewer { id } }", json!({}), None)
            .status,
        401
    );
    assert_eq!(s.wq(WS_COMPANY, "{ viewer { id } }")["viewer"]["id"], "11");
    // Other users' tokens are untouched.
    assert_eq!(
        s.wq(WS_COLLEAGUE, "{ viewer { id } }")["viewer"]["id"],
        "12"
    );
}

#[test]
fn impersonation_token_acts_as_the_selected_user() {
    let s = Server::start();
    let t = s.op(WS_COMPANY, "impersonateUser", json!({ "user": "31" }));
    assert_eq!(
        (t["user"]["id"].as_str(), t["impersonator"]["id"].as_str()),
        (Some("31"), Some("11"))
    );
    let token = t["token"].as_str().unwrap().to_string();
    assert_eq!(s.wq(&token, "{ viewer { id } }")["viewer"]["id"], "31");
    // It has the worker's role: worker-only mutations work, company-only ones do not.
    let ts = s.op(
        &token,
        "createTimesheet",
        json!({ "worker": "3", "hire": "110", "startDate": "2026-11-02", "endDate": "2026-11-08" }),
    );
    assert_eq!(ts["worker"]["id"], "3");
    assert_eq!(
        s.op_err(
            &token,
            "createJob",
            json!({ "company": "1", "name": "x", "skills": [] })
        ),
        "COMPANY_ONLY"
    );
    // The old token still acts as the impersonator.
    assert_eq!(s.wq(WS_COMPANY, "{ viewer { id } }")["viewer"]["id"], "11");
    // Not a colleague nor a hired worker; workers cannot impersonate at all.
    assert_eq!(
        s.op_err(WS_COMPANY, "impersonateUser", json!({ "user": "21" })),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(WS_COMPANY, "impersonateUser", json!({ "user": "41" })),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(WS_WORKER, "impersonateUser", json!({ "user": "11" })),
        "COMPANY_ONLY"
    );
    assert_eq!(
        s.op(WS_COMPANY, "impersonateUser", json!({ "user": "12" }))["user"]["id"],
        "12"
    );
}

#[test]
fn update_worker_persists_for_the_worker_only() {
    let s = Server::start();
    let w = s.op(
        WS_WORKER,
        "updateWorker",
        json!({ "id": "3", "firstName": "Wendy", "jobTitle": "Staff engineer",
        "skills": ["Rust", "SQL"], "address": { "city": "Aarhus", "country": "DK" } }),
    );
    assert_eq!(
        (w["name"].as_str(), w["initials"].as_str()),
        (Some("Wendy Worker"), Some("WW"))
    );
    let q = s.wq(WS_COMPANY, "{ worker(id: \"3\") { firstName jobTitle skills { name } address { city country { isoCode } } } }");
    assert_eq!(
        q["worker"],
        json!({ "firstName": "Wendy", "jobTitle": "Staff engineer", "skills": [{ "name": "Rust" }, { "name": "SQL" }],
                                    "address": { "city": "Aarhus", "country": { "isoCode": "DK" } } })
    );
    assert_eq!(
        s.op_err(
            WS_WORKER2,
            "updateWorker",
            json!({ "id": "3", "firstName": "X" })
        ),
        "FORBIDDEN"
    );
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "updateWorker",
            json!({ "id": "3", "address": { "country": "XX" } })
        ),
        "BAD_USER_INPUT"
    );
}
