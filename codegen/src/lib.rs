//! outbox-codegen: turns `schemas/<api>.graphql` + `operations/<api>/*.graphql` into the SDK's
//! typed bindings. Run by the SDK's build script; nothing it emits is committed.

mod compact;
pub mod creates;
mod emit_rust;
mod emit_ts;
pub mod idempotency;
mod inputs;
mod model;
mod naming;
mod operations;
pub mod patches;
mod prune;
mod queries;
mod scalars;
pub mod sdl;
mod selection;
mod selection_table;

pub use model::{Kind, Schema, TypeRef};
pub use operations::{check as check_operation, Operation};
pub use queries::{check as check_query, Query};
pub use selection::key_field;
pub use selection_table::{Arg, Sel, SelField};
pub use prune::{prune, PruneSpec, Types};
pub use selection::default_document;

use std::path::Path;

/// Everything generated for one API.
pub struct Generated {
    /// The API's name, the schema file's stem (`gcdirectory`).
    pub api: String,
    /// `api_<api>.rs`: the tables the SDK ships (input types, documents, selections, keys,
    /// patches), in the compact form of `compact.rs`.
    pub tables: String,
    /// `api_<api>_static.rs`: the same tables as plain nested statics, for the test that checks
    /// the SDK's decoding of `tables` (tests/native/tables.rs).
    pub static_tables: String,
    /// `js_<api>.rs`: the `#[wasm_bindgen]` class and its TypeScript section.
    pub facade: String,
    /// The checked operations, in the schema's mutation order.
    pub operations: Vec<Operation>,
    /// The checked queries of `operations/<api>/queries/`, sorted by name.
    pub queries: Vec<Query>,
    /// The pending-layer patches (`patches.rs`), sorted by mutation.
    pub patches: Vec<patches::Patch>,
}

/// Generates one API from its SDL and a map of operation file stem -> document text.
/// Fails when a mutation has no document, a document names no mutation, or a document does not
/// check against the schema.
pub fn generate(api: &str, sdl: &str, documents: &[(String, String)]) -> Result<Generated, String> {
    generate_with_queries(api, sdl, documents, &[])
}

/// `generate` with the query documents of `operations/<api>/queries/` (stem -> text).
pub fn generate_with_queries(
    api: &str,
    sdl: &str,
    documents: &[(String, String)],
    query_documents: &[(String, String)],
) -> Result<Generated, String> {
    let schema = Schema::parse(sdl).map_err(|e| format!("schemas/{api}.graphql: {e}"))?;
    let mutations = schema.mutations()?;
    for (stem, _) in documents {
        if !mutations.iter().any(|m| &m.name == stem) {
            return Err(format!(
                "operations/{api}/{stem}.graphql names no mutation of schemas/{api}.graphql"
            ));
        }
    }
    let mut ops = vec![];
    for m in mutations {
        let (_, text) = documents
            .iter()
            .find(|(stem, _)| *stem == m.name)
            .ok_or_else(|| {
                format!(
                    "mutation {} has no document operations/{api}/{}.graphql",
                    m.name, m.name
                )
            })?;
        let mut op = operations::check(&schema, &m.name, text)
            .map_err(|e| format!("operations/{api}/{e}"))?;
        op.creates = creates::result_path(api, &schema, &m.name);
        ops.push(op);
    }
    let mut queries = vec![];
    for (stem, text) in query_documents {
        queries.push(queries::check(&schema, stem, text).map_err(|e| format!("operations/{api}/{e}"))?);
    }
    queries.sort_by(|a, b| a.name.cmp(&b.name));
    let patches = patches::patches(api, &schema)?;
    let ts = emit_ts::namespace(api, &schema, &ops, &queries)?;
    Ok(Generated {
        api: api.to_string(),
        tables: compact::tables(api, &schema, &ops, &queries, &patches)?,
        static_tables: emit_rust::tables(api, &schema, &ops, &queries, &patches)?,
        facade: emit_rust::facade(api, &ops, &queries, &ts),
        operations: ops,
        queries,
        patches,
    })
}

/// Reads every operation document of one API from `dir` (stem -> text), sorted by stem.
pub fn read_documents(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut docs = vec![];
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.extension().is_some_and(|e| e == "graphql") {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            docs.push((stem, text));
        }
    }
    docs.sort();
    Ok(docs)
}

/// Every API under `root`: (name, SDL) of each `schemas/*.graphql`, sorted by name.
pub fn schemas(root: &Path) -> Result<Vec<(String, String)>, String> {
    let dir = root.join("schemas");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let api = path.file_stem().unwrap().to_string_lossy().to_string();
            let sdl = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            Ok((api, sdl))
        })
        .collect()
}

/// Generates every API under `root` (`schemas/*.graphql` with `operations/<api>/`), sorted by name.
pub fn generate_all(root: &Path) -> Result<Vec<Generated>, String> {
    schemas(root)?
        .into_iter()
        .map(|(api, sdl)| {
            let dir = root.join("operations").join(&api);
            let queries = dir.join("queries");
            let queries = if queries.is_dir() { read_documents(&queries)? } else { vec![] };
            generate_with_queries(&api, &sdl, &read_documents(&dir)?, &queries)
        })
        .collect()
}

/// The documents the selection rule gives for every mutation of a schema: (mutation, text).
pub fn expected_documents(sdl: &str) -> Result<Vec<(String, String)>, String> {
    let schema = Schema::parse(sdl)?;
    Ok(schema
        .mutations()?
        .iter()
        .map(|m| (m.name.clone(), default_document(&schema, m)))
        .collect())
}

/// `apis.rs` (one module per API plus `ALL`) and `facades.rs` (the classes, the `Client`
/// getters, and the `ApiName`/`Endpoints` TypeScript), for the SDK to include.
pub fn index(apis: &[Generated]) -> (String, String) {
    use std::fmt::Write;
    let mut tables = String::from("// @generated by outbox-codegen. Do not edit.\n");
    let mut facades = tables.clone();
    for g in apis {
        let (api, class) = (&g.api, format!("{}Api", naming::pascal(&g.api)));
        writeln!(tables, "/// The {api} API's tables.\npub mod {api} {{\n    use crate::api::model::*;\n    include!(concat!(env!(\"OUT_DIR\"), \"/api_{api}.rs\"));\n}}").unwrap();
        writeln!(facades, "mod {api}_js {{\n    use super::*;\n    include!(concat!(env!(\"OUT_DIR\"), \"/js_{api}.rs\"));\n}}\npub use {api}_js::{class};").unwrap();
        writeln!(
            facades,
            "#[wasm_bindgen]\nimpl Client {{\n    /// Every {api} mutation as a typed async function.\n    #[wasm_bindgen(getter)]\n    pub fn {api}(&self) -> {class} {{\n        {class} {{ client: self.handle() }}\n    }}\n}}"
        )
        .unwrap();
    }
    // The tables decode on first use (`compact.rs`), so `ALL` is lazy too.
    let names: Vec<String> = apis.iter().map(|g| format!("&*{}::API", g.api)).collect();
    writeln!(
        tables,
        "/// Every API of the SDK.\npub static ALL: std::sync::LazyLock<[&'static model::Api; {}]> = std::sync::LazyLock::new(|| [{}]);",
        apis.len(),
        names.join(", ")
    )
    .unwrap();
    let union: Vec<String> = apis.iter().map(|g| format!("\"{}\"", g.api)).collect();
    let endpoints: Vec<String> = apis
        .iter()
        .map(|g| {
            format!(
                "  /** GraphQL endpoint URL of the {0} API. */\n  {0}?: string;",
                g.api
            )
        })
        .collect();
    let updates: Vec<String> = apis
        .iter()
        .map(|g| format!("  /** Functions per {0} mutation. */\n  {0}?: {1}.Updates;", g.api, naming::pascal(&g.api)))
        .collect();
    writeln!(
        facades,
        "#[wasm_bindgen(typescript_custom_section)]\nconst TS_APIS: &'static str = r#\"\n/** The APIs this SDK speaks. */\nexport type ApiName = {};\n/** Where each API is served; an API without an endpoint rejects its calls with a ConfigError. */\nexport interface Endpoints {{\n{}\n}}\n/** `cache.updates` of `Client.open`: per API, per mutation, where what it made shows in cached queries. */\nexport interface CacheUpdates {{\n{}\n}}\n\"#;",
        union.join(" | "),
        endpoints.join("\n"),
        updates.join("\n")
    )
    .unwrap();
    (tables, facades)
}

/// The mutations `tests/data/mutations.tsv` lists for `api`, in its order.
pub fn listed_mutations(root: &Path, api: &str) -> Result<Vec<String>, String> {
    let path = root.join("tests/data/mutations.tsv");
    let tsv = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(tsv
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            (cols.next() == Some(api)).then(|| cols.next().unwrap_or_default().to_string())
        })
        .collect())
}

/// `schemas/<api>.graphql` as derived from `reference`: the mutations of `tests/data/mutations.tsv`,
/// the queries named in `schemas/overlay/<api>.queries`, the designs of
/// `schemas/overlay/<api>.graphql`, and every type those reach.
/// `reference_path` is how the header names the reference file (as passed on the command line).
pub fn prune_for_repo(
    root: &Path,
    api: &str,
    reference_path: &str,
    reference: &str,
) -> Result<String, String> {
    let read = |p: std::path::PathBuf| {
        std::fs::read_to_string(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let overlay = root.join("schemas/overlay");
    let designed = read(overlay.join(format!("{api}.graphql")))?;
    let queries: Vec<String> = read(overlay.join(format!("{api}.queries")))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let mutations = listed_mutations(root, api)?;
    let header = format!(
        "# The {api} API as this project serves and generates it. Do not edit: regenerate with\n\
         #   cargo run -p outbox-codegen -- prune-schema {api} {reference_path} > schemas/{api}.graphql\n\
         # Derived from the reference schema (kept: the mutations of tests/data/mutations.tsv, the queries of\n\
         # schemas/overlay/{api}.queries, every type they reach); definitions marked `# designed here` come\n\
         # from schemas/overlay/{api}.graphql because the reference lacks them.\n"
    );
    prune(&PruneSpec {
        reference,
        mutations: &mutations,
        queries: &queries,
        designed: &designed,
        header: &header,
    })
}
