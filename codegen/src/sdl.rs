//! Prints parsed SDL definitions back as SDL in one canonical layout. Two definitions are the same
//! when they print the same, which is how the pruned schema is compared with its reference
//! (whitespace, quoting style and comment differences do not count; descriptions, defaults and
//! directives do).

use async_graphql_parser::types::{
    ConstDirective, EnumValueDefinition, FieldDefinition, InputValueDefinition, TypeDefinition,
    TypeKind,
};
use async_graphql_parser::Positioned;
use std::fmt::Write;

/// The line printed before every definition and field that is not taken from the reference.
pub const DESIGNED: &str = "# designed here";

fn description(out: &mut String, indent: &str, d: &Option<Positioned<String>>) {
    let Some(d) = d else { return };
    let text = &d.node;
    if text.contains('\n') || text.contains('"') {
        writeln!(out, "{indent}\"\"\"").unwrap();
        for line in text.replace("\"\"\"", "\\\"\"\"").lines() {
            if line.is_empty() {
                out.push('\n');
            } else {
                writeln!(out, "{indent}{line}").unwrap();
            }
        }
        writeln!(out, "{indent}\"\"\"").unwrap();
    } else {
        writeln!(out, "{indent}\"{}\"", text.replace('\\', "\\\\")).unwrap();
    }
}

fn directives(ds: &[Positioned<ConstDirective>]) -> String {
    let mut out = String::new();
    for d in ds {
        write!(out, " @{}", d.node.name.node).unwrap();
        if !d.node.arguments.is_empty() {
            let args: Vec<String> = d
                .node
                .arguments
                .iter()
                .map(|(n, v)| format!("{}: {}", n.node, v.node))
                .collect();
            write!(out, "({})", args.join(", ")).unwrap();
        }
    }
    out
}

fn input_value(v: &InputValueDefinition) -> String {
    let default = v
        .default_value
        .as_ref()
        .map(|d| format!(" = {}", d.node))
        .unwrap_or_default();
    format!(
        "{}: {}{default}{}",
        v.name.node,
        v.ty.node,
        directives(&v.directives)
    )
}

/// One field of an object or interface at two-space indent, with its description.
/// Arguments go one per line when any of them has a description.
pub fn field(f: &FieldDefinition, designed: bool) -> String {
    let mut out = String::new();
    if designed {
        writeln!(out, "  {DESIGNED}").unwrap();
    }
    description(&mut out, "  ", &f.description);
    write!(out, "  {}", f.name.node).unwrap();
    if f.arguments.iter().any(|a| a.node.description.is_some()) {
        out.push_str("(\n");
        for a in &f.arguments {
            description(&mut out, "    ", &a.node.description);
            writeln!(out, "    {}", input_value(&a.node)).unwrap();
        }
        out.push_str("  )");
    } else if !f.arguments.is_empty() {
        let args: Vec<String> = f.arguments.iter().map(|a| input_value(&a.node)).collect();
        write!(out, "({})", args.join(", ")).unwrap();
    }
    writeln!(out, ": {}{}", f.ty.node, directives(&f.directives)).unwrap();
    out
}

fn enum_value(v: &EnumValueDefinition) -> String {
    let mut out = String::new();
    description(&mut out, "  ", &v.description);
    writeln!(out, "  {}{}", v.value.node, directives(&v.directives)).unwrap();
    out
}

fn implements<T: std::fmt::Display>(names: &[Positioned<T>]) -> String {
    if names.is_empty() {
        String::new()
    } else {
        format!(
            " implements {}",
            names
                .iter()
                .map(|n| n.node.to_string())
                .collect::<Vec<_>>()
                .join(" & ")
        )
    }
}

/// The head of a definition (description, keyword, name, directives) without its body.
fn head(out: &mut String, t: &TypeDefinition, designed: bool) {
    if designed {
        writeln!(out, "{DESIGNED}").unwrap();
    }
    description(out, "", &t.description);
    let keyword = match &t.kind {
        TypeKind::Scalar => "scalar",
        TypeKind::Object(_) => "type",
        TypeKind::Interface(_) => "interface",
        TypeKind::Union(_) => "union",
        TypeKind::Enum(_) => "enum",
        TypeKind::InputObject(_) => "input",
    };
    write!(out, "{keyword} {}", t.name.node).unwrap();
}

/// A whole type definition whose fields are printed by `fields` (for objects and interfaces;
/// root types pass a subset). `designed` marks the definition itself.
pub fn type_with_fields(t: &TypeDefinition, designed: bool, fields: &[String]) -> String {
    let mut out = String::new();
    head(&mut out, t, designed);
    match &t.kind {
        TypeKind::Object(o) => write!(out, "{}", implements(&o.implements)).unwrap(),
        TypeKind::Interface(i) => write!(out, "{}", implements(&i.implements)).unwrap(),
        _ => {}
    }
    out.push_str(&directives(&t.directives));
    match &t.kind {
        TypeKind::Scalar => out.push('\n'),
        TypeKind::Union(u) => {
            let ms: Vec<String> = u.members.iter().map(|m| m.node.to_string()).collect();
            writeln!(out, " = {}", ms.join(" | ")).unwrap();
        }
        TypeKind::Enum(e) => {
            out.push_str(" {\n");
            e.values
                .iter()
                .for_each(|v| out.push_str(&enum_value(&v.node)));
            out.push_str("}\n");
        }
        TypeKind::InputObject(i) => {
            out.push_str(" {\n");
            for f in &i.fields {
                description(&mut out, "  ", &f.node.description);
                writeln!(out, "  {}", input_value(&f.node)).unwrap();
            }
            out.push_str("}\n");
        }
        TypeKind::Object(_) | TypeKind::Interface(_) => {
            out.push_str(" {\n");
            fields.iter().for_each(|f| out.push_str(f));
            out.push_str("}\n");
        }
    }
    out
}

/// The fields of an object or interface type (empty for other kinds).
pub fn fields_of(t: &TypeDefinition) -> &[Positioned<FieldDefinition>] {
    match &t.kind {
        TypeKind::Object(o) => &o.fields,
        TypeKind::Interface(i) => &i.fields,
        _ => &[],
    }
}

/// A whole type definition in canonical layout.
pub fn type_def(t: &TypeDefinition, designed: bool) -> String {
    let fields: Vec<String> = fields_of(t).iter().map(|f| field(&f.node, false)).collect();
    type_with_fields(t, designed, &fields)
}
