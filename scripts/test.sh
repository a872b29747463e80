#!/usr/bin/env bash
# Every test of the project, on a fresh machine too: installs what is missing, then runs
#   1. native tests (generator, SDK policy/validation, reference server over HTTP),
#   2. the npm package build and its TypeScript consumer tests,
#   3. browser tests (wasm-bindgen-test: page, dedicated worker, boundary) built once, then run in
#      headless Chromium, headless Firefox and WebKitGTK (in a virtual X display), all against one
#      reference server this script starts on a free port and stops on exit (so they also prove
#      the suite does not depend on state an earlier run consumed),
#   4. end-to-end tests: Playwright (playwright-core, system Chromium) driving the built package
#      in a page against reference servers the test files start themselves; among them the
#      bundler matrix (e2e/bundlers.test.mjs: the packed tarball built by each bundler),
#   5. engine tests: the outbox end to end and the support matrix's features in Chromium,
#      Firefox and WebKitGTK through W3C WebDriver (tests/js/engines/).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
source "$(dirname "${BASH_SOURCE[0]}")/engines.sh"
ensure_wasm_target
ensure_wasm_bindgen
ensure_chromium
ensure_firefox
ensure_geckodriver
ensure_webkit
ensure_node_modules
ensure_bundler_modules
cd "$ROOT"

stage() { say "$1"; STAGE_START=$SECONDS; }
done_stage() { say "$1 took $((SECONDS - STAGE_START)) s"; }

stage "native tests (cargo test --workspace)"
cargo test --workspace
done_stage "native tests"

stage "npm package + TypeScript consumer tests"
"$ROOT/scripts/build-pkg.sh"
(cd tests/js && node --test typecheck.test.mjs package.test.mjs manifest.test.mjs)
build_www   # the timesheet app (www/dist), type-checked; e2e/app.test.mjs drives it
done_stage "package and TypeScript tests"

stage "browser tests: build, start the reference server"
cargo build -q -p outbox-server
log="$(mktemp)"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -f "$log"
}
trap cleanup EXIT
"$TARGET/debug/outbox-server" --port 0 --db :memory: --test-mode >"$log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 1 100); do
  url="$(sed -n 's/^listening on //p' "$log" | head -n1)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; echo "the reference server exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; echo "the reference server did not start" >&2; exit 1; }
say "reference server at $url"
# The URL is compiled into the test wasm (option_env!), so only that crate rebuilds per server;
# the engines below run the same build (cargo finds it fresh: the runner's variables are not
# build inputs).
# WASM_BINDGEN_TEST_TIMEOUT bounds each test binary's whole run in a browser (not each test): the
# default 20 s was hit on a machine under load; 120 s still catches a hang.
wasm_tests=(env OUTBOX_TEST_SERVER="$url" WASM_BINDGEN_TEST_TIMEOUT=120 CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
  cargo test --target wasm32-unknown-unknown -p graphql-outbox --test browser --test worker --test boundary)
"${wasm_tests[@]}" --no-run
done_stage "browser test build"
for engine in chromium firefox webkit; do
  stage "browser tests in $engine"
  in_engine_retrying_a_stall "$engine" "${wasm_tests[@]}"
  done_stage "browser tests in $engine"
done

stage "end-to-end tests (Playwright, headless Chromium, reference server in test mode)"
# Each file is one scenario of issue 4 and starts its own server (the binary built above) and
# browser, stopping both even when it fails. e2e/demo.test.mjs runs demo.sh's serve step, which
# serves with the release build of the server: built here, before the files run side by side.
cargo build -q --release -p outbox-server
(cd tests/js && CARGO_TARGET_DIR="$TARGET" node --test e2e/*.test.mjs)
done_stage "end-to-end tests"

stage "engine tests (W3C WebDriver via selenium-webdriver: Chromium, Firefox, WebKitGTK)"
# tests/js/engines/: the outbox's essentials and the platform features of the README's support
# matrix, in each engine (OUTBOX_ENGINES narrows them). Every *.test.mjs there runs (the offline
# cache's engine tests belong there too).
(cd tests/js && CARGO_TARGET_DIR="$TARGET" node --test engines/*.test.mjs)
done_stage "engine tests"
say "all tests passed"
