//! The GraphQL response envelope (`data`, `errors`) of an answer's body, read through
//! graphql_client's `Response`/`Error` types (the design card's crate for the envelope). Written
//! here is only what those types cannot do (tests/native/envelope_crate.rs shows each): keep an
//! answer whose `errors` break the spec (the crate refuses the whole answer over one bad item)
//! or carry keys beyond the spec's four (the crate drops them).

use graphql_client::{Error, PathFragment, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

/// What an answer's body says.
#[derive(Debug, Default, PartialEq)]
pub struct Said {
    /// The `errors`, when there is at least one: each an object whose `message` is a string, as
    /// the app's `GraphQLErrorItem` type promises.
    pub errors: Option<Value>,
    /// The `data` object, when it is one.
    pub data: Option<Value>,
    /// The body as plain JSON, when it is JSON but not read through the crate's types (a JSON
    /// error object, `errors` the crate cannot take whole): what `body_text` quotes.
    pub body: Option<Value>,
}

/// The keys an error item has in the GraphQL spec, the ones graphql_client's `Error` keeps.
const SPEC_KEYS: [&str; 4] = ["message", "locations", "path", "extensions"];

/// Reads `raw` as a GraphQL answer.
pub fn read(raw: &str) -> Said {
    let Ok(body) = outbox_json::value(raw) else { return Said::default() };
    // An item with keys outside the spec (older Apollo servers put `code` there) keeps them:
    // read as plain JSON below.
    let beyond_spec = body.get("errors").and_then(Value::as_array).is_some_and(|items| {
        items.iter().filter_map(Value::as_object).any(|m| m.keys().any(|k| !SPEC_KEYS.contains(&k.as_str())))
    });
    // From the parsed Value: serde_json's Value deserializer is in the wasm anyway (stored
    // entries), a second text parser instance for the envelope measured 1.1 KB gzip more.
    let envelope = if beyond_spec { None } else { Response::<Value>::deserialize(body).ok() };
    match envelope {
        Some(r) if r.data.is_some() || r.errors.is_some() => Said {
            errors: r.errors.filter(|e| !e.is_empty()).map(|e| Value::Array(e.iter().map(item).collect())),
            data: r.data.filter(Value::is_object),
            body: None,
        },
        // Not a GraphQL answer (a JSON error object: `body_text` quotes it), or one the crate
        // cannot take whole (an item that is a bare string or a number, a `message` that is not
        // a string or is missing, keys beyond the spec): read as plain JSON, the items made
        // well-formed by `typed_errors`. Parsed again: only answers that fail take this way.
        _ => {
            let body: Option<Value> = outbox_json::value(raw).ok();
            let errors = body.as_ref().and_then(|b| b.get("errors")).filter(|e| e.as_array().is_some_and(|a| !a.is_empty())).map(typed_errors);
            let data = body.as_ref().and_then(|b| b.get("data")).filter(|d| d.is_object()).cloned();
            Said { errors, data, body }
        }
    }
}

/// One error as the app sees it: `message`, and `locations`, `path`, `extensions` when present
/// (graphql_client's own `Serialize` writes absent ones as `null`); `extensions` keys sorted.
fn item(e: &Error) -> Value {
    let mut m = Map::new();
    m.insert("message".into(), Value::String(e.message.clone()));
    if let Some(l) = &e.locations {
        let l = l.iter().map(|l| {
            let mut at = Map::new();
            at.insert("line".into(), l.line.into());
            at.insert("column".into(), l.column.into());
            Value::Object(at)
        });
        m.insert("locations".into(), Value::Array(l.collect()));
    }
    if let Some(p) = &e.path {
        let p = p.iter().map(|f| match f {
            PathFragment::Key(k) => Value::String(k.clone()),
            PathFragment::Index(i) => (*i).into(),
        });
        m.insert("path".into(), Value::Array(p.collect()));
    }
    if let Some(x) = &e.extensions {
        // Inserted one by one (keys sorted, as in every `Map`): collecting sorts first, a
        // stable-sort instance of its own in the wasm.
        let mut ext = Map::new();
        for (k, v) in x {
            ext.insert(k.clone(), v.clone());
        }
        m.insert("extensions".into(), Value::Object(ext));
    }
    Value::Object(m)
}

/// The server's `errors` with every item an object whose `message` is a string: a server that
/// breaks the GraphQL spec here (a number, an object, a bare string item) gets its value as JSON
/// text instead of reaching the app as is.
fn typed_errors(errors: &Value) -> Value {
    let items = errors.as_array().map(Vec::as_slice).unwrap_or_default();
    Value::Array(
        items
            .iter()
            .map(|item| {
                let mut obj = match item {
                    Value::Object(m) => m.clone(),
                    other => {
                        let mut m = Map::new();
                        m.insert("message".to_string(), other.clone());
                        m
                    }
                };
                let text = match obj.get("message") {
                    Some(Value::String(_)) => None,
                    Some(Value::Null) | None => Some("GraphQL error".to_string()),
                    Some(other) => Some(crate::text(other)),
                };
                if let Some(t) = text {
                    obj.insert("message".into(), Value::String(t));
                }
                Value::Object(obj)
            })
            .collect(),
    )
}
