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

#[cfg(test)]
mod tests {
    use super::*;

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
