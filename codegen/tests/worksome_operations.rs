//! Every Worksome operation document checks against our schema and, for the 78 mutations it has,
//! against the reference schema the API publishes, so the SDK's documents would run on the real API.

use outbox_codegen::{check_operation, read_documents, Schema};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn schema(rel: &str) -> Schema {
    Schema::parse(&std::fs::read_to_string(repo().join(rel)).unwrap())
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn every_document_validates_against_ours_and_the_reference() {
    let ours = schema("schemas/worksome.graphql");
    let reference = schema("reference/worksome-api.graphql");
    let docs = read_documents(&repo().join("operations/worksome")).unwrap();
    assert_eq!(docs.len(), 80);
    let mut not_in_reference = vec![];
    for (name, text) in &docs {
        check_operation(&ours, name, text)
            .unwrap_or_else(|e| panic!("against schemas/worksome.graphql: {e}"));
        if reference
            .mutations()
            .unwrap()
            .iter()
            .any(|m| &m.name == name)
        {
            let op = check_operation(&reference, name, text)
                .unwrap_or_else(|e| panic!("against the reference: {e}"));
            assert_eq!(op.name, *name);
        } else {
            not_in_reference.push(name.as_str());
        }
    }
    assert_eq!(not_in_reference, ["forceLogoutUser", "impersonateUser"]);
}

#[test]
fn a_document_the_reference_rejects_is_caught() {
    // The check is not vacuous: a field the reference's type lacks fails against it.
    let reference = schema("reference/worksome-api.graphql");
    let doc = "mutation createNote($input: CreateNoteInput!) {\n  createNote(input: $input) {\n    id\n    colour\n  }\n}\n";
    let err = check_operation(&reference, "createNote", doc).unwrap_err();
    assert!(err.contains("Note has no field colour"), "{err}");
}

#[test]
fn every_mutation_has_the_documented_return_and_input_types() {
    // tests/data/mutations.tsv records each mutation's return and argument types as the API's
    // documents give them; the schema (including the two designed mutations) must agree.
    let ours = schema("schemas/worksome.graphql");
    let tsv = std::fs::read_to_string(repo().join("tests/data/mutations.tsv")).unwrap();
    let mut checked = 0;
    for cols in tsv
        .lines()
        .filter(|l| l.starts_with("worksome\t"))
        .map(|l| l.split('\t').collect::<Vec<_>>())
    {
        let (name, ret, args) = (cols[1], cols[2], cols[3].trim());
        let m = ours
            .mutations()
            .unwrap()
            .iter()
            .find(|m| m.name == name)
            .unwrap_or_else(|| panic!("no mutation {name}"));
        assert_eq!(m.ty.to_string(), ret, "{name} returns");
        let have: Vec<String> = m
            .args
            .iter()
            .map(|a| format!("{}: {}", a.name, a.ty))
            .collect();
        let want: Vec<String> = if args == "input: -" {
            vec![]
        } else {
            vec![args.to_string()]
        };
        assert_eq!(have, want, "{name} takes");
        checked += 1;
    }
    assert_eq!(checked, 80);
}
