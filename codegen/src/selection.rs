//! The selection rule for operation documents: the returned type's every scalar and enum field,
//! the key (`id`, else its first `ID!` field) of each related object, `__typename` on unions and
//! interfaces. Objects without a key are values (money, a token payload), so they are selected in
//! full by the same rule. `operations/` must equal what this produces; a test checks it.

use crate::model::{Field, Kind, Schema};

/// The key field of an object or interface: `id`, else its first `ID!` field.
pub fn key_field<'a>(schema: &'a Schema, type_name: &str) -> Option<&'a str> {
    let fields = schema.fields(type_name)?;
    if fields.iter().any(|f| f.name == "id") {
        return Some("id");
    }
    fields
        .iter()
        .find(|f| {
            f.ty.named() == "ID"
                && f.ty.non_null()
                && matches!(f.ty, crate::model::TypeRef::Named(..))
        })
        .map(|f| f.name.as_str())
}

/// Whether a field can be selected without arguments (no required argument).
fn selectable(f: &Field) -> bool {
    f.args.iter().all(|a| !a.ty.non_null() || a.has_default)
}

struct Printer<'a> {
    schema: &'a Schema,
    out: String,
}

impl Printer<'_> {
    fn line(&mut self, depth: usize, text: &str) {
        self.out.push_str(&"  ".repeat(depth));
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// Every selectable field of an object or interface, related objects by key only.
    /// `path` holds the value-object types being expanded, to stop on a cycle.
    fn full(&mut self, type_name: &str, depth: usize, path: &mut Vec<String>) {
        let fields: Vec<Field> = self.schema.fields(type_name).unwrap_or(&[]).to_vec();
        for f in fields.iter().filter(|f| selectable(f)) {
            let target = f.ty.named();
            if self.schema.is_leaf(target) {
                self.line(depth, &f.name);
            } else if !path.iter().any(|p| p == target) {
                self.line(depth, &format!("{} {{", f.name));
                self.related(target, depth + 1, path);
                self.line(depth, "}");
            }
        }
    }

    /// A related object: its key if it has one, else (a value object) every field.
    fn related(&mut self, type_name: &str, depth: usize, path: &mut Vec<String>) {
        let kind = &self.schema.types[type_name].kind;
        match kind {
            Kind::Object(_) => match key_field(self.schema, type_name) {
                Some(k) => self.line(depth, k),
                None => {
                    path.push(type_name.to_string());
                    self.full(type_name, depth, path);
                    path.pop();
                }
            },
            Kind::Interface(_) | Kind::Union(_) => {
                self.line(depth, "__typename");
                if let (Kind::Interface(_), Some(k)) = (kind, key_field(self.schema, type_name)) {
                    self.line(depth, k);
                    return;
                }
                for member in self.schema.possible_types(type_name) {
                    self.line(depth, &format!("... on {member} {{"));
                    self.related(member, depth + 1, path);
                    self.line(depth, "}");
                }
            }
            _ => {}
        }
    }

    /// The returned type of the operation: selected in full (abstract types per member).
    fn root(&mut self, type_name: &str, depth: usize) {
        let mut path = vec![type_name.to_string()];
        match &self.schema.types[type_name].kind {
            Kind::Object(_) => self.full(type_name, depth, &mut path),
            Kind::Interface(_) | Kind::Union(_) => {
                self.line(depth, "__typename");
                for member in self.schema.possible_types(type_name) {
                    self.line(depth, &format!("... on {member} {{"));
                    path.push(member.to_string());
                    self.full(member, depth + 1, &mut path);
                    path.pop();
                    self.line(depth, "}");
                }
            }
            _ => {}
        }
    }
}

/// The operation document the rule gives for one mutation field.
pub fn default_document(schema: &Schema, mutation: &Field) -> String {
    let mut p = Printer {
        schema,
        out: String::new(),
    };
    let vars: Vec<String> = mutation
        .args
        .iter()
        .map(|a| format!("${}: {}", a.name, a.ty))
        .collect();
    let pass: Vec<String> = mutation
        .args
        .iter()
        .map(|a| format!("{0}: ${0}", a.name))
        .collect();
    let wrap = |items: &[String]| {
        if items.is_empty() {
            String::new()
        } else {
            format!("({})", items.join(", "))
        }
    };
    p.line(0, &format!("mutation {}{} {{", mutation.name, wrap(&vars)));
    let target = mutation.ty.named();
    if schema.is_leaf(target) {
        p.line(1, &format!("{}{}", mutation.name, wrap(&pass)));
    } else {
        p.line(1, &format!("{}{} {{", mutation.name, wrap(&pass)));
        p.root(target, 2);
        p.line(1, "}");
    }
    p.line(0, "}");
    p.out
}
