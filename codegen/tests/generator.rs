//! The generator against the real schemas in this repo and against small schemas that each
//! exercise one rule or one failure.

use outbox_codegen::{expected_documents, generate, generate_all, read_documents};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

#[test]
fn committed_operations_follow_the_selection_rule() {
    // The rule (every scalar/enum field, ids of related objects) is applied by the generator;
    // a hand edit or a schema change without `outbox-codegen write-operations` fails here.
    // schemas/overlay/ holds inputs of prune-schema, not APIs; `schemas()` reads only *.graphql.
    for (api, sdl) in outbox_codegen::schemas(&repo()).unwrap() {
        let mut expected = expected_documents(&sdl).unwrap();
        expected.sort();
        let committed = read_documents(&repo().join("operations").join(&api)).unwrap();
        assert_eq!(
            committed.len(),
            expected.len(),
            "{api}: one document per mutation"
        );
        for ((name, want), (file, have)) in expected.iter().zip(&committed) {
            assert_eq!(name, file);
            assert_eq!(have, want, "operations/{api}/{name}.graphql differs from the rule; run `cargo run -p outbox-codegen -- write-operations`");
        }
    }
}

#[test]
fn every_repo_api_generates() {
    let apis = generate_all(&repo()).expect("the repo's schemas and operations generate");
    let gc = apis
        .iter()
        .find(|g| g.api == "gcdirectory")
        .expect("gcdirectory");
    let names: Vec<&str> = gc.operations.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "modifyProfile",
            "createOrgTier",
            "modifyOrgTier",
            "deleteOrgTier",
            "modifyApproval"
        ]
    );
    assert!(gc.facade.contains("js_name = \"modifyApproval\""));
    assert!(gc
        .facade
        .contains("export type Status = \"Pending\" | \"Approved\" | \"Denied\";"));
    assert!(
        gc.facade.contains("export interface ModifyApprovalArgs {\n    id: string | number;\n    data: ModifyApprovalInput;\n  }"),
        "{}",
        gc.facade
    );
    assert!(gc.static_tables.contains("(\"status\", \"Status!\")"));
}

const SDL: &str = r#"
scalar Date
type Query { x: Int }
type Mutation {
  "Makes a thing."
  makeThing(input: ThingInput!): Thing!
  tagThing(id: ID!, tags: [String!]! = []): Tagged
  count: Int!
}
input ThingInput { name: String!, on: Date, kind: Kind = SMALL }
enum Kind { SMALL LARGE }
type Money { amount: Float!, currency: String! }
type Person { key: ID!, name: String }
type Thing implements Tagged { id: ID!, name: String!, price: Money, owner: Person, kind: Kind!, tags(first: Int!): [String!]!, related: Related }
union Related = Thing | Person
interface Tagged { id: ID! }
"#;

fn rule_docs() -> Vec<(String, String)> {
    expected_documents(SDL).unwrap()
}

fn generated(docs: Vec<(String, String)>) -> Result<outbox_codegen::Generated, String> {
    generate("demo", SDL, &docs)
}

#[test]
fn the_rule_selects_keys_of_entities_and_all_of_values() {
    let docs = rule_docs();
    let make = &docs.iter().find(|(n, _)| n == "makeThing").unwrap().1;
    assert_eq!(
        make,
        "mutation makeThing($input: ThingInput!) {\n  makeThing(input: $input) {\n    id\n    name\n    price {\n      amount\n      currency\n    }\n    owner {\n      key\n    }\n    kind\n    related {\n      __typename\n      ... on Thing {\n        id\n      }\n      ... on Person {\n        key\n      }\n    }\n  }\n}\n"
    );
    let count = &docs.iter().find(|(n, _)| n == "count").unwrap().1;
    assert_eq!(count, "mutation count {\n  count\n}\n");
    let tag = &docs.iter().find(|(n, _)| n == "tagThing").unwrap().1;
    assert!(
        tag.contains(
            "tagThing(id: $id, tags: $tags) {\n    __typename\n    ... on Thing {\n      id\n"
        ),
        "{tag}"
    );
}

#[test]
fn result_types_follow_the_selection() {
    let g = generated(rule_docs()).unwrap();
    let make = g.operations.iter().find(|o| o.name == "makeThing").unwrap();
    assert_eq!(
        make.result_ts,
        "{ id: string; name: string; price: { amount: number; currency: string } | null; owner: { key: string } | null; kind: Kind; related: ({ __typename: \"Thing\"; id: string }) | ({ __typename: \"Person\"; key: string }) | null }"
    );
    assert!(make.single_input());
    assert!(g.facade.contains("export type MakeThingArgs = ThingInput;"));
    assert!(
        g.facade.contains("export interface ThingInput {\n    name: string;\n    on?: Date | null;\n    kind?: Kind | null;\n  }"),
        "{}",
        g.facade
    );
    assert!(
        g.facade.contains("pub fn count(&self, options: Option<CallOptions>) -> js_sys::Promise"),
        "no-argument mutations take only the optional call options"
    );
    // Documents are sent compacted: one line, single spaces.
    assert!(
        g.static_tables.contains("document: \"mutation count { count }\""),
        "{}",
        g.static_tables
    );
    // A defaulted non-null argument may be omitted, so it is checked as nullable.
    assert!(
        g.static_tables.contains("(\"tags\", \"[String!]\")"),
        "{}",
        g.static_tables
    );
}

fn with(name: &str, text: &str) -> Vec<(String, String)> {
    let mut docs = rule_docs();
    docs.iter_mut().find(|(n, _)| n == name).unwrap().1 = text.to_string();
    docs
}

#[test]
fn bad_documents_fail_with_a_message_naming_the_problem() {
    let cases = [
        (with("count", "mutation count { count { x } }"), "Int is a leaf type"),
        (with("makeThing", "mutation makeThing($input: ThingInput!) { makeThing(input: $input) { nope } }"), "Thing has no field nope"),
        (with("makeThing", "mutation makeThing($input: ThingInput) { makeThing(input: $input) { id } }"), "declares variables"),
        (with("makeThing", "mutation makeThing($input: ThingInput!) { makeThing(input: $input) }"), "needs a selection"),
        (with("makeThing", "query makeThing { x }"), "must be a mutation"),
        (with("makeThing", "mutation other($input: ThingInput!) { makeThing(input: $input) { id } }"), "must be named makeThing"),
        (
            with("makeThing", "mutation makeThing($input: ThingInput!) { makeThing(input: $input) { ... on Person { key } } }"),
            "can never apply",
        ),
        (with("makeThing", "mutation makeThing($input: ThingInput!) { makeThing(input: $input) { id(x: 1) } }"), "takes no argument x"),
    ];
    for (docs, want) in cases {
        let err = generated(docs).err().expect(want);
        assert!(err.contains(want), "expected {want:?} in {err:?}");
    }
    let mut missing = rule_docs();
    missing.retain(|(n, _)| n != "count");
    assert!(generated(missing)
        .err()
        .unwrap()
        .contains("count has no document"));
    let mut extra = rule_docs();
    extra.push(("ghost".into(), "mutation ghost { ghost }".into()));
    assert!(generated(extra)
        .err()
        .unwrap()
        .contains("ghost.graphql names no mutation"));
}

#[test]
fn bad_schemas_fail_with_a_message_naming_the_problem() {
    let unknown_scalar = SDL
        .replace(
            "scalar Date",
            "scalar Date\nscalar Mystery\ninput Extra { m: Mystery }",
        )
        .replace("on: Date", "on: Date, extra: Extra");
    let err = generate("demo", &unknown_scalar, &rule_docs())
        .err()
        .unwrap();
    assert!(err.contains("scalar Mystery has no known format"), "{err}");
    let undefined = SDL.replace("owner: Person", "owner: Persona");
    assert!(generate("demo", &undefined, &[])
        .err()
        .unwrap()
        .contains("Thing.owner refers to undefined type Persona"));
}

#[test]
fn creates_name_the_new_entitys_id_by_one_rule() {
    let apis = generate_all(&repo()).unwrap();
    let creates = |api: &str, name: &str| {
        let g = apis.iter().find(|g| g.api == api).unwrap();
        g.operations.iter().find(|o| o.name == name).unwrap().creates.clone()
    };
    // The returned type's key.
    assert_eq!(creates("worksome", "createTimesheet").as_deref(), Some("id"));
    assert_eq!(creates("gcdirectory", "createOrgTier").as_deref(), Some("id"));
    // A payload: its only keyed object's key.
    assert_eq!(creates("worksome", "createSmsMultiFactor").as_deref(), Some("multiFactor.id"));
    // Not creates, lists, payloads without a keyed object, and the table's exceptions.
    assert_eq!(creates("worksome", "updateTimesheet"), None);
    assert_eq!(creates("worksome", "createJobCandidate"), None, "a list of created things");
    assert_eq!(creates("worksome", "createExport"), None, "a payload with no keyed object");
    assert_eq!(creates("worksome", "createPassword"), None, "the table: returns an existing user");
    assert_eq!(creates("worksome", "hire").as_deref(), Some("id"), "the table: a create without the verb");
    let ws = apis.iter().find(|g| g.api == "worksome").unwrap();
    assert!(ws.static_tables.contains("name: \"createTimesheet\"") && ws.static_tables.contains("creates: Some(\"id\")"));
    assert!(ws.facade.contains("MutationResult<Worksome.CreateSmsMultiFactorResult, { multiFactor: { id: string } }>"), "the TypeScript says so");
}

#[test]
fn creates_rule_on_a_small_schema() {
    let sdl = "type Query { a: Int }\n\
        type Thing { id: ID! name: String }\n\
        type Token { value: String }\n\
        type Payload { token: Token thing: Thing! }\n\
        type Two { a: Thing b: Thing }\n\
        type Mutation { createThing(name: String): Thing createViaPayload: Payload! createTwo: Two createMany: [Thing!]! createdThing: Thing }";
    let schema = outbox_codegen::Schema::parse(sdl).unwrap();
    let path = |m: &str| outbox_codegen::creates::result_path("x", &schema, m);
    assert_eq!(path("createThing").as_deref(), Some("id"));
    assert_eq!(path("createViaPayload").as_deref(), Some("thing.id"));
    assert_eq!(path("createTwo"), None, "two keyed objects: ambiguous");
    assert_eq!(path("createMany"), None);
    assert_eq!(path("createdThing"), None, "the verb is a whole word");
    assert_eq!(outbox_codegen::creates::placeholders_ts("a.b"), "{ a: { b: string } }");
}
