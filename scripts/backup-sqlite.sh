#!/usr/bin/env bash
# Online backup of an Escala SQLite store, safe while `escala serve` runs (WAL mode).
#
#   scripts/backup-sqlite.sh <data-dir> <backup-file>
#
# Uses SQLite's backup API (sqlite3 ".backup"), which copies a consistent snapshot including what is
# still in the WAL, then checks the copy with PRAGMA integrity_check. Installs sqlite3 with apt-get
# when it is missing. Restore: stop the node, put the copy in a data directory as escala.db (no -wal
# or -shm files beside it), start the node on that directory.
set -euo pipefail

[[ $# -eq 2 ]] || { echo "usage: $0 <data-dir> <backup-file>" >&2; exit 2; }
db="$1/escala.db"
out="$2"
[[ -f "$db" ]] || { echo "backup-sqlite.sh: no store at $db" >&2; exit 1; }
[[ ! -e "$out" ]] || { echo "backup-sqlite.sh: $out exists; choose a new file" >&2; exit 1; }

if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "backup-sqlite.sh: installing sqlite3 with apt" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q sqlite3 >&2
fi

# The server's writer may hold the database for a moment: wait up to 10 s rather than fail.
sqlite3 -cmd ".timeout 10000" "$db" ".backup '$out'"
check=$(sqlite3 "$out" "PRAGMA integrity_check;")
[[ "$check" == "ok" ]] || { echo "backup-sqlite.sh: integrity check of $out failed: $check" >&2; exit 1; }
jobs=$(sqlite3 "$out" "SELECT count(*) FROM jobs;")
echo "backup-sqlite.sh: $out ($jobs jobs, integrity ok)"
