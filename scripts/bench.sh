#!/usr/bin/env bash
# The benchmarks (README "Benchmarks"): seed SQLite and a throwaway PostgreSQL cluster, load the
# endpoints through the real server, and write BENCHMARKS.md (each bench its own generated block).
#
# usage: scripts/bench.sh [users|moderation|all] [--backend sqlite|postgres|both] [--seconds S]
#                         [--concurrency C] [--out FILE] [--only WORD] [--keep]
#                         [--users N]                                  (users)
#                         [--statuses N] [--reports N] [--accounts N]  (moderation)
# users: GET /users and friends at 1,000,000 accounts; moderation: the report queue and the status
# lists at 1,000,000 statuses and 100,000 reports (100,000 accounts). Default: all (both benches),
# both backends, 3 s per scenario; concurrent clients: users 2 (one per core, the latency targets),
# moderation 8. Each bench takes only its own size options.
# Run it on a quiet machine: other load shows up in the percentiles.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export LEPTOS_OUTPUT_NAME=steward

benches=(users moderation)
case "${1:-}" in
    users | moderation) benches=("$1"); shift ;;
    all) shift ;;
esac

want_pg=1
prev=""
for arg in "$@"; do
    [ "$prev" = "--backend" ] && [ "$arg" = sqlite ] && want_pg=0
    [ "$arg" = "-h" ] || [ "$arg" = "--help" ] && {
        sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
        exit 0
    }
    prev="$arg"
done

# The options of one bench: the other bench's size options are left out.
args_for() {
    local bench="$1"
    shift
    local out=() skip=0
    for arg in "$@"; do
        if [ "$skip" = 1 ]; then
            skip=0
            continue
        fi
        case "$bench:$arg" in
            users:--statuses | users:--reports | users:--accounts | moderation:--users) skip=1 ;;
            *) out+=("$arg") ;;
        esac
    done
    if [ "${#out[@]}" -gt 0 ]; then
        printf '%s\n' "${out[@]}"
    fi
}

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

for bench in "${benches[@]}"; do
    mapfile -t bench_args < <(args_for "$bench" "$@")
    cargo bench --features ssr --bench "$bench" -- "${bench_args[@]+"${bench_args[@]}"}"
done
