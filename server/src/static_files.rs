//! Static files for `--www` (at `/`) and `--pkg` (at `/pkg/`), so one command runs the demo.

use std::path::{Path, PathBuf};

use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::http_error::json_error;
use crate::state::AppState;

/// Fallback handler: `/pkg/...` from the pkg directory, anything else from the www directory.
pub async fn serve(State(st): State<AppState>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route");
    }
    let path = req.uri().path();
    let (root, rest) = match path.strip_prefix("/pkg/") {
        Some(rest) => (st.pkg.as_deref(), rest),
        None => (st.www.as_deref(), path.trim_start_matches('/')),
    };
    let Some(root) = root else {
        return json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such route");
    };
    let Some(file) = resolve(root, rest) else {
        return json_error(
            StatusCode::BAD_REQUEST,
            "BAD_PATH",
            "path escapes the served directory",
        );
    };
    let file = if file.is_dir() {
        file.join("index.html")
    } else {
        file
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&file))], bytes).into_response(),
        Err(_) => json_error(StatusCode::NOT_FOUND, "NOT_FOUND", "no such file"),
    }
}

/// Maps a URL path under `root` to a file path; `None` if any segment (after percent-decoding)
/// is `..` or holds a separator, since that could leave `root`.
pub fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let mut out = root.to_path_buf();
    for seg in url_path.split('/') {
        let seg = percent_decode(seg)?;
        if seg == ".." || seg.contains('/') || seg.contains('\\') || seg.contains('\0') {
            return None;
        }
        if !seg.is_empty() && seg != "." {
            out.push(seg);
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Content type by extension; `.wasm` must be `application/wasm` for streaming instantiation.
pub fn content_type(path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".d.ts") || name.ends_with(".ts") {
        return "application/typescript; charset=utf-8";
    }
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "webmanifest" => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_is_rejected() {
        let root = Path::new("/srv");
        assert_eq!(resolve(root, "a/b.js"), Some(PathBuf::from("/srv/a/b.js")));
        assert_eq!(resolve(root, "../etc/passwd"), None);
        assert_eq!(resolve(root, "a/%2e%2e/%2E%2E/x"), None);
        assert_eq!(resolve(root, "a%2f..%2fx"), None);
        assert_eq!(
            content_type(Path::new("x.d.ts")),
            "application/typescript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("x_bg.wasm")), "application/wasm");
    }
}
