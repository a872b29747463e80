//! Builds an async-graphql dynamic schema from SDL text at runtime, so the server and the SDK's
//! generated bindings read the same `schemas/*.graphql` and cannot drift.
//!
//! Generic over the SDL: objects, interfaces, unions, enums, input objects, custom scalars, lists,
//! non-null, default values, `@deprecated` and `extend` definitions. Other directives are ignored.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dynamic::{
    Enum, EnumItem, Field, InputObject, InputValue, Interface, InterfaceField, Object, Scalar,
    Schema, TypeRef, Union,
};
use async_graphql_parser::types::{
    BaseType, ConstDirective, FieldDefinition, InputValueDefinition, Type, TypeDefinition,
    TypeKind, TypeSystemDefinition,
};
use async_graphql_parser::Positioned;

use crate::api::ApiDef;
use crate::coerce::{InputDef, InputDefs};
use crate::resolve::{field_resolver, Role, Shared};

/// Sets a description when the SDL has one (every dynamic builder type has `description`).
macro_rules! with_desc {
    ($item:expr, $desc:expr) => {
        match $desc {
            Some(d) => $item.description(d),
            None => $item,
        }
    };
}
/// The kind of a named type, as the resolvers need to know it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Built-in or custom scalar (also the fallback for unknown names).
    Scalar,
    /// Object type.
    Object,
    /// Interface type.
    Interface,
    /// Union type.
    Union,
    /// Enum type.
    Enum,
    /// Input object type.
    InputObject,
}

/// Kind of every type the SDL defines.
#[derive(Default)]
pub struct TypeIndex(HashMap<String, Kind>);

impl TypeIndex {
    /// The kind of `name`; built-in scalars are not in the SDL and answer `Scalar`.
    pub fn kind(&self, name: &str) -> Kind {
        self.0.get(name).copied().unwrap_or(Kind::Scalar)
    }
}

/// Parses `api.sdl` and builds the executable schema with generic resolvers.
pub fn build(api: Arc<ApiDef>) -> Result<Schema, String> {
    let doc = async_graphql_parser::parse_schema(api.sdl)
        .map_err(|e| format!("{}: SDL: {e}", api.name))?;
    let mut order: Vec<TypeDefinition> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let (mut query, mut mutation) = (None, None);
    for def in doc.definitions {
        match def {
            TypeSystemDefinition::Schema(s) => {
                query = s.node.query.map(|n| n.node.to_string()).or(query);
                mutation = s.node.mutation.map(|n| n.node.to_string()).or(mutation);
            }
            TypeSystemDefinition::Type(t) => {
                let t = t.node;
                match at.get(t.name.node.as_str()) {
                    Some(&i) => merge(&mut order[i].kind, t.kind),
                    None => {
                        at.insert(t.name.node.to_string(), order.len());
                        order.push(t);
                    }
                }
            }
            TypeSystemDefinition::Directive(_) => {}
        }
    }
    let query = query.unwrap_or_else(|| "Query".into());
    let mutation = mutation.or_else(|| at.contains_key("Mutation").then(|| "Mutation".into()));

    let mut index = TypeIndex::default();
    let mut inputs = InputDefs::default();
    for t in &order {
        index.0.insert(t.name.node.to_string(), kind_of(&t.kind));
        if let TypeKind::InputObject(io) = &t.kind {
            inputs.0.insert(
                t.name.node.to_string(),
                io.fields.iter().map(|f| input_def(&f.node)).collect(),
            );
        }
    }
    let shared = Arc::new(Shared {
        api: api.clone(),
        index,
        inputs,
    });

    let mut builder = Schema::build(&query, mutation.as_deref(), None);
    for t in &order {
        let name = t.name.node.to_string();
        let desc = t.description.as_ref().map(|d| d.node.clone());
        builder = match &t.kind {
            TypeKind::Scalar => {
                let mut s = Scalar::new(&name);
                if let Some(check) = crate::scalars::validator(&name) {
                    s = s.validator(check);
                }
                builder.register(with_desc!(s, desc))
            }
            TypeKind::Object(o) => {
                let role = if name == query {
                    Role::Query
                } else if Some(&name) == mutation.as_ref() {
                    Role::Mutation
                } else {
                    Role::Nested
                };
                let mut obj = with_desc!(Object::new(&name), desc);
                for i in &o.implements {
                    obj = obj.implement(i.node.as_str());
                }
                for f in &o.fields {
                    obj = obj.field(object_field(&shared, &name, &f.node, role));
                }
                builder.register(obj)
            }
            TypeKind::Interface(i) => {
                let mut it = with_desc!(Interface::new(&name), desc);
                for imp in &i.implements {
                    it = it.implement(imp.node.as_str());
                }
                for f in &i.fields {
                    let fd = &f.node;
                    let mut field =
                        InterfaceField::new(fd.name.node.as_str(), type_ref(&fd.ty.node));
                    field = with_desc!(field, fd.description.as_ref().map(|d| d.node.clone()));
                    if let Some(reason) = deprecation(&fd.directives) {
                        field = field.deprecation(reason.as_deref());
                    }
                    for a in &fd.arguments {
                        field = field.argument(input_value(&a.node));
                    }
                    it = it.field(field);
                }
                builder.register(it)
            }
            TypeKind::Union(u) => {
                let mut un = with_desc!(Union::new(&name), desc);
                for m in &u.members {
                    un = un.possible_type(m.node.as_str());
                }
                builder.register(un)
            }
            TypeKind::Enum(e) => {
                let mut en = with_desc!(Enum::new(&name), desc);
                for v in &e.values {
                    let mut item = EnumItem::new(v.node.value.node.as_str());
                    item = with_desc!(item, v.node.description.as_ref().map(|d| d.node.clone()));
                    if let Some(reason) = deprecation(&v.node.directives) {
                        item = item.deprecation(reason.as_deref());
                    }
                    en = en.item(item);
                }
                builder.register(en)
            }
            TypeKind::InputObject(io) => {
                let mut input = with_desc!(InputObject::new(&name), desc);
                for f in &io.fields {
                    input = input.field(input_value(&f.node));
                }
                builder.register(input)
            }
        };
    }
    builder
        .finish()
        .map_err(|e| format!("{}: schema: {e}", api.name))
}

fn object_field(shared: &Arc<Shared>, type_name: &str, fd: &FieldDefinition, role: Role) -> Field {
    let name = fd.name.node.to_string();
    let ty = type_ref(&fd.ty.node);
    let handler = shared
        .api
        .handlers
        .iter()
        .find(|((t, f), _)| *t == type_name && *f == name)
        .map(|(_, h)| *h);
    let args = fd.arguments.iter().map(|a| input_def(&a.node)).collect();
    let resolver = field_resolver(
        shared.clone(),
        name.clone(),
        ty.clone(),
        args,
        role,
        handler,
    );
    let mut field = with_desc!(
        Field::new(name, ty, resolver),
        fd.description.as_ref().map(|d| d.node.clone())
    );
    if let Some(reason) = deprecation(&fd.directives) {
        field = field.deprecation(reason.as_deref());
    }
    for a in &fd.arguments {
        field = field.argument(input_value(&a.node));
    }
    field
}

fn input_value(iv: &InputValueDefinition) -> InputValue {
    let mut v = with_desc!(
        InputValue::new(iv.name.node.as_str(), type_ref(&iv.ty.node)),
        iv.description.as_ref().map(|d| d.node.clone())
    );
    if let Some(d) = &iv.default_value {
        v = v.default_value(d.node.clone());
    }
    v
}

fn input_def(iv: &InputValueDefinition) -> InputDef {
    InputDef {
        name: iv.name.node.to_string(),
        ty: type_ref(&iv.ty.node),
        default: iv
            .default_value
            .as_ref()
            .and_then(|d| d.node.clone().into_json().ok()),
    }
}

fn type_ref(t: &Type) -> TypeRef {
    let base = match &t.base {
        BaseType::Named(n) => TypeRef::Named(n.to_string().into()),
        BaseType::List(inner) => TypeRef::List(Box::new(type_ref(inner))),
    };
    if t.nullable {
        base
    } else {
        TypeRef::NonNull(Box::new(base))
    }
}

/// `Some(reason)` when `@deprecated` is present (reason optional).
fn deprecation(directives: &[Positioned<ConstDirective>]) -> Option<Option<String>> {
    let d = directives
        .iter()
        .find(|d| d.node.name.node == "deprecated")?;
    let reason = d.node.get_argument("reason").and_then(|r| match &r.node {
        async_graphql::Value::String(s) => Some(s.clone()),
        _ => None,
    });
    Some(reason)
}

fn kind_of(k: &TypeKind) -> Kind {
    match k {
        TypeKind::Scalar => Kind::Scalar,
        TypeKind::Object(_) => Kind::Object,
        TypeKind::Interface(_) => Kind::Interface,
        TypeKind::Union(_) => Kind::Union,
        TypeKind::Enum(_) => Kind::Enum,
        TypeKind::InputObject(_) => Kind::InputObject,
    }
}

/// Folds an `extend` definition into the first definition of the same type.
fn merge(into: &mut TypeKind, from: TypeKind) {
    match (into, from) {
        (TypeKind::Object(a), TypeKind::Object(b)) => {
            a.implements.extend(b.implements);
            a.fields.extend(b.fields);
        }
        (TypeKind::Interface(a), TypeKind::Interface(b)) => {
            a.implements.extend(b.implements);
            a.fields.extend(b.fields);
        }
        (TypeKind::Union(a), TypeKind::Union(b)) => a.members.extend(b.members),
        (TypeKind::Enum(a), TypeKind::Enum(b)) => a.values.extend(b.values),
        (TypeKind::InputObject(a), TypeKind::InputObject(b)) => a.fields.extend(b.fields),
        _ => {}
    }
}
