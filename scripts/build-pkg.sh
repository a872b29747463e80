#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen glue for ES modules (`--target
# web`, which also runs in workers and MV3 service workers), TypeScript declarations.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_wasm_target
ensure_wasm_bindgen
ensure_wasm_opt

cd "$ROOT"
say "building the wasm (release)"
cargo build -q --release --target wasm32-unknown-unknown -p graphql-outbox
rm -rf pkg && mkdir -p pkg
# --remove-name-section: the names are the biggest removable part of the file.
# --weak-refs: API objects handed to JS are freed by the GC, with no .free() needed.
wasm-bindgen --target web --out-dir pkg --out-name graphql_outbox --remove-name-section --weak-refs \
  "$TARGET/wasm32-unknown-unknown/release/graphql_outbox.wasm"
# -Oz on the wasm-bindgen output: about 2% less gzip (measured). The features are the ones
# rustc's wasm32 target emits by default; wasm-opt must be told it may keep them.
"$WASM_OPT" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/graphql_outbox_bg.wasm -o pkg/graphql_outbox_bg.wasm
version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
cat > pkg/package.json <<JSON
{
  "name": "graphql-outbox",
  "version": "$version",
  "description": "Typed GraphQL mutations for Worksome and the GC Directory through a durable IndexedDB outbox",
  "type": "module",
  "main": "graphql_outbox.js",
  "module": "graphql_outbox.js",
  "types": "graphql_outbox.d.ts",
  "files": ["graphql_outbox.js", "graphql_outbox.d.ts", "graphql_outbox_bg.wasm", "graphql_outbox_bg.wasm.d.ts"],
  "sideEffects": false,
  "license": "MIT OR Apache-2.0"
}
JSON
raw=$(stat -c %s pkg/graphql_outbox_bg.wasm)
gz=$(gzip -9 -c pkg/graphql_outbox_bg.wasm | wc -c)
say "pkg/ ready: wasm $raw bytes raw, $gz bytes gzip -9"
