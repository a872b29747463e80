# Sourced by test.sh after setup.sh: runs a command (wasm-bindgen-test-runner under cargo test)
# against one browser engine. The runner picks its driver from the first of GECKODRIVER,
# SAFARIDRIVER, CHROMEDRIVER that is set, and reads capabilities from the file
# WASM_BINDGEN_TEST_WEBDRIVER_JSON names: so each run gets exactly one driver variable and its
# own capabilities file, generated here and removed after, and the repo's webdriver.json (the
# Chromium flags, also read by a plain `cargo test`) is never rewritten.
#
#   in_engine chromium|firefox|webkit COMMAND...
in_engine() {
  local engine="$1"; shift
  local caps rc=0
  caps="$(mktemp --suffix=.webdriver.json)"
  local clear=(-u GECKODRIVER -u SAFARIDRIVER -u CHROMEDRIVER)
  case "$engine" in
    chromium)
      cp "$ROOT/webdriver.json" "$caps"
      env "${clear[@]}" CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_WEBDRIVER_JSON="$caps" "$@" || rc=$?
      ;;
    firefox)
      printf '{"moz:firefoxOptions": {"binary": "%s", "args": ["-headless"]}}\n' "$FIREFOX_BIN" >"$caps"
      env "${clear[@]}" GECKODRIVER="$GECKODRIVER_BIN" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$caps" "$@" || rc=$?
      ;;
    webkit)
      # MiniBrowser needs an X display: xvfb-run gives it a private one (-a: a free display number).
      printf '{"webkitgtk:browserOptions": {"binary": "%s", "args": ["--automation"]}}\n' "$MINIBROWSER" >"$caps"
      xvfb-run -a env "${clear[@]}" SAFARIDRIVER="$SAFARIDRIVER_BIN" WASM_BINDGEN_TEST_WEBDRIVER_JSON="$caps" "$@" || rc=$?
      ;;
    *)
      echo "in_engine: unknown engine $engine (chromium, firefox or webkit)" >&2
      rc=2
      ;;
  esac
  rm -f "$caps"
  return "$rc"
}

# in_engine, run once more when the browser stalled rather than a test failing: the runner saw no
# "test result:" line within WASM_BINDGEN_TEST_TIMEOUT (which bounds the whole run, not each test),
# or the driver did not answer a command in time. WebKitGTK under CPU load does this now and then
# before any test of ours ran (its page did not answer the runner's first script, here) or while
# the first test ran (CI of stop 23; where it waited is not known). A run where a test failed ("test ... FAIL", printed at once, or
# "test result: FAILED") is never retried, and a test that hangs every time still fails the
# second run.
#
#   in_engine_retrying_a_stall chromium|firefox|webkit COMMAND...
in_engine_retrying_a_stall() {
  local engine="$1" out rc=0
  out="$(mktemp)"
  in_engine "$@" 2>&1 | tee "$out" || rc=$?
  if [ "$rc" -ne 0 ] && ! grep -qE "test result: FAILED|^\s*test .+ \.\.\. FAIL" "$out" \
    && grep -qE "Failed to detect test as having been run|webdriver .* timed out after" "$out"; then
    say "the $engine run stalled without a failing test (above): running it once more"
    rc=0
    in_engine "$@" || rc=$?
  fi
  rm -f "$out"
  return "$rc"
}
