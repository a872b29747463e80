//! Generates the typed bindings from schemas/ and operations/ into OUT_DIR on every build, so
//! generated code can never be stale or hand-edited.

use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=schemas");
    println!("cargo:rerun-if-changed=operations");
    // The generator itself: a target dir shared between checkouts of this workspace (cargo gives
    // their path packages the same hashes) otherwise kept the output of another checkout's
    // generator (seen: tables without a field the new generator emits).
    println!("cargo:rerun-if-changed=codegen/src");
    let apis = match outbox_codegen::generate_all(&root) {
        Ok(apis) => apis,
        Err(e) => {
            // A plain message instead of a panic backtrace: the error names the file to fix.
            eprintln!("error: {e}");
            println!("cargo:warning={e}");
            std::process::exit(1);
        }
    };
    for g in &apis {
        std::fs::write(out.join(format!("api_{}.rs", g.api)), &g.tables).expect("write tables");
        std::fs::write(out.join(format!("api_{}_static.rs", g.api)), &g.static_tables).expect("write static tables");
        std::fs::write(out.join(format!("js_{}.rs", g.api)), &g.facade).expect("write facade");
    }
    let (tables, facades) = outbox_codegen::index(&apis);
    std::fs::write(out.join("apis.rs"), tables).expect("write apis.rs");
    std::fs::write(out.join("facades.rs"), facades).expect("write facades.rs");
}
