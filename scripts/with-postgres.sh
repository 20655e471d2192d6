#!/usr/bin/env bash
# Runs a command with a private, throw-away PostgreSQL cluster on 127.0.0.1, started here and stopped (and deleted)
# when the command ends; the command sees ZCRM_TEST_DATABASE_URL pointing at it. Needs Debian's `postgresql`.
#   scripts/with-postgres.sh make test-postgres
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ]; then
  echo "with-postgres: PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
  exit 2
fi
dir=$(mktemp -d)
port=${ZCRM_PG_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; fi
as_owner "$bindir/initdb" -D "$dir/data" -A trust -U zcrm >"$dir/initdb.log"
# a test cluster: durability off for speed
as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
cleanup() {
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
export ZCRM_TEST_DATABASE_URL="postgresql://zcrm@127.0.0.1:$port/postgres"
"$@"
