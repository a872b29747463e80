//! Worksome file uploads over real HTTP: uploadFiles -> PUT the bytes to the returned URL ->
//! markFilesAsUploaded -> GET File.url returns the same bytes; and each failure on the way.

mod common;

use common::*;
use serde_json::json;

/// The path part of an absolute URL the server handed out (it must point at this server).
fn path_of(s: &Server, url: &str) -> String {
    let prefix = format!("http://127.0.0.1:{}", s.port);
    url.strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{url} is not on {prefix}"))
        .to_string()
}

fn upload(s: &Server, token: &str, owner: &str, size: usize) -> (String, String) {
    let r = s.op(
        token,
        "uploadFiles",
        json!([{ "owner": owner, "name": "notes.txt", "size": size, "mimeType": "text/plain" }]),
    );
    (
        r[0]["id"].as_str().unwrap().to_string(),
        path_of(s, r[0]["url"].as_str().unwrap()),
    )
}

#[test]
fn round_trip_stores_and_serves_the_bytes() {
    let s = Server::start();
    let body = "hello, worksome";
    let (id, path) = upload(&s, WS_WORKER, "3", body.len());
    assert!(path.starts_with("/uploads/"), "{path}");
    assert_eq!(
        s.op_err(WS_WORKER, "markFilesAsUploaded", json!({ "files": [id] })),
        "FILE_NOT_UPLOADED"
    );

    let put = s.request("PUT", &path, &[("content-type", "text/plain")], body);
    assert_eq!(put.status, 200, "{}", put.body);
    let files = s.op(WS_WORKER, "markFilesAsUploaded", json!({ "files": [id] }));
    let f = &files[0];
    assert_eq!(
        (f["id"].as_str(), f["size"].as_i64(), f["mimeType"].as_str()),
        (Some(id.as_str()), Some(15), Some("text/plain"))
    );
    assert_eq!(f["owner"], json!({ "__typename": "Worker", "id": "3" }));
    let got = s.request("GET", &path_of(&s, f["url"].as_str().unwrap()), &[], "");
    assert_eq!(
        (got.status, got.body.as_str(), got.header("content-type")),
        (200, body, Some("text/plain"))
    );
    let q = s.wq(
        WS_WORKER,
        &format!("{{ file(id: \"{id}\") {{ name size url }} }}"),
    );
    assert_eq!(q["file"]["name"], "notes.txt");

    // Once marked, the upload URL no longer accepts bytes.
    let again = s.request("PUT", &path, &[], body);
    assert_eq!(
        (again.status, again.json()["error"]["code"].as_str()),
        (409, Some("ALREADY_UPLOADED"))
    );
}

#[test]
fn put_failures_have_codes_and_keep_nothing() {
    let s = Server::start();
    let (id, path) = upload(&s, WS_COMPANY, "1", 4);
    let short = s.request("PUT", &path, &[], "abc");
    assert_eq!(
        (short.status, short.json()["error"]["code"].as_str()),
        (400, Some("UPLOAD_SIZE_MISMATCH"))
    );
    assert_eq!(
        s.op_err(WS_COMPANY, "markFilesAsUploaded", json!({ "files": [id] })),
        "FILE_NOT_UPLOADED"
    );
    let unknown = s.request("PUT", "/uploads/0123456789abcdef", &[], "abcd");
    assert_eq!(unknown.status, 404);
    // A repeat PUT before marking overwrites.
    assert_eq!(s.request("PUT", &path, &[], "abcd").status, 200);
    assert_eq!(s.request("PUT", &path, &[], "wxyz").status, 200);
    s.op(WS_COMPANY, "markFilesAsUploaded", json!({ "files": [id] }));
    assert_eq!(s.request("GET", &path, &[], "").body, "wxyz");
}

#[test]
fn owner_and_size_rules() {
    let s = Server::start();
    let other = json!([{ "owner": "1", "name": "x", "size": 1, "mimeType": "text/plain" }]);
    assert_eq!(s.op_err(WS_WORKER, "uploadFiles", other), "FORBIDDEN");
    let huge =
        json!([{ "owner": "3", "name": "x", "size": 1_000_000_000, "mimeType": "text/plain" }]);
    assert_eq!(s.op_err(WS_WORKER, "uploadFiles", huge), "FILE_TOO_LARGE");
    let (id, path) = upload(&s, WS_WORKER, "3", 1);
    assert_eq!(s.request("PUT", &path, &[], "x").status, 200);
    assert_eq!(
        s.op_err(WS_WORKER2, "markFilesAsUploaded", json!({ "files": [id] })),
        "FORBIDDEN"
    );
}

#[test]
fn cors_preflight_allows_put_from_other_origins() {
    let s = Server::start();
    let r = s.request(
        "OPTIONS",
        "/uploads/abc",
        &[
            ("origin", "http://127.0.0.1:9"),
            ("access-control-request-method", "PUT"),
        ],
        "",
    );
    assert_eq!(r.status, 204);
    assert!(
        r.header("access-control-allow-methods")
            .unwrap_or_default()
            .contains("PUT"),
        "{r:?}"
    );
    assert!(r
        .header("access-control-allow-headers")
        .unwrap_or_default()
        .contains("content-type"));
}
