//! Sending one HTTP request. A trait so the outbox's policy is tested natively against a fake,
//! and runs in the browser against `fetch`.

#[cfg(target_arch = "wasm32")]
pub mod fetch;

#[cfg(target_arch = "wasm32")]
pub use fetch::FetchTransport;

/// Default `requestTimeoutMs`: a request with no complete answer after 30 s counts as no answer.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// Why `value` cannot be an HTTP header value, if it cannot: a CR, LF or NUL, or a character
/// above U+00FF (`Headers.set` throws for those; thrown out of gloo-net's request builder, the
/// exception unwound through the drain and its Web Lock was never released: every later call of
/// the user hung, found by review). Names the character and where it is, never the value: it
/// is a token.
pub fn header_value_problem(value: &str) -> Option<String> {
    let (at, c) = value.chars().enumerate().find(|(_, c)| matches!(c, '\0' | '\n' | '\r') || u32::from(*c) > 0xFF)?;
    Some(format!("its character {at} (U+{:04X}) cannot be sent in an HTTP header", u32::from(c)))
}

/// A GraphQL POST, fully built (token and idempotency key already in the headers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What the server answered, whatever the status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// The `Retry-After` header, as sent.
    pub retry_after: Option<String>,
    pub body: String,
}

/// The request got no HTTP answer at all: offline, refused, DNS, CORS, aborted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkError(pub String);

/// Sends requests. Futures are not `Send`: in the browser everything runs on one thread.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends one request and returns the response, or why there was none.
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError>;
    /// How long a request may take at most before it is aborted, ms (none: unbounded). A claim
    /// on an entry must outlast it.
    fn timeout_ms(&self) -> Option<u32> {
        None
    }
}
