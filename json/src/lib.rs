//! The SDK's JSON text parser: every JSON text the SDK reads (server answers, stored entries
//! and cache records, messages from other contexts, the app's values as `JSON.stringify` gave
//! them) is parsed here.
//!
//! Why a crate of its own: the SDK is built for size (opt-level "z"), and serde_json's parser is
//! generic, so its code is generated in the crate that calls it, at that crate's level. A cold
//! cache read parses every record of the user at once (500 entities: ~93 KB of text), and at "z"
//! that parse was the largest part of the read's own work (1.6 ms of ~5; at opt-level 3,
//! 1.1 ms: bench/cache.mjs with marks around it). The root `Cargo.toml` builds this crate at
//! opt-level 3; all parsing goes through it, so the wasm holds one copy of the parser.

use serde::Deserialize;
use serde_json::Value;

/// One JSON text as a `Value`.
pub fn value(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str(text)
}

#[derive(Deserialize)]
struct Record {
    k: String,
    v: Value,
}

/// The cache's stored records (`{"k": key, "v": value}` texts) joined into one JSON array, as
/// (key, value); `None` if any is not such a record.
pub fn records(array: &str) -> Option<Vec<(String, Value)>> {
    let all: Vec<Record> = serde_json::from_str(array).ok()?;
    Some(all.into_iter().map(|r| (r.k, r.v)).collect())
}

/// One stored cache record as (key, value), or `None` if it is not one.
pub fn record(text: &str) -> Option<(String, Value)> {
    serde_json::from_str::<Record>(text).ok().map(|r| (r.k, r.v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_records_and_refuses_what_is_not_one() {
        let all = records(r#"[{"k":"Hire:1","v":{"f":{"id":"1"},"at":5}},{"k":"~?q{}","v":{"at":6}}]"#).expect("two records");
        assert_eq!(all, vec![("Hire:1".to_string(), json!({"f": {"id": "1"}, "at": 5})), ("~?q{}".to_string(), json!({"at": 6}))]);
        assert!(records(r#"[{"k":"Hire:1","v":{}},{"v":{}}]"#).is_none(), "a record without its key");
        assert!(records("[{").is_none(), "cut short");
        assert_eq!(record(r#"{"k":"a","v":1}"#), Some(("a".to_string(), json!(1))));
        assert_eq!(record(r#"{"k":7,"v":1}"#), None);
    }

    #[test]
    fn reads_values_as_serde_json_does() {
        for text in ["null", "1.5", r#""é\n""#, r#"{"a":[1,{"b":true}]}"#, "[]"] {
            assert_eq!(value(text).ok(), serde_json::from_str::<Value>(text).ok(), "{text}");
        }
        assert!(value("{").is_err() && value("").is_err() && value("1 2").is_err());
    }
}
