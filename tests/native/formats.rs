use graphql_outbox::api::formats::{check, date, date_time, decimal, email, phone, postal_code, time};
use graphql_outbox::api::model::Format;
use serde_json::json;

#[test]
fn dates_are_real_calendar_dates() {
    for ok in ["2026-11-02", "2024-02-29", "2000-02-29", "1999-12-31"] {
        assert_eq!(date(ok), Ok(()), "{ok}");
    }
    for bad in ["2026-11-2", "2026/11/02", "2023-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-00-10", "26-11-02", "2026-11-02T00:00"] {
        assert!(date(bad).is_err(), "{bad}");
    }
}

#[test]
fn times_are_24_hour_hh_mm() {
    for ok in ["00:00", "08:30", "23:59", "12:34"] {
        assert_eq!(time(ok), Ok(()), "{ok}");
    }
    for bad in ["24:00", "8:30", "08:60", "0830", "08:30pm", "", "08:30:60", "12:00:59", "12:34 "] {
        assert!(time(bad).is_err(), "{bad}");
    }
}

#[test]
fn date_times_need_date_time_and_a_valid_zone() {
    for ok in ["2022-10-30T23:00:00.000000Z", "2026-11-02T08:30:00Z", "2026-11-02 08:30:00", "2026-11-02T08:30:00+01:00"] {
        assert_eq!(date_time(ok), Ok(()), "{ok}");
    }
    for bad in ["2026-11-02", "2026-11-02T8:30:00Z", "2026-11-02T08:30:00+1", "2026-11-02X08:30:00", "2026-11-02T08:30:00.Z", "2026-11-02T08:30:00Zulu"] {
        assert!(date_time(bad).is_err(), "{bad}");
    }
}

#[test]
fn contact_formats() {
    assert!(email("joe.smith@canada.ca").is_ok());
    for bad in ["joe", "joe@", "@canada.ca", "joe@canada", "joe smith@canada.ca", "a@b@c.ca", "joe@.ca"] {
        assert!(email(bad).is_err(), "{bad}");
    }
    for ok in ["613-555-0100", "+1 (613) 555-0100", "6135550100", "+45.12.34.56.78"] {
        assert!(phone(ok).is_ok(), "{ok}");
    }
    for bad in ["555-01", "call me", "+1 613 555 0100 ext 4", "1234567890123456"] {
        assert!(phone(bad).is_err(), "{bad}");
    }
    for ok in ["K1A 0B1", "k1a0b1", "90210", "90210-1234"] {
        assert!(postal_code(ok).is_ok(), "{ok}");
    }
    for bad in ["K1A 0B", "1A1 A1A", "K1A  0B1", "9021", "90210-12", "not a code"] {
        assert!(postal_code(bad).is_err(), "{bad}");
    }
}

#[test]
fn numbers_and_decimals() {
    assert!(check(Format::Int, &json!(2147483647)).is_ok());
    assert!(check(Format::Int, &json!(2147483648i64)).unwrap_err().contains("32-bit"));
    assert!(check(Format::Int, &json!(1.5)).unwrap_err().contains("not an integer"));
    assert!(check(Format::Int, &json!("1")).unwrap_err().contains("expected an integer, got a string"));
    assert!(check(Format::Id, &json!(12)).is_ok() && check(Format::Id, &json!("a")).is_ok());
    assert!(check(Format::Id, &json!(1.5)).is_err() && check(Format::Id, &json!(true)).is_err());
    assert!(decimal(&json!(12.25), 2).is_ok() && decimal(&json!("-0.5"), 2).is_ok());
    assert!(decimal(&json!(12.255), 2).is_err() && decimal(&json!("1e3"), 2).is_err() && decimal(&json!("12.2500"), 2).is_err());
    assert!(decimal(&json!(1.2345), 4).is_ok());
    assert!(check(Format::StrictPercentage, &json!(100)).is_ok() && check(Format::StrictPercentage, &json!(100.5)).is_err());
    assert!(check(Format::Upload, &json!("x")).is_err());
}
