#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: a temp dir, 127.0.0.1, a free port, trust auth.
#
# As a command:
#   eval "$(scripts/pg.sh start)"     # exports STEWARD_PG_DIR and TEST_DATABASE_URL
#   scripts/pg.sh stop [DIR]          # stops the cluster in DIR (default $STEWARD_PG_DIR) and removes DIR
# `start` prints only the two export lines on stdout; progress goes to stderr.
#
# Sourced (`. scripts/pg.sh`), it defines pg_start and pg_stop, which set/clear the same variables.
#
# The URL is the admin URL of the cluster (postgres://postgres@127.0.0.1:PORT/postgres); the Rust tests
# create their own databases in it. PostgreSQL refuses to run as root, so as root the cluster runs as
# the `postgres` user. Binaries come from PATH, else /usr/lib/postgresql/*/bin, else apt-get.
# STEWARD_PG_OPTS adds server options (`-c name=value …`, later ones win), e.g. the benchmark's memory.

_pg_log() { printf '[pg] %s\n' "$*" >&2; }

# Runs a command as the cluster owner (postgres when we are root), from a directory it can read.
_pg_as_owner() {
    local dir="$1"
    shift
    if [ "$(id -u)" = 0 ]; then
        (cd "$dir" && runuser -u postgres -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

# Sets _PG_BIN to the directory holding initdb and pg_ctl, installing PostgreSQL if there is none.
_pg_find_bin() {
    local initdb_path dir
    initdb_path="$(command -v initdb 2>/dev/null || true)"
    if [ -n "$initdb_path" ] && command -v pg_ctl >/dev/null 2>&1; then
        _PG_BIN="$(dirname "$(readlink -f "$initdb_path")")"
        return 0
    fi
    _pg_find_lib_bin && return 0
    _pg_log "no PostgreSQL binaries found; installing postgresql with apt-get"
    if ! command -v apt-get >/dev/null 2>&1; then
        _pg_log "error: apt-get not available; install PostgreSQL (initdb, pg_ctl) by hand"
        return 1
    fi
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >&2 || return 1
    _pg_find_lib_bin && return 0
    _pg_log "error: postgresql installed, but no /usr/lib/postgresql/*/bin/initdb"
    return 1
}

_pg_find_lib_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
        _PG_BIN="$dir"
        return 0
    fi
    return 1
}

# True when something already listens on 127.0.0.1:$1.
_pg_port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Starts a cluster; sets and exports STEWARD_PG_DIR and TEST_DATABASE_URL.
pg_start() {
    _pg_find_bin || return 1
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        _pg_log "creating system user postgres"
        useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin postgres ||
            return 1
    fi
    local dir
    local base="${TMPDIR:-/tmp}"
    [ "$(id -u)" = 0 ] && base=/tmp # postgres must be able to reach it
    dir="$(mktemp -d "$base/steward-pg.XXXXXX")" || return 1
    touch "$dir/.steward-pg"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown -R postgres: "$dir"

    _pg_log "initdb in $dir (binaries: $_PG_BIN)"
    if ! _pg_as_owner "$dir" "$_PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale --no-sync \
        >"$dir/initdb.log" 2>&1; then
        _pg_log "error: initdb failed:"
        cat "$dir/initdb.log" >&2
        rm -rf "$dir"
        return 1
    fi

    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        _pg_port_busy "$port" && continue
        # Tests need speed, not durability; the socket lives in the temp dir, not /var/run/postgresql.
        if _pg_as_owner "$dir" "$_PG_BIN/pg_ctl" start -w -t 60 -D "$dir/data" -l "$dir/server.log" \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${STEWARD_PG_OPTS:-}" \
            >/dev/null 2>&1; then
            export STEWARD_PG_DIR="$dir"
            export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
            _pg_log "PostgreSQL running: $TEST_DATABASE_URL"
            return 0
        fi
        _pg_log "port $port did not work (attempt $attempt); retrying"
    done
    _pg_log "error: could not start PostgreSQL; server log:"
    cat "$dir/server.log" >&2 2>/dev/null
    rm -rf "$dir"
    return 1
}

# Stops the cluster in $1 (default $STEWARD_PG_DIR) and removes its directory.
pg_stop() {
    local dir="${1:-${STEWARD_PG_DIR:-}}"
    if [ -z "$dir" ]; then
        _pg_log "nothing to stop (no directory given and STEWARD_PG_DIR unset)"
        return 0
    fi
    if [ ! -e "$dir/.steward-pg" ]; then
        _pg_log "error: $dir is not a cluster made by pg.sh; leaving it alone"
        return 1
    fi
    if [ -f "$dir/data/postmaster.pid" ]; then
        _pg_find_bin || return 1
        _pg_as_owner "$dir" "$_PG_BIN/pg_ctl" stop -w -t 30 -m fast -D "$dir/data" >/dev/null 2>&1 ||
            _pg_as_owner "$dir" "$_PG_BIN/pg_ctl" stop -w -t 10 -m immediate -D "$dir/data" >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    _pg_log "stopped and removed $dir"
    if [ "${STEWARD_PG_DIR:-}" = "$dir" ]; then
        unset STEWARD_PG_DIR TEST_DATABASE_URL
    fi
    return 0
}

# Executed rather than sourced: act as a command.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-}" in
        start)
            pg_start
            printf 'export STEWARD_PG_DIR=%q\n' "$STEWARD_PG_DIR"
            printf 'export TEST_DATABASE_URL=%q\n' "$TEST_DATABASE_URL"
            ;;
        stop) pg_stop "${2:-}" ;;
        *)
            echo "usage: eval \"\$(scripts/pg.sh start)\"  |  scripts/pg.sh stop [DIR]" >&2
            exit 2
            ;;
    esac
fi
