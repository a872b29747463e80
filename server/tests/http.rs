//! HTTP surface: health, CORS, static files, test-mode gating, restart durability, the binary.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;
use outbox_server::Config;
use serde_json::json;

#[test]
fn health_is_ok() {
    let s = Server::start();
    let r = s.request("GET", "/health", &[], "");
    assert_eq!((r.status, r.body.as_str()), (200, "ok"));
}

#[test]
fn test_endpoint_is_404_without_test_mode() {
    let s = Server::with(Config {
        db: ":memory:".into(),
        ..Config::default()
    });
    assert_eq!(s.request("GET", "/__test/applied", &[], "").status, 404);
    // Mutations still work; they are just not logged.
    let r = s.gql(
        Some(UMA),
        "mutation { modifyProfile(gcId: 2, data: {name: \"N\"}) { name } }",
        json!({}),
        Some("k"),
    );
    assert_eq!(r.json()["data"]["modifyProfile"]["name"], "N", "{}", r.body);
    let t = Server::start();
    assert_eq!(t.request("GET", "/__test/applied", &[], "").status, 200);
}

#[test]
fn cors_preflight_and_headers() {
    let s = Server::start();
    let r = s.request(
        "OPTIONS",
        "/graphql/gcdirectory",
        &[
            ("origin", "http://127.0.0.1:9999"),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type, idempotency-key",
            ),
        ],
        "",
    );
    assert_eq!(r.status, 204);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    let allowed = r.header("access-control-allow-headers").unwrap();
    for h in ["authorization", "content-type", "idempotency-key"] {
        assert!(allowed.contains(h), "{allowed}");
    }
    assert!(r
        .header("access-control-allow-methods")
        .unwrap()
        .contains("POST"));
    assert!(r
        .header("access-control-expose-headers")
        .unwrap()
        .contains("retry-after"));
    // Actual responses carry the origin header too, errors included.
    let r = s.gql(None, "{ __typename }", json!({}), None);
    assert_eq!(r.status, 401);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
}

#[test]
fn static_files_with_content_types_and_no_traversal() {
    let root = temp_dir("static");
    let www = root.join("www");
    let pkg = root.join("pkg");
    std::fs::create_dir_all(www.join("sub")).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<h1>home</h1>").unwrap();
    std::fs::write(www.join("sub/app.mjs"), "export {}").unwrap();
    std::fs::write(www.join("style.css"), "body{}").unwrap();
    std::fs::write(pkg.join("graphql_outbox_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(pkg.join("graphql_outbox.js"), "//js").unwrap();
    std::fs::write(pkg.join("graphql_outbox.d.ts"), "export {}").unwrap();
    std::fs::write(root.join("secret.txt"), "top secret").unwrap();
    let s = Server::with(Config {
        db: ":memory:".into(),
        www: Some(www),
        pkg: Some(pkg),
        ..Config::default()
    });

    let cases = [
        ("/", "text/html; charset=utf-8", "<h1>home</h1>"),
        ("/index.html", "text/html; charset=utf-8", "<h1>home</h1>"),
        (
            "/sub/app.mjs",
            "text/javascript; charset=utf-8",
            "export {}",
        ),
        ("/style.css", "text/css; charset=utf-8", "body{}"),
        ("/pkg/graphql_outbox_bg.wasm", "application/wasm", "\0asm"),
        (
            "/pkg/graphql_outbox.js",
            "text/javascript; charset=utf-8",
            "//js",
        ),
        (
            "/pkg/graphql_outbox.d.ts",
            "application/typescript; charset=utf-8",
            "export {}",
        ),
    ];
    for (path, ty, body) in cases {
        let r = s.request("GET", path, &[], "");
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ty), "{path}");
        assert_eq!(r.body, body, "{path}");
    }
    assert_eq!(s.request("GET", "/missing.js", &[], "").status, 404);
    for path in [
        "/../secret.txt",
        "/pkg/../secret.txt",
        "/pkg/%2e%2e/secret.txt",
        "/sub/..%2f..%2fsecret.txt",
    ] {
        let r = s.request("GET", path, &[], "");
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.body.contains("top secret"), "{path} leaked the file");
    }
    drop(s);
    let _ = std::fs::remove_dir_all(root);
}

#[test]
fn file_database_survives_a_restart() {
    let dir = temp_dir("restart");
    let db = dir.join("demo.sqlite").to_string_lossy().to_string();
    let config = Config {
        db: db.clone(),
        test_mode: true,
        ..Config::default()
    };
    {
        let s = Server::with(config.clone());
        let r = s.gql(
            Some(UMA),
            "mutation { modifyProfile(gcId: 2, data: {titleEn: \"Persisted\"}) { titleEn } }",
            json!({}),
            Some("k1"),
        );
        assert_eq!(
            r.json()["data"]["modifyProfile"]["titleEn"],
            "Persisted",
            "{}",
            r.body
        );
    }
    let s = Server::with(config);
    let d = s.data("{ profile(gcId: 2) { name titleEn } }");
    assert_eq!(
        d["profile"],
        json!({ "name": "Uma User", "titleEn": "Persisted" }),
        "fixtures must not be re-seeded over data"
    );
    // The idempotency record survived too: the same request is replayed, not re-applied.
    let r = s.gql(
        Some(UMA),
        "mutation { modifyProfile(gcId: 2, data: {titleEn: \"Persisted\"}) { titleEn } }",
        json!({}),
        Some("k1"),
    );
    assert_eq!(r.header("idempotency-replayed"), Some("true"));
    assert_eq!(s.applied().as_array().unwrap().len(), 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_binary_prints_its_port_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_outbox-server"))
        .args(["--port", "0", "--db", ":memory:", "--test-mode"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn outbox-server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line
        .trim()
        .strip_prefix("listening on http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .parse()
        .unwrap();
    let r = request(
        port,
        "POST",
        "/graphql/gcdirectory",
        &[
            ("content-type", "application/json"),
            ("authorization", "Bearer gc-admin-token"),
        ],
        r#"{"query":"{ organization(id: 1) { acronymFr } }"}"#,
    );
    // SIGTERM ends it cleanly (exit status 0) within a few seconds.
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(r.body, r#"{"data":{"organization":{"acronymFr":"SCT"}}}"#);
    assert!(
        status.expect("still running 5 s after SIGTERM").success(),
        "{status:?}"
    );
}
