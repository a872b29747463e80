//! Server configuration and the state every handler shares.

use std::path::PathBuf;
use std::sync::Arc;

use async_graphql::dynamic::Schema;

use crate::api::{apis, ApiDef};
use crate::db::Db;
use crate::test_mode::TestMode;

/// The fixtures compiled into the binary (`server/fixtures/seed.json`).
pub const DEFAULT_FIXTURES: &str = include_str!("../fixtures/seed.json");

/// How to start the server; `main.rs` fills it from CLI flags, tests build it directly.
#[derive(Clone, Debug)]
pub struct Config {
    /// SQLite file path, or `:memory:`.
    pub db: String,
    /// Fixtures JSON text, seeded into each API's tables the first time the database sees it.
    pub fixtures: String,
    /// Directory served at `/`, if any.
    pub www: Option<PathBuf>,
    /// Directory served at `/pkg/`, if any.
    pub pkg: Option<PathBuf>,
    /// Enables `/__test/*` and the applied log.
    pub test_mode: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            db: "outbox-demo.sqlite".into(),
            fixtures: DEFAULT_FIXTURES.into(),
            www: None,
            pkg: None,
            test_mode: false,
        }
    }
}

/// One served API: its definition and the schema built from its SDL.
pub struct ApiRuntime {
    /// Handlers, loaders, SDL.
    pub def: Arc<ApiDef>,
    /// Executable schema.
    pub schema: Schema,
}

/// Shared by all handlers; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// Serializes requests: one at a time through the database, so two in-flight duplicates of
    /// an idempotency key cannot both apply (the second waits, then replays).
    pub gate: Arc<tokio::sync::Mutex<()>>,
    /// Served APIs, in route order.
    pub apis: Arc<Vec<ApiRuntime>>,
    /// `Some` only with `--test-mode`.
    pub test_mode: Option<TestMode>,
    /// Directory served at `/`.
    pub www: Option<PathBuf>,
    /// Directory served at `/pkg/`.
    pub pkg: Option<PathBuf>,
}

impl AppState {
    /// Opens the database, creates tables, seeds fixtures and builds every API's schema.
    pub fn new(config: &Config) -> Result<AppState, String> {
        let fixtures: serde_json::Value =
            serde_json::from_str(&config.fixtures).map_err(|e| format!("fixtures: {e}"))?;
        let db = Db::open(&config.db).map_err(|e| format!("database {}: {e}", config.db))?;
        let defs = apis();
        db.prepare(&defs, &fixtures)?;
        let mut runtimes = Vec::new();
        for def in defs {
            let def = Arc::new(def);
            let schema = crate::schema_builder::build(def.clone())?;
            runtimes.push(ApiRuntime { def, schema });
        }
        Ok(AppState {
            db,
            gate: Arc::new(tokio::sync::Mutex::new(())),
            apis: Arc::new(runtimes),
            test_mode: config.test_mode.then(TestMode::default),
            www: config.www.clone(),
            pkg: config.pkg.clone(),
        })
    }
}
