//! `Transport` over the global `fetch`, so it works in a window, a dedicated worker and an
//! MV3 service worker alike (gloo-net's `Request::send` needs nothing more, but brings the
//! `http` crate and more wasm for no gain here).

use super::{HttpRequest, HttpResponse, NetworkError, Transport};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    // `fetch` of whatever global scope we run in; `window.fetch` would not exist in a worker.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> js_sys::Promise;
}

/// The browser's `fetch`.
#[derive(Debug, Default, Clone, Copy)]
pub struct FetchTransport;

fn describe(e: JsValue) -> NetworkError {
    let msg = e
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    NetworkError(msg)
}

impl Transport for FetchTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError> {
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        init.set_body(&JsValue::from_str(&request.body));
        let headers = web_sys::Headers::new().map_err(describe)?;
        for (k, v) in &request.headers {
            headers.set(k, v).map_err(describe)?;
        }
        init.set_headers(&headers);
        let req = web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(describe)?;
        let resp: web_sys::Response = JsFuture::from(global_fetch(&req)).await.map_err(describe)?.unchecked_into();
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        // A body that breaks off mid-read is a network failure: the answer was not received.
        let text = JsFuture::from(resp.text().map_err(describe)?).await.map_err(describe)?;
        Ok(HttpResponse { status: resp.status(), retry_after, body: text.as_string().unwrap_or_default() })
    }
}
