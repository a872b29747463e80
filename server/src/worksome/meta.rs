//! What the object store needs to know about the SDL to complete stored JSON into values every
//! selection can read: each object type's fields, enum values, and which names are abstract.
//!
//! Parsed once from the same SDL the schema is built from, so completion and schema agree.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use async_graphql_parser::types::{BaseType, FieldDefinition, TypeKind, TypeSystemDefinition};

/// One field of an object type, reduced to what completion needs.
#[derive(Clone, Debug)]
pub struct FieldMeta {
    /// GraphQL field name.
    pub name: String,
    /// Innermost named type.
    pub base: String,
    /// Whether the field is a list (at any depth).
    pub list: bool,
    /// Whether the outermost type is non-null.
    pub non_null: bool,
    /// Names of the field's arguments.
    pub args: Vec<String>,
}

/// The SDL facts completion reads.
#[derive(Default)]
pub struct Meta {
    /// Fields of every object type (interfaces too), by type name.
    pub objects: HashMap<String, Vec<FieldMeta>>,
    /// Values of every enum, in SDL order.
    pub enums: HashMap<String, Vec<String>>,
    /// Interface and union names.
    pub abstracts: HashSet<String>,
    /// Every object type in the schema with an `id` field (stored in `ws_objects`).
    pub with_id: HashSet<String>,
}

impl Meta {
    /// Whether `name` is an object type (not scalar/enum/abstract).
    pub fn is_object(&self, name: &str) -> bool {
        self.objects.contains_key(name) && !self.abstracts.contains(name)
    }
}

static META: OnceLock<Meta> = OnceLock::new();

/// The Worksome SDL's facts, parsed on first use.
pub fn meta() -> &'static Meta {
    META.get_or_init(|| parse(super::SDL))
}

fn parse(sdl: &str) -> Meta {
    let mut m = Meta::default();
    let Ok(doc) = async_graphql_parser::parse_schema(sdl) else {
        return m; // the schema builder reports the SDL error itself
    };
    for def in doc.definitions {
        let TypeSystemDefinition::Type(t) = def else {
            continue;
        };
        let name = t.node.name.node.to_string();
        match &t.node.kind {
            TypeKind::Object(o) => {
                let fields: Vec<FieldMeta> = o.fields.iter().map(|f| field(&f.node)).collect();
                if fields.iter().any(|f| f.name == "id") {
                    m.with_id.insert(name.clone());
                }
                m.objects.entry(name).or_default().extend(fields);
            }
            TypeKind::Interface(i) => {
                m.abstracts.insert(name.clone());
                let fields = i.fields.iter().map(|f| field(&f.node));
                m.objects.entry(name).or_default().extend(fields);
            }
            TypeKind::Union(_) => {
                m.abstracts.insert(name);
            }
            TypeKind::Enum(e) => {
                let vals = e.values.iter().map(|v| v.node.value.node.to_string());
                m.enums.entry(name).or_default().extend(vals);
            }
            _ => {}
        }
    }
    m
}

fn field(f: &FieldDefinition) -> FieldMeta {
    let (name, ty) = (f.name.node.as_str(), &f.ty.node);
    let mut list = false;
    let mut t = ty;
    let base = loop {
        match &t.base {
            BaseType::Named(n) => break n.to_string(),
            BaseType::List(inner) => {
                list = true;
                t = inner;
            }
        }
    };
    FieldMeta {
        name: name.to_string(),
        base,
        list,
        non_null: !ty.nullable,
        args: f
            .arguments
            .iter()
            .map(|a| a.node.name.node.to_string())
            .collect(),
    }
}
