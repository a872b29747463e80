//! Checks a call's arguments against the API's input types before anything is stored or sent,
//! and turns them into the request's `variables`. Errors name the full field path
//! (`input.registrations[2].duration`) so the caller can point at the bad form field.

use super::formats;
use super::model::{Api, Kind, Operation, Query};
use serde_json::{Map, Value};

/// A value the schema does not accept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    /// Where, from the argument name down: `data.address.postalCode`, `input[0].name`.
    pub path: String,
    /// What is wrong with it.
    pub reason: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.reason)
    }
}

fn invalid(path: &str, reason: impl Into<String>) -> Invalid {
    Invalid { path: path.to_string(), reason: reason.into() }
}

/// Validates what the function was called with and returns the `variables` object.
/// A single-`input` mutation is called with the input itself; others with `{ arg: value }`.
pub fn variables(api: &Api, op: &Operation, called_with: Value) -> Result<Map<String, Value>, Invalid> {
    arguments(api, op.name, op.args, op.single_input, called_with)
}

/// Validates a query's variables (always an object `{ name: value }`, or nothing when every
/// variable is optional) and returns the `variables` object.
pub fn query_variables(api: &Api, q: &Query, called_with: Value) -> Result<Map<String, Value>, Invalid> {
    let called_with = match called_with {
        // `{}` and nothing mean the same for a query whose variables are all optional.
        Value::Null if q.args.iter().all(|(_, t)| !t.ends_with('!')) => Value::Object(Map::new()),
        v => v,
    };
    arguments(api, q.name, q.args, false, called_with)
}

fn arguments(
    api: &Api,
    op_name: &str,
    args: &[(&str, &str)],
    single_input: bool,
    called_with: Value,
) -> Result<Map<String, Value>, Invalid> {
    let mut vars = Map::new();
    if single_input {
        let Some(&(name, ty)) = args.first() else {
            return Err(invalid("(arguments)", format!("{op_name} has no input argument")));
        };
        check(api, ty, &called_with, name)?;
        vars.insert(name.to_string(), called_with);
        return Ok(vars);
    }
    let mut given = match called_with {
        Value::Object(m) => m,
        Value::Null if args.is_empty() => Map::new(),
        other => {
            let names: Vec<&str> = args.iter().map(|a| a.0).collect();
            return Err(invalid(
                "(arguments)",
                format!("expected an object with {}, got {}", names.join(", "), formats::kind_of(&other)),
            ));
        }
    };
    if let Some(unknown) = given.keys().find(|k| !args.iter().any(|(n, _)| n == k)) {
        return Err(invalid(unknown, format!("{op_name} takes no argument {unknown}")));
    }
    for (name, ty) in args {
        let v = given.remove(*name).unwrap_or(Value::Null);
        check(api, ty, &v, name)?;
        if !v.is_null() {
            vars.insert(name.to_string(), v);
        }
    }
    Ok(vars)
}

/// Checks one value against a type reference such as `[ID!]!`.
pub fn check(api: &Api, ty: &str, v: &Value, path: &str) -> Result<(), Invalid> {
    let (inner, non_null) = match ty.strip_suffix('!') {
        Some(t) => (t, true),
        None => (ty, false),
    };
    if v.is_null() {
        return if non_null { Err(invalid(path, "is required")) } else { Ok(()) };
    }
    if let Some(item_ty) = inner.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let Value::Array(items) = v else {
            return Err(invalid(path, format!("expected a list, got {}", formats::kind_of(v))));
        };
        for (i, item) in items.iter().enumerate() {
            check(api, item_ty, item, &format!("{path}[{i}]"))?;
        }
        return Ok(());
    }
    let def = api.type_def(inner).ok_or_else(|| invalid(path, format!("unknown type {inner} in the generated tables")))?;
    match &def.kind {
        Kind::Scalar(format) => formats::check(*format, v).map_err(|r| invalid(path, r)),
        Kind::Enum(values) => match v {
            Value::String(s) if values.contains(&s.as_str()) => Ok(()),
            _ => Err(invalid(path, format!("{} is not one of {}", formats::shown_json(v), values.join(", ")))),
        },
        Kind::Input(fields) => {
            let Value::Object(obj) = v else {
                return Err(invalid(path, format!("expected an object ({inner}), got {}", formats::kind_of(v))));
            };
            if let Some(unknown) = obj.keys().find(|k| !fields.iter().any(|(n, _)| n == k)) {
                return Err(invalid(&format!("{path}.{unknown}"), format!("{inner} has no field {unknown}")));
            }
            for (name, fty) in *fields {
                check(api, fty, obj.get(*name).unwrap_or(&Value::Null), &format!("{path}.{name}"))?;
            }
            Ok(())
        }
    }
}
