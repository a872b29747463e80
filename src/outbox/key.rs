//! Idempotency keys: a random UUID v4, made once per mutation and sent on every attempt.

/// Formats 16 random bytes as a UUID v4 (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`). Written digit
/// by digit: through `format!` it took 17 formatting calls and as many strings per mutation call.
pub fn uuid_v4(mut b: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, x) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push(HEX[usize::from(x >> 4)] as char);
        s.push(HEX[usize::from(x & 0x0f)] as char);
    }
    s
}
