# Sourced by .ci/run: start a throwaway PostgreSQL on 127.0.0.1 (first free port from 55432) and export
# WARROOM_PG_URL. Its files live in a private folder made by mktemp (mode 0700, random name under $TMPDIR),
# never a fixed path that another run on the same machine could be using; an EXIT trap stops the server and
# removes that folder when the sourcing shell ends. Under CI=true a failure to start is fatal.
# For tests: WARROOM_PG_BIN is a folder holding initdb, pg_ctl and postgres (default: Debian's newest),
# WARROOM_PG_USER the account that runs the server when we are root (default: postgres).
pg_cleanup() {
    if [ -n "${WARROOM_PG_DIR:-}" ] && [ -d "$WARROOM_PG_DIR" ]; then
        if [ -d "$WARROOM_PG_DIR/data" ]; then
            $PG_AS "$PG_BIN/pg_ctl" -D "$WARROOM_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        fi
        rm -rf -- "$WARROOM_PG_DIR"
    fi
    WARROOM_PG_DIR=""
}

# SIGKILL runs no trap (a timed-out job is often killed with its whole process group): a watchdog in its own
# session waits for the sourcing shell to go, then stops the server and removes the folder. After a normal
# exit the trap has done that already and the watchdog finds nothing left to do.
pg_watchdog() {
    local detach=""
    command -v setsid >/dev/null 2>&1 && detach="setsid"
    $detach bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done
        if [ -d "$2/data" ]; then $4 "$3/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null 2>&1; fi
        rm -rf -- "$2"' warroom-pg-watchdog "$$" "$WARROOM_PG_DIR" "$PG_BIN" "$PG_AS" </dev/null >/dev/null 2>&1 &
}

pg_setup() {
    PG_BIN=${WARROOM_PG_BIN:-}
    if [ -z "$PG_BIN" ]; then
        if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
            export DEBIAN_FRONTEND=noninteractive
            (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) || return 1
        fi
        PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    fi
    local user=${WARROOM_PG_USER-postgres}
    PG_AS=""
    if [ "$(id -u)" = "0" ] && [ -n "$user" ]; then
        PG_AS="runuser -u $user --"  # initdb and postgres refuse to run as root
    fi
    WARROOM_PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/warroom-ci-pg.XXXXXXXXXX") || return 1
    export WARROOM_PG_DIR
    trap pg_cleanup EXIT
    pg_watchdog
    if [ -n "$PG_AS" ]; then
        chown "$user" "$WARROOM_PG_DIR" || return 1
    fi
    $PG_AS "$PG_BIN/initdb" -D "$WARROOM_PG_DIR/data" -A trust -U warroom >/dev/null || return 1
    local port
    for port in 55432 55433 55434 55435 55436; do  # a port nobody else is listening on
        if $PG_AS "$PG_BIN/pg_ctl" -D "$WARROOM_PG_DIR/data" \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -k $WARROOM_PG_DIR" \
            -l "$WARROOM_PG_DIR/log" -w start >/dev/null 2>&1; then
            export WARROOM_PG_URL="postgresql+psycopg://warroom@127.0.0.1:$port/postgres"
            echo "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the team-store tests"
            return 0
        fi
    done
    [ -f "$WARROOM_PG_DIR/log" ] && cat "$WARROOM_PG_DIR/log" >&2
    return 1
}

if ! pg_setup; then
    pg_cleanup
    if [ "${CI:-}" = "true" ]; then
        echo "ERROR: PostgreSQL could not be set up, and CI must test the team store too" >&2
        exit 1
    fi
    echo "WARNING: PostgreSQL could not be set up; the PostgreSQL store tests will be skipped" >&2
fi
