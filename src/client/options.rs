//! `Client.open` options, read once and checked, so a typo fails at open and not at the first send.

use super::errors::SdkError;
use crate::api;
use crate::outbox::policy::Policy;
use wasm_bindgen::prelude::*;

/// What `Client.open` was given.
pub struct Options {
    /// API name -> GraphQL endpoint URL.
    pub endpoints: Vec<(String, String)>,
    /// `token(api)`, called before every send; its result is never stored.
    pub token: Option<js_sys::Function>,
    /// Whose outbox this is.
    pub user: String,
    /// Names the IndexedDB database (`graphql-outbox:<database>`); default: one per origin.
    pub database: Option<String>,
    /// Retry settings (`outbox: { baseDelayMs, maxDelayMs, maxHttpAttempts }`).
    pub policy: Policy,
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
    if let Some(n) = number(&o, "baseDelayMs", 0.0)? {
        p.base_delay_ms = n;
    }
    if let Some(n) = number(&o, "maxDelayMs", 0.0)? {
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
    fn object_keys(obj: &JsValue) -> Result<js_sys::Array, JsValue>;
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Reads and checks the options object.
pub fn read(options: &JsValue) -> Result<Options, SdkError> {
    if !options.is_object() {
        return Err(SdkError::Config("Client.open: options must be an object { endpoints, token, user }".into()));
    }
    let user = get(options, "user").as_string().filter(|u| !u.is_empty()).ok_or_else(|| {
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
    let database = match get(options, "database") {
        d if d.is_undefined() || d.is_null() => None,
        d => Some(d.as_string().filter(|s| !s.is_empty()).ok_or_else(|| {
            SdkError::Config("Client.open: options.database must be a non-empty string".into())
        })?),
    };
    Ok(Options { endpoints, token, user, database, policy: policy(options)? })
}
