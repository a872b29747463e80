//! Placeholders against the store (the rules are `outbox::placeholders`): at the call, checking
//! that each names a create of this user and API (the new entry then depends on it); at send
//! time, reading those creates (sent ones are tombstones, outside the pass's live listing) and
//! rewriting the entry's variables with their real ids.

use crate::api::model::{Api, Operation};
use crate::api::validate::Invalid;
use crate::outbox::entry::{Entry, State};
use crate::outbox::placeholders::{self, Blocked};
use crate::store::{OutboxStore, StoreError};
use serde_json::Value;

/// Why a call's placeholders were refused.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkError {
    /// A placeholder names no usable create: `ValidationError` at its argument path.
    Invalid(Invalid),
    /// The store could not be read.
    Store(StoreError),
}

/// The creates the placeholders in a call's validated `variables` name (the new entry depends on
/// each). Refused: a placeholder outside an `ID` argument, or one that names no entry of `user`,
/// an entry of another API, one that creates nothing, or a discarded one.
pub async fn link<S: OutboxStore>(store: &S, api: &Api, op: &Operation, variables: &Value, user: &str) -> Result<Vec<String>, LinkError> {
    let invalid = |path: &str, reason: String| LinkError::Invalid(Invalid { path: path.into(), reason });
    let named = placeholders::named_in(api, op, variables)
        .map_err(|path| invalid(&path, "a placeholder (tmp:…) can only stand in an ID argument".into()))?;
    let mut creates: Vec<String> = vec![];
    for (path, id) in named {
        if creates.contains(&id) {
            continue;
        }
        let shown = placeholders::of(&id);
        // Entry ids are 36 characters: a longer one names none, without a store read.
        let found = if id.len() > 100 { None } else { store.get(&id).await.map_err(LinkError::Store)? };
        let c = match found {
            Some(c) if c.user == user => c,
            _ => return Err(invalid(&path, format!("placeholder {shown} names no outbox entry of this user"))),
        };
        let creates_something = api.operation(&c.operation).is_some_and(|o| o.creates.is_some());
        if c.api != api.name || !creates_something {
            return Err(invalid(&path, format!("placeholder {shown} names entry {id} ({}.{}), which creates no {} entity", c.api, c.operation, api.name)));
        }
        if c.state == State::Discarded {
            return Err(invalid(&path, format!("placeholder {shown} names entry {id}, which was discarded: the entity will never exist")));
        }
        creates.push(id);
    }
    Ok(creates)
}

/// Replaces the placeholders in `e.variables` with their creates' real ids (reading each create
/// from the store), or says which create holds it back. Entries without placeholders cost one
/// scan of their variables and no store read.
pub async fn resolve<S: OutboxStore>(store: &S, e: &mut Entry) -> Result<Result<(), Blocked>, StoreError> {
    let named = placeholders::candidates(&e.variables);
    if named.is_empty() {
        return Ok(Ok(()));
    }
    let mut creates: Vec<Entry> = vec![];
    for id in named {
        if let Some(c) = store.get(&id).await? {
            // Another user's entry is no create of this one's.
            if c.user == e.user {
                creates.push(c);
            }
        }
    }
    match placeholders::resolve(e, |id| creates.iter().find(|c| c.id == id)) {
        Ok(Some(vars)) => e.variables = vars,
        Ok(None) => {}
        Err(b) => return Ok(Err(b)),
    }
    Ok(Ok(()))
}
