//! `Transport` on gloo-net: its `fetch` is the global one, so it works in a window, a dedicated
//! worker and an MV3 service worker alike. Every request carries an `AbortSignal.timeout`, so
//! a stalled connection cannot hold the drain lock for ever.

use super::{HttpRequest, HttpResponse, NetworkError, Transport};
use gloo_net::http::{Request, Response};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window, worker, service worker), `catch`. Not gloo-net's `send()`:
    /// its import of `fetch` is not `catch`, so a `fetch` that throws unwinds through the
    /// drain (its Web Lock is never released: every later call of the user hangs), and it
    /// panics when `fetch` resolves to anything but a `Response` (a test's mock, a wrapper's
    /// plain object): with `panic = "abort"` a trap that kills the module (found by review in
    /// round s27; e2e `hostile-fetch.test.mjs`). gloo-net still builds the request and reads
    /// the answer.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Result<JsValue, JsValue>;
}

/// `fetch(request)`, answered by a real `Response` or an error (what it threw or rejected
/// with, or what it resolved to instead).
pub async fn fetch(request: &web_sys::Request) -> Result<web_sys::Response, JsValue> {
    let answer = global_fetch(request)?;
    // A plain value is waited on like a promise. `resolve(v)` inside a new promise, not
    // `Promise.resolve(v)`, which throws synchronously for a promise whose `constructor` getter
    // throws (as in `client/tokens.rs`).
    let adopted = js_sys::Promise::new(&mut |resolve, _| {
        let _ = resolve.call1(&JsValue::NULL, &answer);
    });
    let resolved = wasm_bindgen_futures::JsFuture::from(adopted).await?;
    resolved.dyn_into::<web_sys::Response>().map_err(|other| {
        let kind = other.js_typeof().as_string().unwrap_or_default();
        js_sys::TypeError::new(&format!("fetch resolved to a value of type {kind}, not a Response")).into()
    })
}

/// Why `fetch` failed, from what it threw or rejected with (an `Error`, a `DOMException`, or
/// anything an app's `fetch` throws).
fn describe_js(e: &JsValue, timeout_ms: u32) -> NetworkError {
    let field = |k: &str| js_sys::Reflect::get(e, &k.into()).ok().and_then(|v| v.as_string());
    match field("name").as_deref() {
        // `AbortSignal.timeout` aborts with a DOMException named TimeoutError.
        Some("TimeoutError" | "AbortError") => NetworkError(format!("no answer within {timeout_ms} ms (requestTimeoutMs)")),
        _ => NetworkError(field("message").unwrap_or_else(|| format!("fetch failed with a value of type {}", e.js_typeof().as_string().unwrap_or_default()))),
    }
}

/// The browser's `fetch`, through gloo-net, with a per-request timeout.
#[derive(Debug, Clone, Copy)]
pub struct FetchTransport {
    /// Abort a request (headers and body) after this many ms.
    pub timeout_ms: u32,
}

impl Default for FetchTransport {
    fn default() -> Self {
        FetchTransport { timeout_ms: super::DEFAULT_TIMEOUT_MS }
    }
}

fn describe(e: gloo_net::Error, timeout_ms: u32) -> NetworkError {
    match e {
        // `AbortSignal.timeout` aborts with a DOMException named TimeoutError.
        gloo_net::Error::JsError(j) if j.name == "TimeoutError" || j.name == "AbortError" => {
            NetworkError(format!("no answer within {timeout_ms} ms (requestTimeoutMs)"))
        }
        gloo_net::Error::JsError(j) => NetworkError(j.message),
        other => NetworkError(other.to_string()),
    }
}

impl Transport for FetchTransport {
    fn timeout_ms(&self) -> Option<u32> {
        Some(self.timeout_ms)
    }

    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError> {
        // The request's `AbortSignal` ends it after `timeout_ms`; a `fetch` wrapper that drops
        // the signal would hold the drain (and its Web Lock) for ever, so a timer bounds it too,
        // a second later (found by review in round s27).
        let t = self.timeout_ms;
        match crate::timers::within(f64::from(t) + 1000.0, self.send_within_signal(request)).await {
            Some(answer) => answer,
            None => Err(NetworkError(format!("no answer within {t} ms (requestTimeoutMs)"))),
        }
    }
}

impl FetchTransport {
    async fn send_within_signal(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError> {
        let t = self.timeout_ms;
        let signal = web_sys::AbortSignal::timeout_with_u32(t);
        let mut builder = Request::post(&request.url).abort_signal(Some(&signal));
        for (k, v) in &request.headers {
            // Checked where tokens come in; this keeps any other value from throwing here.
            if let Some(problem) = super::header_value_problem(v) {
                return Err(NetworkError(format!("the {k} header was not sent: {problem}")));
            }
            builder = builder.header(k, v);
        }
        let req = builder.body(request.body.as_str()).map_err(|e| describe(e, t))?;
        let resp = Response::from(fetch(&req.into()).await.map_err(|e| describe_js(&e, t))?);
        let retry_after = resp.headers().get("retry-after");
        // A body that breaks off mid-read (or times out) is a network failure: the answer was
        // not received. Read as text: `classify` parses it once.
        let body = resp.text().await.map_err(|e| describe(e, t))?;
        Ok(HttpResponse { status: resp.status(), retry_after, body })
    }
}
