#!/usr/bin/env bash
# The main job: builds the npm package into pkg/, the timesheet app (www/, which depends on it)
# into www/dist, and serves the app from the reference server on 127.0.0.1, state in an SQLite
# file. PORT and DB may be overridden (PORT=0: a free port; the server prints its URL).
# `--serve-only` skips the package and app builds and serves what is built: the e2e test of this
# script (tests/js/e2e/demo.test.mjs) uses it, since rebuilding pkg/ would pull it from under
# the other tests.
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
case "${1:-}" in
  "") "$ROOT/scripts/build-pkg.sh"; build_www ;;
  --serve-only)
    for f in pkg/graphql_outbox.js www/dist/index.html www/dist/sw.js; do
      [ -f "$ROOT/$f" ] || { echo "$f is missing: run ./scripts/demo.sh without --serve-only" >&2; exit 1; }
    done ;;
  *) echo "usage: $0 [--serve-only]" >&2; exit 2 ;;
esac
cd "$ROOT"
say "building the reference server"
cargo build -q --release -p outbox-server
port="${PORT:-8080}"
db="${DB:-$ROOT/outbox-demo.sqlite}"
say "serving the timesheet app (www/dist) and pkg/ with state in $db; stop with Ctrl-C"
exec "$TARGET/release/outbox-server" --port "$port" --db "$db" --www "$ROOT/www/dist" --pkg "$ROOT/pkg"
