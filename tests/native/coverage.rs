//! The generated functions against the project's list of mutations (tests/data/mutations.tsv,
//! a copy of the shared list the APIs were specified with).

use std::collections::BTreeSet;

fn listed(api: &str) -> BTreeSet<String> {
    let tsv = include_str!("../data/mutations.tsv");
    tsv.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|cols| cols[0] == api)
        .map(|cols| cols[1].to_string())
        .collect()
}

fn generated(api: &str) -> BTreeSet<String> {
    let api = graphql_outbox::api::ALL.iter().find(|a| a.name == api).unwrap_or_else(|| panic!("no generated API {api}"));
    api.operations.iter().map(|o| o.name.to_string()).collect()
}

#[test]
fn gcdirectory_functions_equal_the_list() {
    assert_eq!(listed("gcdirectory").len(), 5);
    assert_eq!(generated("gcdirectory"), listed("gcdirectory"));
}

#[test]
fn worksome_functions_equal_the_list() {
    assert_eq!(listed("worksome").len(), 80);
    assert_eq!(generated("worksome"), listed("worksome"));
}

#[test]
fn all_generated_functions_equal_all_85_listed() {
    let tsv = include_str!("../data/mutations.tsv");
    let all_listed: BTreeSet<(String, String)> = tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .map(|cols| (cols[0].to_string(), cols[1].to_string()))
        .collect();
    let all_generated: BTreeSet<(String, String)> = graphql_outbox::api::ALL
        .iter()
        .flat_map(|a| a.operations.iter().map(move |o| (a.name.to_string(), o.name.to_string())))
        .collect();
    assert_eq!(all_listed.len(), 85);
    assert_eq!(all_generated, all_listed);
}

#[test]
fn every_document_is_a_mutation_of_its_name() {
    for api in graphql_outbox::api::ALL.iter() {
        for op in api.operations {
            assert!(op.document.starts_with(&format!("mutation {}", op.name)), "{}.{}", api.name, op.name);
        }
    }
}
