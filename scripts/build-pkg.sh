#!/usr/bin/env bash
# Builds the npm package into pkg/: release wasm, wasm-bindgen glue for ES modules (`--target
# web`, which also runs in workers and MV3 service workers), TypeScript declarations.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_wasm_target
ensure_wasm_bindgen
ensure_wasm_opt
ensure_esbuild

cd "$ROOT"
say "building the wasm (release)"
# No path of the building machine in the package: the panic locations kept in the wasm name
# dependency files under the registry ("/root/.cargo/registry/src/index.crates.io-<hash>/
# serde_json-1.0.154/src/de.rs"); remapped they read "serde_json-1.0.154/src/de.rs", the same on
# every machine (rustc already writes the standard library's as "/rustc/<commit>/..."). With
# --target these flags reach the wasm's crates only, not build scripts or the host's builds.
# Encoded (unit separators), so a CARGO_HOME with spaces stays one argument.
flags=()
[ -n "${RUSTFLAGS:-}" ] && read -r -a flags <<<"$RUSTFLAGS"
for dir in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
  [ -d "$dir" ] && flags+=("--remap-path-prefix=$dir=")
done
encoded="$(IFS=$'\x1f'; echo "${flags[*]}")"
CARGO_ENCODED_RUSTFLAGS="$encoded" cargo build -q --release --target wasm32-unknown-unknown -p graphql-outbox
rm -rf pkg && mkdir -p pkg
# --remove-name-section: the names are the biggest removable part of the file.
# --weak-refs: API objects handed to JS are freed by the GC, with no .free() needed.
wasm-bindgen --target web --out-dir pkg --out-name graphql_outbox --remove-name-section --weak-refs \
  "$TARGET/wasm32-unknown-unknown/release/graphql_outbox.wasm"
# -Oz on the wasm-bindgen output: about 2% less gzip (measured). The features are the ones
# rustc's wasm32 target emits by default; wasm-opt must be told it may keep them. Merging
# functions that differ only in constants first (the many monomorphized async bodies) and
# dropping the producers and target-features sections take ~1 KB more gzip (measured).
"$WASM_OPT" --merge-similar-functions -Oz --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue \
  pkg/graphql_outbox_bg.wasm -o pkg/graphql_outbox_bg.wasm
# The glue without its comments and whitespace (the docs stay in graphql_outbox.d.ts): 14.5 KB
# of its gzip are ~6 KB less. Whitespace and syntax only: names stay, so classes, errors and
# stack traces read as before. The first line tells Deno where the types are; it is restored.
"$ESBUILD" pkg/graphql_outbox.js --minify-whitespace --minify-syntax --log-level=warning \
  --banner:js='/* @ts-self-types="./graphql_outbox.d.ts" */' --outfile=pkg/graphql_outbox.min.js
mv pkg/graphql_outbox.min.js pkg/graphql_outbox.js
# The hand-written parts (scripts/pkg/): the entry module index.js (a clear ConfigError before
# init(), Symbol.dispose that closes the client) and its types, the declaration of the wasm file
# imported by path (replacing wasm-bindgen's, which describes the raw wasm exports), the npm
# README; the framework-neutral outbox store (store.js) and the React bindings (react.js, the
# entry point graphql-outbox/react), each with its types; and the licence texts.
cp scripts/pkg/index.js scripts/pkg/index.d.ts scripts/pkg/graphql_outbox_bg.wasm.d.ts scripts/pkg/README.md pkg/
cp scripts/pkg/store.js scripts/pkg/store.d.ts scripts/pkg/react.js scripts/pkg/react.d.ts pkg/
cp LICENSE-MIT LICENSE-APACHE pkg/
# The declarations use `Symbol.dispose`, which TypeScript's lib has only with ESNext.Disposable
# (not in a Vite template's "lib": ["ES2023", "DOM"]). Declaring it here compiles with and
# without that lib: TypeScript merges identical declarations of `dispose`.
cat >> pkg/graphql_outbox.d.ts <<'DTS'

declare global {
  interface SymbolConstructor {
    /** `Symbol.dispose` (ES2026 explicit resource management), declared for libs without ESNext.Disposable. */
    readonly dispose: unique symbol;
  }
}
DTS
version="$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)"
# The manifest, with `repository`/`homepage` from the clone's origin (see scripts/manifest.mjs).
node scripts/manifest.mjs pkg "$version"
raw=$(stat -c %s pkg/graphql_outbox_bg.wasm)
gz=$(gzip -9 -c pkg/graphql_outbox_bg.wasm | wc -c)
glue=$(cat pkg/graphql_outbox.js pkg/index.js | wc -c)
gluegz=$(( $(gzip -9 -c pkg/graphql_outbox.js | wc -c) + $(gzip -9 -c pkg/index.js | wc -c) ))
say "pkg/ ready: wasm $raw bytes raw, $gz bytes gzip -9; JS glue + entry $glue bytes raw, $gluegz bytes gzip -9; total $((gz + gluegz)) bytes gzip -9"
