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
    /// Each request stays in flight until polled again (one `Pending`): what is stored while
    /// it is out can be looked at (a crash then leaves that on disk).
    pub hang: std::cell::Cell<bool>,
}

impl FakeTransport {
    pub fn push(&self, a: Answer) {
        self.script.borrow_mut().push_back(a);
    }
    /// Idempotency keys of every request, in order (a batch's, each in its element).
    pub fn keys(&self) -> Vec<String> {
        self.batches().concat()
    }
    /// The keys each request carried: one for a single request, a batch's in order.
    pub fn batches(&self) -> Vec<Vec<String>> {
        self.sent.borrow().iter().map(request_keys).collect()
    }
}

/// The keys a request carries: its `Idempotency-Key` header, or its batch elements'
/// `extensions.idempotencyKey`.
pub fn request_keys(r: &HttpRequest) -> Vec<String> {
    match serde_json::from_str::<Value>(&r.body).unwrap() {
        Value::Array(ops) => ops.iter().map(|o| o["extensions"]["idempotencyKey"].as_str().unwrap().to_string()).collect(),
        _ => vec![header(r, "idempotency-key").unwrap()],
    }
}

/// The default answer: `data.<operation>` echoing the key, per element for a batch.
pub fn echo(request: &HttpRequest) -> HttpResponse {
    let answer = |op: &Value, key: String| {
        let name = op["operationName"].as_str().unwrap().to_string();
        serde_json::json!({ "data": { name: { "key": key } } })
    };
    let body: Value = serde_json::from_str(&request.body).unwrap();
    let out = match &body {
        Value::Array(ops) => Value::Array(ops.iter().zip(request_keys(request)).map(|(o, k)| answer(o, k)).collect()),
        op => answer(op, header(request, "idempotency-key").unwrap()),
    };
    HttpResponse { status: 200, retry_after: None, body: out.to_string() }
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
        if self.hang.get() {
            YieldOnce(false).await;
        }
        if let Some(a) = self.script.borrow_mut().pop_front() {
            return a;
        }
        Ok(echo(request))
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

/// A transport whose requests stay in flight until polled again (one `Pending` each), so two
/// drain passes can be interleaved by hand; it records every send's start and end.
#[derive(Default)]
pub struct SlowTransport {
    /// Keys in flight now.
    pub in_flight: RefCell<Vec<String>>,
    /// (key, sender) in the order requests went out.
    pub started: RefCell<Vec<(String, String)>>,
    /// Sends that began while another send of the same key was in flight.
    pub overlaps: RefCell<Vec<String>>,
    /// Who is sending: set by the test before polling a pass.
    pub sender: RefCell<String>,
}

impl SlowTransport {
    fn answer(request: &HttpRequest) -> HttpResponse {
        let body: Value = serde_json::from_str(&request.body).unwrap();
        let op = body["operationName"].as_str().unwrap().to_string();
        let key = header(request, "idempotency-key").unwrap();
        HttpResponse { status: 200, retry_after: None, body: serde_json::json!({ "data": { op: { "key": key } } }).to_string() }
    }
}

impl Transport for SlowTransport {
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, NetworkError> {
        let key = header(request, "idempotency-key").unwrap();
        if self.in_flight.borrow().contains(&key) {
            self.overlaps.borrow_mut().push(key.clone());
        }
        self.in_flight.borrow_mut().push(key.clone());
        self.started.borrow_mut().push((key.clone(), self.sender.borrow().clone()));
        YieldOnce(false).await;
        self.in_flight.borrow_mut().retain(|k| *k != key);
        Ok(SlowTransport::answer(request))
    }
}

/// Pending on the first poll, ready on the second.
pub struct YieldOnce(pub bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}
