#!/usr/bin/env bash
# The main job: builds the npm package into pkg/, the timesheet app (www/, which depends on it)
# into www/dist, and serves the app from the reference server on 127.0.0.1, state in an SQLite
# file. PORT and DB may be overridden.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
"$ROOT/scripts/build-pkg.sh"
build_www
cd "$ROOT"
say "building the reference server"
cargo build -q --release -p outbox-server
port="${PORT:-8080}"
db="${DB:-$ROOT/outbox-demo.sqlite}"
say "serving the timesheet app (www/dist) and pkg/ with state in $db; stop with Ctrl-C"
exec "$TARGET/release/outbox-server" --port "$port" --db "$db" --www "$ROOT/www/dist" --pkg "$ROOT/pkg"
