//! The SDL-driven builder is generic: interfaces, unions, lists, nested inputs, defaults, custom
//! scalars and deprecations from an SDL that is not GC Directory's (Worksome comes next).

use std::collections::HashMap;
use std::sync::Arc;

use outbox_server::api::{ApiDef, ApiError, Caller, Handler, Loader};
use outbox_server::db::Db;
use outbox_server::resolve::RequestCtx;
use rusqlite::Connection;
use serde_json::{json, Value};

const SDL: &str = r#"
scalar DateTime
scalar Email
interface Node { id: ID! }
interface Named implements Node { id: ID! name: String! }
type Worker implements Node & Named { id: ID! name: String! email: Email skills: [String!]! }
type Company implements Node & Named { id: ID! name: String! workers(first: Int = 2): [Worker!]! }
union SearchResult = Worker | Company
enum Kind { WORKER COMPANY OLD @deprecated(reason: "gone") }
input Range { from: DateTime! to: DateTime }
input Filter { kinds: [Kind!] = [WORKER] range: Range tags: [[String!]!] }
type Query {
  node(id: ID!): Node
  search(filter: Filter!): [SearchResult!]!
  echo(filter: Filter!): String!
  notBuiltYet: Int
}
type Mutation { hire(email: Email!): Worker! }
extend type Query { company(id: ID!): Company }
"#;

fn worker(_: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    Ok((id == "w1")
        .then(|| json!({ "id": "w1", "name": "Wanda", "email": "w@x.io", "skills": ["rust"] })))
}
fn company(_: &Connection, id: &str) -> Result<Option<Value>, ApiError> {
    Ok((id == "c1").then(|| json!({ "id": 7, "name": "Acme" })))
}
fn node(_: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    Ok(match args["id"].as_str() {
        Some("w1") => json!({ "__typename": "Worker", "__ref": "w1" }),
        Some("c1") => json!({ "__typename": "Company", "__ref": "c1" }),
        _ => Value::Null,
    })
}
fn search(_: &Connection, _: &Caller, _: Value) -> Result<Value, ApiError> {
    Ok(
        json!([{ "__typename": "Company", "id": "c2", "name": "Inline Co" }, { "__typename": "Worker", "__ref": "w1" }]),
    )
}
fn echo(_: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    Ok(Value::String(args["filter"].to_string()))
}
fn company_workers(_: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    let n = args["first"].as_u64().unwrap() as usize;
    Ok(Value::Array(vec![json!("w1"); n]))
}
fn company_root(_: &Connection, _: &Caller, args: Value) -> Result<Value, ApiError> {
    Ok(args["id"].clone())
}
fn hire(_: &Connection, caller: &Caller, _: Value) -> Result<Value, ApiError> {
    Err(ApiError::new(
        "ONLY_COMPANIES",
        format!("{} is not a company", caller.role),
    ))
}

fn schema() -> async_graphql::dynamic::Schema {
    let handlers: HashMap<(&'static str, &'static str), Handler> = HashMap::from([
        (("Query", "node"), node as Handler),
        (("Query", "search"), search),
        (("Query", "echo"), echo),
        (("Query", "company"), company_root),
        (("Company", "workers"), company_workers),
        (("Mutation", "hire"), hire),
    ]);
    let loaders: HashMap<&'static str, Loader> =
        HashMap::from([("Worker", worker as Loader), ("Company", company)]);
    let def = ApiDef {
        name: "toy",
        sdl: SDL,
        handlers,
        loaders,
        migrate: |_| Ok(()),
        seed: |_, _| Ok(()),
    };
    outbox_server::schema_builder::build(Arc::new(def)).expect("schema builds")
}

async fn run(query: &str) -> Value {
    let ctx = RequestCtx {
        db: Db::open(":memory:").unwrap(),
        caller: Caller {
            api: "toy".into(),
            subject: "u1".into(),
            role: "worker".into(),
            token: "t1".into(),
            origin: String::new(),
        },
        idempotency_key: None,
        record_applied: false,
        applied_fields: Default::default(),
    };
    let resp = schema()
        .execute(async_graphql::Request::new(query).data(ctx))
        .await;
    serde_json::to_value(&resp).unwrap()
}

#[tokio::test]
async fn interfaces_unions_and_loaders() {
    let v = run("{ a: node(id: \"w1\") { __typename id ... on Named { name } ... on Worker { email skills } }
                   b: node(id: \"c1\") { __typename id ... on Company { workers { name } three: workers(first: 3) { id } } }
                   c: node(id: \"zz\") { id }
                   search(filter: {}) { __typename ... on Company { name } ... on Worker { name } }
                   company(id: \"c1\") { name } }")
    .await;
    assert!(v.get("errors").is_none(), "{v}");
    let d = &v["data"];
    assert_eq!(
        d["a"],
        json!({ "__typename": "Worker", "id": "w1", "name": "Wanda", "email": "w@x.io", "skills": ["rust"] })
    );
    assert_eq!(d["b"]["id"], "7", "numeric ids come out as ID strings");
    assert_eq!(
        d["b"]["workers"],
        json!([{ "name": "Wanda" }, { "name": "Wanda" }]),
        "argument default applies"
    );
    assert_eq!(d["b"]["three"].as_array().unwrap().len(), 3);
    assert_eq!(d["c"], Value::Null);
    assert_eq!(
        d["search"],
        json!([{ "__typename": "Company", "name": "Inline Co" }, { "__typename": "Worker", "name": "Wanda" }])
    );
    assert_eq!(d["company"]["name"], "Acme");
}

#[tokio::test]
async fn nested_inputs_reach_the_handler_with_defaults() {
    let v = run(
        "{ echo(filter: { range: { from: \"2026-01-01\" }, tags: [[\"a\"], [\"b\", \"c\"]] }) }",
    )
    .await;
    let echoed: Value = serde_json::from_str(v["data"]["echo"].as_str().unwrap()).unwrap();
    assert_eq!(
        echoed,
        json!({ "kinds": ["WORKER"], "range": { "from": "2026-01-01" }, "tags": [["a"], ["b", "c"]] })
    );
    let v = run("{ echo(filter: { kinds: COMPANY }) }").await;
    let echoed: Value = serde_json::from_str(v["data"]["echo"].as_str().unwrap()).unwrap();
    assert_eq!(
        echoed,
        json!({ "kinds": ["COMPANY"] }),
        "a single value where a list is expected is a list"
    );
    let v = run("{ echo(filter: { range: { to: \"x\" } }) }").await;
    assert!(
        v["errors"][0]["message"].as_str().unwrap().contains("from"),
        "{v}"
    );
}

#[tokio::test]
async fn errors_carry_codes_and_missing_handlers_say_not_implemented() {
    let v = run("{ notBuiltYet }").await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "NOT_IMPLEMENTED",
        "{v}"
    );
    let v = run("mutation { hire(email: \"a@b.c\") { id } }").await;
    assert_eq!(
        v["errors"][0]["extensions"]["code"], "ONLY_COMPANIES",
        "{v}"
    );
    let v = run("mutation { hire(email: \"nope\") { id } }").await;
    assert!(
        v["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Email"),
        "{v}"
    );
}

#[tokio::test]
async fn introspection_shows_the_sdl_types() {
    let v = run("{ k: __type(name: \"Kind\") { enumValues(includeDeprecated: true) { name isDeprecated deprecationReason } }
                   n: __type(name: \"Named\") { kind possibleTypes { name } } }")
    .await;
    assert_eq!(
        v["data"]["k"]["enumValues"][2],
        json!({ "name": "OLD", "isDeprecated": true, "deprecationReason": "gone" })
    );
    assert_eq!(v["data"]["n"]["kind"], "INTERFACE");
    assert_eq!(
        v["data"]["n"]["possibleTypes"],
        json!([{ "name": "Worker" }, { "name": "Company" }])
    );
}
