#!/usr/bin/env bash
# Makes sure a PostgreSQL server for the tests is installed and running on 127.0.0.1, then prints
# `DATABASE_URL=…`. Installs Debian's postgresql when it is missing. PostgreSQL refuses to run
# as root, so when we are root the data folder belongs to the `postgres` user.
# Tuned for throw-away test data (fsync off): never point it at real data.
set -euo pipefail

port="${SWITCHBOARD_PG_PORT:-54329}"
data="${SWITCHBOARD_PG_DATA:-/var/tmp/switchboard-pg-$port}"
db=switchboard_test

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
bin="$(find_bin || true)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "switchboard: installing PostgreSQL (Debian package)…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin="$(find_bin)"
fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    su postgres -s /bin/bash -c "$*"
  else
    bash -c "$*"
  fi
}

if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  if [ ! -f "$data/PG_VERSION" ]; then
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data" && chmod 700 "$data"
    as_owner "'$bin/initdb' -D '$data' -U switchboard --auth=trust -E UTF8 >/dev/null"
  fi
  as_owner "'$bin/pg_ctl' -D '$data' -l '$data/server.log' -w -t 60 -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300\" start >/dev/null"
fi

if ! "$bin/psql" -h 127.0.0.1 -p "$port" -U switchboard -d postgres -tAc "select 1 from pg_database where datname='$db'" | grep -q 1; then
  "$bin/psql" -q -h 127.0.0.1 -p "$port" -U switchboard -d postgres -c "create database $db" >&2
fi
echo "DATABASE_URL=postgres://switchboard@127.0.0.1:$port/$db"
