//! `Client.open` options, read once and checked, so a typo fails at open and not at the first send.

use super::errors::SdkError;
use crate::api;
use wasm_bindgen::prelude::*;

/// What `Client.open` was given.
pub struct Options {
    /// API name -> GraphQL endpoint URL.
    pub endpoints: Vec<(String, String)>,
    /// `token(api)`, called before every send; its result is never stored.
    pub token: Option<js_sys::Function>,
    /// Whose outbox this is.
    pub user: String,
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
    let eps_obj: &js_sys::Object = eps.unchecked_ref();
    for key in js_sys::Object::keys(eps_obj).iter() {
        let name = key.as_string().unwrap_or_default();
        if !api::ALL.iter().any(|a| a.name == name) {
            let known: Vec<&str> = api::ALL.iter().map(|a| a.name).collect();
            return Err(SdkError::Config(format!("Client.open: endpoints.{name} is not an API of this SDK (known: {})", known.join(", "))));
        }
        let url = get(&eps, &name).as_string().filter(|u| u.starts_with("http://") || u.starts_with("https://") || u.starts_with('/'));
        let url = url.ok_or_else(|| SdkError::Config(format!("Client.open: endpoints.{name} must be an http(s) URL or an absolute path")))?;
        endpoints.push((name, url));
    }
    Ok(Options { endpoints, token, user })
}
