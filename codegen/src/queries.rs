//! Reads the query documents of `operations/<api>/queries/`, checks each against the schema's
//! query root, and derives what the SDK needs: the variables (validated like mutation
//! arguments), the TypeScript type of `data`, and the selection table the cache works from.

use crate::model::{InputValue, Kind, Schema, TypeRef};
use crate::selection_table::{self, Sel};
use async_graphql_parser::types::{DocumentOperations, OperationType};

/// One checked query, ready to emit.
#[derive(Debug, Clone)]
pub struct Query {
    /// The document's operation name, also its file stem and the facade method's name.
    pub name: String,
    /// The document text sent to the server.
    pub document: String,
    /// The declared variables; one with a default value may be omitted.
    pub variables: Vec<InputValue>,
    /// The TypeScript type of the response's `data`.
    pub data_ts: String,
    /// What the document selects, rooted at the query type.
    pub selection: Sel,
}

/// Checks `document` (the file `queries/<name>.graphql`).
pub fn check(schema: &Schema, name: &str, document: &str) -> Result<Query, String> {
    let at = format!("queries/{name}.graphql");
    let doc = async_graphql_parser::parse_query(document).map_err(|e| format!("{at} does not parse: {e}"))?;
    if !doc.fragments.is_empty() {
        return Err(format!("{at}: named fragments are not supported; use inline fragments"));
    }
    let op = match &doc.operations {
        DocumentOperations::Multiple(ops) if ops.len() == 1 && ops.keys().any(|n| n.as_str() == name) => {
            ops.values().next().ok_or_else(|| format!("{at}: no operation"))?
        }
        _ => return Err(format!("{at} must hold exactly one operation, named {name}")),
    };
    if op.node.ty != OperationType::Query || !document.trim_start().starts_with(&format!("query {name}")) {
        return Err(format!("{at}: the operation must be `query {name}`"));
    }
    let mut variables = vec![];
    for v in &op.node.variable_definitions {
        let ty = TypeRef::from_ast(&v.node.var_type.node);
        match schema.get(ty.named()).map(|t| &t.kind) {
            Ok(Kind::Scalar | Kind::Enum(_) | Kind::Input(_)) => {}
            _ => return Err(format!("{at}: variable ${} has type {ty}, which is not an input type of the schema", v.node.name.node)),
        }
        variables.push(InputValue {
            name: v.node.name.node.to_string(),
            ty,
            description: None,
            has_default: v.node.default_value.is_some(),
        });
    }
    let root = &op.node.selection_set.node;
    let data_ts = crate::operations::object_ts(schema, &schema.query, root, None, &at)?;
    let names: Vec<String> = variables.iter().map(|v| v.name.clone()).collect();
    let selection = selection_table::of_document(schema, &schema.query, &doc, &names, &at)?;
    // The root is not an entity; every object below it must carry its identity.
    for f in &selection.fields {
        if let Some(s) = &f.selection {
            selection_table::missing_identity(schema, s, &format!("{at}: {}", f.response_key))?;
        }
    }
    Ok(Query { name: name.to_string(), document: document.trim().to_string(), variables, data_ts, selection })
}
