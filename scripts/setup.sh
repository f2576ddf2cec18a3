#!/usr/bin/env bash
# Installs the tools steward's build and tests need, skipping whatever is already present:
#   - the wasm32-unknown-unknown Rust target
#   - cargo-leptos 0.3.10
#   - wasm-bindgen-cli, at the exact version of the wasm-bindgen crate in Cargo.lock
#   - Debian's chromium (for Playwright)            } skipped with --no-browser
#   - end2end/node_modules (npm ci)                 }
# Safe to run again and again: a run with everything present takes about a second.
#
# usage: scripts/setup.sh [--no-browser]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CARGO_LEPTOS_VERSION=0.3.10
browser=1
for arg in "$@"; do
    case "$arg" in
        --no-browser) browser=0 ;;
        -h | --help)
            sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "setup.sh: unknown option '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

say() { printf '[setup] %s\n' "$*"; }
die() {
    printf '[setup] error: %s\n' "$*" >&2
    exit 1
}

# Root runs apt-get directly; anyone else needs sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

apt_updated=0
apt_install() {
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install these by hand: $*"
    if [ "$apt_updated" = 0 ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
        apt_updated=1
    fi
    say "apt-get install -y $*"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# ---------------------------------------------------------------- Rust
if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi
command -v cargo >/dev/null 2>&1 || die "cargo not found: install Rust with rustup first (https://rustup.rs)"

if command -v rustup >/dev/null 2>&1; then
    if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "ok: Rust target wasm32-unknown-unknown"
    else
        say "installing Rust target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
else
    say "warning: rustup not found; make sure the wasm32-unknown-unknown target is installed"
fi

# The wasm-bindgen CLI must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION="$(awk '
    $0 == "name = \"wasm-bindgen\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock 2>/dev/null || true)"
[ -n "$WASM_BINDGEN_VERSION" ] || die "could not read the wasm-bindgen version from Cargo.lock"

have_leptos="$(cargo leptos --version 2>/dev/null | awk '{print $2}' || true)"
have_bindgen="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"

need_leptos=0
need_bindgen=0
if [ "$have_leptos" = "$CARGO_LEPTOS_VERSION" ]; then
    say "ok: cargo-leptos $have_leptos"
else
    need_leptos=1
    say "cargo-leptos: have '${have_leptos:-none}', need $CARGO_LEPTOS_VERSION"
fi
if [ "$have_bindgen" = "$WASM_BINDGEN_VERSION" ]; then
    say "ok: wasm-bindgen-cli $have_bindgen"
else
    need_bindgen=1
    say "wasm-bindgen-cli: have '${have_bindgen:-none}', need $WASM_BINDGEN_VERSION (from Cargo.lock)"
fi

# Both installs are long (cargo-leptos ~18 min, wasm-bindgen-cli ~3 min on 2 cores): run them side by side,
# each line of output prefixed with its tool, and fail if either fails.
pids=()
names=()
if [ "$need_leptos" = 1 ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes a while; runs once per machine)"
    (
        set -o pipefail
        CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
            cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked 2>&1 |
            sed -u 's/^/[cargo-leptos] /'
    ) &
    pids+=("$!")
    names+=("cargo-leptos")
fi
if [ "$need_bindgen" = 1 ]; then
    # No --locked: the locked tree needs a crate version the registry mirror lacks.
    say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
    (
        set -o pipefail
        cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force 2>&1 |
            sed -u 's/^/[wasm-bindgen-cli] /'
    ) &
    pids+=("$!")
    names+=("wasm-bindgen-cli")
fi
failed=0
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then
        say "installed ${names[$i]}"
    else
        say "error: installing ${names[$i]} failed" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || die "tool installation failed"

# ---------------------------------------------------------------- browser tests
if [ "$browser" = 0 ]; then
    say "skipping chromium and end2end npm packages (--no-browser)"
    say "done"
    exit 0
fi

if [ -x /usr/bin/chromium ]; then
    say "ok: /usr/bin/chromium"
else
    apt_install chromium
    [ -x /usr/bin/chromium ] || die "chromium was installed but /usr/bin/chromium is missing"
fi

if ! command -v npm >/dev/null 2>&1; then
    apt_install nodejs npm
fi
node_major="$(node --version 2>/dev/null | sed 's/^v\([0-9]*\).*/\1/')"
if [ -z "$node_major" ] || [ "$node_major" -lt 20 ]; then
    die "Playwright needs Node.js 20 or newer; found $(node --version 2>/dev/null || echo none)"
fi
say "ok: node $(node --version)"

cd "$ROOT/end2end"
if [ ! -d node_modules ]; then
    npm_reason="node_modules is missing"
elif [ -f package-lock.json ] && [ package-lock.json -nt node_modules ]; then
    npm_reason="package-lock.json is newer than node_modules"
elif [ package.json -nt node_modules ]; then
    npm_reason="package.json is newer than node_modules"
else
    npm_reason=""
fi
if [ -z "$npm_reason" ]; then
    say "ok: end2end/node_modules"
else
    if [ -f package-lock.json ]; then
        say "npm ci in end2end ($npm_reason)"
        npm ci --no-audit --no-fund
    else
        say "npm install in end2end ($npm_reason)"
        npm install --no-audit --no-fund
    fi
    touch node_modules
fi
say "done"
