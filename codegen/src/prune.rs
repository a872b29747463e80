//! Derives an API's schema from a large reference schema: the listed mutations and queries, every
//! type they reach, and the definitions an overlay designs (mutations the reference lacks). The
//! output is canonical SDL (see `sdl`), with every designed definition or field marked
//! `# designed here`, so `schemas/<api>.graphql` is reproducible and checkable against the
//! reference.

use crate::sdl;
use async_graphql_parser::types::{
    ServiceDocument, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use std::collections::{BTreeMap, BTreeSet};

/// What to keep and what is designed here.
pub struct PruneSpec<'a> {
    /// The reference SDL (e.g. the public schema obtained by introspection).
    pub reference: &'a str,
    /// Mutation field names, in the order the output lists them.
    pub mutations: &'a [String],
    /// Query field names taken from the reference, in output order; every designed query is kept too.
    pub queries: &'a [String],
    /// SDL of designed definitions: new types, and `type Mutation`/`type Query` with new fields.
    pub designed: &'a str,
    /// Comment lines printed at the top (each already starting with `#`).
    pub header: &'a str,
}

/// A parsed SDL document: its types by name, in file order.
pub struct Types {
    pub order: Vec<String>,
    pub defs: BTreeMap<String, TypeDefinition>,
    /// Where each definition starts (1-based line of its description or keyword).
    pub lines: BTreeMap<String, usize>,
    pub query: String,
    pub mutation: String,
}

impl Types {
    /// Parses SDL into its type definitions; fails on extensions and duplicate names.
    pub fn parse(sdl: &str, what: &str) -> Result<Types, String> {
        let doc: ServiceDocument = async_graphql_parser::parse_schema(sdl)
            .map_err(|e| format!("{what} does not parse: {e}"))?;
        let mut t = Types {
            order: vec![],
            defs: BTreeMap::new(),
            lines: BTreeMap::new(),
            query: "Query".into(),
            mutation: "Mutation".into(),
        };
        for def in doc.definitions {
            match def {
                TypeSystemDefinition::Schema(s) => {
                    if let Some(q) = &s.node.query {
                        t.query = q.node.to_string();
                    }
                    if let Some(m) = &s.node.mutation {
                        t.mutation = m.node.to_string();
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
                TypeSystemDefinition::Type(def) => {
                    let name = def.node.name.node.to_string();
                    if def.node.extend {
                        return Err(format!(
                            "{what}: type extensions are not supported (extend {name})"
                        ));
                    }
                    t.lines.insert(name.clone(), def.pos.line);
                    if t.defs.insert(name.clone(), def.node).is_some() {
                        return Err(format!("{what}: type {name} is defined twice"));
                    }
                    t.order.push(name);
                }
            }
        }
        Ok(t)
    }

    /// A root type's field by name.
    fn root_field(
        &self,
        root: &str,
        name: &str,
    ) -> Option<&async_graphql_parser::types::FieldDefinition> {
        let t = self.defs.get(root)?;
        sdl::fields_of(t)
            .iter()
            .map(|f| &f.node)
            .find(|f| f.name.node == name)
    }
}

/// Type names a definition refers to directly (field, argument and input-field types, interfaces,
/// union members).
fn references(t: &TypeDefinition) -> Vec<String> {
    let mut out = vec![];
    match &t.kind {
        TypeKind::Object(o) => out.extend(o.implements.iter().map(|i| i.node.to_string())),
        TypeKind::Interface(i) => out.extend(i.implements.iter().map(|i| i.node.to_string())),
        TypeKind::Union(u) => out.extend(u.members.iter().map(|m| m.node.to_string())),
        TypeKind::InputObject(i) => out.extend(i.fields.iter().map(|f| base(&f.node.ty.node))),
        TypeKind::Scalar | TypeKind::Enum(_) => {}
    }
    for f in sdl::fields_of(t) {
        out.push(base(&f.node.ty.node));
        out.extend(f.node.arguments.iter().map(|a| base(&a.node.ty.node)));
    }
    out
}

fn base(ty: &async_graphql_parser::types::Type) -> String {
    ty.to_string()
        .trim_matches(|c| c == '[' || c == ']' || c == '!')
        .to_string()
}

fn is_builtin(name: &str) -> bool {
    crate::model::BUILTIN_SCALARS.contains(&name)
}

/// The pruned schema as SDL.
pub fn prune(spec: &PruneSpec) -> Result<String, String> {
    let reference = Types::parse(spec.reference, "the reference schema")?;
    let designed = Types::parse(spec.designed, "the designed overlay")?;
    let (query, mutation) = (reference.query.clone(), reference.mutation.clone());
    for name in &designed.order {
        if reference.defs.contains_key(name) && *name != query && *name != mutation {
            return Err(format!(
                "the overlay redefines {name}, which the reference defines"
            ));
        }
    }
    // Types still to visit, starting from the kept root fields' types and arguments.
    let mut stack: Vec<String> = vec![];
    let mut take = |root: &str, name: &str| -> Result<String, String> {
        let from_ref = reference.root_field(root, name);
        let from_design = designed.root_field(root, name);
        let (f, is_designed) = match (from_ref, from_design) {
            (Some(_), Some(_)) => {
                return Err(format!(
                    "the overlay redefines {root}.{name}, which the reference defines"
                ))
            }
            (Some(f), None) => (f, false),
            (None, Some(f)) => (f, true),
            (None, None) => {
                return Err(format!(
                    "{root}.{name} is in neither the reference nor the overlay"
                ))
            }
        };
        stack.push(base(&f.ty.node));
        stack.extend(f.arguments.iter().map(|a| base(&a.node.ty.node)));
        Ok(sdl::field(f, is_designed))
    };
    let mut mutation_fields = vec![];
    for m in spec.mutations {
        mutation_fields.push(take(&mutation, m)?);
    }
    let mut query_fields = vec![];
    for q in spec.queries {
        query_fields.push(take(&query, q)?);
    }
    for (root, listed) in [(&mutation, spec.mutations), (&query, spec.queries)] {
        for f in designed
            .defs
            .get(root.as_str())
            .map(sdl::fields_of)
            .unwrap_or(&[])
        {
            let name = f.node.name.node.to_string();
            if !listed.contains(&name) {
                if root == &mutation {
                    return Err(format!(
                        "the overlay designs {root}.{name}, which the mutation list does not name"
                    ));
                }
                query_fields.push(take(root, &name)?);
            }
        }
    }
    // Interfaces pull in their implementors, so a selection on one can name every member.
    let mut implementors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for defs in [&reference.defs, &designed.defs] {
        for (name, t) in defs {
            let ifaces = match &t.kind {
                TypeKind::Object(o) => &o.implements,
                TypeKind::Interface(i) => &i.implements,
                _ => continue,
            };
            for i in ifaces {
                implementors
                    .entry(i.node.to_string())
                    .or_default()
                    .push(name.clone());
            }
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = stack.pop() {
        if is_builtin(&name) || name == query || name == mutation || !seen.insert(name.clone()) {
            continue;
        }
        let t = reference
            .defs
            .get(&name)
            .or_else(|| designed.defs.get(&name))
            .ok_or_else(|| {
                format!(
                    "type {name} is reached but defined in neither the reference nor the overlay"
                )
            })?;
        stack.extend(references(t));
        if matches!(t.kind, TypeKind::Interface(_)) {
            stack.extend(implementors.get(&name).cloned().unwrap_or_default());
        }
    }
    let mut out = String::from(spec.header);
    out.push_str(&format!(
        "\nschema {{\n  query: {query}\n  mutation: {mutation}\n}}\n"
    ));
    for (root, fields) in [(&query, &query_fields), (&mutation, &mutation_fields)] {
        let t = reference
            .defs
            .get(root.as_str())
            .ok_or_else(|| format!("the reference has no {root} type"))?;
        out.push('\n');
        out.push_str(&sdl::type_with_fields(t, false, fields));
    }
    for name in reference.order.iter().filter(|n| seen.contains(*n)) {
        out.push('\n');
        out.push_str(&sdl::type_def(&reference.defs[name], false));
    }
    for name in designed.order.iter().filter(|n| seen.contains(*n)) {
        out.push('\n');
        out.push_str(&sdl::type_def(&designed.defs[name], true));
    }
    let unused: Vec<&String> = designed
        .order
        .iter()
        .filter(|n| !seen.contains(*n) && **n != query && **n != mutation)
        .collect();
    if !unused.is_empty() {
        return Err(format!(
            "the overlay defines types no kept field reaches: {unused:?}"
        ));
    }
    Ok(out)
}
