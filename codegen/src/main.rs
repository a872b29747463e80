//! `outbox-codegen write-operations [ROOT]`: (re)writes operations/<api>/*.graphql from the
//! selection rule for every schema under ROOT/schemas (default: the current directory).
//! Hand-edited documents are allowed only where a test accepts them; today none are.

use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let cmd = args.next().unwrap_or_default();
    let root = PathBuf::from(args.next().unwrap_or_else(|| ".".into()));
    if cmd != "write-operations" {
        eprintln!("usage: outbox-codegen write-operations [ROOT]");
        std::process::exit(2);
    }
    let schemas = root.join("schemas");
    let mut paths: Vec<_> = std::fs::read_dir(&schemas)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", schemas.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "graphql"))
        .collect();
    paths.sort();
    for path in paths {
        let api = path.file_stem().unwrap().to_string_lossy().to_string();
        let sdl = std::fs::read_to_string(&path).expect("schema readable");
        let docs = outbox_codegen::expected_documents(&sdl).unwrap_or_else(|e| {
            eprintln!("{}: {e}", path.display());
            std::process::exit(1)
        });
        let dir = root.join("operations").join(&api);
        std::fs::create_dir_all(&dir).expect("operations dir");
        for (name, text) in &docs {
            std::fs::write(dir.join(format!("{name}.graphql")), text).expect("write document");
        }
        println!("{api}: wrote {} documents to {}", docs.len(), dir.display());
    }
}
