#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests and benchmarks, on loopback only.
#
#   tools/postgres_for_tests.sh start    # create (first time) and start; prints the URL
#   tools/postgres_for_tests.sh stop     # stop it (the data folder is kept)
#   tools/postgres_for_tests.sh url      # print the URL it provides
#   tools/postgres_for_tests.sh status   # exit 0 when it accepts connections
#
# Its own cluster in its own data folder (not Debian's 15/main, which may belong to
# someone else), listening on 127.0.0.1 only, socket inside the folder. `start` is
# idempotent: it creates the cluster, the test role and the test database only when they
# are missing, and starts the server only when it is not running. As root (CI) the
# server runs as the `postgres` user, because PostgreSQL refuses to run as root.
#
# Needs Debian's PostgreSQL (apt-get install postgresql). The only line on stdout is the
# URL, so `export COGTRAIN_TEST_POSTGRES_URL=$(tools/postgres_for_tests.sh start)` works;
# progress and errors go to stderr. The password is a test-only one for a server that
# holds nothing and listens only on this machine.
#
# Settings (environment): COGTRAIN_PG_DIR (data folder), COGTRAIN_PG_PORT (54329),
# PG_BIN (the folder with pg_ctl; default: the newest /usr/lib/postgresql/*/bin).
set -euo pipefail

ROLE=cogtrain_test
PASSWORD=cogtrain_test
DBNAME=cogtrain_test
PORT=${COGTRAIN_PG_PORT:-54329}
DATA=${COGTRAIN_PG_DIR:-/tmp/cogtrain-postgres-$(id -u)}
URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DBNAME"

say() { echo "postgres_for_tests: $*" >&2; }
die() { say "$*"; exit 1; }

if [ -z "${PG_BIN:-}" ]; then
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
fi
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/pg_ctl" ] ||
  die "PostgreSQL is not installed (no pg_ctl). On Debian: apt-get install postgresql"

# Who runs the server: this user, or `postgres` when we are root.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run the server as"
  as_owner() { runuser -u postgres -- "$@"; }
  OWNER=postgres
else
  as_owner() { "$@"; }
  OWNER=$(id -un)
fi
SOCKET_DIR="$DATA/socket"
psql_owner() {
  as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PORT" -d postgres "$@"
}

running() { as_owner "$PG_BIN/pg_ctl" -D "$DATA/cluster" status >/dev/null 2>&1; }

init_cluster() {
  [ -f "$DATA/cluster/PG_VERSION" ] && return 0
  say "creating a cluster in $DATA/cluster"
  mkdir -p "$DATA"
  chmod 700 "$DATA"
  if [ "$OWNER" = postgres ]; then chown postgres: "$DATA"; fi
  as_owner mkdir -p "$SOCKET_DIR"
  # Local (socket) connections trust the owner: the socket sits in a 0700 folder only
  # the owner can enter. TCP connections need the role's password.
  as_owner "$PG_BIN/initdb" -D "$DATA/cluster" -U "$OWNER" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$DATA/initdb.log" 2>&1 ||
    { cat "$DATA/initdb.log" >&2; die "initdb failed (log above)"; }
  as_owner tee -a "$DATA/cluster/postgresql.conf" >/dev/null <<EOF
# cogtrain tests: loopback only, a private socket folder, UTC like cogtrain's records.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$SOCKET_DIR'
timezone = 'UTC'
max_connections = 100
EOF
}

start() {
  init_cluster
  if ! running; then
    say "starting the server on 127.0.0.1:$PORT"
    as_owner "$PG_BIN/pg_ctl" -D "$DATA/cluster" -l "$DATA/server.log" -w -t 60 start >/dev/null ||
      { tail -n 30 "$DATA/server.log" >&2 || true; die "the server did not start (log above)"; }
  fi
  psql_owner <<EOF
SELECT 'CREATE ROLE $ROLE LOGIN PASSWORD ''$PASSWORD'''
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') \gexec
SELECT 'CREATE DATABASE $DBNAME OWNER $ROLE'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DBNAME') \gexec
EOF
  echo "$URL"
}

stop() {
  if [ -f "$DATA/cluster/PG_VERSION" ] && running; then
    as_owner "$PG_BIN/pg_ctl" -D "$DATA/cluster" -m fast -w stop >/dev/null
    say "stopped"
  else
    say "not running"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  status) running && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" ;;
  *) echo "usage: $0 start|stop|url|status" >&2; exit 2 ;;
esac
