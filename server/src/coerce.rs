//! Input coercion the dynamic schema leaves to us: async-graphql applies argument defaults but
//! hands nested input objects over as written. Handlers get arguments with every input-field
//! default filled in, IDs as strings, and a single value where a list is expected wrapped in a
//! list (the GraphQL spec's input coercion rules).

use std::collections::HashMap;

use async_graphql::dynamic::TypeRef;
use serde_json::{Map, Value};

/// An argument or input-object field as the SDL declares it.
#[derive(Clone, Debug)]
pub struct InputDef {
    /// Field or argument name.
    pub name: String,
    /// Declared type.
    pub ty: TypeRef,
    /// Declared default value, as JSON.
    pub default: Option<Value>,
}

/// The fields of every input object type, by type name.
#[derive(Default)]
pub struct InputDefs(pub HashMap<String, Vec<InputDef>>);

impl InputDefs {
    /// Coerces an arguments (or input object) map against its declared fields.
    pub fn coerce_fields(&self, fields: &[InputDef], m: &mut Map<String, Value>) {
        for f in fields {
            match m.get_mut(&f.name) {
                Some(v) => self.coerce(&f.ty, v),
                None => {
                    if let Some(d) = &f.default {
                        let mut d = d.clone();
                        self.coerce(&f.ty, &mut d);
                        m.insert(f.name.clone(), d);
                    }
                }
            }
        }
    }

    /// Coerces one value against its declared type.
    pub fn coerce(&self, ty: &TypeRef, v: &mut Value) {
        match ty {
            TypeRef::NonNull(inner) => self.coerce(inner, v),
            TypeRef::List(inner) => {
                if !v.is_array() && !v.is_null() {
                    *v = Value::Array(vec![v.take()]);
                }
                if let Value::Array(items) = v {
                    items.iter_mut().for_each(|it| self.coerce(inner, it));
                }
            }
            TypeRef::Named(name) if name == "ID" => {
                if let Value::Number(n) = v {
                    *v = Value::String(n.to_string());
                }
            }
            TypeRef::Named(name) => {
                if let (Some(fields), Value::Object(m)) = (self.0.get(name.as_ref()), v) {
                    self.coerce_fields(fields, m);
                }
            }
        }
    }
}
