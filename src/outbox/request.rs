//! The HTTP request for one attempt at an entry: the operation's document, the stored
//! variables, the entry id as `Idempotency-Key`, and the token read at send time.

use super::entry::Entry;
use crate::api;
use crate::transport::HttpRequest;
use serde_json::{json, Value};

/// The document an entry is sent with: the one stored at the call, else (records written before
/// documents were stored) this build's, if it knows the operation.
pub fn document(e: &Entry) -> Result<&str, String> {
    if let Some(d) = &e.document {
        return Ok(d);
    }
    let api = api::ALL.iter().find(|a| a.name == e.api).ok_or_else(|| format!("unknown API {}", e.api))?;
    let op = api.operation(&e.operation).ok_or_else(|| format!("unknown operation {}.{}", e.api, e.operation))?;
    Ok(op.document)
}

/// Builds the request, or says why it cannot be built (an API or operation this build lacks).
/// The body is a function of the stored entry alone (keys in a fixed order), so every attempt
/// is byte-identical, across reloads and SDK updates.
pub fn build(e: &Entry, url: &str, token: Option<&str>) -> Result<HttpRequest, String> {
    let body = crate::text(&operation(e)?);
    let mut headers = vec![
        ("content-type".to_string(), "application/json".to_string()),
        ("idempotency-key".to_string(), e.id.clone()),
    ];
    if let Some(t) = token {
        headers.push(("authorization".to_string(), format!("Bearer {t}")));
    }
    Ok(HttpRequest { url: url.to_string(), headers, body })
}

/// The GraphQL request object an entry is sent as, `{ query, variables, operationName }`: the
/// body of a single request, and (with its key added) its element of a batch. The one place a
/// drain turns an entry into what goes on the wire.
pub fn operation(e: &Entry) -> Result<Value, String> {
    let document = document(e)?;
    Ok(json!({ "query": document, "variables": e.variables, "operationName": e.operation }))
}
