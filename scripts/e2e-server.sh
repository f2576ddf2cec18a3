#!/usr/bin/env bash
# The server the Playwright suite tests (started by end2end/playwright.config.ts): a fresh SQLite
# database in a temp dir, the demo data, two extra accounts, then `steward serve` on 127.0.0.1:3111.
# Needs a prior `cargo leptos build` (debug). The temp dir is removed when the server is stopped;
# set STEWARD_E2E_KEEP=1 to keep it.
#
# usage: scripts/e2e-server.sh [HOST:PORT]   (default 127.0.0.1:3111)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ADDR="${1:-127.0.0.1:3111}"

TARGET="${CARGO_TARGET_DIR:-target}"
case "$TARGET" in /*) ;; *) TARGET="$ROOT/$TARGET" ;; esac
BIN="$TARGET/debug/steward"
if [ ! -x "$BIN" ]; then
    echo "e2e-server: $BIN not found; run 'cargo leptos build' first" >&2
    exit 1
fi

# cargo-leptos writes the site to <repo>/target/site (site-root in Cargo.toml) whatever CARGO_TARGET_DIR is;
# look there first, then beside the chosen target dir.
if [ -z "${LEPTOS_SITE_ROOT:-}" ]; then
    for candidate in "$ROOT/target/site" "$TARGET/site"; do
        if [ -d "$candidate/pkg" ]; then
            LEPTOS_SITE_ROOT="$candidate"
            break
        fi
    done
fi
if [ -z "${LEPTOS_SITE_ROOT:-}" ] || [ ! -d "$LEPTOS_SITE_ROOT/pkg" ]; then
    echo "e2e-server: no built site (pkg/) in $ROOT/target/site or $TARGET/site; run 'cargo leptos build' first" >&2
    exit 1
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/steward-e2e.XXXXXX")"
export DATABASE_URL="sqlite://$TMP/e2e.db?mode=rwc"
export STEWARD_CONFIG_FILE="$TMP/config.json"
export STEWARD_MAILBOX_DIR="$TMP/mailbox"
export LEPTOS_SITE_ROOT
export LEPTOS_OUTPUT_NAME=steward
export RUST_LOG="${RUST_LOG:-info,sqlx=warn}"
# Run from the temp dir so no Leptos.toml or data/ of the checkout is picked up.
cd "$TMP"

pid=""
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    if [ "${STEWARD_E2E_KEEP:-0}" = 1 ]; then
        echo "e2e-server: kept $TMP" >&2
    else
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

echo "e2e-server: data in $TMP, site in $LEPTOS_SITE_ROOT" >&2
"$BIN" demo >&2
"$BIN" user new plainuser plain@example.com --password plain-password-1 >&2
"$BIN" user new mfa_admin mfa@example.com --password mfa-password-1 --admin >&2
"$BIN" user set mfa_admin --totp-secret JBSWY3DPEHPK3PXP >&2

# Not exec: the trap removes the temp dir once the server is gone.
"$BIN" serve --addr "$ADDR" &
pid=$!
wait "$pid"
