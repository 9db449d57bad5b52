# Sourced by .ci/run: install and start a throwaway PostgreSQL on 127.0.0.1:55432, export WARROOM_PG_URL.
pg_setup() {
    if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        (apt-get update -qq && apt-get install -y -qq postgresql >/dev/null) || return 1
    fi
    local bin
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    local dir=/tmp/warroom-ci-pg
    rm -rf "$dir"
    mkdir -p "$dir"
    chown postgres:postgres "$dir" 2>/dev/null || true
    local as=""
    [ "$(id -u)" = "0" ] && as="runuser -u postgres --"
    $as "$bin/initdb" -D "$dir/data" -A trust -U warroom >/dev/null || return 1
    local port
    for port in 55432 55433 55434 55435 55436; do  # a port nobody else is listening on
        if $as "$bin/pg_ctl" -D "$dir/data" -o "-c listen_addresses=127.0.0.1 -c port=$port -k $dir" -l "$dir/log" -w start >/dev/null 2>&1; then
            export WARROOM_PG_URL="postgresql+psycopg://warroom@127.0.0.1:$port/postgres"
            echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port for the team-store tests"
            return 0
        fi
    done
    cat "$dir/log" >&2
    return 1
}
if ! pg_setup; then
    if [ "${CI:-}" = "true" ]; then
        echo "ERROR: PostgreSQL could not be set up, and CI must test the team store too" >&2
        exit 1
    fi
    echo "WARNING: PostgreSQL could not be set up; the PostgreSQL store tests will be skipped" >&2
fi
