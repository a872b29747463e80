//! `Transport` on gloo-net: its `fetch` is the global one, so it works in a window, a dedicated
//! worker and an MV3 service worker alike. Every request carries an `AbortSignal.timeout`, so
//! a stalled connection cannot hold the drain lock for ever.

use super::{HttpRequest, HttpResponse, NetworkError, Transport};
use gloo_net::http::Request;

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
        let resp = req.send().await.map_err(|e| describe(e, t))?;
        let retry_after = resp.headers().get("retry-after");
        // A body that breaks off mid-read (or times out) is a network failure: the answer was
        // not received. Read as text: `classify` parses it once.
        let body = resp.text().await.map_err(|e| describe(e, t))?;
        Ok(HttpResponse { status: resp.status(), retry_after, body })
    }
}
