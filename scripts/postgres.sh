#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests and benchmarks.
#
#   scripts/postgres.sh start <dir> <port>   create (if needed) and start a cluster in <dir>,
#                                            listening on 127.0.0.1:<port>; prints the connection string
#   scripts/postgres.sh stop <dir>           stop it (does nothing when it is not running)
#
# Installs PostgreSQL with apt when initdb/pg_ctl are missing. Runs the server as the `postgres`
# user when started as root. Trust auth on loopback only; fsync and synchronous_commit stay ON.
set -euo pipefail

usage() { echo "usage: $0 start <dir> <port> | stop <dir>" >&2; exit 2; }

find_bindir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n "$dir" && -x "$dir/pg_ctl" && -x "$dir/initdb" ]]; then
    echo "$dir"
    return 0
  fi
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v pg_ctl)"
    return 0
  fi
  return 1
}

ensure_installed() {
  if BINDIR=$(find_bindir); then return 0; fi
  echo "postgres.sh: installing PostgreSQL with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q postgresql >&2
  BINDIR=$(find_bindir) || { echo "postgres.sh: initdb/pg_ctl not found after install" >&2; exit 1; }
}

# Runs a command as the postgres user when we are root, else as ourselves.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local dir=$1 port=$2
  [[ "$port" =~ ^[0-9]+$ ]] || usage
  ensure_installed
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  local data="$dir/data" sock="$dir/sock" log="$dir/postgres.log"
  mkdir -p "$sock"
  if [[ $(id -u) -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
    chown -R postgres: "$dir"
    # The postgres user must be able to reach the directory.
    local parent
    parent=$(dirname "$dir")
    while [[ "$parent" != "/" ]]; do
      chmod o+x "$parent" 2>/dev/null || true
      parent=$(dirname "$parent")
    done
  fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    as_owner "$BINDIR/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    cat >>"$data/postgresql.conf" <<CONF
# escala test cluster
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 200
fsync = on
synchronous_commit = on
shared_buffers = 128MB
CONF
  else
    sed -i "s/^port = .*/port = $port/" "$data/postgresql.conf"
  fi
  if as_owner "$BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    echo "postgres.sh: already running" >&2
  else
    as_owner "$BINDIR/pg_ctl" -D "$data" -l "$log" -w -t 60 -o "-p $port" start >&2 \
      || { tail -n 30 "$log" >&2; exit 1; }
  fi
  local i
  for i in $(seq 1 60); do
    if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
      echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      return 0
    fi
    sleep 0.5
  done
  echo "postgres.sh: server did not become ready; see $log" >&2
  exit 1
}

stop() {
  local dir=$1
  local data="$dir/data"
  [[ -f "$data/PG_VERSION" ]] || return 0
  BINDIR=$(find_bindir) || return 0
  if as_owner "$BINDIR/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    as_owner "$BINDIR/pg_ctl" -D "$data" -m fast -w -t 60 stop >&2 || true
  fi
}

case "${1:-}" in
  start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
  stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
  *) usage ;;
esac
