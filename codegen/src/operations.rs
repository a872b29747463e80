//! Reads one operation document, checks it against the schema, and derives the TypeScript type
//! of its result from what it selects (a result has exactly the selected fields, no more).

use crate::model::{Field, InputValue, Kind, Schema, TypeRef};
use crate::scalars;
use async_graphql_parser::types::{DocumentOperations, OperationType, Selection, SelectionSet};
use async_graphql_parser::Positioned;

/// One checked mutation operation, ready to emit.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The mutation field's name, also the document's operation name.
    pub name: String,
    /// The document text sent to the server.
    pub document: String,
    /// The mutation's arguments as the schema declares them.
    pub args: Vec<InputValue>,
    /// The schema's description of the mutation field.
    pub description: Option<String>,
    /// The TypeScript type of `data.<name>` in the response.
    pub result_ts: String,
    /// What the document selects, rooted at the mutation type.
    pub selection: crate::selection_table::Sel,
    /// For a create, the dotted path of the new entity's id in the result (`creates.rs`); set
    /// by `generate`, which knows the API.
    pub creates: Option<String>,
}

impl Operation {
    /// Whether the call takes the `input` argument's value directly (the only argument is `input`).
    pub fn single_input(&self) -> bool {
        self.args.len() == 1 && self.args[0].name == "input"
    }
}

/// Checks `document` (the file `<name>.graphql`) against the schema's mutation field `name`.
pub fn check(schema: &Schema, name: &str, document: &str) -> Result<Operation, String> {
    let field = schema
        .mutations()?
        .iter()
        .find(|f| f.name == name)
        .ok_or_else(|| format!("{name}.graphql: the schema has no mutation {name}"))?;
    let doc = async_graphql_parser::parse_query(document)
        .map_err(|e| format!("{name}.graphql does not parse: {e}"))?;
    if !doc.fragments.is_empty() {
        return Err(format!(
            "{name}.graphql: named fragments are not supported; use inline fragments"
        ));
    }
    let op = match &doc.operations {
        DocumentOperations::Single(op) => op,
        DocumentOperations::Multiple(ops) => match ops.iter().collect::<Vec<_>>().as_slice() {
            [(n, op)] if n.as_str() == name => *op,
            [(n, _)] => {
                return Err(format!(
                    "{name}.graphql: the operation must be named {name}, not {n}"
                ))
            }
            _ => {
                return Err(format!(
                    "{name}.graphql must hold exactly one operation, named {name}"
                ))
            }
        },
    };
    if op.node.ty != OperationType::Mutation {
        return Err(format!("{name}.graphql: the operation must be a mutation"));
    }
    if !document
        .trim_start()
        .starts_with(&format!("mutation {name}"))
    {
        return Err(format!(
            "{name}.graphql: the operation must be named {name}"
        ));
    }
    check_variables(name, field, op)?;
    let roots = &op.node.selection_set.node.items;
    let root = match roots.as_slice() {
        [Positioned {
            node: Selection::Field(f),
            ..
        }] if f.node.name.node == name && f.node.alias.is_none() => f,
        _ => {
            return Err(format!(
                "{name}.graphql must select exactly the field {name}, without an alias"
            ))
        }
    };
    for (arg, value) in &root.node.arguments {
        let expected = format!("${}", arg.node);
        if value.node.to_string() != expected {
            return Err(format!(
                "{name}.graphql: argument {} must be passed as {expected}",
                arg.node
            ));
        }
    }
    let result_ts = ts_of(schema, &field.ty, &root.node.selection_set.node, name)?;
    let vars: Vec<String> = field.args.iter().map(|a| a.name.clone()).collect();
    let selection = crate::selection_table::of_document(schema, &schema.mutation, &doc, &vars, name)?;
    Ok(Operation {
        selection,
        name: name.to_string(),
        document: document.trim().to_string(),
        args: field.args.clone(),
        description: field.description.clone(),
        result_ts,
        creates: None,
    })
}

fn check_variables(
    name: &str,
    field: &Field,
    op: &Positioned<async_graphql_parser::types::OperationDefinition>,
) -> Result<(), String> {
    let declared: Vec<(String, String)> = op
        .node
        .variable_definitions
        .iter()
        .map(|v| {
            (
                v.node.name.node.to_string(),
                v.node.var_type.node.to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = field
        .args
        .iter()
        .map(|a| (a.name.clone(), a.ty.to_string()))
        .collect();
    if declared != expected {
        let show = |vs: &[(String, String)]| {
            vs.iter()
                .map(|(n, t)| format!("${n}: {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "{name}.graphql declares variables ({}) but the schema's arguments are ({})",
            show(&declared),
            show(&expected)
        ));
    }
    Ok(())
}

/// TypeScript type of a selected value of schema type `ty`.
fn ts_of(schema: &Schema, ty: &TypeRef, sel: &SelectionSet, at: &str) -> Result<String, String> {
    let (inner, non_null) = match ty {
        TypeRef::List(inner, nn) => (format!("Array<{}>", ts_of(schema, inner, sel, at)?), *nn),
        TypeRef::Named(n, nn) => (ts_named(schema, n, sel, at)?, *nn),
    };
    Ok(if non_null {
        inner
    } else {
        format!("{inner} | null")
    })
}

fn ts_named(schema: &Schema, name: &str, sel: &SelectionSet, at: &str) -> Result<String, String> {
    let def = schema.get(name)?;
    match &def.kind {
        Kind::Scalar | Kind::Enum(_) => {
            if !sel.items.is_empty() {
                return Err(format!(
                    "{at}: {name} is a leaf type and takes no selection"
                ));
            }
            Ok(match &def.kind {
                Kind::Scalar => scalars::lookup(name)?.ts_output.to_string(),
                _ => name.to_string(),
            })
        }
        _ if sel.items.is_empty() => Err(format!(
            "{at}: {name} is not a leaf type and needs a selection"
        )),
        Kind::Object(_) => object_ts(schema, name, sel, None, at),
        Kind::Interface(_) | Kind::Union(_) => {
            let variants = schema
                .possible_types(name)
                .into_iter()
                .map(|member| object_ts(schema, member, sel, Some(name), at))
                .collect::<Result<Vec<_>, _>>()?;
            if variants.is_empty() {
                return Err(format!("{at}: {name} has no possible object types"));
            }
            Ok(variants
                .iter()
                .map(|v| format!("({v})"))
                .collect::<Vec<_>>()
                .join(" | "))
        }
        Kind::Input(_) => Err(format!("{at}: {name} is an input type")),
    }
}

/// A field's arguments in a document: each one the schema declares, every required one given.
fn check_arguments(
    scope: &str,
    field: &Field,
    given: &[(Positioned<async_graphql_value::Name>, Positioned<async_graphql_value::Value>)],
    at: &str,
) -> Result<(), String> {
    for (name, _) in given {
        if !field.args.iter().any(|a| a.name == name.node.as_str()) {
            return Err(format!("{at}: {scope}.{} takes no argument {}", field.name, name.node));
        }
    }
    for a in field.args.iter().filter(|a| a.ty.non_null() && !a.has_default) {
        if !given.iter().any(|(n, _)| n.node.as_str() == a.name) {
            return Err(format!("{at}: {scope}.{} needs its argument {}", field.name, a.name));
        }
    }
    Ok(())
}

/// The selected fields of object `obj`, seen through `abstract_parent` when the selection is on
/// an interface or union (its inline fragments then apply only to their own type).
pub(crate) fn object_ts(
    schema: &Schema,
    obj: &str,
    sel: &SelectionSet,
    abstract_parent: Option<&str>,
    at: &str,
) -> Result<String, String> {
    let mut members: Vec<(String, String)> = vec![];
    collect(
        schema,
        obj,
        sel,
        abstract_parent.unwrap_or(obj),
        at,
        &mut members,
    )?;
    let body: Vec<String> = members.iter().map(|(k, t)| format!("{k}: {t}")).collect();
    Ok(format!("{{ {} }}", body.join("; ")))
}

fn collect(
    schema: &Schema,
    obj: &str,
    sel: &SelectionSet,
    scope: &str,
    at: &str,
    out: &mut Vec<(String, String)>,
) -> Result<(), String> {
    for item in &sel.items {
        match &item.node {
            Selection::Field(f) => {
                let f = &f.node;
                let fname = f.name.node.to_string();
                // The response key: an alias names the field in the result.
                let key = f.alias.as_ref().map_or(fname.clone(), |a| a.node.to_string());
                let ts = if fname == "__typename" {
                    format!("\"{obj}\"")
                } else {
                    let field = schema
                        .fields(scope)
                        .and_then(|fs| fs.iter().find(|x| x.name == fname))
                        .ok_or_else(|| format!("{at}: {scope} has no field {fname}"))?;
                    check_arguments(scope, field, &f.arguments, at)?;
                    ts_of(
                        schema,
                        &field.ty,
                        &f.selection_set.node,
                        &format!("{at}.{fname}"),
                    )?
                };
                if !out.iter().any(|(k, _)| *k == key) {
                    out.push((key, ts));
                }
            }
            Selection::InlineFragment(frag) => {
                let on = frag
                    .node
                    .type_condition
                    .as_ref()
                    .map(|c| c.node.on.node.to_string());
                let on = on.unwrap_or_else(|| scope.to_string());
                if !schema.possible_types(scope).contains(&on.as_str()) && on != scope {
                    return Err(format!("{at}: fragment on {on} can never apply to {scope}"));
                }
                if on == obj || on == scope {
                    collect(schema, obj, &frag.node.selection_set.node, &on, at, out)?;
                }
            }
            Selection::FragmentSpread(_) => {
                return Err(format!("{at}: fragment spreads are not supported"))
            }
        }
    }
    Ok(())
}
