#!/usr/bin/env bash
# The main job: builds the npm package into pkg/ and serves the demo (www/) with it from the
# reference server on 127.0.0.1, state in an SQLite file. PORT and DB may be overridden.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
"$ROOT/scripts/build-pkg.sh"
cd "$ROOT"
say "building the reference server"
cargo build -q --release -p outbox-server
port="${PORT:-8080}"
db="${DB:-$ROOT/outbox-demo.sqlite}"
say "serving www/ and pkg/ with state in $db; stop with Ctrl-C"
exec "$TARGET/release/outbox-server" --port "$port" --db "$db" --www "$ROOT/www" --pkg "$ROOT/pkg"
