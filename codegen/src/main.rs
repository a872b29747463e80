//! `outbox-codegen write-operations [ROOT]`: (re)writes operations/<api>/*.graphql from the
//! selection rule for every schema under ROOT/schemas (default: the current directory).
//! Hand-edited documents are allowed only where a test accepts them; today none are.
//!
//! `outbox-codegen prune-schema API REFERENCE [ROOT]`: prints schemas/API.graphql derived from the
//! REFERENCE SDL, the API's rows of ROOT/tests/data/mutations.tsv, and ROOT/schemas/overlay/API.*
//! (see `outbox_codegen::prune_for_repo`).

use std::path::{Path, PathBuf};

fn fail(msg: String) -> ! {
    eprintln!("{msg}");
    std::process::exit(1)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["write-operations"] => write_operations(Path::new(".")),
        ["write-operations", root] => write_operations(Path::new(root)),
        ["prune-schema", api, reference] | ["prune-schema", api, reference, _] => {
            let root = PathBuf::from(args.get(3).map(String::as_str).unwrap_or("."));
            let text = std::fs::read_to_string(reference)
                .unwrap_or_else(|e| fail(format!("cannot read {reference}: {e}")));
            let sdl = outbox_codegen::prune_for_repo(&root, api, reference, &text)
                .unwrap_or_else(|e| fail(e));
            print!("{sdl}");
        }
        _ => {
            eprintln!("usage: outbox-codegen write-operations [ROOT]\n       outbox-codegen prune-schema API REFERENCE [ROOT]");
            std::process::exit(2);
        }
    }
}

fn write_operations(root: &Path) {
    for (api, sdl) in outbox_codegen::schemas(root).unwrap_or_else(|e| fail(e)) {
        let docs = outbox_codegen::expected_documents(&sdl)
            .unwrap_or_else(|e| fail(format!("schemas/{api}.graphql: {e}")));
        let dir = root.join("operations").join(&api);
        std::fs::create_dir_all(&dir).expect("operations dir");
        for (name, text) in &docs {
            std::fs::write(dir.join(format!("{name}.graphql")), text).expect("write document");
        }
        println!("{api}: wrote {} documents to {}", docs.len(), dir.display());
    }
}
