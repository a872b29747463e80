#!/usr/bin/env bash
# Builds the unpacked extension into examples/extension/dist (or the folder given): its own
# files from src/ and the package's runtime files (what `npm install graphql-outbox` puts in
# node_modules/graphql-outbox) in graphql-outbox/. Builds the package first if pkg/ is missing.
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/setup.sh"
out="${1:-$ROOT/examples/extension/dist}"
[ -f "$ROOT/pkg/graphql_outbox.js" ] || "$ROOT/scripts/build-pkg.sh"
rm -rf "$out" && mkdir -p "$out/graphql-outbox"
cp "$ROOT"/examples/extension/src/* "$out/"
cp "$ROOT"/pkg/{index.js,graphql_outbox.js,graphql_outbox_bg.wasm,store.js,package.json,LICENSE-MIT,LICENSE-APACHE} "$out/graphql-outbox/"
say "extension ready to load unpacked from $out"
