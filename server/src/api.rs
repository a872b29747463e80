//! What one GraphQL API plugs into the server: its SDL, its handlers, its loaders, its tables.
//!
//! Everything above this module (schema building, HTTP, auth, idempotency) is API-agnostic, so a
//! second API (Worksome) is one more `ApiDef` built in its own module and listed in `apis()`.

use std::collections::HashMap;

use rusqlite::Connection;
use serde_json::Value;

/// Who is calling, as resolved from the bearer token (API-agnostic: subject and role are strings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The API whose token table named this caller (`gcdirectory`, later `worksome`).
    pub api: String,
    /// The caller's id in that API (a GC Directory gcId, a Worksome user id).
    pub subject: String,
    /// The caller's role as the API names it (`User`, `Admin`, `company`, ...).
    pub role: String,
    /// The bearer token this request came with (Worksome's forceLogoutUser keeps it valid).
    pub token: String,
    /// `http://<Host header>` of the request, for absolute URLs a handler hands out (uploads).
    pub origin: String,
}

/// A business-rule failure; becomes a GraphQL error with `extensions.code = code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Stable machine-readable code (`FORBIDDEN`, `E1ProfileNotExist`, ...).
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

impl ApiError {
    /// An error with the given code and message.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        ApiError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// `FORBIDDEN`: the caller may not do this.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new("FORBIDDEN", message)
    }

    /// `INTERNAL`: a storage failure or a broken invariant, not the caller's fault.
    pub fn internal(message: impl std::fmt::Display) -> Self {
        Self::new("INTERNAL", message.to_string())
    }

    /// `BAD_USER_INPUT`: an argument the schema accepted but the handler cannot use.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::new("BAD_USER_INPUT", message)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(format!("database: {e}"))
    }
}

/// Resolves one field: root Query/Mutation fields get their arguments as a JSON object; fields of
/// other types get their arguments plus the parent object under `"__parent"` and the field's
/// name under `"__field"`.
pub type Handler = fn(&Connection, &Caller, Value) -> Result<Value, ApiError>;

/// Loads one object of a type by id as JSON (related objects as ids), or `None` if unknown.
pub type Loader = fn(&Connection, &str) -> Result<Option<Value>, ApiError>;

/// Creates the API's tables (idempotent: `CREATE TABLE IF NOT EXISTS`).
pub type Migrate = fn(&Connection) -> rusqlite::Result<()>;

/// Seeds the API's section of the fixtures file into its (empty) tables, tokens included.
pub type Seed = fn(&Connection, &Value) -> Result<(), String>;

/// One GraphQL API served at `/graphql/<name>`.
pub struct ApiDef {
    /// Path segment and key in the fixtures file (`gcdirectory`).
    pub name: &'static str,
    /// The contract: SDL text, embedded from `schemas/<name>.graphql`.
    pub sdl: &'static str,
    /// Field resolvers keyed by (type name, field name); root fields without one answer
    /// `NOT_IMPLEMENTED`, other fields without one read the parent JSON.
    pub handlers: HashMap<(&'static str, &'static str), Handler>,
    /// Object loaders keyed by type name: a field whose JSON holds an id of that type loads it.
    pub loaders: HashMap<&'static str, Loader>,
    /// Table creation.
    pub migrate: Migrate,
    /// Fixture seeding.
    pub seed: Seed,
}

/// Every API this server knows, in route order.
pub fn apis() -> Vec<ApiDef> {
    vec![crate::gcdirectory::api(), crate::worksome::api()]
}

/// Reads an id argument that GraphQL may deliver as a string or an integer.
pub fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads a non-null string field of a JSON object.
pub fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// The array at `key` of a JSON object (a fixtures section's list), or empty when absent.
pub fn list_of<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}
