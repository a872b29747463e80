//! `Client`: what `Client.open` returns. Holds the options; each API is a getter generated from
//! the schemas (`client.gcdirectory`, `client.worksome`).

use super::errors::SdkError;
use super::options::{self, Options};
use crate::transport::FetchTransport;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// State shared by the client and every API object it hands out.
pub struct Inner {
    pub options: Options,
    pub transport: FetchTransport,
}

/// A cheap handle the generated API classes keep.
#[derive(Clone)]
pub struct ClientRef(pub(crate) Rc<Inner>);

/// The SDK's entry point: `await Client.open({ endpoints, token, user })`.
#[wasm_bindgen]
pub struct Client {
    inner: ClientRef,
}

#[wasm_bindgen]
impl Client {
    /// Opens a client. Rejects with a `ConfigError` naming the bad option.
    #[wasm_bindgen(js_name = open)]
    pub async fn open(#[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue) -> Result<Client, JsValue> {
        let options = options::read(&options)?;
        Ok(Client { inner: ClientRef(Rc::new(Inner { options, transport: FetchTransport })) })
    }

    /// The `user` this client was opened for.
    #[wasm_bindgen(getter)]
    pub fn user(&self) -> String {
        self.inner.0.options.user.clone()
    }
}

impl Client {
    pub(crate) fn handle(&self) -> ClientRef {
        self.inner.clone()
    }
}

impl From<SdkError> for Result<Client, JsValue> {
    fn from(e: SdkError) -> Self {
        Err(e.into())
    }
}
