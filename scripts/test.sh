#!/usr/bin/env bash
# The test command: tools, formatting, lints (server and WASM), Rust tests against SQLite and a
# throwaway PostgreSQL, the panel build, and the Playwright browser suite.
#
# usage: scripts/test.sh [--no-lint] [--no-e2e]
#   --no-lint   skip cargo fmt --check and both clippy runs
#   --no-e2e    skip cargo leptos build and the Playwright suite (and the browser setup)
# Environment: CARGO_TARGET_DIR (default: target), plus anything cargo/Playwright read.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

lint=1
e2e=1
for arg in "$@"; do
    case "$arg" in
        --no-lint) lint=0 ;;
        --no-e2e) e2e=0 ;;
        -h | --help)
            sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "test.sh: unknown option '$arg' (try --help)" >&2
            exit 2
            ;;
    esac
done

if [ -d "$HOME/.cargo/bin" ]; then
    case ":$PATH:" in *":$HOME/.cargo/bin:"*) ;; *) export PATH="$HOME/.cargo/bin:$PATH" ;; esac
fi

# An absolute target dir: the Playwright web server runs from end2end/ and must find the same binary.
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
case "$CARGO_TARGET_DIR" in /*) ;; *) CARGO_TARGET_DIR="$ROOT/$CARGO_TARGET_DIR" ;; esac
export CARGO_TARGET_DIR
# cargo-leptos sets this while compiling; setting it for every cargo command keeps leptos from
# being rebuilt each time we switch between cargo and cargo-leptos.
export LEPTOS_OUTPUT_NAME=steward

START=$SECONDS
STAGES=()
CURRENT=""
CURRENT_START=0

fmt_time() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

banner() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

summary() {
    local rc=$?
    # A stage that was running when we exited failed (or was interrupted).
    if [ -n "$CURRENT" ]; then
        STAGES+=("FAIL  $(fmt_time $((SECONDS - CURRENT_START)))  $CURRENT")
    fi
    if [ -n "${STEWARD_PG_DIR:-}" ]; then
        pg_stop "$STEWARD_PG_DIR" || true
    fi
    printf '\n\033[1m==> Summary\033[0m\n'
    local line
    for line in "${STAGES[@]}"; do
        printf '  %s\n' "$line"
    done
    if [ "$rc" = 0 ]; then
        printf '\033[1;32mAll stages passed\033[0m in %s\n' "$(fmt_time $((SECONDS - START)))"
    else
        printf '\033[1;31mFAILED\033[0m (exit %s) after %s\n' "$rc" "$(fmt_time $((SECONDS - START)))"
    fi
    exit "$rc"
}
trap summary EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# stage NAME COMMAND...: runs one stage, timing it; a failing stage ends the run.
stage() {
    local name="$1"
    shift
    banner "$name"
    CURRENT="$name"
    CURRENT_START=$SECONDS
    "$@"
    STAGES+=("ok    $(fmt_time $((SECONDS - CURRENT_START)))  $name")
    CURRENT=""
}

skip() {
    STAGES+=("skip  -       $1")
}

# ---------------------------------------------------------------- stages
if [ "$e2e" = 1 ]; then
    stage "setup: tools" scripts/setup.sh
else
    stage "setup: tools (no browser)" scripts/setup.sh --no-browser
fi

if [ "$lint" = 1 ]; then
    stage "cargo fmt --check" cargo fmt --all -- --check
    stage "clippy (server, all targets)" cargo clippy --features ssr --all-targets -- -D warnings
    stage "clippy (WASM client)" \
        cargo clippy --lib --target wasm32-unknown-unknown --no-default-features --features hydrate -- -D warnings
else
    skip "cargo fmt --check (--no-lint)"
    skip "clippy (--no-lint)"
fi

# shellcheck source=scripts/pg.sh
. "$ROOT/scripts/pg.sh"
stage "start PostgreSQL" pg_start
stage "cargo test (SQLite + PostgreSQL)" \
    env STEWARD_REQUIRE_PG=1 TEST_DATABASE_URL="$TEST_DATABASE_URL" cargo test --features ssr
pg_stop "$STEWARD_PG_DIR" || true

if [ "$e2e" = 1 ]; then
    stage "cargo leptos build" cargo leptos build
    run_playwright() (
        cd "$ROOT/end2end"
        npx playwright test
    )
    stage "Playwright (end2end)" run_playwright
else
    skip "cargo leptos build (--no-e2e)"
    skip "Playwright (--no-e2e)"
fi
