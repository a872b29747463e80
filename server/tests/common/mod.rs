//! Test helpers: the app in-process on 127.0.0.1:0 and a tiny HTTP/1.1 client over TcpStream.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::thread::JoinHandle;

use outbox_server::{AppState, Config};
use serde_json::{json, Value};

pub const ADMIN: &str = "gc-admin-token";
pub const UMA: &str = "gc-user-uma-token";
pub const SAM: &str = "gc-user-sam-token";
pub const VAL: &str = "gc-user-val-token";
pub const NED: &str = "gc-user-ned-token";

/// The server running on its own thread and runtime; stopped and joined on drop.
pub struct Server {
    pub port: u16,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// In-memory database, test mode on.
    pub fn start() -> Server {
        Server::with(Config {
            db: ":memory:".into(),
            test_mode: true,
            ..Config::default()
        })
    }

    pub fn with(config: Config) -> Server {
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let state = AppState::new(&config).expect("state");
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                port_tx.send(listener.local_addr().unwrap().port()).unwrap();
                outbox_server::serve(listener, state, async {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
            });
        });
        let port = port_rx.recv().expect("server failed to start");
        Server {
            port,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
        request(self.port, method, path, headers, body)
    }

    /// POST /graphql/gcdirectory.
    pub fn gql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
        key: Option<&str>,
    ) -> Resp {
        let body = json!({ "query": query, "variables": variables }).to_string();
        self.gql_raw(token, &body, key)
    }

    pub fn gql_raw(&self, token: Option<&str>, body: &str, key: Option<&str>) -> Resp {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("content-type", "application/json")];
        if let Some(a) = &auth {
            headers.push(("authorization", a));
        }
        if let Some(k) = key {
            headers.push(("idempotency-key", k));
        }
        self.request("POST", "/graphql/gcdirectory", &headers, body)
    }

    /// Runs a query as Admin and returns `data`, failing on any error.
    pub fn data(&self, query: &str) -> Value {
        let r = self.gql(Some(ADMIN), query, json!({}), None);
        let v = r.json();
        assert!(v.get("errors").is_none(), "unexpected errors: {v}");
        v["data"].clone()
    }

    pub fn applied(&self) -> Value {
        let r = self.request("GET", "/__test/applied", &[], "");
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `extensions.code` of the first GraphQL error, if any.
    pub fn code(&self) -> Option<String> {
        self.json()["errors"][0]["extensions"]["code"]
            .as_str()
            .map(String::from)
    }
}

/// One request on a fresh connection (`Connection: close`, so the body ends at EOF).
pub fn request(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Resp {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

/// One request on a fresh connection, returning the raw bytes read until the server closed it
/// (an error if it reset the connection). For checking that no response came at all.
pub fn request_bytes(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<Vec<u8>> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    Ok(raw)
}

fn parse(raw: &[u8]) -> Resp {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Resp {
        status,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = b.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&b[..eol]).unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
}

/// A fresh empty directory under the system temp dir.
pub fn temp_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let dir = std::env::temp_dir().join(format!(
        "outbox-server-{tag}-{}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---- Worksome -------------------------------------------------------------------------------

/// Worksome fixture tokens (server/README.md lists who they are).
pub const WS_COMPANY: &str = "ws-company-token";
pub const WS_COMPANY_2ND: &str = "ws-company-token-2";
pub const WS_COLLEAGUE: &str = "ws-company-colleague-token";
pub const WS_OTHER_COMPANY: &str = "ws-other-company-token";
pub const WS_WORKER: &str = "ws-worker-token";
pub const WS_WORKER2: &str = "ws-worker2-token";
pub const WS_WORKER3: &str = "ws-worker3-token";
pub const WS_RECRUITER: &str = "ws-recruiter-token";

/// The SDK's operation document for a Worksome mutation (`operations/worksome/<name>.graphql`),
/// so these tests select exactly what the generated client selects.
pub fn ws_op(name: &str) -> String {
    let path = format!(
        "{}/../operations/worksome/{name}.graphql",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

impl Server {
    /// POST /graphql/worksome.
    pub fn ws(&self, token: &str, query: &str, variables: Value, key: Option<&str>) -> Resp {
        let body = json!({ "query": query, "variables": variables }).to_string();
        let auth = format!("Bearer {token}");
        let mut headers = vec![
            ("content-type", "application/json"),
            ("authorization", auth.as_str()),
        ];
        if let Some(k) = key {
            headers.push(("idempotency-key", k));
        }
        self.request("POST", "/graphql/worksome", &headers, &body)
    }

    /// Runs the SDK's document for mutation `name` with `{input}` and returns `data.<name>`,
    /// failing on any error.
    pub fn op(&self, token: &str, name: &str, input: Value) -> Value {
        let r = self.ws(token, &ws_op(name), json!({ "input": input }), None);
        let v = r.json();
        assert!(
            v.get("errors").is_none(),
            "{name}: unexpected errors: {}",
            r.body
        );
        v["data"][name].clone()
    }

    /// Runs mutation `name` expecting a GraphQL error; returns its `extensions.code`.
    pub fn op_err(&self, token: &str, name: &str, input: Value) -> String {
        let r = self.ws(token, &ws_op(name), json!({ "input": input }), None);
        let v = r.json();
        assert!(
            v["data"].is_null() || v["data"][name].is_null(),
            "{name}: expected an error: {}",
            r.body
        );
        v["errors"][0]["extensions"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{name}: no error code: {}", r.body))
            .to_string()
    }

    /// Runs a Worksome query and returns `data`, failing on any error.
    pub fn wq(&self, token: &str, query: &str) -> Value {
        let r = self.ws(token, query, json!({}), None);
        let v = r.json();
        assert!(v.get("errors").is_none(), "unexpected errors: {}", r.body);
        v["data"].clone()
    }
}
