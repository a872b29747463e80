# Sourced by demo.sh and test.sh: installs what they need, idempotently, into this checkout
# (.tools/, node_modules/) or the system (apt, rustup). Each step is skipped when already done.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
# Build outputs; CARGO_TARGET_DIR is honoured so several checkouts can share or split one.
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
export PATH="$TOOLS/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

say() { printf '==> %s\n' "$*" >&2; }

# The wasm32 target of the machine's one Rust toolchain.
ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

# wasm-bindgen-cli must equal the wasm-bindgen crate version in Cargo.lock, or the glue it
# writes does not match the wasm; so the version is read from the lock file, never hard-coded.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_bindgen() {
  local want have=""
  want="$(wasm_bindgen_version)"
  [ -n "$want" ] || { echo "cannot read the wasm-bindgen version from Cargo.lock" >&2; exit 1; }
  [ -x "$TOOLS/bin/wasm-bindgen" ] && have="$("$TOOLS/bin/wasm-bindgen" --version | awk '{print $2}')"
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want into .tools/ (about 2 minutes, once)"
    # Not --locked: one dependency pinned in its lock file no longer resolves.
    cargo install -q wasm-bindgen-cli --version "$want" --root "$TOOLS" --force
  fi
}

# An npm package pinned into .tools/<package>/ (once per version): npm_tool PACKAGE VERSION BIN
# installs it if needed and prints the path of its executable BIN.
npm_tool() {
  local dir="$TOOLS/$1"
  if [ ! -x "$dir/node_modules/.bin/$3" ] || [ "$(cat "$dir/.version" 2>/dev/null)" != "$2" ]; then
    say "installing $3 (npm $1 $2) into .tools/"
    mkdir -p "$dir"
    # A package.json of its own: without one, npm installs into the nearest ancestor that has
    # one (a checkout inside another project, or a stray /tmp/package.json), not into $dir.
    [ -f "$dir/package.json" ] || echo '{ "private": true }' > "$dir/package.json"
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error --no-save "$1@$2" >/dev/null)
    echo "$2" > "$dir/.version"
  fi
  echo "$dir/node_modules/.bin/$3"
}

# Binaryen's wasm-opt from npm (a wasm build of it, run by node), pinned. Debian's binaryen
# (wasm-opt 108) writes wasm that fails at init; this one does not.
BINARYEN_VERSION=132.0.0
ensure_wasm_opt() {
  WASM_OPT="$(npm_tool binaryen "$BINARYEN_VERSION" wasm-opt)"
}

# esbuild from npm, pinned (the version www/'s Vite uses): build-pkg.sh minifies the
# wasm-bindgen glue with it.
ESBUILD_VERSION=0.28.2
ensure_esbuild() {
  ESBUILD="$(npm_tool esbuild "$ESBUILD_VERSION" esbuild)"
}

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from apt"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Debian's Chromium and its matching driver: the only browser this machine can have.
ensure_chromium() {
  apt_install chromium chromium-driver
  export CHROMEDRIVER=/usr/bin/chromedriver
}

# Firefox for the browser suites in other engines (tests of issue 12): Debian's ESR build.
ensure_firefox() {
  apt_install firefox-esr
  export FIREFOX_BIN=/usr/bin/firefox-esr
}

# geckodriver, Firefox's W3C WebDriver server, pinned, built into .tools/ (Debian has no package).
GECKODRIVER_VERSION=0.37.1
ensure_geckodriver() {
  local have=""
  [ -x "$TOOLS/bin/geckodriver" ] && have="$("$TOOLS/bin/geckodriver" --version | awk 'NR==1 {print $2}')"
  if [ "$have" != "$GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION into .tools/ (about a minute, once)"
    cargo install -q geckodriver --version "$GECKODRIVER_VERSION" --root "$TOOLS" --force
  fi
  export GECKODRIVER_BIN="$TOOLS/bin/geckodriver"
}

# WebKitGTK's WebDriver and its MiniBrowser, run in a virtual X display (xvfb-run): WebKitGTK has
# no working headless mode here (`--headless` made session creation time out).
ensure_webkit() {
  apt_install webkit2gtk-driver xvfb xauth
  export SAFARIDRIVER_BIN=/usr/bin/WebKitWebDriver
  MINIBROWSER="$(dpkg -L libwebkit2gtk-4.1-0 | grep '/MiniBrowser$' | head -n1)"
  [ -x "$MINIBROWSER" ] || { echo "WebKitGTK's MiniBrowser is missing (package libwebkit2gtk-4.1-0)" >&2; exit 1; }
  export MINIBROWSER
}

# npm packages of the tests (TypeScript, Playwright's core without any browser download).
ensure_node_modules() {
  local dir="$ROOT/tests/js"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages of tests/js"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The bundlers of the bundler matrix (tests/js/e2e/bundlers.test.mjs), pinned in their own
# folder so the other tests do not install them.
ensure_bundler_modules() {
  local dir="$ROOT/tests/js/bundlers"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing the bundlers of tests/js/bundlers"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# The timesheet app's npm packages (www/, pinned by its package-lock.json). It depends on the
# built package by path (file:../pkg, a link), so pkg/ must exist first.
ensure_www_modules() {
  local dir="$ROOT/www"
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "installing npm packages of www/"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Builds the timesheet app into www/dist (type check, Vite, the service worker's precache list).
build_www() {
  ensure_www_modules
  say "building the timesheet app (www/dist)"
  # Quiet when it works; the type checker's and Vite's messages when it does not.
  local out
  out="$(cd "$ROOT/www" && npm run --silent build 2>&1)" || { printf '%s\n' "$out" >&2; say "the timesheet app did not build"; return 1; }
}

# A free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
