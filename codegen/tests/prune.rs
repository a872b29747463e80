//! schemas/worksome.graphql against its sources: it is exactly what `prune-schema` derives, and
//! every definition in it either equals the reference's or is marked `# designed here`.

use outbox_codegen::{prune, prune_for_repo, sdl, PruneSpec, Types};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(repo().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

const REFERENCE: &str = "reference/worksome-api.graphql";

#[test]
fn committed_schema_is_what_prune_schema_derives() {
    let derived = prune_for_repo(&repo(), "worksome", REFERENCE, &read(REFERENCE)).unwrap();
    assert!(
        read("schemas/worksome.graphql") == derived,
        "schemas/worksome.graphql is stale or hand-edited; run `cargo run -p outbox-codegen -- prune-schema worksome {REFERENCE} > schemas/worksome.graphql`"
    );
}

/// Whether the line just before 1-based line `line` is the designed marker (at any indent).
fn marked(text: &str, line: usize) -> bool {
    line >= 2
        && text
            .lines()
            .nth(line - 2)
            .is_some_and(|l| l.trim() == sdl::DESIGNED)
}

#[test]
fn every_undesigned_definition_equals_the_reference() {
    let text = read("schemas/worksome.graphql");
    let ours = Types::parse(&text, "schemas/worksome.graphql").unwrap();
    let reference = Types::parse(&read(REFERENCE), REFERENCE).unwrap();
    let (mut same, mut designed) = (0, vec![]);
    for name in &ours.order {
        let t = &ours.defs[name];
        let is_root = *name == ours.query || *name == ours.mutation;
        match reference.defs.get(name) {
            Some(r) if is_root => {
                for f in sdl::fields_of(t) {
                    let fname = f.node.name.node.to_string();
                    match sdl::fields_of(r)
                        .iter()
                        .find(|rf| rf.node.name.node == fname)
                    {
                        Some(rf) => {
                            assert!(
                                !marked(&text, f.pos.line),
                                "{name}.{fname} is marked designed but is the reference's"
                            );
                            assert_eq!(
                                sdl::field(&f.node, false),
                                sdl::field(&rf.node, false),
                                "{name}.{fname}"
                            );
                            same += 1;
                        }
                        None => {
                            assert!(
                                marked(&text, f.pos.line),
                                "{name}.{fname} is not in the reference and not marked designed"
                            );
                            designed.push(format!("{name}.{fname}"));
                        }
                    }
                }
            }
            Some(r) => {
                assert!(
                    !marked(&text, ours.lines[name]),
                    "{name} is marked designed but is the reference's"
                );
                assert_eq!(
                    sdl::type_def(t, false),
                    sdl::type_def(r, false),
                    "{name} differs from the reference"
                );
                same += 1;
            }
            None => {
                assert!(
                    marked(&text, ours.lines[name]),
                    "{name} is not in the reference and not marked designed"
                );
                designed.push(name.clone());
            }
        }
    }
    designed.sort();
    assert_eq!(
        designed,
        [
            "AuthenticationToken",
            "ForceLogoutInput",
            "ForceLogoutPayload",
            "ImpersonateInput",
            "Mutation.forceLogoutUser",
            "Mutation.impersonateUser"
        ]
    );
    assert!(
        same > 300,
        "only {same} definitions kept from the reference"
    );
}

#[test]
fn prune_keeps_what_the_roots_reach_and_nothing_else() {
    let reference = r#"
type Query { a(id: ID!): A, unrelated: Lone }
type Mutation { make(input: In!): A, other: Int }
input In { k: Kind = ONE }
enum Kind { ONE TWO }
interface Node { id: ID! }
type A implements Node { id: ID!, u: U, f(x: Arg): Int @deprecated(reason: "old") }
type B implements Node { id: ID! }
union U = C
type C { v: String }
input Arg { z: Int }
type Lone { q: Int }
"#;
    let designed = "type Mutation { \"New.\" extra(input: In!): New! }\ntype New { a: A }\n";
    let queries = ["a".to_string()];
    let run = |mutations: &[&str]| {
        let mutations: Vec<String> = mutations.iter().map(|m| m.to_string()).collect();
        prune(&PruneSpec {
            reference,
            mutations: &mutations,
            queries: &queries,
            designed,
            header: "# h\n",
        })
    };
    let out = run(&["make", "extra"]).unwrap();
    for kept in [
        "enum Kind",
        "input In",
        "interface Node",
        "type A implements Node",
        "type B implements Node",
        "union U = C",
        "type C",
        "input Arg",
        "# designed here\ntype New",
        "  # designed here\n  \"New.\"\n  extra(input: In!): New!",
        "k: Kind = ONE",
        "@deprecated(reason: \"old\")",
    ] {
        assert!(out.contains(kept), "missing {kept:?} in\n{out}");
    }
    for dropped in ["Lone", "unrelated", "other"] {
        assert!(
            !out.contains(dropped),
            "{dropped} should be dropped:\n{out}"
        );
    }
    let err = run(&["make", "extra", "ghost"]).unwrap_err();
    assert!(err.contains("Mutation.ghost is in neither"), "{err}");
    let err = run(&["make"]).unwrap_err();
    assert!(
        err.contains("designs Mutation.extra, which the mutation list does not name"),
        "{err}"
    );
}

#[test]
fn the_generators_own_model_agrees_with_the_reference() {
    // Independent of the canonical printer: the parsed model (kinds, fields, argument and field
    // types, descriptions, defaults present) of every kept type equals the reference's.
    let ours = outbox_codegen::Schema::parse(&read("schemas/worksome.graphql")).unwrap();
    let reference = outbox_codegen::Schema::parse(&read(REFERENCE)).unwrap();
    let mut compared = 0;
    for (name, t) in &ours.types {
        let Some(r) = reference.types.get(name) else {
            continue;
        };
        if *name == ours.query || *name == ours.mutation {
            let (Some(fs), Some(rfs)) = (ours.fields(name), reference.fields(name)) else {
                panic!("{name} has no fields")
            };
            for f in fs {
                if let Some(rf) = rfs.iter().find(|rf| rf.name == f.name) {
                    assert_eq!(format!("{f:?}"), format!("{rf:?}"), "{name}.{}", f.name);
                }
            }
            continue;
        }
        assert_eq!(t.description, r.description, "{name}");
        assert_eq!(format!("{:?}", t.kind), format!("{:?}", r.kind), "{name}");
        assert_eq!(t.implements, r.implements, "{name}");
        compared += 1;
    }
    assert!(compared > 300, "{compared}");
}
