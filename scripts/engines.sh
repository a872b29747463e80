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
