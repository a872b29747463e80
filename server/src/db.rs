//! The SQLite handle and the API-agnostic tables (tokens, idempotency records, applied log).
//!
//! One connection for the whole server: requests are serialized anyway (see `graphql.rs`), and an
//! in-memory database only exists on the connection that created it.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension};

use crate::api::{ApiDef, Caller};

/// Shared handle to the one SQLite connection.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

/// Tables every API shares. `applied_log` is written only in test mode.
const COMMON_TABLES: &str = "
CREATE TABLE IF NOT EXISTS tokens (
    token   TEXT PRIMARY KEY,
    api     TEXT NOT NULL,
    subject TEXT NOT NULL,
    role    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key        TEXT PRIMARY KEY,
    api        TEXT NOT NULL,
    caller     TEXT NOT NULL,
    request    TEXT NOT NULL,
    status     INTEGER NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS applied_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    api             TEXT NOT NULL,
    operation       TEXT NOT NULL,
    idempotency_key TEXT,
    times_applied   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS seeded (
    api TEXT PRIMARY KEY
);
";

impl Db {
    /// Opens (creating if needed) the database at `path`; `:memory:` gives a private in-memory one.
    pub fn open(path: &str) -> rusqlite::Result<Db> {
        let conn = if path == ":memory:" {
            Connection::open_in_memory()?
        } else {
            Connection::open(path)?
        };
        // WAL keeps a crash between statements from corrupting the file; FULL sync makes a
        // committed idempotency record survive power loss, which the outbox's exactly-once needs.
        if path != ":memory:" {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(COMMON_TABLES)?;
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// Runs `f` with the connection; never hold it across an `.await`.
    pub fn with<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        // A panic inside `f` poisons the lock; the connection itself is still usable.
        let guard = self.0.lock().unwrap_or_else(|p| p.into_inner());
        f(&guard)
    }

    /// Creates each API's tables and seeds its fixtures section unless that API was seeded before.
    pub fn prepare(&self, apis: &[ApiDef], fixtures: &serde_json::Value) -> Result<(), String> {
        self.with(|c| {
            for api in apis {
                (api.migrate)(c).map_err(|e| format!("{}: creating tables: {e}", api.name))?;
                let seeded: Option<String> = c
                    .query_row("SELECT api FROM seeded WHERE api = ?1", [api.name], |r| {
                        r.get(0)
                    })
                    .optional()
                    .map_err(|e| e.to_string())?;
                if seeded.is_some() {
                    continue;
                }
                let tx = c.unchecked_transaction().map_err(|e| e.to_string())?;
                if let Some(section) = fixtures.get(api.name) {
                    (api.seed)(&tx, section)
                        .map_err(|e| format!("{}: seeding fixtures: {e}", api.name))?;
                }
                tx.execute("INSERT INTO seeded (api) VALUES (?1)", [api.name])
                    .map_err(|e| e.to_string())?;
                tx.commit().map_err(|e| e.to_string())?;
            }
            Ok(())
        })
    }
}

/// The caller a bearer token names for `api`, if any.
pub fn caller_for_token(
    c: &Connection,
    api: &str,
    token: &str,
) -> rusqlite::Result<Option<Caller>> {
    c.query_row(
        "SELECT subject, role FROM tokens WHERE token = ?1 AND api = ?2",
        [token, api],
        |r| {
            Ok(Caller {
                api: api.to_string(),
                subject: r.get(0)?,
                role: r.get(1)?,
                token: token.to_string(),
                origin: String::new(),
            })
        },
    )
    .optional()
}

/// Registers a bearer token (used by the APIs' fixture seeding).
pub fn insert_token(
    c: &Connection,
    api: &str,
    token: &str,
    subject: &str,
    role: &str,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO tokens (token, api, subject, role) VALUES (?1, ?2, ?3, ?4)",
        [token, api, subject, role],
    )
    .map(|_| ())
}
