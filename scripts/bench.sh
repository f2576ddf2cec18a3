#!/usr/bin/env bash
# The benchmark (README "Benchmarks"): seeds N accounts into SQLite and into a throwaway PostgreSQL
# cluster, loads GET /users and its neighbours through the real server, and writes BENCHMARKS.md.
#
# usage: scripts/bench.sh [--users N] [--backend sqlite|postgres|both] [--seconds S]
#                         [--concurrency C] [--out FILE] [--only WORD] [--keep]
# Defaults: 1,000,000 accounts, both backends, 3 s per scenario, 8 concurrent clients.
# Run it on a quiet machine: other load shows up in the percentiles.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export LEPTOS_OUTPUT_NAME=steward

want_pg=1
prev=""
for arg in "$@"; do
    [ "$prev" = "--backend" ] && [ "$arg" = sqlite ] && want_pg=0
    [ "$arg" = "-h" ] || [ "$arg" = "--help" ] && {
        sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
    }
    prev="$arg"
done

if [ "$want_pg" = 1 ] && [ -z "${BENCH_DATABASE_URL:-}" ]; then
    # A production-like memory budget instead of the test cluster's defaults; durability stays off
    # as in the tests, which flatters the bulk writes (BENCHMARKS.md says so).
    export STEWARD_PG_OPTS="-c shared_buffers=2GB -c effective_cache_size=12GB -c work_mem=16MB -c max_wal_size=8GB -c checkpoint_timeout=30min ${STEWARD_PG_OPTS:-}"
    # shellcheck source=scripts/pg.sh
    . scripts/pg.sh
    pg_start
    trap pg_stop EXIT
    export BENCH_DATABASE_URL="$TEST_DATABASE_URL"
fi

cargo bench --features ssr --bench users -- "$@"
