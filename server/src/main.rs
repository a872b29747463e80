//! `outbox-server`: parses flags, opens the database, binds 127.0.0.1 and serves until a signal.

use std::io::Write;
use std::path::PathBuf;

use outbox_server::{AppState, Config};

const USAGE: &str = "usage: outbox-server [--db PATH] [--port N] [--fixtures PATH] [--www DIR] [--pkg DIR] [--test-mode]
  --db PATH        SQLite file (default outbox-demo.sqlite; :memory: for an in-memory database)
  --port N         port on 127.0.0.1 (default 8080; 0 picks a free port)
  --fixtures PATH  fixtures JSON seeded into an empty database (default: the built-in seed.json)
  --www DIR        static files served at /
  --pkg DIR        static files served at /pkg/
  --test-mode      enable /__test/* endpoints and the applied log";

fn parse(args: impl Iterator<Item = String>) -> Result<(Config, u16), String> {
    let mut config = Config::default();
    let mut port = 8080u16;
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--db" => config.db = value("--db")?,
            "--port" => {
                port = value("--port")?
                    .parse()
                    .map_err(|e| format!("--port: {e}"))?
            }
            "--fixtures" => {
                let path = value("--fixtures")?;
                config.fixtures = std::fs::read_to_string(&path)
                    .map_err(|e| format!("--fixtures {path}: {e}"))?;
            }
            "--www" => config.www = Some(PathBuf::from(value("--www")?)),
            "--pkg" => config.pkg = Some(PathBuf::from(value("--pkg")?)),
            "--test-mode" => config.test_mode = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    Ok((config, port))
}

#[tokio::main]
async fn main() {
    let (config, port) = match parse(std::env::args().skip(1)) {
        Ok(v) => v,
        Err(msg) => {
            if !msg.is_empty() {
                eprintln!("outbox-server: {msg}");
            }
            eprintln!("{USAGE}");
            std::process::exit(if msg.is_empty() { 0 } else { 2 });
        }
    };
    let state = AppState::new(&config).unwrap_or_else(|e| {
        eprintln!("outbox-server: {e}");
        std::process::exit(1);
    });
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| {
            eprintln!("outbox-server: binding 127.0.0.1:{port}: {e}");
            std::process::exit(1);
        });
    let bound = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    // Tests and scripts read the port from this exact line, so it must be flushed at once.
    let mut out = std::io::stdout();
    let _ = writeln!(out, "listening on http://127.0.0.1:{bound}");
    let _ = out.flush();
    if let Err(e) = outbox_server::serve(listener, state, shutdown_signal()).await {
        eprintln!("outbox-server: {e}");
        std::process::exit(1);
    }
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("installing the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
