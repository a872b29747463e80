//! The input side of an API: every scalar, enum and input object its mutations' arguments reach.
//! Only these are emitted, so the SDK carries no bytes for output-only types.

use crate::model::{InputValue, Kind, Schema};
use std::collections::BTreeSet;

/// Names of the input objects, enums and scalars reachable from the mutations' arguments and
/// from `roots` (the query documents' variable types), sorted.
pub fn reachable(schema: &Schema, roots: &[String]) -> Result<BTreeSet<String>, String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.to_vec();
    for m in schema.mutations()? {
        stack.extend(m.args.iter().map(|a| a.ty.named().to_string()));
    }
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match &schema.get(&name)?.kind {
            Kind::Input(fields) => stack.extend(fields.iter().map(|f| f.ty.named().to_string())),
            Kind::Scalar | Kind::Enum(_) => {}
            _ => {
                return Err(format!(
                    "{name} is used as an argument type but is not an input type"
                ))
            }
        }
    }
    Ok(seen)
}

/// The type an input value is checked against: a non-null type with a default may be omitted,
/// so it is checked as nullable (the server fills the default).
pub fn effective_type(v: &InputValue) -> String {
    let t = v.ty.to_string();
    if v.has_default {
        t.trim_end_matches('!').to_string()
    } else {
        t
    }
}
