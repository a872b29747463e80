//! Fakes for the drain tests: a transport that answers from a script and records every
//! request, a token source, and a tiny executor (every future here completes without waiting).

use graphql_outbox::sync::Tokens;
use graphql_outbox::transport::{HttpRequest, HttpResponse, NetworkError, Transport};
use serde_json::Value;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Runs a future that never waits (MemoryStore and the fakes answer at once).
pub fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    match f.as_mut().poll(&mut cx) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("a fake future waited"),
    }
}

/// A scripted answer: by default a 200 with `data.<operation>` echoing the idempotency key.
pub type Answer = Result<HttpResponse, NetworkError>;

#[derive(Default)]
pub struct FakeTransport {
    /// Answers used in order; when empty, every request succeeds.
    pub script: RefCell<VecDeque<Answer>>,
    pub sent: RefCell<Vec<HttpRequest>>,
}

impl FakeTransport {
    pub fn push(&self, a: Answer) {
        self.script.borrow_mut().push_back(a);
    }
    /// Idempotency keys of every request, in order.
    pub fn keys(&self) -> Vec<String> {
        self.sent.borrow().iter().map(|r| header(r, "idempotency-key").unwrap()).collect()
    }
}

pub fn header(r: &HttpRequest, name: &str) -> Option<String> {
    r.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

pub fn status(status: u16, body: &str, retry_after: Option<&str>) -> Answer {
    Ok(HttpResponse { status, retry_after: retry_after.map(str::to_string), body: body.into() })
}

pub fn offline() -> Answer {
    Err(NetworkError("Failed to fetch".into()))
}

impl Transport for FakeTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError> {
        self.sent.borrow_mut().push(request.clone());
        if let Some(a) = self.script.borrow_mut().pop_front() {
            return a;
        }
        let body: Value = serde_json::from_str(&request.body).unwrap();
        let op = body["operationName"].as_str().unwrap().to_string();
        let key = header(request, "idempotency-key").unwrap();
        Ok(HttpResponse { status: 200, retry_after: None, body: serde_json::json!({ "data": { op: { "key": key } } }).to_string() })
    }
}

/// The token the app's callback would return now.
pub struct FakeTokens(pub RefCell<Result<Option<String>, String>>);

impl FakeTokens {
    pub fn new(t: &str) -> FakeTokens {
        FakeTokens(RefCell::new(Ok(Some(t.into()))))
    }
    pub fn set(&self, t: &str) {
        *self.0.borrow_mut() = Ok(Some(t.into()));
    }
}

impl Tokens for FakeTokens {
    async fn token(&self, _api: &str) -> Result<Option<String>, String> {
        self.0.borrow().clone()
    }
}
