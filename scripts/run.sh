#!/usr/bin/env bash
# Quick start: installs the build tools if needed, builds steward (debug), seeds demo data and serves
# the panel at http://127.0.0.1:3000/admin/ . Data lives in ./data (DATABASE_URL etc. override it).
# Extra arguments go to `steward serve`, e.g. scripts/run.sh --addr 0.0.0.0:3000
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$ROOT/$CARGO_TARGET_DIR" ;; esac
export CARGO_TARGET_DIR
export LEPTOS_OUTPUT_NAME=steward

echo "==> scripts/setup.sh --no-browser"
scripts/setup.sh --no-browser

echo "==> cargo leptos build"
cargo leptos build

# cargo-leptos writes the site to ./target/site (site-root in Cargo.toml).
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
mkdir -p data

echo "==> steward demo"
"$CARGO_TARGET_DIR/debug/steward" demo

echo "==> steward serve: open http://127.0.0.1:3000/admin/ (Ctrl-C stops it)"
exec "$CARGO_TARGET_DIR/debug/steward" serve "$@"
