//! The tables the offline cache reads: the patch rule on the repo's real mutations, key fields,
//! query documents (selections with fragments and arguments, the identity rule, variables).

use outbox_codegen::patches::Patch;
use outbox_codegen::{expected_documents, generate_all, generate_with_queries, Arg, Generated, Sel};
use std::path::Path;

fn repo_apis() -> Vec<Generated> {
    generate_all(Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()).expect("the repo generates")
}

fn patch<'a>(g: &'a Generated, mutation: &str) -> Option<&'a Patch> {
    g.patches.iter().find(|p| p.mutation == mutation)
}

#[test]
fn the_patch_rule_on_the_repos_mutations() {
    let apis = repo_apis();
    let (gc, ws) = (&apis[0], &apis[1]);
    assert_eq!((gc.api.as_str(), ws.api.as_str()), ("gcdirectory", "worksome"));

    let reg = patch(ws, "updateTimesheetRegistration").expect("updateTimesheetRegistration patches");
    assert_eq!((reg.entity.as_str(), reg.key.as_str(), reg.delete), ("TimesheetRegistration", "input.id", false));
    for (arg, field) in [("input.unit", "unit"), ("input.startTime", "startTime"), ("input.endTime", "endTime"), ("input.duration", "duration"), ("input.comments", "comments"), ("input.isBillable", "isBillable")] {
        assert!(reg.fields.contains(&(arg.into(), field.into())), "{arg} -> {field} missing in {reg:?}");
    }
    // The input has no `date` (a registration keeps its day); the key is not a field.
    assert!(!reg.fields.iter().any(|(a, f)| a == "input.id" || f == "date"), "{reg:?}");

    let profile = patch(gc, "modifyProfile").expect("modifyProfile patches");
    assert_eq!((profile.entity.as_str(), profile.key.as_str()), ("Profile", "gcId"));
    assert!(profile.fields.contains(&("data.name".into(), "name".into())));
    assert!(profile.fields.contains(&("data.officePhone".into(), "officePhone".into())));
    // An input object (address) or a reference (team) is not a scalar field of Profile.
    assert!(!profile.fields.iter().any(|(a, _)| a == "data.address" || a == "data.team"), "{profile:?}");

    let del = patch(ws, "deleteTimesheet").expect("deleteTimesheet patches");
    assert_eq!((del.entity.as_str(), del.key.as_str(), del.delete, del.fields.len()), ("Timesheet", "input.id", true, 0));

    // The override table: a Boolean-returning delete, an input naming its key after the type,
    // and a key that names another type.
    let tier = patch(gc, "deleteOrgTier").expect("deleteOrgTier (override)");
    assert_eq!((tier.entity.as_str(), tier.key.as_str(), tier.delete), ("OrgTier", "id", true));
    assert_eq!(patch(ws, "updateCustomField").map(|p| p.key.as_str()), Some("input.customField"));
    assert!(patch(ws, "inviteCompanyRecruiter").is_none());
    // A create has no key to patch by.
    assert!(patch(ws, "createTimesheet").is_none());
    let names: Vec<&str> = ws.patches.iter().map(|p| p.mutation.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sorted by mutation");
}

#[test]
fn keys_are_id_else_the_first_id_field() {
    let apis = repo_apis();
    let gc = &apis[0];
    assert!(gc.static_tables.contains("(\"Profile\", \"gcId\")"), "Profile is keyed by gcId");
    assert!(gc.static_tables.contains("(\"OrgTier\", \"id\")"));
    assert!(!gc.static_tables.contains("(\"Query\", "), "the roots are not entities");
}

const SDL: &str = r#"
type Query { thing(id: ID!): Thing, search(filter: Filter, first: Int = 10): [Node!]! }
type Mutation { touch(id: ID!): Thing! }
input Filter { name: String, kinds: [Kind!] }
enum Kind { SMALL LARGE }
interface Node { id: ID! }
type Thing implements Node { id: ID!, name: String!, kind: Kind!, parts(first: Int!, filter: Filter): [Part!]! }
type Part implements Node { id: ID!, label: String }
"#;

fn one_query(text: &str) -> Result<Generated, String> {
    generate_with_queries("demo", SDL, &expected_documents(SDL).unwrap(), &[("q".into(), text.into())])
}

fn field<'a>(sel: &'a Sel, key: &str) -> &'a outbox_codegen::SelField {
    sel.fields.iter().find(|f| f.response_key == key).unwrap_or_else(|| panic!("no {key} in {sel:?}"))
}

#[test]
fn a_selection_with_fragments_aliases_and_arguments() {
    let g = one_query(
        "query q($f: Filter, $n: Int!) {
          search(filter: $f) {
            __typename
            id
            ... on Thing { name small: parts(first: 2, filter: { kinds: [SMALL], name: \"a\\\"b\" }) { __typename id label } }
            ... on Part { label }
          }
          thing(id: \"7\") { __typename id parts(first: $n) { __typename id } }
        }",
    )
    .unwrap();
    let q = &g.queries[0];
    let search = field(&q.selection, "search");
    assert_eq!(search.args, vec![("filter".to_string(), Arg::Variable("f".into()))]);
    let s = search.selection.as_ref().unwrap();
    assert_eq!(s.type_name, "Node");
    let small = field(s, "small");
    assert_eq!((small.name.as_str(), small.on.as_deref()), ("parts", Some("Thing")));
    assert_eq!(
        small.args,
        vec![("first".to_string(), Arg::Json("2".into())), ("filter".to_string(), Arg::Json(r#"{"kinds":["SMALL"],"name":"a\"b"}"#.into()))]
    );
    assert_eq!(field(s, "label").on.as_deref(), Some("Part"));
    assert_eq!(field(s, "id").on, None);
    assert_eq!(field(&q.selection, "thing").args, vec![("id".to_string(), Arg::Json("\"7\"".into()))]);
    // The data type follows aliases and the possible types.
    assert!(q.data_ts.contains("small: Array<"), "{}", q.data_ts);
    assert!(g.static_tables.contains("Arg::Variable(\"n\")"), "{}", g.static_tables);
    assert!(g.static_tables.contains("(\"n\", \"Int!\")"), "variables are the query's args");
    // The query's variable types join the validated input types.
    assert!(g.static_tables.contains("TypeDef { name: \"Filter\""), "{}", g.static_tables);
    assert!(g.facade.contains("pub struct DemoQueries"), "{}", g.facade);
    assert!(g.facade.contains("export interface QQueryVariables {\n    f?: Filter | null;\n    n: number;\n  }"), "{}", g.facade);
}

#[test]
fn bad_query_documents_fail_at_build_time() {
    let cases = [
        ("query q($x: ID!) { thing(id: 1) { __typename id } }", "variable $x is declared but never used"),
        ("query q($x: String) { search(filter: { name: $x }) { __typename id } }", "inside a literal"),
        ("query q { thing(id: 1) { id } }", "must select __typename"),
        ("query q { thing(id: 1) { __typename name } }", "key field id"),
        ("query q { search { __typename ... on Thing { id } } }", "Part's key field id"),
        ("query q { thing { __typename id } }", "needs its argument id"),
        ("query q { thing(id: $y) { __typename id } }", "$y is not declared"),
        ("query other { thing(id: 1) { __typename id } }", "named q"),
        ("mutation q { touch(id: 1) { __typename id } }", "must be `query q`"),
        ("query q($t: Thing) { thing(id: 1) { __typename id } }", "not an input type"),
    ];
    for (text, want) in cases {
        let err = one_query(text).err().unwrap_or_else(|| panic!("{text} generated"));
        assert!(err.contains(want), "{text}: expected {want:?} in {err:?}");
    }
}
