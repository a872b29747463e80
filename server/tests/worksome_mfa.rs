//! Worksome MFA over real HTTP: TOTP verified with a code this test computes itself (RFC 6238
//! with its own HMAC-SHA1), SMS verified with the code read from /__test/sms.

mod common;

use common::*;
use hmac::{Hmac, Mac};
use serde_json::{json, Value};

/// RFC 6238 TOTP, computed independently of the server's code.
fn totp(secret_b32: &str, secs: u64) -> String {
    let mut key = Vec::new();
    let (mut buf, mut bits) = (0u64, 0);
    for ch in secret_b32.bytes() {
        let v = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
            .iter()
            .position(|&a| a == ch)
            .expect("base32") as u64;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            key.push((buf >> bits) as u8);
        }
    }
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).unwrap();
    mac.update(&(secs / 30).to_be_bytes());
    let h = mac.finalize().into_bytes();
    let o = (h[19] & 15) as usize;
    let n = u32::from_be_bytes([h[o] & 0x7f, h[o + 1], h[o + 2], h[o + 3]]);
    format!("{:06}", n % 1_000_000)
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn factor(s: &Server, id: &str) -> Value {
    s.wq(WS_COMPANY, &format!("{{ multiFactor(id: \"{id}\") {{ __typename ... on TotpMultiFactor {{ status verifiedAt }} ... on SmsMultiFactor {{ status phoneNumber }} }} }}"))["multiFactor"].clone()
}

#[test]
fn totp_factor_verifies_with_a_computed_code_and_rejects_a_wrong_one() {
    let s = Server::start();
    let created = s.op(
        WS_COMPANY,
        "createTotpMultiFactor",
        json!({ "name": "Phone app" }),
    );
    let secret = created["secret"].as_str().unwrap().to_string();
    let id = created["multiFactor"]["id"].as_str().unwrap().to_string();
    assert!(created["qrCode"]
        .as_str()
        .unwrap()
        .contains(&format!("secret={secret}")));
    assert_eq!(factor(&s, &id)["status"], "PENDING");

    let wrong = format!(
        "{:06}",
        (totp(&secret, now()).parse::<u32>().unwrap() + 1) % 1_000_000
    );
    assert_eq!(
        s.op_err(
            WS_COMPANY,
            "verifyTotpMultiFactor",
            json!({ "id": id, "code": wrong })
        ),
        "INVALID_MFA_CODE"
    );
    // Another user cannot verify (or see the secret of) this factor.
    let code = totp(&secret, now());
    assert_eq!(
        s.op_err(
            WS_COLLEAGUE,
            "verifyTotpMultiFactor",
            json!({ "id": id, "code": code })
        ),
        "FORBIDDEN"
    );

    let v = s.op(
        WS_COMPANY,
        "verifyTotpMultiFactor",
        json!({ "id": id, "code": totp(&secret, now()) }),
    );
    assert_eq!(v["status"], "APPROVED");
    assert_eq!(factor(&s, &id)["status"], "APPROVED");
    assert!(factor(&s, &id)["verifiedAt"].is_string());
    let again = json!({ "id": id, "code": totp(&secret, now()) });
    assert_eq!(
        s.op_err(WS_COMPANY, "verifyTotpMultiFactor", again),
        "MFA_ALREADY_VERIFIED"
    );

    assert_eq!(
        s.op_err(WS_WORKER, "removeMultiFactor", json!({ "id": id })),
        "FORBIDDEN"
    );
    let removed = s.op(WS_COMPANY, "removeMultiFactor", json!({ "id": id }));
    assert_eq!(
        (removed["__typename"].as_str(), removed["id"].as_str()),
        (Some("TotpMultiFactor"), Some(id.as_str()))
    );
    assert!(factor(&s, &id).is_null());
}

#[test]
fn sms_factor_verifies_with_the_code_sent() {
    let s = Server::start();
    let id = s.op(
        WS_WORKER,
        "createSmsMultiFactor",
        json!({ "name": "Mobile" }),
    )["multiFactor"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = s.request("GET", "/__test/sms?user=31", &[], "");
    let sent = r.json();
    let last = sent.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["factor"].as_str(), last["phoneNumber"].as_str()),
        (Some(id.as_str()), Some("+4520000031"))
    );
    let code = last["code"].as_str().unwrap().to_string();
    let bad = if code == "000000" { "111111" } else { "000000" };
    assert_eq!(
        s.op_err(
            WS_WORKER,
            "verifySmsMultiFactor",
            json!({ "id": id, "code": bad })
        ),
        "INVALID_MFA_CODE"
    );
    let v = s.op(
        WS_WORKER,
        "verifySmsMultiFactor",
        json!({ "id": id, "code": code }),
    );
    assert_eq!(
        (v["status"].as_str(), v["phoneNumber"].as_str()),
        (Some("APPROVED"), Some("+4520000031"))
    );
    // A user without a phone number gets a clear error.
    assert_eq!(
        s.op_err(WS_OTHER_COMPANY, "createSmsMultiFactor", json!({})),
        "PHONE_NUMBER_MISSING"
    );
}

#[test]
fn sent_message_endpoints_exist_only_in_test_mode() {
    let s = Server::with(outbox_server::Config {
        db: ":memory:".into(),
        test_mode: false,
        ..Default::default()
    });
    assert_eq!(s.request("GET", "/__test/sms", &[], "").status, 404);
    assert_eq!(s.request("GET", "/__test/emails", &[], "").status, 404);
}
