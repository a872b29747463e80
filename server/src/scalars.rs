//! Format checks for the custom scalars the schemas declare.
//!
//! The check runs in async-graphql's validation step, on literals and variables alike, so a bad
//! value is a GraphQL validation error before any handler runs. It also runs on output values,
//! which is why stored data must already be well-formed. A custom scalar with no check here
//! accepts any value (its description is documentation only).

use async_graphql::Value;

/// The check for a custom scalar by name, if the server knows one.
pub fn validator(name: &str) -> Option<fn(&Value) -> bool> {
    match name {
        "Email" => Some(|v| as_str(v).is_some_and(is_email)),
        "PhoneNumber" => Some(|v| as_str(v).is_some_and(is_phone_number)),
        "PostalCode" => Some(|v| as_str(v).is_some_and(is_postal_code)),
        // Worksome's documented formats: Date is YYYY-MM-DD, Time is 24-hour H:i (12:34).
        "Date" => Some(|v| as_str(v).is_some_and(is_date)),
        "Time" => Some(|v| as_str(v).is_some_and(is_time)),
        _ => None,
    }
}

fn as_str(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// One `@` with text either side and no whitespace.
pub fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && !domain.is_empty() && !s.chars().any(char::is_whitespace)
}

/// Digits with an optional leading `+`, spaces, dots, dashes and parentheses; 7 to 15 digits.
pub fn is_phone_number(s: &str) -> bool {
    let body = s.strip_prefix('+').unwrap_or(s);
    let allowed = body
        .chars()
        .all(|c| c.is_ascii_digit() || " .-()".contains(c));
    let digits = body.chars().filter(char::is_ascii_digit).count();
    allowed && (7..=15).contains(&digits)
}

/// A Canadian code (`K1A 0B1`, space optional, either case) or a US ZIP (`12345`, `12345-6789`).
pub fn is_postal_code(s: &str) -> bool {
    let b = s.as_bytes();
    let canadian = |b: &[u8]| {
        b.len() == 6
            && b.iter().enumerate().all(|(i, c)| {
                if i % 2 == 0 {
                    c.is_ascii_alphabetic()
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    let compact: Vec<u8> = match b {
        [a, b2, c, b' ', rest @ ..] if rest.len() == 3 => [&[*a, *b2, *c][..], rest].concat(),
        _ => b.to_vec(),
    };
    let zip5 = |b: &[u8]| b.len() == 5 && b.iter().all(u8::is_ascii_digit);
    let zip9 =
        b.len() == 10 && zip5(&b[..5]) && b[5] == b'-' && b[6..].iter().all(u8::is_ascii_digit);
    canadian(&compact) || zip5(b) || zip9
}

/// `YYYY-MM-DD` naming a real day (leap years included).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !digits(0..4)
        || !digits(5..7)
        || !digits(8..10)
    {
        return false;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// 24-hour `HH:MM` (strict two-digit hours, as the SDK validates it).
pub fn is_time(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    let num = |x: &str, max: u32| {
        x.len() == 2
            && x.bytes().all(|c| c.is_ascii_digit())
            && x.parse::<u32>().is_ok_and(|v| v <= max)
    };
    num(h, 23) && num(m, 59)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_times() {
        assert!(is_date("2024-02-29") && is_date("2026-11-02"));
        assert!(
            !is_date("2026-02-29")
                && !is_date("2026-13-01")
                && !is_date("2026-1-02")
                && !is_date("02-11-2026")
        );
        assert!(is_time("09:30") && is_time("00:00") && is_time("23:59"));
        assert!(
            !is_time("24:00")
                && !is_time("12:60")
                && !is_time("1230")
                && !is_time("12:5")
                && !is_time("9:30")
        );
    }

    #[test]
    fn formats() {
        assert!(is_email("a@b.ca") && !is_email("a b@c") && !is_email("a@b@c") && !is_email("@b"));
        assert!(is_phone_number("613-555-0100") && is_phone_number("+1 (613) 555.0100"));
        assert!(
            !is_phone_number("555-01")
                && !is_phone_number("613x5550100")
                && !is_phone_number("1+6135550100")
        );
        assert!(
            is_postal_code("K1A 0B1") && is_postal_code("k1a0b1") && is_postal_code("12345-6789")
        );
        assert!(
            !is_postal_code("K1A  0B1") && !is_postal_code("1234") && !is_postal_code("KKA 0B1")
        );
    }
}
