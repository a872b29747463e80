//! Hostile input for the plain-Rust layers (issue 7): no string, JSON value or server answer may
//! make them panic, since a panic in the browser is a trap that leaves every promise of the
//! module pending. First the cases the issue reported, then property tests with modest case
//! counts (the native suite must stay fast): every scalar validator over arbitrary Unicode,
//! `validate::variables` over schema-shaped and arbitrary JSON for every operation of every
//! API, and `classify` over arbitrary status, body and `Retry-After` strings.

use graphql_outbox::api::formats::{check, date, date_time, decimal, e164, email, phone, postal_code, time, url};
use graphql_outbox::api::model::{Api, Format, Kind};
use graphql_outbox::api::validate::variables;
use graphql_outbox::api::{gcdirectory, worksome, ALL};
use graphql_outbox::outbox::classify::{classify, Outcome};
use graphql_outbox::transport::{HttpResponse, NetworkError};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Value};

const FORMATS: [Format; 19] = [
    Format::String, Format::Int, Format::Float, Format::Boolean, Format::Id, Format::Email, Format::PhoneNumber,
    Format::E164PhoneNumber, Format::PostalCode, Format::Date, Format::Time, Format::DateTime, Format::Decimal2,
    Format::Decimal4, Format::StrictPercentage, Format::Url, Format::Json, Format::Dictionary, Format::Upload,
];

/// One valid example of each string format: mutated below, they put multi-byte characters
/// exactly where the parsers split.
const EXAMPLES: [&str; 10] = [
    "2026-11-02T08:30:00+01:00", "2026-11-02 08:30:00.123Z", "2026-11-02", "08:30", "90210-1234", "K1A 0B1",
    "+4512345678", "+1 (613) 555-0100", "joe.smith@canada.ca", "https://profiles.example/graphql",
];

/// Characters of 2, 3 and 4 UTF-8 bytes, a combining mark, a lone-surrogate replacement, NUL.
const WIDE: [char; 7] = ['é', '€', '😀', '\u{301}', '\u{FFFD}', '\0', 'ß'];

fn no_persistence(cases: u32) -> Config {
    // No proptest-regressions files written into the checkout.
    Config { cases, failure_persistence: None, ..Config::default() }
}

#[test]
fn multi_byte_characters_where_the_parsers_split_are_errors_not_panics() {
    // Issue 7: `&s[..5]` cut "é" in two.
    assert!(postal_code("1234é6789").is_err());
    assert!(postal_code("é2345-6789").is_err() && postal_code("12345é678").is_err() && postal_code("K1Aé0B1").is_err());
    // The date-time's split after the date fell inside the character.
    for s in ["2026-11-02é8:30:00Z", "2026-11-02T08:30:0é", "2026-11-0éT08:30:00", "2026-11-02T08:30:00+0é:00", "2026-11-02T08:30:00.é", "2026-11-02T08:30:00€"] {
        assert!(date_time(s).is_err(), "{s}");
    }
    for s in ["0é:30", "08:3é", "é8:30", "08:30é", "😀:30"] {
        assert!(time(s).is_err(), "{s}");
    }
    for s in ["2026-1é-02", "2026-11-0é", "é026-11-02"] {
        assert!(date(s).is_err(), "{s}");
    }
}

#[test]
fn the_reported_calls_are_validation_errors_naming_the_field() {
    let op = gcdirectory::API.operation("modifyProfile").unwrap();
    let e = variables(&gcdirectory::API, op, json!({"gcId": "1", "data": {"address": {"postalCode": "1234é6789"}}})).unwrap_err();
    assert_eq!(e.path, "data.address.postalCode");
    let op = worksome::API.operation("updateJob").unwrap();
    let e = variables(&worksome::API, op, json!({"id": "1", "sourcingEndDate": "2026-11-02é8:30:00Z"})).unwrap_err();
    assert_eq!(e.path, "input.sourcingEndDate");
    let op = worksome::API.operation("updateTimesheetRegistration").unwrap();
    let e = variables(&worksome::API, op, json!({"id": "r1", "startTime": "0é:30"})).unwrap_err();
    assert_eq!(e.path, "input.startTime");
}

#[test]
fn error_messages_quote_at_most_60_characters() {
    let long = "é".repeat(5_000_000);
    let reasons = [
        postal_code(&long).unwrap_err(),
        decimal(&json!(long), 2).unwrap_err(),
        variables(&gcdirectory::API, gcdirectory::API.operation("modifyApproval").unwrap(), json!({"id": "1", "data": {"status": long}})).unwrap_err().reason,
    ];
    for reason in reasons {
        assert!(reason.chars().count() < 200, "{} characters", reason.chars().count());
    }
}

#[test]
fn a_huge_retry_after_saturates() {
    let r = classify("x", Ok(HttpResponse { status: 503, retry_after: Some("99999999999999999999".into()), body: String::new() }));
    assert!(matches!(r, Outcome::Retry { retry_after_ms: None, .. }), "{r:?}");
    let r = classify("x", Ok(HttpResponse { status: 503, retry_after: Some("18446744073709551615".into()), body: String::new() }));
    assert!(matches!(r, Outcome::Retry { retry_after_ms: Some(u64::MAX), .. }), "{r:?}");
}

/// Any string, with a bias towards the characters the parsers look at, mixed with wide ones.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9:+\\-TZ. @()éß€😀\u{301}a-z]{0,30}",
        (0..EXAMPLES.len(), any::<prop::sample::Index>(), 0..WIDE.len(), 0..3usize)
            .prop_map(|(e, at, w, kind)| mutate(EXAMPLES[e], at.index(EXAMPLES[e].chars().count() + 1), WIDE[w], kind)),
    ]
}

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        hostile_string().prop_map(Value::String),
    ]
}

/// Arbitrary JSON, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((hostile_string(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(no_persistence(512))]

    #[test]
    fn scalar_validators_never_panic(s in hostile_string()) {
        let _ = (date(&s), time(&s), date_time(&s), email(&s), phone(&s), e164(&s), postal_code(&s), url(&s));
        let v = Value::String(s.clone());
        let _ = (decimal(&v, 2), decimal(&v, 4));
        for f in FORMATS {
            let _ = check(f, &v);
        }
        // What the date-time check accepts starts with a real date.
        if date_time(&s).is_ok() {
            prop_assert!(date(&s[..10]).is_ok(), "{s:?}");
        }
    }

    #[test]
    fn format_checks_never_panic_on_any_json(v in json_value()) {
        for f in FORMATS {
            let _ = check(f, &v);
        }
    }

    #[test]
    fn classify_never_panics(
        // Any status, but mostly the ones `classify` tells apart (a header is read for 5xx/408/429).
        status in prop_oneof![any::<u16>(), 100u16..600, prop::sample::select(vec![200u16, 401, 403, 408, 429, 500, 503])],
        body in prop_oneof![
            any::<String>(),
            json_value().prop_map(|v| v.to_string()),
            (json_value(), json_value()).prop_map(|(d, e)| json!({ "data": d, "errors": e }).to_string()),
            (json_value(), json_value()).prop_map(|(f, m)| json!({ "data": { "x": f }, "message": m, "error": m }).to_string()),
        ],
        retry_after in proptest::option::of(prop_oneof![hostile_string(), "[0-9]{1,30}"]),
        field in prop_oneof![Just("x".to_string()), hostile_string()],
    ) {
        let out = classify(&field, Ok(HttpResponse { status, retry_after, body }));
        match status {
            401 | 403 => prop_assert!(matches!(out, Outcome::Auth { .. }), "{out:?}"),
            408 | 429 | 500..=599 => prop_assert!(matches!(out, Outcome::Retry { .. }), "{out:?}"),
            _ => {}
        }
        let _ = classify(&field, Err(NetworkError(field.clone())));
    }
}

/// `example` with `wide` swapped in at `at` (kind 0), swapped in for two characters (kind 1,
/// which keeps a 2-byte character's string at the example's byte length: "9021é1234"), or put in.
fn mutate(example: &str, at: usize, wide: char, kind: usize) -> String {
    let mut chars: Vec<char> = example.chars().collect();
    match (kind, at + 1 < chars.len()) {
        (0, true) => chars[at] = wide,
        (1, true) => chars.splice(at..at + 2, [wide]).for_each(drop),
        _ => chars.insert(at.min(chars.len()), wide),
    }
    chars.into_iter().collect()
}

/// Every one-character mutation of `example` (each position, wide character and kind).
fn neighbours(example: &str) -> Vec<String> {
    let n = example.chars().count();
    let mut out = vec![];
    for at in 0..=n {
        for wide in WIDE {
            for kind in 0..3 {
                out.push(mutate(example, at, wide, kind));
            }
        }
    }
    out
}

/// A valid value of a format (the string formats' examples are mutated by `neighbours`).
fn example(format: Format) -> Value {
    match format {
        Format::Int | Format::StrictPercentage => json!(1),
        Format::Float => json!(1.5),
        Format::Boolean => json!(true),
        Format::Decimal2 | Format::Decimal4 => json!("12.50"),
        Format::Dictionary => json!({}),
        Format::DateTime => json!(EXAMPLES[0]),
        Format::Date => json!(EXAMPLES[2]),
        Format::Time => json!(EXAMPLES[3]),
        Format::PostalCode => json!(EXAMPLES[4]),
        Format::E164PhoneNumber => json!(EXAMPLES[6]),
        Format::PhoneNumber => json!(EXAMPLES[7]),
        Format::Email => json!(EXAMPLES[8]),
        Format::Url => json!(EXAMPLES[9]),
        Format::String | Format::Id | Format::Json | Format::Upload => json!("x"),
    }
}

/// A scalar position inside a call's arguments: its JSON pointer and format.
type Leaf = (String, Format);

/// A value of `ty` (`[Foo!]!`, ...) of the right shape: required fields filled with valid
/// values, optional ones too down to depth 3 (so that each can be made hostile), lists of one
/// item. Records every scalar position in `leaves`.
fn skeleton(api: &Api, ty: &str, at: &str, depth: u32, leaves: &mut Vec<Leaf>) -> Value {
    let inner = ty.strip_suffix('!').unwrap_or(ty);
    if let Some(item) = inner.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return Value::Array(if depth > 3 { vec![] } else { vec![skeleton(api, item, &format!("{at}/0"), depth + 1, leaves)] });
    }
    match api.type_def(inner).map(|d| &d.kind) {
        Some(Kind::Scalar(f)) => {
            leaves.push((at.to_string(), *f));
            example(*f)
        }
        Some(Kind::Enum(values)) => json!(values[0]),
        Some(Kind::Input(fields)) if depth < 10 => Value::Object(
            fields
                .iter()
                .filter(|(_, fty)| fty.ends_with('!') || depth <= 3)
                .map(|(name, fty)| (name.to_string(), skeleton(api, fty, &format!("{at}/{name}"), depth + 1, leaves)))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// The arguments of `op` as its function takes them, and their scalar positions.
fn call_skeleton(api: &Api, op: &graphql_outbox::api::model::Operation) -> (Value, Vec<Leaf>) {
    let mut leaves = vec![];
    let args = if op.single_input {
        skeleton(api, op.args[0].1, "", 0, &mut leaves)
    } else {
        Value::Object(op.args.iter().map(|(n, t)| (n.to_string(), skeleton(api, t, &format!("/{n}"), 0, &mut leaves))).collect())
    };
    (args, leaves)
}

#[test]
fn validation_never_panics_for_any_operation_of_any_api() {
    let mut checked = 0;
    let mut custom_leaves = 0;
    for api in ALL.iter() {
        for op in api.operations {
            let (args, leaves) = call_skeleton(api, op);
            // Valid as built, so the validator reaches every position made hostile below.
            if let Err(e) = variables(api, op, args.clone()) {
                panic!("{}.{}: the skeleton is invalid: {e}", api.name, op.name);
            }
            let run = |args: Value| {
                if let Ok(vars) = variables(api, op, args) {
                    // What passes keeps only the operation's own arguments.
                    assert!(vars.keys().all(|k| op.args.iter().any(|(n, _)| n == k)), "{}.{}: {vars:?}", api.name, op.name);
                }
            };
            // Every scalar position gets every one-character mutation of its format's example
            // (a wide character exactly where a parser splits), or a few hostile strings.
            let mut runner = TestRunner::new(no_persistence(1));
            let strings = prop::collection::vec(hostile_string(), 6).new_tree(&mut runner).unwrap().current();
            for (pointer, format) in &leaves {
                let Value::String(ex) = example(*format) else { continue };
                let candidates = if ex == "x" { strings.clone() } else { neighbours(&ex) };
                custom_leaves += usize::from(ex != "x");
                for s in candidates {
                    let mut a = args.clone();
                    if let Some(slot) = a.pointer_mut(pointer) {
                        *slot = Value::String(s);
                    }
                    run(a);
                }
            }
            // And arbitrary JSON as the arguments, and as each argument.
            let mut runner = TestRunner::new(no_persistence(16));
            let result = runner.run(&json_value(), |wild| {
                run(wild.clone());
                for (name, _) in op.args {
                    let mut a = args.clone();
                    if let Some(m) = a.as_object_mut() {
                        m.insert(name.to_string(), wild.clone());
                    }
                    run(a);
                }
                Ok(())
            });
            if let Err(e) = result {
                panic!("{}.{}: {e}", api.name, op.name);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 85, "every mutation of tests/data/mutations.tsv");
    assert!(custom_leaves > 20, "only {custom_leaves} positions of a checked string format");
}
