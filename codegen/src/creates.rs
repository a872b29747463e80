//! Which mutations create an entity, and which field of their result holds the id the server
//! gives it. A create that is queued offline returns a placeholder (`tmp:<entry id>`) for that
//! id; later calls may use it in `ID` arguments, and the SDK replaces it with the value at this
//! path of the create's stored result when it sends them. One rule, one table of exceptions:
//!
//! - the mutation's name starts with the verb `create` (a whole word: `createJob`, not `creates`);
//! - it returns one object (not a list): if that type has a key (`id`, else its first `ID!`
//!   field, the selection rule's key) the path is that key (`createTimesheet` -> `id`);
//! - else (a payload) the path is `<field>.<key>` of the payload's only non-list field whose
//!   object type has a key (`createSmsMultiFactor` -> `multiFactor.id`); none, or several, and the
//!   mutation makes no placeholder (it is still queued as usual).

use crate::model::{Kind, Schema, TypeRef};
use crate::selection::key_field;

/// Exceptions to the rule: (API, mutation, result path or none).
pub const OVERRIDES: &[(&str, &str, Option<&str>)] = &[
    // Sets the password of the signed-in user: returns that (existing) user, creates nothing.
    ("worksome", "createPassword", None),
    // A hire is a new entity although the name has no `create`.
    ("worksome", "hire", Some("id")),
];

fn is_create(name: &str) -> bool {
    name.strip_prefix("create").is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The key of `ty` if it is one (non-list) object with a key.
fn keyed_object<'a>(schema: &'a Schema, ty: &TypeRef) -> Option<&'a str> {
    let TypeRef::Named(name, _) = ty else { return None };
    match schema.types.get(name.as_str()).map(|t| &t.kind) {
        Some(Kind::Object(_)) => key_field(schema, name),
        _ => None,
    }
}

/// The dotted path, in the mutation's result, of the id of the entity `mutation` creates.
pub fn result_path(api: &str, schema: &Schema, mutation: &str) -> Option<String> {
    if let Some((_, _, path)) = OVERRIDES.iter().find(|(a, m, _)| *a == api && *m == mutation) {
        return path.map(str::to_string);
    }
    if !is_create(mutation) {
        return None;
    }
    let field = schema.mutations().ok()?.iter().find(|m| m.name == mutation)?;
    if let Some(key) = keyed_object(schema, &field.ty) {
        return Some(key.to_string());
    }
    let TypeRef::Named(payload, _) = &field.ty else { return None };
    let Some(Kind::Object(fields)) = schema.types.get(payload.as_str()).map(|t| &t.kind) else { return None };
    let mut keyed = fields.iter().filter_map(|f| keyed_object(schema, &f.ty).map(|k| format!("{}.{k}", f.name)));
    match (keyed.next(), keyed.next()) {
        (Some(path), None) => Some(path),
        _ => None,
    }
}

/// The TypeScript type of a queued create's `placeholders`: the result path as nested objects
/// (`multiFactor.id` -> `{ multiFactor: { id: string } }`).
pub fn placeholders_ts(path: &str) -> String {
    path.rsplit('.').fold("string".to_string(), |inner, part| format!("{{ {part}: {inner} }}"))
}
