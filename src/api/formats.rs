//! Checks of the values custom scalars constrain. Each returns `Err(reason)` naming what is
//! wrong; the validator adds the field path. Hand-written parsers, not regex: the regex crate
//! would add more to the wasm than every check here together.

use super::model::Format;
use serde_json::Value;

/// `s` quoted for an error message, cut after 60 characters: a message quoting a 10 MB
/// string helps nobody.
pub fn shown(s: &str) -> String {
    match s.char_indices().nth(60) {
        None => format!("{s:?}"),
        Some((cut, _)) => format!("{:?}…", &s[..cut]),
    }
}

/// A JSON value for an error message: as JSON, but a string is cut like `shown`.
pub fn shown_json(v: &Value) -> String {
    match v {
        Value::String(s) if s.chars().nth(60).is_some() => shown(s),
        other => crate::text(other),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str, len: usize, max: u32) -> Option<u32> {
    (s.len() == len && digits(s)).then(|| s.parse().ok()).flatten().filter(|n| *n <= max)
}

/// `YYYY-MM-DD`, a real calendar date.
pub fn date(s: &str) -> Result<(), String> {
    let bad = || Err(format!("{} is not a date in the form YYYY-MM-DD", shown(s)));
    let parts: Vec<&str> = s.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return bad() };
    let (Some(y), Some(m), Some(d)) = (num(y, 4, 9999), num(m, 2, 12), num(d, 2, 31)) else { return bad() };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if m == 0 || d == 0 || d > days[(m - 1) as usize] {
        return Err(format!("{} is not a real calendar date", shown(s)));
    }
    Ok(())
}

/// `HH:MM` (24-hour): the Worksome `Time` scalar is "formatted as H:i (12:34)", no seconds.
pub fn time(s: &str) -> Result<(), String> {
    match s.split(':').collect::<Vec<_>>().as_slice() {
        [h, m] if num(h, 2, 23).is_some() && num(m, 2, 59).is_some() => Ok(()),
        _ => Err(format!("{} is not a 24-hour time in the form HH:MM", shown(s))),
    }
}

/// `HH:MM:SS` (24-hour), the time part of a date-time.
fn time_of_day(s: &str) -> bool {
    matches!(s.split(':').collect::<Vec<_>>().as_slice(),
        [h, m, sec] if num(h, 2, 23).is_some() && num(m, 2, 59).is_some() && num(sec, 2, 59).is_some())
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM]`; a space may stand for the `T`.
pub fn date_time(s: &str) -> Result<(), String> {
    let bad = || Err(format!("{} is not a date-time such as 2026-11-02T08:30:00Z", shown(s)));
    // Every split below is at a byte index of the first 19 bytes: they must all be ASCII, or
    // a split could fall inside a multi-byte character (a panic, a trap in the browser).
    if s.len() < 19 || !s.as_bytes()[..19].is_ascii() {
        return bad();
    }
    let (d, rest) = s.split_at(10);
    let (sep, rest) = rest.split_at(1);
    let (t, mut zone) = rest.split_at(8);
    if date(d).is_err() || !(sep == "T" || sep == " ") || !time_of_day(t) {
        return bad();
    }
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return bad();
        }
        zone = &frac[n..];
    }
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6 && zone.strip_prefix(['+', '-']).is_some_and(|hm| time(hm).is_ok()));
    if zone_ok {
        Ok(())
    } else {
        bad()
    }
}

/// One `@` with a non-empty local part and a dotted domain; no spaces; at most 254 characters.
pub fn email(s: &str) -> Result<(), String> {
    let ok = s.len() <= 254
        && !s.chars().any(char::is_whitespace)
        && matches!(s.split('@').collect::<Vec<_>>().as_slice(),
            [local, domain] if !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'));
    if ok {
        Ok(())
    } else {
        Err(format!("{} is not an email address", shown(s)))
    }
}

/// Digits with optional leading `+`, spaces, dots, dashes, parentheses; 7 to 15 digits.
pub fn phone(s: &str) -> Result<(), String> {
    let body = s.strip_prefix('+').unwrap_or(s);
    let n = body.bytes().filter(u8::is_ascii_digit).count();
    if body.bytes().all(|b| b.is_ascii_digit() || b" ().-".contains(&b)) && (7..=15).contains(&n) {
        Ok(())
    } else {
        Err(format!("{} is not a phone number (7 to 15 digits, with + ( ) . - and spaces allowed)", shown(s)))
    }
}

/// `+` then 2 to 15 digits, the first not 0.
pub fn e164(s: &str) -> Result<(), String> {
    match s.strip_prefix('+') {
        Some(d) if digits(d) && (2..=15).contains(&d.len()) && !d.starts_with('0') => Ok(()),
        _ => Err(format!("{} is not an E.164 phone number such as +4512345678", shown(s))),
    }
}

/// A Canadian code (`K1A 0B1`, space optional) or a US ZIP code (`12345`, `12345-6789`).
pub fn postal_code(s: &str) -> Result<(), String> {
    let b: Vec<u8> = s.bytes().filter(|c| *c != b' ').collect();
    let canadian = s.len() <= 7
        && b.len() == 6
        && b.iter().enumerate().all(|(i, c)| if i % 2 == 0 { c.is_ascii_alphabetic() } else { c.is_ascii_digit() });
    // On bytes, not `&s[..5]`: a byte index may fall inside a multi-byte character ("1234é6789").
    let b = s.as_bytes();
    let all_digits = |b: &[u8]| b.iter().all(u8::is_ascii_digit);
    let zip = (b.len() == 5 && all_digits(b)) || (b.len() == 10 && all_digits(&b[..5]) && b[5] == b'-' && all_digits(&b[6..]));
    if canadian || zip {
        Ok(())
    } else {
        Err(format!("{} is not a postal code (such as K1A 0B1) or ZIP code", shown(s)))
    }
}

/// `http(s)://host...` without spaces.
pub fn url(s: &str) -> Result<(), String> {
    let rest = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !s.chars().any(char::is_whitespace) => Ok(()),
        _ => Err(format!("{} is not an http(s) URL", shown(s))),
    }
}

/// A number or numeric string with at most `places` decimal places.
pub fn decimal(v: &Value, places: usize) -> Result<(), String> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return Err(format!("expected a decimal number, got {}", kind_of(v))),
    };
    let body = text.strip_prefix('-').unwrap_or(&text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if digits(int) && (frac.is_empty() || digits(frac)) && frac.len() <= places {
        Ok(())
    } else {
        let text = if text.chars().nth(60).is_some() { shown(&text) } else { text };
        Err(format!("{text} is not a decimal with at most {places} decimal places"))
    }
}

/// A short name for a JSON value's kind, for error messages.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks one non-null scalar value against its format.
pub fn check(format: Format, v: &Value) -> Result<(), String> {
    let want = |what: &str| Err(format!("expected {what}, got {}", kind_of(v)));
    let string = |f: fn(&str) -> Result<(), String>| match v {
        Value::String(s) => f(s),
        _ => want("a string"),
    };
    match format {
        Format::String => string(|_| Ok(())),
        Format::Int => match v.as_i64() {
            Some(n) if i32::try_from(n).is_ok() => Ok(()),
            Some(n) => Err(format!("{n} is outside the 32-bit integer range")),
            None if v.is_number() => Err(format!("{} is not an integer", crate::text(v))),
            None => want("an integer"),
        },
        Format::Float => match v {
            Value::Number(_) => Ok(()),
            _ => want("a number"),
        },
        Format::Boolean => match v {
            Value::Bool(_) => Ok(()),
            _ => want("a boolean"),
        },
        Format::Id => match v {
            Value::String(_) => Ok(()),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
            _ => want("an ID (a string or an integer)"),
        },
        Format::Email => string(email),
        Format::PhoneNumber => string(phone),
        Format::E164PhoneNumber => string(e164),
        Format::PostalCode => string(postal_code),
        Format::Date => string(date),
        Format::Time => string(time),
        Format::DateTime => string(date_time),
        Format::Url => string(url),
        Format::Decimal2 => decimal(v, 2),
        Format::Decimal4 => decimal(v, 4),
        Format::StrictPercentage => match v.as_f64() {
            Some(p) if (0.0..=100.0).contains(&p) => Ok(()),
            Some(p) => Err(format!("{p} is outside 0 to 100")),
            None => want("a number"),
        },
        Format::Json => Ok(()),
        Format::Dictionary => match v {
            Value::Object(_) => Ok(()),
            _ => want("an object"),
        },
        Format::Upload => Err("Upload values cannot be sent as JSON variables".into()),
    }
}
