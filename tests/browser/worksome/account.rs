//! Account and session mutations: passwords, email, MFA (SMS code from the test-mode outbox,
//! TOTP computed here with WebCrypto), worker profile, bank details, invite link,
//! impersonation and force-logout (last, since it ends Cleo's other session).

use super::*;
use serde_json::json;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The mutations this domain makes.
pub const CALLS: &[&str] = &[
    "createPassword", "updatePassword", "sendVerificationEmail", "changeEmail",
    "createSmsMultiFactor", "verifySmsMultiFactor", "createTotpMultiFactor", "verifyTotpMultiFactor", "removeMultiFactor",
    "updateWorker", "storeBankDetails", "generateInviteLink", "impersonateUser", "forceLogoutUser",
];

/// RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) of a base32 secret at `unix_seconds`, via WebCrypto.
async fn totp(secret_base32: &str, unix_seconds: f64) -> String {
    let f = js_sys::Function::new_with_args(
        "secret, now",
        r#"return (async () => {
          const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
          let bits = 0, value = 0; const bytes = [];
          for (const ch of secret.replace(/=+$/, "").toUpperCase()) {
            const v = alphabet.indexOf(ch); if (v < 0) throw new Error("not base32: " + ch);
            value = (value << 5) | v; bits += 5;
            if (bits >= 8) { bytes.push((value >>> (bits - 8)) & 255); bits -= 8; }
          }
          const counter = Math.floor(now / 30);
          const msg = new DataView(new ArrayBuffer(8));
          msg.setUint32(0, Math.floor(counter / 2 ** 32)); msg.setUint32(4, counter >>> 0);
          const key = await crypto.subtle.importKey("raw", new Uint8Array(bytes), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
          const h = new Uint8Array(await crypto.subtle.sign("HMAC", key, msg.buffer));
          const o = h[h.length - 1] & 15;
          const n = (((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1000000;
          return String(n).padStart(6, "0");
        })()"#,
    );
    let p: js_sys::Promise = f.call2(&wasm_bindgen::JsValue::NULL, &secret_base32.into(), &unix_seconds.into()).unwrap().unchecked_into();
    JsFuture::from(p).await.unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
async fn the_totp_computation_matches_rfc_6238() {
    // RFC 6238 appendix B, SHA-1 seed "12345678901234567890" (base32 below), last 6 of 8 digits.
    let seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    assert_eq!(totp(seed, 59.0).await, "287082");
    assert_eq!(totp(seed, 1111111109.0).await, "081804");
    assert_eq!(totp(seed, 2000000000.0).await, "279037");
}

/// The test-mode record of SMS codes for `user`; the latest code for `factor`.
async fn sms_code(user: &str, factor: &str) -> String {
    let f = js_sys::Function::new_with_args("url", "return fetch(url).then(r => r.json())");
    let url = format!("{SERVER}/__test/sms?user={user}");
    let p: js_sys::Promise = f.call1(&wasm_bindgen::JsValue::NULL, &url.into()).unwrap().unchecked_into();
    let sent = json(&JsFuture::from(p).await.unwrap());
    let code = sent.as_array().unwrap().iter().rev().find(|s| s["factor"] == factor).map(|s| s["code"].clone());
    code.unwrap_or_else(|| panic!("no SMS for factor {factor}: {sent}")).as_str().unwrap().to_string()
}

/// The verification emails the server recorded for `user` (test mode), oldest first.
async fn emails(user: &str) -> Vec<Value> {
    let (status, body) = http("GET", &format!("{SERVER}/__test/emails?user={user}"), None).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<Value>(&body).unwrap().as_array().unwrap().clone()
}

async fn passwords_and_email(run: &Run) {
    let worker = run.api(WORKER).await;
    let u = run.sent("createPassword", worker.create_password(arg(json!({"password": "wanda-pass-1"})), None)).await;
    assert_eq!(u["id"], run.id("31"));
    assert_eq!(u["canCreatePassword"], false, "{u}");
    // The effect: the password now exists, so creating one again is refused and updating needs it.
    let (code, _) = refused(worker.create_password(arg(json!({"password": "again-pass"})), None)).await;
    assert_eq!(code, "PASSWORD_ALREADY_SET");
    let change = |current: &str| arg(json!({"currentPassword": current, "password": "wanda-pass-2", "passwordConfirmation": "wanda-pass-2"}));
    let (code, _) = refused(worker.update_password(change("wrong-pass"), None)).await;
    assert_eq!(code, "INVALID_PASSWORD");
    let u = run.sent("updatePassword", worker.update_password(change("wanda-pass-1"), None)).await;
    assert_eq!(u["id"], run.id("31"));
    let (code, _) = refused(worker.update_password(change("wanda-pass-1"), None)).await;
    assert_eq!(code, "INVALID_PASSWORD", "the old password no longer works");

    let colleague = run.api("ws-company-colleague-token").await;
    let before = emails(&run.id("12")).await.len();
    let u = run.sent("sendVerificationEmail", colleague.send_verification_email(None)).await;
    assert_eq!((u["id"].as_str(), u["hasVerifiedEmail"].as_bool()), (Some(run.id("12").as_str()), Some(false)));
    let sent = emails(&run.id("12")).await;
    assert_eq!(sent.len(), before + 1, "the server recorded one more verification email: {sent:?}");
    assert_eq!(sent.last().unwrap()["email"], run.email("colin@acme.test"));

    let walt = run.api(WORKER_2).await;
    let u = run.sent("changeEmail", walt.change_email(arg(json!({"email": run.email("walt.walker@worker.test")})), None)).await;
    assert_eq!((u["email"].as_str(), u["hasVerifiedEmail"].as_bool()), (Some(run.email("walt.walker@worker.test").as_str()), Some(false)));
    assert_eq!(run.read(WORKER_2, "{ viewer { email hasVerifiedEmail } }").await["viewer"], json!({"email": run.email("walt.walker@worker.test"), "hasVerifiedEmail": false}));
    assert_eq!(emails(&run.id("41")).await.last().map(|e| e["email"].clone()), Some(json!(run.email("walt.walker@worker.test"))), "a verification email went to the new address");
    // An unverified email can be sent a verification email now.
    run.sent("sendVerificationEmail", walt.send_verification_email(None)).await;
}

async fn multi_factor(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let created = run.sent("createSmsMultiFactor", cleo.create_sms_multi_factor(arg(json!({"name": "Work phone"})), None)).await;
    let sms = id(&created["multiFactor"]);
    let pending = run.read(COMPANY, &format!(r#"{{ multiFactor(id: "{sms}") {{ __typename ... on SmsMultiFactor {{ name status phoneNumber }} }} }}"#)).await;
    assert_eq!(pending["multiFactor"], json!({"__typename": "SmsMultiFactor", "name": "Work phone", "status": "PENDING", "phoneNumber": "+4520000011"}));
    let (code, _) = refused(cleo.verify_sms_multi_factor(arg(json!({"id": sms, "code": "000000x"})), None)).await;
    assert_eq!(code, "INVALID_MFA_CODE");
    let code = sms_code(&run.id("11"), &sms).await;
    let v = run.sent("verifySmsMultiFactor", cleo.verify_sms_multi_factor(arg(json!({"id": sms, "code": code})), None)).await;
    assert_eq!((v["id"].as_str(), v["status"].as_str()), (Some(sms.as_str()), Some("APPROVED")));
    assert!(v["verifiedAt"].is_string(), "{v}");

    let created = run.sent("createTotpMultiFactor", cleo.create_totp_multi_factor(arg(json!({"name": "Authenticator app"})), None)).await;
    let totp_id = id(&created["multiFactor"]);
    let secret = created["secret"].as_str().unwrap();
    assert!(created["qrCode"].as_str().unwrap().starts_with("otpauth://totp/"), "{created}");
    assert!(created["qrCode"].as_str().unwrap().contains(&format!("secret={secret}")));
    let now = js_sys::Date::now() / 1000.0;
    let v = run.sent("verifyTotpMultiFactor", cleo.verify_totp_multi_factor(arg(json!({"id": totp_id, "code": totp(secret, now).await})), None)).await;
    assert_eq!(v["status"], "APPROVED");
    let (code, _) = refused(cleo.verify_totp_multi_factor(arg(json!({"id": totp_id, "code": totp(secret, now).await})), None)).await;
    assert_eq!(code, "MFA_ALREADY_VERIFIED", "the approval persisted");

    let removed = run.sent("removeMultiFactor", cleo.remove_multi_factor(arg(json!({"id": sms})), None)).await;
    assert_eq!((removed["__typename"].as_str(), removed["id"].as_str()), (Some("SmsMultiFactor"), Some(sms.as_str())));
    assert_eq!(run.read(COMPANY, &format!(r#"{{ multiFactor(id: "{sms}") {{ __typename }} }}"#)).await["multiFactor"], Value::Null);
    let still = run.read(COMPANY, &format!(r#"{{ multiFactor(id: "{totp_id}") {{ ... on TotpMultiFactor {{ status }} }} }}"#)).await;
    assert_eq!(still["multiFactor"]["status"], "APPROVED");
}

async fn profile_bank_invite(run: &Run) {
    let worker = run.api(WORKER).await;
    let w = run.sent("updateWorker", worker.update_worker(arg(json!({"id": run.id("3"), "jobTitle": "Rust developer", "skills": ["Rust", "SQLite"]})), None)).await;
    assert_eq!((w["id"].as_str(), w["jobTitle"].as_str()), (Some(run.id("3").as_str()), Some("Rust developer")));
    assert_eq!(run.read(WORKER, &format!(r#"{{ worker(id: "{}") {{ jobTitle }} }}"#, run.id("3"))).await["worker"]["jobTitle"], "Rust developer");

    let bank = |iban: &str| arg(json!({"accountId": run.id("3"), "bankAddress": "Holmens Kanal 2", "bankCountry": "DK", "bankName": "Danske Bank",
        "beneficiaryName": "Wanda Worker", "iban": iban, "swift": "DABADKKK"}));
    let b = run.sent("storeBankDetails", worker.store_bank_details(bank("DK5000400440116243"), None)).await;
    assert_eq!((b["iban"].as_str(), b["bankName"].as_str(), b["swift"].as_str()), (Some("DK5000400440116243"), Some("Danske Bank"), Some("DABADKKK")));
    // Storing again updates the same record: the first one persisted.
    let again = run.sent("storeBankDetails", worker.store_bank_details(bank("DK3000000000000001"), None)).await;
    assert_eq!((again["id"].clone(), again["iban"].as_str()), (b["id"].clone(), Some("DK3000000000000001")));

    let cleo = run.api(COMPANY).await;
    let before = run.read(COMPANY, &format!(r#"{{ company(id: "{}") {{ contactInviteUrl }} }}"#, run.id("1"))).await["company"]["contactInviteUrl"].clone();
    let c = run.sent("generateInviteLink", cleo.generate_invite_link(arg(json!({"company": run.id("1")})), None)).await;
    let url = c["contactInviteUrl"].as_str().expect("an invite URL").to_string();
    assert_eq!(c["id"], run.id("1"));
    assert_ne!(json!(url), before);
    assert_eq!(run.read(COMPANY, &format!(r#"{{ company(id: "{}") {{ contactInviteUrl }} }}"#, run.id("1"))).await["company"]["contactInviteUrl"], json!(url));
}

async fn sessions(run: &Run) {
    let cleo = run.api(COMPANY).await;
    let t = run.sent("impersonateUser", cleo.impersonate_user(arg(json!({"user": run.id("31")})), None)).await;
    assert_eq!((t["user"]["id"].as_str(), t["impersonator"]["id"].as_str()), (Some(run.id("31").as_str()), Some(run.id("11").as_str())));
    let token = t["token"].as_str().unwrap().to_string();
    assert_eq!(read(&token, "{ viewer { id name } }").await["viewer"], json!({"id": run.id("31"), "name": "Wanda Worker"}));
    assert_eq!(run.read(COMPANY, "{ viewer { id } }").await["viewer"]["id"], run.id("11"), "the old token still acts as Cleo");

    assert_eq!(run.read(COMPANY_2, "{ viewer { id } }").await["viewer"]["id"], run.id("11"), "the second session works before");
    let (code, _) = refused(cleo.force_logout_user(arg(json!({"password": "not-cleos"})), None)).await;
    assert_eq!(code, "INVALID_PASSWORD");
    let out = run.sent("forceLogoutUser", cleo.force_logout_user(arg(json!({"password": "company-pass-1"})), None)).await;
    assert_eq!(out["user"]["id"], run.id("11"));
    assert!(out["invalidatedSessions"].as_i64().unwrap() >= 1, "{out}");
    let other = run.api(COMPANY_2).await;
    let e = settle(other.generate_invite_link(arg(json!({"company": run.id("1")})), None)).await.expect_err("the other session ended");
    assert_eq!(error_parts(&e).0, "AuthError");
    assert_eq!(run.read(COMPANY, "{ viewer { id } }").await["viewer"]["id"], run.id("11"), "the calling session stays valid");
}

#[wasm_bindgen_test]
async fn account_and_session_mutations() {
    let run = Run::new().await;
    passwords_and_email(&run).await;
    multi_factor(&run).await;
    profile_bank_invite(&run).await;
    sessions(&run).await;
    run.called_exactly(CALLS);
}
