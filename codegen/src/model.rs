//! The schema as the generator sees it: parsed once from SDL into plain maps, so the rest of the
//! generator never touches the parser's positioned AST.

use async_graphql_parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use std::collections::BTreeMap;

/// A GraphQL type reference as written in SDL, e.g. `[ID!]!`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// A named type; `bool` is true when the reference is non-null.
    Named(String, bool),
    /// A list of the inner type; `bool` is true when the list itself is non-null.
    List(Box<TypeRef>, bool),
}

impl TypeRef {
    pub(crate) fn from_ast(ty: &Type) -> Self {
        let non_null = !ty.nullable;
        match &ty.base {
            BaseType::Named(n) => TypeRef::Named(n.to_string(), non_null),
            BaseType::List(inner) => TypeRef::List(Box::new(TypeRef::from_ast(inner)), non_null),
        }
    }

    /// The innermost named type.
    pub fn named(&self) -> &str {
        match self {
            TypeRef::Named(n, _) => n,
            TypeRef::List(inner, _) => inner.named(),
        }
    }

    /// Whether the outermost reference is non-null.
    pub fn non_null(&self) -> bool {
        match self {
            TypeRef::Named(_, nn) | TypeRef::List(_, nn) => *nn,
        }
    }
}

impl std::fmt::Display for TypeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::Named(n, nn) => write!(f, "{n}{}", if *nn { "!" } else { "" }),
            TypeRef::List(inner, nn) => write!(f, "[{inner}]{}", if *nn { "!" } else { "" }),
        }
    }
}

/// An argument or an input-object field.
#[derive(Debug, Clone)]
pub struct InputValue {
    pub name: String,
    pub ty: TypeRef,
    pub description: Option<String>,
    /// Whether the SDL gives a default, which makes a non-null value optional to send.
    pub has_default: bool,
}

/// A field of an object or interface.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub ty: TypeRef,
    pub args: Vec<InputValue>,
    pub description: Option<String>,
}

/// What kind of named type, with its members.
#[derive(Debug, Clone)]
pub enum Kind {
    Scalar,
    Enum(Vec<String>),
    Object(Vec<Field>),
    Interface(Vec<Field>),
    Union(Vec<String>),
    Input(Vec<InputValue>),
}

/// One named type of the schema.
#[derive(Debug, Clone)]
pub struct TypeDef {
    pub name: String,
    pub description: Option<String>,
    pub kind: Kind,
    /// The interfaces an object or interface type declares it implements.
    pub implements: Vec<String>,
}

/// A whole schema: every named type (built-in scalars included) and the root type names.
#[derive(Debug, Clone)]
pub struct Schema {
    pub types: BTreeMap<String, TypeDef>,
    pub query: String,
    pub mutation: String,
}

/// The scalars every GraphQL schema has without declaring them.
pub const BUILTIN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn desc(d: &Option<async_graphql_parser::Positioned<String>>) -> Option<String> {
    d.as_ref().map(|d| d.node.clone())
}

fn input_value(v: &async_graphql_parser::types::InputValueDefinition) -> InputValue {
    InputValue {
        name: v.name.node.to_string(),
        ty: TypeRef::from_ast(&v.ty.node),
        description: desc(&v.description),
        has_default: v.default_value.is_some(),
    }
}

impl Schema {
    /// Parses SDL. Fails with the parser's message, or when a referenced type is not defined.
    pub fn parse(sdl: &str) -> Result<Schema, String> {
        let doc = async_graphql_parser::parse_schema(sdl)
            .map_err(|e| format!("SDL does not parse: {e}"))?;
        let mut types = BTreeMap::new();
        for name in BUILTIN_SCALARS {
            types.insert(
                name.to_string(),
                TypeDef {
                    name: name.to_string(),
                    description: None,
                    kind: Kind::Scalar,
                    implements: vec![],
                },
            );
        }
        let (mut query, mut mutation) = ("Query".to_string(), "Mutation".to_string());
        for def in &doc.definitions {
            match def {
                TypeSystemDefinition::Schema(s) => {
                    if let Some(q) = &s.node.query {
                        query = q.node.to_string();
                    }
                    if let Some(m) = &s.node.mutation {
                        mutation = m.node.to_string();
                    }
                }
                TypeSystemDefinition::Directive(_) => {}
                TypeSystemDefinition::Type(t) => {
                    let t = &t.node;
                    let fields = |fs: &Vec<
                        async_graphql_parser::Positioned<
                            async_graphql_parser::types::FieldDefinition,
                        >,
                    >| {
                        fs.iter()
                            .map(|f| Field {
                                name: f.node.name.node.to_string(),
                                ty: TypeRef::from_ast(&f.node.ty.node),
                                args: f
                                    .node
                                    .arguments
                                    .iter()
                                    .map(|a| input_value(&a.node))
                                    .collect(),
                                description: desc(&f.node.description),
                            })
                            .collect::<Vec<_>>()
                    };
                    let kind = match &t.kind {
                        TypeKind::Scalar => Kind::Scalar,
                        TypeKind::Enum(e) => Kind::Enum(
                            e.values
                                .iter()
                                .map(|v| v.node.value.node.to_string())
                                .collect(),
                        ),
                        TypeKind::Object(o) => Kind::Object(fields(&o.fields)),
                        TypeKind::Interface(i) => Kind::Interface(fields(&i.fields)),
                        TypeKind::Union(u) => {
                            Kind::Union(u.members.iter().map(|m| m.node.to_string()).collect())
                        }
                        TypeKind::InputObject(i) => {
                            Kind::Input(i.fields.iter().map(|f| input_value(&f.node)).collect())
                        }
                    };
                    let implements = match &t.kind {
                        TypeKind::Object(o) => {
                            o.implements.iter().map(|i| i.node.to_string()).collect()
                        }
                        TypeKind::Interface(i) => {
                            i.implements.iter().map(|i| i.node.to_string()).collect()
                        }
                        _ => vec![],
                    };
                    let name = t.name.node.to_string();
                    if t.extend {
                        return Err(format!("type extensions are not supported (extend {name})"));
                    }
                    types.insert(
                        name.clone(),
                        TypeDef {
                            name,
                            description: desc(&t.description),
                            kind,
                            implements,
                        },
                    );
                }
            }
        }
        let schema = Schema {
            types,
            query,
            mutation,
        };
        schema.check_references()?;
        Ok(schema)
    }

    fn check_references(&self) -> Result<(), String> {
        let missing = |owner: &str, member: &str, ty: &TypeRef| -> Result<(), String> {
            if self.types.contains_key(ty.named()) {
                Ok(())
            } else {
                Err(format!(
                    "{owner}.{member} refers to undefined type {}",
                    ty.named()
                ))
            }
        };
        for t in self.types.values() {
            match &t.kind {
                Kind::Object(fs) | Kind::Interface(fs) => {
                    for f in fs {
                        missing(&t.name, &f.name, &f.ty)?;
                        for a in &f.args {
                            missing(&t.name, &format!("{}({})", f.name, a.name), &a.ty)?;
                        }
                    }
                }
                Kind::Input(fs) => {
                    for f in fs {
                        missing(&t.name, &f.name, &f.ty)?;
                    }
                }
                Kind::Union(ms) => {
                    for m in ms {
                        if !matches!(self.types.get(m).map(|t| &t.kind), Some(Kind::Object(_))) {
                            return Err(format!(
                                "union {} has member {m}, which is not an object type",
                                t.name
                            ));
                        }
                    }
                }
                Kind::Scalar | Kind::Enum(_) => {}
            }
        }
        Ok(())
    }

    /// A named type, or an error naming it.
    pub fn get(&self, name: &str) -> Result<&TypeDef, String> {
        self.types
            .get(name)
            .ok_or_else(|| format!("unknown type {name}"))
    }

    /// The fields of an object or interface type.
    pub fn fields(&self, name: &str) -> Option<&[Field]> {
        match &self.types.get(name)?.kind {
            Kind::Object(fs) | Kind::Interface(fs) => Some(fs),
            _ => None,
        }
    }

    /// The mutation fields, in SDL order.
    pub fn mutations(&self) -> Result<&[Field], String> {
        self.fields(&self.mutation)
            .ok_or_else(|| format!("the schema has no {} type", self.mutation))
    }

    /// Whether a named type is a scalar or an enum (a leaf: selected without a sub-selection).
    pub fn is_leaf(&self, name: &str) -> bool {
        matches!(
            self.types.get(name).map(|t| &t.kind),
            Some(Kind::Scalar | Kind::Enum(_))
        )
    }

    /// The object types that can stand where `name` (an object, interface or union) stands.
    pub fn possible_types(&self, name: &str) -> Vec<&str> {
        match self.types.get(name).map(|t| &t.kind) {
            Some(Kind::Object(_)) => vec![self.types[name].name.as_str()],
            Some(Kind::Union(ms)) => ms.iter().map(String::as_str).collect(),
            Some(Kind::Interface(_)) => self
                .types
                .values()
                .filter(|t| matches!(t.kind, Kind::Object(_)) && self.implements(&t.name, name))
                .map(|t| t.name.as_str())
                .collect(),
            _ => vec![],
        }
    }

    /// Whether object `obj` declares `implements iface`: only the declaration counts, not a
    /// match of field names.
    fn implements(&self, obj: &str, iface: &str) -> bool {
        self.types
            .get(obj)
            .is_some_and(|t| t.implements.iter().any(|i| i == iface))
    }
}
