//! Generic field resolution: handlers produce JSON, and every other field is read from its
//! parent's JSON, loading related objects by id on demand so any query depth works.
//!
//! JSON conventions a handler or loader follows:
//! - an object type's value is a JSON object with its fields by GraphQL name;
//! - a related object may instead be its id (string or number), loaded by the type's loader;
//! - for an interface or union, the JSON object carries `__typename`, or is a reference
//!   `{"__typename": "T", "__ref": "<id>"}`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_graphql::dynamic::{FieldFuture, FieldValue, ResolverContext, TypeRef};
use async_graphql::{Error, ErrorExtensions, Value as GqlValue};
use serde_json::{Map, Value};

use crate::api::{ApiDef, ApiError, Caller, Handler};
use crate::coerce::{InputDef, InputDefs};
use crate::db::Db;
use crate::schema_builder::{Kind, TypeIndex};

/// Per-request data the resolvers read (passed as async-graphql request data).
pub struct RequestCtx {
    /// The database, already inside the request's transaction.
    pub db: Db,
    /// Who is calling.
    pub caller: Caller,
    /// The request's `Idempotency-Key`, recorded in the applied log.
    pub idempotency_key: Option<String>,
    /// Whether executed mutation fields are recorded in the applied log (test mode only).
    pub record_applied: bool,
    /// How many mutation fields of this request succeeded (and so wrote); the handler stores
    /// the idempotency record only if the request applied something or had no errors.
    pub applied_fields: Arc<AtomicUsize>,
}

/// What the resolvers of one schema share: the API definition and the kinds of its types.
pub struct Shared {
    /// The API whose handlers and loaders resolve fields.
    pub api: Arc<ApiDef>,
    /// Kind of every named type in the SDL.
    pub index: TypeIndex,
    /// Fields of every input object, for coercing arguments.
    pub inputs: InputDefs,
}

/// Where a field sits, which decides how it resolves.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A field of the query root: a handler or `NOT_IMPLEMENTED`.
    Query,
    /// A field of the mutation root: a handler run in its own savepoint, or `NOT_IMPLEMENTED`.
    Mutation,
    /// A field of any other type: a handler if registered, else the parent's JSON.
    Nested,
}

/// The resolver of one field, ready for `dynamic::Field::new`.
pub fn field_resolver(
    shared: Arc<Shared>,
    field: String,
    ty: TypeRef,
    args: Vec<InputDef>,
    role: Role,
    handler: Option<Handler>,
) -> impl for<'a> Fn(ResolverContext<'a>) -> FieldFuture<'a> + Send + Sync + 'static {
    move |rctx| {
        // Everything here is synchronous SQLite work, so resolve now and hand over a ready future.
        let result = resolve(&shared, &field, &ty, &args, role, handler, &rctx);
        FieldFuture::new(async move { result })
    }
}

fn resolve(
    shared: &Shared,
    field: &str,
    ty: &TypeRef,
    arg_defs: &[InputDef],
    role: Role,
    handler: Option<Handler>,
    rctx: &ResolverContext<'_>,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    let req = rctx.data::<RequestCtx>()?;
    let json = match (role, handler) {
        (Role::Query | Role::Mutation, None) => {
            return Err(api_error(ApiError::new(
                "NOT_IMPLEMENTED",
                format!("{}.{field} has no handler on this server", shared.api.name),
            )));
        }
        (Role::Query, Some(h)) => {
            let args = args_json(shared, arg_defs, rctx)?;
            req.db
                .with(|c| h(c, &req.caller, args))
                .map_err(api_error)?
        }
        (Role::Mutation, Some(h)) => {
            let args = args_json(shared, arg_defs, rctx)?;
            run_mutation(shared.api.name, field, req, h, args).map_err(api_error)?
        }
        (Role::Nested, Some(h)) => {
            let mut args = args_json(shared, arg_defs, rctx)?;
            let parent = rctx.parent_value.try_downcast_ref::<Value>()?.clone();
            if let Some(m) = args.as_object_mut() {
                m.insert("__parent".into(), parent);
                // One handler may serve many fields (Worksome's paged lists), so name the field.
                m.insert("__field".into(), Value::String(field.to_string()));
            }
            req.db
                .with(|c| h(c, &req.caller, args))
                .map_err(api_error)?
        }
        (Role::Nested, None) => {
            let parent = rctx.parent_value.try_downcast_ref::<Value>()?;
            parent.get(field).cloned().unwrap_or(Value::Null)
        }
    };
    to_field_value(shared, req, json, ty)
}

/// Runs a mutation handler in a savepoint so a failing field leaves no partial writes, and
/// records the application in the same transaction (test mode).
fn run_mutation(
    api: &str,
    field: &str,
    req: &RequestCtx,
    h: Handler,
    args: Value,
) -> Result<Value, ApiError> {
    req.db.with(|c| {
        c.execute_batch("SAVEPOINT mutation_field")?;
        let out = h(c, &req.caller, args).and_then(|v| {
            if req.record_applied {
                crate::test_mode::record_application(
                    c,
                    api,
                    field,
                    req.idempotency_key.as_deref(),
                )?;
            }
            Ok(v)
        });
        match out {
            Ok(v) => {
                c.execute_batch("RELEASE mutation_field")?;
                req.applied_fields.fetch_add(1, Ordering::SeqCst);
                Ok(v)
            }
            Err(e) => {
                c.execute_batch("ROLLBACK TO mutation_field; RELEASE mutation_field")?;
                Err(e)
            }
        }
    })
}

fn args_json(
    shared: &Shared,
    defs: &[InputDef],
    rctx: &ResolverContext<'_>,
) -> async_graphql::Result<Value> {
    let mut m = Map::new();
    for (k, v) in rctx.args.as_index_map() {
        m.insert(k.to_string(), v.clone().into_json()?);
    }
    shared.inputs.coerce_fields(defs, &mut m);
    Ok(Value::Object(m))
}

/// Turns an `ApiError` into a GraphQL error carrying `extensions.code`.
pub fn api_error(e: ApiError) -> Error {
    Error::new(e.message).extend_with(|_, ext| ext.set("code", e.code))
}

/// Converts handler/loader JSON to what async-graphql resolves further, following `ty`.
fn to_field_value(
    shared: &Shared,
    req: &RequestCtx,
    json: Value,
    ty: &TypeRef,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    if json.is_null() {
        return Ok(None);
    }
    match ty {
        TypeRef::NonNull(inner) => to_field_value(shared, req, json, inner),
        TypeRef::List(inner) => {
            let items = match json {
                Value::Array(items) => items,
                single => vec![single], // GraphQL input coercion's rule, applied to output leniently
            };
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                out.push(to_field_value(shared, req, item, inner)?.unwrap_or(FieldValue::NULL));
            }
            Ok(Some(FieldValue::list(out)))
        }
        TypeRef::Named(name) => match shared.index.kind(name) {
            Kind::Object => object_value(shared, req, json, name, false),
            Kind::Interface | Kind::Union => object_value(shared, req, json, name, true),
            Kind::Scalar | Kind::Enum | Kind::InputObject => {
                let json = match (name.as_ref(), json) {
                    ("ID", Value::Number(n)) => Value::String(n.to_string()),
                    (_, j) => j,
                };
                Ok(Some(FieldValue::value(GqlValue::from_json(json)?)))
            }
        },
    }
}

fn object_value(
    shared: &Shared,
    req: &RequestCtx,
    json: Value,
    declared: &str,
    is_abstract: bool,
) -> async_graphql::Result<Option<FieldValue<'static>>> {
    let (concrete, loaded) = match json {
        Value::String(_) | Value::Number(_) if !is_abstract => {
            (declared.to_string(), load(shared, req, declared, &json)?)
        }
        Value::Object(ref m) if m.contains_key("__ref") => {
            let ty = m
                .get("__typename")
                .and_then(Value::as_str)
                .unwrap_or(declared)
                .to_string();
            let loaded = load(shared, req, &ty, &m["__ref"])?;
            (ty, loaded)
        }
        Value::Object(ref m) => {
            let ty = m
                .get("__typename")
                .and_then(Value::as_str)
                .unwrap_or(declared)
                .to_string();
            (ty, Some(json))
        }
        other => {
            return Err(Error::new(format!(
                "internal: {other} is not a {declared} or a reference to one"
            )))
        }
    };
    Ok(loaded.map(|v| {
        let fv = FieldValue::owned_any(v);
        if is_abstract {
            fv.with_type(concrete)
        } else {
            fv
        }
    }))
}

fn load(
    shared: &Shared,
    req: &RequestCtx,
    ty: &str,
    id: &Value,
) -> async_graphql::Result<Option<Value>> {
    let Some(loader) = shared.api.loaders.get(ty) else {
        return Err(Error::new(format!("internal: no loader for type {ty}")));
    };
    let id =
        crate::api::id_of(id).ok_or_else(|| Error::new(format!("internal: bad id for {ty}")))?;
    req.db.with(|c| loader(c, &id)).map_err(api_error)
}
