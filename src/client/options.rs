//! `Client.open` options, read once and checked, so a typo fails at open and not at the first send.

use super::errors::SdkError;
use crate::api;
use crate::outbox::policy::Policy;
use wasm_bindgen::prelude::*;

/// What `Client.open` was given.
pub struct Options {
    /// API name -> GraphQL endpoint URL.
    pub endpoints: Vec<(String, String)>,
    /// `token(api)`, called at the start of every drain pass (outside the lock); never stored.
    pub token: Option<js_sys::Function>,
    /// Whose outbox this is.
    pub user: String,
    /// Retry settings (`outbox: { baseDelayMs, maxDelayMs, maxHttpAttempts }`).
    pub policy: Policy,
    /// `requestTimeoutMs`: a request without a complete answer by then is aborted (no answer).
    pub request_timeout_ms: u32,
    /// `tokenTimeoutMs`: how long a pass waits for the `token` callback before pausing in `auth`.
    pub token_timeout_ms: u32,
    /// APIs whose server does not honour `Idempotency-Key` (`idempotency: { <api>: "none" }`).
    pub keyless: Vec<String>,
    /// Most entries per request, per API (`batch: { max, <api>: { max } }`); absent: the default.
    pub batch: Vec<(String, usize)>,
    /// `batch.max` for the APIs not named in `batch`.
    pub batch_default: usize,
    /// `cache: { maxBytes, maxAgeMs }`: the offline cache's size cap and age limit.
    pub cache_limits: crate::cache::Limits,
    /// `cache: { updates }`: the app's functions that put what mutations make into cached
    /// query results (`updates.rs`).
    pub updates: Vec<super::updates::Updater>,
}

/// `cache: { maxBytes, maxAgeMs }` (defaults in `cache::evict`: 8 MiB over all users, 30 days
/// since a query was last answered).
fn cache_limits(options: &JsValue) -> Result<crate::cache::Limits, SdkError> {
    let o = get(options, "cache");
    let mut l = crate::cache::Limits::default();
    if o.is_undefined() || o.is_null() {
        return Ok(l);
    }
    if !o.is_object() {
        return Err(SdkError::Config("Client.open: options.cache must be an object { maxBytes, maxAgeMs }".into()));
    }
    only_keys(&o, "options.cache", &["maxBytes", "maxAgeMs", "updates"])?;
    let read = |key: &str| -> Result<Option<f64>, SdkError> {
        let v = get(&o, key);
        if v.is_undefined() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.is_finite() && n >= 0.0 && n <= 9_007_199_254_740_991.0 => Ok(Some(n.floor())),
            _ => Err(SdkError::Config(format!("Client.open: options.cache.{key} must be a whole number >= 0"))),
        }
    };
    if let Some(n) = read("maxBytes")? {
        l.max_bytes = n as u64;
    }
    if let Some(n) = read("maxAgeMs")? {
        l.max_age_ms = n;
    }
    Ok(l)
}

impl Options {
    /// Most entries per request for `api` (1: one request per entry).
    pub fn batch_max(&self, api: &str) -> usize {
        self.batch.iter().find(|(a, _)| a == api).map_or(self.batch_default, |(_, m)| *m)
    }
}

/// `batch: { max?, <api>?: { max } }`: most entries per batched request, for every API and per
/// API (default `sync::batch::DEFAULT_MAX`; 1 turns batching off).
fn batch(options: &JsValue) -> Result<(Vec<(String, usize)>, usize), SdkError> {
    use crate::sync::batch::{DEFAULT_MAX, MAX_MAX};
    let o = get(options, "batch");
    if o.is_undefined() || o.is_null() {
        return Ok((vec![], DEFAULT_MAX));
    }
    let bad = |path: &str| SdkError::Config(format!("Client.open: options.{path} must be a whole number from 1 to {MAX_MAX} (1 turns batching off); options.batch is {{ max, <api>: {{ max }} }}"));
    let max_of = |obj: &JsValue, path: &str| -> Result<Option<usize>, SdkError> {
        let v = get(obj, "max");
        if v.is_undefined() {
            return Ok(None);
        }
        match v.as_f64() {
            Some(n) if n.fract() == 0.0 && (1.0..=MAX_MAX as f64).contains(&n) => Ok(Some(n as usize)),
            _ => Err(bad(path)),
        }
    };
    if !o.is_object() {
        return Err(bad("batch.max"));
    }
    let default = max_of(&o, "batch.max")?.unwrap_or(DEFAULT_MAX);
    let mut per_api = vec![];
    let keys = object_keys(&o).map_err(|_| SdkError::Config("Client.open: options.batch could not be read (its keys threw)".into()))?;
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        if name == "max" {
            continue;
        }
        if !api::ALL.iter().any(|a| a.name == name) {
            return Err(SdkError::Config(format!("Client.open: batch.{name} is not an API of this SDK (nor max)")));
        }
        let v = get(&o, &name);
        if !v.is_object() {
            return Err(bad(&format!("batch.{name}.max")));
        }
        only_keys(&v, &format!("options.batch.{name}"), &["max"])?;
        per_api.push((name.clone(), max_of(&v, &format!("batch.{name}.max"))?.unwrap_or(default)));
    }
    Ok((per_api, default))
}

/// `idempotency: { <api>: "header" | "none" }` (default "header" for every API).
fn keyless(options: &JsValue) -> Result<Vec<String>, SdkError> {
    let o = get(options, "idempotency");
    if o.is_undefined() || o.is_null() {
        return Ok(vec![]);
    }
    let bad = || SdkError::Config("Client.open: options.idempotency must be an object such as { worksome: \"none\" } (each value \"header\" or \"none\")".into());
    if !o.is_object() {
        return Err(bad());
    }
    let mut out = vec![];
    let keys = object_keys(&o).map_err(|_| SdkError::Config("Client.open: options.idempotency could not be read (its keys threw)".into()))?;
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        if !api::ALL.iter().any(|a| a.name == name) {
            return Err(SdkError::Config(format!("Client.open: idempotency.{name} is not an API of this SDK")));
        }
        match get(&o, &name).as_string().as_deref() {
            Some("none") => out.push(name),
            Some("header") => {}
            _ => return Err(bad()),
        }
    }
    Ok(out)
}

/// Default `tokenTimeoutMs`: 10 s. The callback runs outside the drain lock; this only bounds
/// how long one pass waits for it (a slow login finishing later nudges a new pass).
pub const DEFAULT_TOKEN_TIMEOUT_MS: u32 = 10_000;

/// A top-level timeout option in ms: a whole number from 1 to 2^31 - 1 (what `setTimeout` takes).
fn timeout(options: &JsValue, key: &str, default: u32) -> Result<u32, SdkError> {
    let v = get(options, key);
    if v.is_undefined() || v.is_null() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= 1.0 && n <= i32::MAX as f64 => Ok(n as u32),
        _ => Err(SdkError::Config(format!("Client.open: options.{key} must be a number of ms from 1 to 2147483647"))),
    }
}

fn number(obj: &JsValue, key: &str, min: f64) -> Result<Option<f64>, SdkError> {
    let v = get(obj, key);
    if v.is_undefined() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n >= min => Ok(Some(n)),
        _ => Err(SdkError::Config(format!("Client.open: options.outbox.{key} must be a number >= {min}"))),
    }
}

fn policy(options: &JsValue) -> Result<Policy, SdkError> {
    let o = get(options, "outbox");
    let mut p = Policy::default();
    if o.is_undefined() || o.is_null() {
        return Ok(p);
    }
    if !o.is_object() {
        return Err(SdkError::Config("Client.open: options.outbox must be an object { baseDelayMs, maxDelayMs, maxHttpAttempts }".into()));
    }
    only_keys(&o, "options.outbox", &["baseDelayMs", "maxDelayMs", "maxHttpAttempts"])?;
    // At least 1 ms: with 0 every retry came at once, and a worker offline (no `online` event
    // there) ran a pass every few ms for as long as it stayed offline (found by review in
    // round s27); from 1 the backoff doubles per attempt.
    if let Some(n) = number(&o, "baseDelayMs", 1.0)? {
        p.base_delay_ms = n;
    }
    if let Some(n) = number(&o, "maxDelayMs", 1.0)? {
        p.max_delay_ms = n;
    }
    if let Some(n) = number(&o, "maxHttpAttempts", 1.0)? {
        p.max_http_attempts = n as u32;
    }
    Ok(p)
}

#[wasm_bindgen]
extern "C" {
    // `Object.keys`, `catch`: js-sys's binding is not, and a Proxy's `ownKeys` trap may throw,
    // which would unwind through Rust frames and leave `Client.open` pending forever.
    #[wasm_bindgen(catch, js_namespace = Object, js_name = keys)]
    pub(super) fn object_keys(obj: &JsValue) -> Result<js_sys::Array, JsValue>;
}

/// Fails on a key of `obj` (the options object at `path`) that is not in `known`: a misspelt
/// option was silently ignored, and a typo in `idempotency` (a server that ignores keys then got
/// blind resends) or in `outbox` went unnoticed (found by review in round s27).
fn only_keys(obj: &JsValue, path: &str, known: &[&str]) -> Result<(), SdkError> {
    let keys = object_keys(obj).map_err(|_| SdkError::Config(format!("Client.open: {path} could not be read (its keys threw)")))?;
    for key in keys.iter().filter_map(|k| k.as_string()) {
        if !known.contains(&key.as_str()) {
            return Err(SdkError::Config(format!("Client.open: {path}.{key} is not an option (known: {})", known.join(", "))));
        }
        // A getter that throws was read as "not set" (`get`): a throwing `idempotency` getter
        // meant blind resends, a `token` one no token (found by review in round s27).
        if js_sys::Reflect::get(obj, &JsValue::from_str(&key)).is_err() {
            return Err(SdkError::Config(format!("Client.open: {path}.{key} could not be read (its getter threw)")));
        }
    }
    Ok(())
}

pub(super) fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// `options.database`, checked: `Client.open` starts opening the database with it before it
/// reads the rest (the generated tables are decoded on that first read, while IndexedDB opens).
pub fn database(options: &JsValue) -> Result<Option<String>, SdkError> {
    Ok(match get(options, "database") {
        d if d.is_undefined() || d.is_null() => None,
        // At most 200 characters: it names an IndexedDB database and a Web Lock, and a huge
        // name made the browser take seconds to refuse it.
        d => Some(d.as_string().filter(|s| !s.is_empty() && s.chars().count() <= 200).ok_or_else(|| {
            SdkError::Config("Client.open: options.database must be a non-empty string of at most 200 characters".into())
        })?),
    })
}

/// `options.user` if it is a non-empty string (`read` says what is wrong otherwise): the
/// records of this user are requested as soon as the database is open.
pub fn user(options: &JsValue) -> Option<String> {
    get(options, "user").as_string().filter(|u| !u.is_empty())
}

/// Reads and checks the options object.
pub fn read(options: &JsValue) -> Result<Options, SdkError> {
    if !options.is_object() {
        return Err(SdkError::Config("Client.open: options must be an object { endpoints, token, user }".into()));
    }
    only_keys(options, "options", &["endpoints", "token", "user", "database", "outbox", "requestTimeoutMs", "tokenTimeoutMs", "idempotency", "batch", "cache"])?;
    let user = user(options).ok_or_else(|| {
        SdkError::Config("Client.open: options.user must be a non-empty string naming the signed-in account (it partitions the outbox)".into())
    })?;
    let token = match get(options, "token") {
        t if t.is_undefined() || t.is_null() => None,
        t => Some(t.dyn_into::<js_sys::Function>().map_err(|_| {
            SdkError::Config("Client.open: options.token must be a function (api) => token or Promise<token>".into())
        })?),
    };
    let eps = get(options, "endpoints");
    if !eps.is_object() {
        return Err(SdkError::Config("Client.open: options.endpoints must be an object such as { gcdirectory: \"https://…/graphql\" }".into()));
    }
    let mut endpoints = vec![];
    let keys = object_keys(&eps).map_err(|_| SdkError::Config("Client.open: options.endpoints could not be read (its keys threw)".into()))?;
    for key in keys.iter() {
        let name = key.as_string().unwrap_or_default();
        if !api::ALL.iter().any(|a| a.name == name) {
            let known: Vec<&str> = api::ALL.iter().map(|a| a.name).collect();
            return Err(SdkError::Config(format!("Client.open: endpoints.{name} is not an API of this SDK (known: {})", known.join(", "))));
        }
        let url = get(&eps, &name).as_string().filter(|u| u.starts_with("http://") || u.starts_with("https://") || u.starts_with('/'));
        let url = url.ok_or_else(|| SdkError::Config(format!("Client.open: endpoints.{name} must be an http(s) URL or an absolute path")))?;
        endpoints.push((name, url));
    }
    database(options)?; // `Client.open` opened it already: checked here in its turn
    let (batch, batch_default) = batch(options)?;
    Ok(Options {
        batch,
        batch_default,
        cache_limits: cache_limits(options)?,
        updates: super::updates::read(options)?,
        endpoints,
        token,
        user,
        policy: policy(options)?,
        request_timeout_ms: timeout(options, "requestTimeoutMs", crate::transport::DEFAULT_TIMEOUT_MS)?,
        token_timeout_ms: timeout(options, "tokenTimeoutMs", DEFAULT_TOKEN_TIMEOUT_MS)?,
        keyless: keyless(options)?,
    })
}
