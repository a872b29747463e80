//! How a mutation waiting in the outbox shows on the cached entity it updates (the pending
//! layer's `Patch` table): one rule over the schema, and one table of exceptions.
//!
//! The rule. A mutation patches entity type `T` when
//! 1. `T` is its return type, or the one keyed object type among the fields of the payload
//!    object it returns (a payload type has no key of its own), and `T` has a key field `k`
//!    (`id`, else its first `ID!` field: GC `Profile` is keyed by `gcId`);
//! 2. its arguments hold `T`'s key: a top-level `ID` argument named `k` or `id`, else the
//!    `input` argument's `ID` field named `k` or `id` (`input.id`).
//!
//! Then each other top-level argument, and each field of a top-level input-object argument
//! (`data.name`, `input.duration`), whose name equals a scalar or enum field of `T` with the same
//! named type and list-ness shows as that field. A mutation named `delete*`/`remove*` with such
//! a key deletes the entity instead (`delete: true`, no fields). A mutation with a key and
//! neither fields nor a delete has no patch.

use crate::model::{Field, InputValue, Kind, Schema, TypeRef};
use crate::selection::key_field;

/// One mutation's patch (see `model::Patch`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch {
    pub mutation: String,
    pub entity: String,
    pub key: String,
    pub fields: Vec<(String, String)>,
    pub delete: bool,
}

/// An exception to the rule.
#[derive(Debug, Clone, Copy)]
pub enum Override {
    /// No patch: the rule's key or mapping would show something the server does not do.
    None,
    /// The key is at this argument path (inputs that name the key after the entity,
    /// `input.customField`); the rest of the rule applies.
    Key(&'static str),
    /// The mutation deletes entity `.0` keyed by argument `.1`, though it returns no entity
    /// (`deleteOrgTier(id): Boolean!`).
    Delete(&'static str, &'static str),
}

/// Exceptions to the rule: (API, mutation, what to do instead).
pub const OVERRIDES: &[(&str, &str, Override)] = &[
    // Returns a Boolean, so the rule sees no entity; it deletes the OrgTier named by `id`.
    ("gcdirectory", "deleteOrgTier", Override::Delete("OrgTier", "id")),
    // `input.id` is the Recruiter invited, not the CompanyRecruiter this creates.
    ("worksome", "inviteCompanyRecruiter", Override::None),
    // These inputs name the entity's id after its type, not `id`.
    ("worksome", "updateCustomField", Override::Key("input.customField")),
    ("worksome", "deleteCustomField", Override::Key("input.customField")),
    ("worksome", "updateJobCandidateStatus", Override::Key("input.jobCandidate")),
    ("worksome", "updateJobCandidatePreferred", Override::Key("input.jobCandidate")),
];

/// The patch of every mutation the rule (and the table) gives one, sorted by mutation name.
pub fn patches(api: &str, schema: &Schema) -> Result<Vec<Patch>, String> {
    let mut out = vec![];
    for m in schema.mutations()? {
        let over = OVERRIDES.iter().find(|(a, n, _)| *a == api && *n == m.name).map(|(_, _, o)| *o);
        let p = match over {
            Some(Override::None) => continue,
            Some(Override::Delete(entity, key)) => Some(Patch { mutation: m.name.clone(), entity: entity.into(), key: key.into(), fields: vec![], delete: true }),
            Some(Override::Key(key)) => rule(schema, m, Some(key)),
            None => rule(schema, m, None),
        };
        match p {
            Some(p) if p.delete || !p.fields.is_empty() => out.push(p),
            None if over.is_some() => return Err(format!("codegen/src/patches.rs: the override of {api}.{} gives no patch", m.name)),
            _ => {}
        }
    }
    for (a, n, _) in OVERRIDES.iter().filter(|(a, _, _)| *a == api) {
        if !schema.mutations()?.iter().any(|m| m.name == *n) {
            return Err(format!("codegen/src/patches.rs: {a} has no mutation {n}"));
        }
    }
    out.sort_by(|a, b| a.mutation.cmp(&b.mutation));
    Ok(out)
}

/// The rule for one mutation (fields may be empty), with the key's argument path given or found.
pub fn rule(schema: &Schema, m: &Field, key_path: Option<&str>) -> Option<Patch> {
    let entity = entity_of(schema, m.ty.named())?;
    let k = key_field(schema, &entity)?;
    let fields = schema.fields(&entity)?;
    let is_id = |ty: &TypeRef| matches!(ty, TypeRef::Named(n, _) if n == "ID");
    let key_named = |v: &InputValue| (v.name == k || v.name == "id") && is_id(&v.ty);
    let key = if let Some(path) = key_path {
        path.to_string()
    } else if let Some(a) = m.args.iter().find(|a| key_named(a)) {
        a.name.clone()
    } else {
        let input = m.args.iter().find(|a| a.name == "input")?;
        let f = input_fields(schema, &input.ty)?.iter().find(|f| key_named(f))?;
        format!("input.{}", f.name)
    };
    let delete = ["delete", "remove"]
        .iter()
        .any(|v| m.name.strip_prefix(v).is_some_and(|r| r.starts_with(|c: char| c.is_ascii_uppercase())));
    let mut mapped = vec![];
    if !delete {
        for a in &m.args {
            if let Some(sub) = input_fields(schema, &a.ty) {
                for f in sub {
                    mapped.push((format!("{}.{}", a.name, f.name), f));
                }
            } else {
                mapped.push((a.name.clone(), a));
            }
        }
    }
    let fields = mapped
        .into_iter()
        .filter(|(path, _)| *path != key)
        .filter_map(|(path, v)| {
            let target = fields.iter().find(|f| f.name == v.name)?;
            (schema.is_leaf(target.ty.named()) && compatible(&v.ty, &target.ty)).then(|| (path, target.name.clone()))
        })
        .collect();
    Some(Patch { mutation: m.name.clone(), entity, key, fields, delete })
}

/// The keyed object a mutation returning `ty` updates: `ty` itself, or the one keyed object
/// type among the fields of a keyless payload.
fn entity_of(schema: &Schema, ty: &str) -> Option<String> {
    if !matches!(schema.types.get(ty)?.kind, Kind::Object(_)) {
        return None;
    }
    if key_field(schema, ty).is_some() {
        return Some(ty.to_string());
    }
    let keyed: Vec<&str> = schema
        .fields(ty)?
        .iter()
        .map(|f| f.ty.named())
        .filter(|t| matches!(schema.types.get(*t).map(|d| &d.kind), Some(Kind::Object(_))) && key_field(schema, t).is_some())
        .collect();
    match keyed.as_slice() {
        [one] => Some(one.to_string()),
        _ => None,
    }
}

fn input_fields<'a>(schema: &'a Schema, ty: &TypeRef) -> Option<&'a [InputValue]> {
    match (ty, &schema.types.get(ty.named())?.kind) {
        (TypeRef::Named(..), Kind::Input(fs)) => Some(fs),
        _ => None,
    }
}

/// Same named type and the same list nesting; nullability does not matter.
fn compatible(arg: &TypeRef, field: &TypeRef) -> bool {
    match (arg, field) {
        (TypeRef::Named(a, _), TypeRef::Named(b, _)) => a == b,
        (TypeRef::List(a, _), TypeRef::List(b, _)) => compatible(a, b),
        _ => false,
    }
}
