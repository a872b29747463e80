//! The selection tables the offline cache normalizes and assembles with (`Selection`, `Field`,
//! `Arg` of src/api/model.rs): a document's selection set as plain data, inline fragments
//! flattened into fields carrying their type condition, field arguments as canonical JSON or a
//! variable name. Emitted as shared statics: one per distinct selection, so the many identical
//! `{ __typename id }` and `paginatorInfo` selections cost their bytes once in the wasm.

use crate::model::Schema;
use async_graphql_parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql_value::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

/// A field argument's value in a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A literal as canonical JSON (object keys sorted, no spaces).
    Json(String),
    /// `$name`.
    Variable(String),
}

/// One selected field (see `model::Field`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelField {
    pub response_key: String,
    pub name: String,
    pub args: Vec<(String, Arg)>,
    pub on: Option<String>,
    pub selection: Option<Sel>,
}

/// A selection set at a schema type (see `model::Selection`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sel {
    pub type_name: String,
    pub fields: Vec<SelField>,
}

/// The selection of the single operation of `doc`, rooted at `root` (`Query`, `Mutation`).
/// `variables` are the declared variable names; every one must be used, and none may sit inside
/// a literal (the cache keys a field by its arguments, and resolves only top-level variables).
pub fn of_document(schema: &Schema, root: &str, doc: &ExecutableDocument, variables: &[String], at: &str) -> Result<Sel, String> {
    let op = match &doc.operations {
        async_graphql_parser::types::DocumentOperations::Single(op) => op,
        async_graphql_parser::types::DocumentOperations::Multiple(ops) => {
            ops.values().next().ok_or_else(|| format!("{at}: no operation"))?
        }
    };
    let mut used = vec![];
    let sel = build(schema, root, &op.node.selection_set.node, None, variables, &mut used, at)?;
    if let Some(unused) = variables.iter().find(|v| !used.contains(v)) {
        return Err(format!("{at}: variable ${unused} is declared but never used"));
    }
    Ok(sel)
}

fn build(
    schema: &Schema,
    scope: &str,
    set: &SelectionSet,
    on: Option<&str>,
    variables: &[String],
    used: &mut Vec<String>,
    at: &str,
) -> Result<Sel, String> {
    let mut sel = Sel { type_name: scope.to_string(), fields: vec![] };
    collect(schema, scope, set, on, variables, used, at, &mut sel.fields)?;
    Ok(sel)
}

#[allow(clippy::too_many_arguments)]
fn collect(
    schema: &Schema,
    scope: &str,
    set: &SelectionSet,
    on: Option<&str>,
    variables: &[String],
    used: &mut Vec<String>,
    at: &str,
    out: &mut Vec<SelField>,
) -> Result<(), String> {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => {
                let f = &f.node;
                let name = f.name.node.to_string();
                let response_key = f.alias.as_ref().map_or(name.clone(), |a| a.node.to_string());
                let owner = on.unwrap_or(scope);
                let mut args = vec![];
                for (arg, value) in &f.arguments {
                    args.push((arg.node.to_string(), arg_of(&value.node, variables, used, &format!("{at}: {owner}.{name}({})", arg.node))?));
                }
                let selection = if name == "__typename" || f.selection_set.node.items.is_empty() {
                    None
                } else {
                    let field = schema
                        .fields(owner)
                        .and_then(|fs| fs.iter().find(|x| x.name == name))
                        .ok_or_else(|| format!("{at}: {owner} has no field {name}"))?;
                    Some(build(schema, field.ty.named(), &f.selection_set.node, None, variables, used, &format!("{at}.{name}"))?)
                };
                let field = SelField { response_key, name, args, on: on.map(String::from), selection };
                match out.iter_mut().find(|x| x.response_key == field.response_key && x.on == field.on) {
                    // The same field selected twice (by the document and a fragment): one entry,
                    // with the union of the sub-selections.
                    Some(existing) if existing.name == field.name && existing.args == field.args => {
                        if let (Some(a), Some(b)) = (&mut existing.selection, field.selection) {
                            for sub in b.fields {
                                if !a.fields.contains(&sub) {
                                    a.fields.push(sub);
                                }
                            }
                        }
                    }
                    Some(_) => return Err(format!("{at}: response key {} is selected twice with different fields or arguments", field.response_key)),
                    None => out.push(field),
                }
            }
            Selection::InlineFragment(frag) => {
                let cond = frag.node.type_condition.as_ref().map(|c| c.node.on.node.to_string());
                // A fragment on the scope's own type (or without a condition) adds plain fields.
                let inner = match cond.as_deref() {
                    None => on,
                    Some(c) if c == scope && on.is_none() => None,
                    Some(c) => Some(c),
                };
                collect(schema, scope, &frag.node.selection_set.node, inner, variables, used, at, out)?;
            }
            Selection::FragmentSpread(_) => return Err(format!("{at}: fragment spreads are not supported; use inline fragments")),
        }
    }
    Ok(())
}

fn arg_of(v: &Value, variables: &[String], used: &mut Vec<String>, at: &str) -> Result<Arg, String> {
    if let Value::Variable(n) = v {
        let n = n.to_string();
        if !variables.contains(&n) {
            return Err(format!("{at}: variable ${n} is not declared"));
        }
        used.push(n.clone());
        return Ok(Arg::Variable(n));
    }
    let mut out = String::new();
    canonical(v, &mut out, at)?;
    Ok(Arg::Json(out))
}

/// A literal as canonical JSON: object keys sorted, no whitespace, enums as strings.
fn canonical(v: &Value, out: &mut String, at: &str) -> Result<(), String> {
    match v {
        Value::Variable(n) => return Err(format!("{at}: variable ${n} inside a literal is not supported; pass the whole argument as a variable")),
        Value::Null => out.push_str("null"),
        Value::Number(n) => write!(out, "{n}").unwrap(),
        Value::Boolean(b) => write!(out, "{b}").unwrap(),
        Value::String(s) => json_string(s, out),
        Value::Enum(e) => json_string(e, out),
        Value::Binary(_) => return Err(format!("{at}: binary literals are not supported")),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out, at)?;
            }
            out.push(']');
        }
        Value::Object(m) => {
            let sorted: BTreeMap<&str, &Value> = m.iter().map(|(k, v)| (k.as_str(), v)).collect();
            out.push('{');
            for (i, (k, v)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string(k, out);
                out.push(':');
                canonical(v, out, at)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32).unwrap(),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Emits selections as statics named `S<n>`, each distinct selection once.
#[derive(Default)]
pub struct Emitter {
    /// Body text -> static name, so identical selections share one static.
    seen: BTreeMap<String, String>,
    /// The statics, in dependency order.
    pub out: String,
}

impl Emitter {
    /// The name of the static holding `sel` (emitted on first use).
    pub fn emit(&mut self, sel: &Sel) -> String {
        let mut fields = vec![];
        for f in &sel.fields {
            let sub = f.selection.as_ref().map(|s| format!("Some(&{})", self.emit(s))).unwrap_or_else(|| "None".into());
            let args: Vec<String> = f
                .args
                .iter()
                .map(|(n, a)| match a {
                    Arg::Json(j) => format!("({n:?}, Arg::Json({j:?}))"),
                    Arg::Variable(v) => format!("({n:?}, Arg::Variable({v:?}))"),
                })
                .collect();
            let on = f.on.as_ref().map(|o| format!("Some({o:?})")).unwrap_or_else(|| "None".into());
            // `fld` (a const fn of the generated file) keeps each entry short in the source.
            fields.push(format!("fld({:?}, {:?}, &[{}], {on}, {sub})", f.response_key, f.name, args.join(", ")));
        }
        let body = format!("Selection {{ type_name: {:?}, fields: &[{}] }}", sel.type_name, fields.join(", "));
        if let Some(name) = self.seen.get(&body) {
            return name.clone();
        }
        let name = format!("S{}", self.seen.len());
        writeln!(self.out, "static {name}: Selection = {body};").unwrap();
        self.seen.insert(body, name.clone());
        name
    }
}

/// The object types that can stand at `sel` and lack their `__typename` or key field there:
/// every object selection of a query must carry both, or the cache cannot normalize it.
pub fn missing_identity(schema: &Schema, sel: &Sel, at: &str) -> Result<(), String> {
    for obj in schema.possible_types(&sel.type_name) {
        let applies = |f: &&SelField| match &f.on {
            None => true,
            Some(on) => on == obj || schema.possible_types(on).contains(&obj),
        };
        let has = |n: &str| sel.fields.iter().filter(applies).any(|f| f.name == n && f.response_key == n);
        if !has("__typename") {
            return Err(format!("{at}: the selection on {} must select __typename (for {obj})", sel.type_name));
        }
        if let Some(k) = crate::selection::key_field(schema, obj) {
            if !has(k) {
                return Err(format!("{at}: the selection on {} must select {obj}'s key field {k}", sel.type_name));
            }
        }
    }
    for f in &sel.fields {
        if let Some(s) = &f.selection {
            missing_identity(schema, s, &format!("{at}.{}", f.response_key))?;
        }
    }
    Ok(())
}
