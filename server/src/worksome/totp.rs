//! TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits) and the randomness MFA needs.

use hmac::{Hmac, Mac};
use sha1::Sha1;

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `n` bytes from the OS (`/dev/urandom`), for secrets, codes and tokens.
pub fn random_bytes(n: usize) -> Vec<u8> {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    let ok = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .is_ok();
    assert!(
        ok,
        "reading /dev/urandom failed; the server cannot make secrets without it"
    );
    buf
}

/// A random string of `n` lowercase hex digits pairs (2n characters).
pub fn random_hex(n: usize) -> String {
    random_bytes(n).iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 4648 base32 without padding (the `otpauth://` secret format).
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buf >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(ALPHABET[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Decodes unpadded base32 (case-insensitive); `None` on a bad character.
pub fn unbase32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for ch in s.trim_end_matches('=').bytes() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == ch.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
        }
    }
    Some(out)
}

/// The 6-digit TOTP code for `key` at Unix time `secs`.
pub fn code_at(key: &[u8], secs: u64) -> String {
    let counter = secs / 30;
    let mut mac = Hmac::<Sha1>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0xf) as usize;
    let bin = (u32::from(h[off] & 0x7f) << 24)
        | (u32::from(h[off + 1]) << 16)
        | (u32::from(h[off + 2]) << 8)
        | u32::from(h[off + 3]);
    format!("{:06}", bin % 1_000_000)
}

/// Whether `code` is the TOTP of `secret_b32` now, or one step either side (clock skew).
pub fn verify(secret_b32: &str, code: &str) -> bool {
    let Some(key) = unbase32(secret_b32) else {
        return false;
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    [now.saturating_sub(30), now, now + 30]
        .iter()
        .any(|&t| code_at(&key, t) == code)
}

/// A salted password hash (`salt$hex(HMAC-SHA1(salt, password))`); a reference server only.
pub fn hash_password(password: &str) -> String {
    let salt = random_hex(8);
    format!("{salt}${}", mac_hex(&salt, password))
}

/// Whether `password` matches a hash made by `hash_password`.
pub fn check_password(hash: &str, password: &str) -> bool {
    hash.split_once('$')
        .is_some_and(|(salt, h)| mac_hex(salt, password) == h)
}

fn mac_hex(salt: &str, password: &str) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(salt.as_bytes()).expect("any key length");
    mac.update(password.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors_truncated_to_six_digits() {
        let key = b"12345678901234567890";
        // RFC 6238 appendix B, SHA1 (8 digits): 94287082, 07081804, 14050471, 89005924; the
        // 6-digit code is the last 6 of each (same truncation, smaller modulus).
        assert_eq!(code_at(key, 59), "287082");
        assert_eq!(code_at(key, 1_111_111_109), "081804");
        assert_eq!(code_at(key, 1_111_111_111), "050471");
        assert_eq!(code_at(key, 1_234_567_890), "005924");
    }

    #[test]
    fn base32_round_trip_and_passwords() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(unbase32("mzxw6ytboi").unwrap(), b"foobar");
        let h = hash_password("s3cret-pass");
        assert!(check_password(&h, "s3cret-pass") && !check_password(&h, "other"));
    }
}
