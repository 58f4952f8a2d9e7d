#!/usr/bin/env bash
# Builds an installable `escala`, both ways, and checks each runs:
#
#   scripts/pack.sh [--out DIR] [--rid RID] [--only tool|single] [--no-check]
#
# 1. a .NET tool package in DIR/feed (a local NuGet feed):
#      dotnet tool install --global escala --add-source DIR/feed     (or --tool-path, or a tool manifest)
# 2. a self-contained single-file executable in DIR/single/escala (RID defaults to this machine's, e.g.
#    linux-x64): the .NET runtime and the native SQLite library are inside; copy the one file anywhere.
#    deploy/Dockerfile runs this same script with --only single.
#
# The check (skipped with --no-check) copies the single file alone into an empty directory and installs the
# tool from the feed into another, then starts each as a server on a free loopback port and runs a job
# through it with `escala submit --wait`. DIR defaults to artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out=artifacts
rid=""
only=""
check=1
while (($#)); do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --rid) rid=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --no-check) check=0; shift ;;
    *) echo "unknown argument: $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [[ -z "$rid" ]]; then
  case "$(uname -m)" in
    x86_64) rid=linux-x64 ;;
    aarch64|arm64) rid=linux-arm64 ;;
    *) echo "unknown machine $(uname -m): pass --rid" >&2; exit 2 ;;
  esac
  [[ "$(uname -s)" == Darwin ]] && rid=${rid/linux/osx}
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [[ "$only" != single ]]; then
  echo "== dotnet tool package -> $out/feed"
  rm -rf "$out/feed"
  dotnet pack src/Escala.Server -c Release -o "$out/feed" -nologo -v quiet -p:PackAsTool=true
fi

if [[ "$only" != tool ]]; then
  echo "== self-contained single file ($rid) -> $out/single/escala"
  rm -rf "$out/single"
  # IncludeNativeLibrariesForSelfExtract: e_sqlite3 travels inside the file (extracted on first start), so
  # the executable runs when copied alone. Not trimmed: ASP.NET Core and System.Text.Json reflection.
  dotnet publish src/Escala.Server -c Release -r "$rid" --self-contained -nologo -v quiet -o "$out/single" \
    -p:PublishSingleFile=true -p:IncludeNativeLibrariesForSelfExtract=true -p:DebugType=none
  find "$out/single" -type f ! -name escala -delete
fi

((check)) || exit 0

work=$(mktemp -d -t escala-pack-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# run_job NAME BINARY: starts BINARY as a server in an empty directory and completes a job through it.
run_job() {
  local name=$1 binary=$2 port dir
  port=$(free_port)
  dir="$work/$name-run"
  mkdir -p "$dir"
  (cd "$dir" && exec "$binary" serve --urls "http://127.0.0.1:$port" >"$dir/server.log" 2>&1) &
  pids+=($!)
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then break; fi
    if ! kill -0 "${pids[-1]}" 2>/dev/null; then echo "FAIL $name: the server exited"; tail -n 20 "$dir/server.log"; exit 1; fi
    sleep 0.1
  done
  if (cd "$dir" && "$binary" submit noop --wait 10s --url "http://127.0.0.1:$port") | grep -q '"state": "completed"'; then
    echo "ok   $name: a job completed through $binary"
  else
    echo "FAIL $name: no completed job"; tail -n 20 "$dir/server.log"; exit 1
  fi
  kill "${pids[-1]}"
}

if [[ "$only" != tool ]]; then
  mkdir -p "$work/single"
  cp "$out/single/escala" "$work/single/escala"          # alone: nothing else in the directory
  [[ "$(ls -A "$work/single")" == escala ]]
  DOTNET_BUNDLE_EXTRACT_BASE_DIR="$work/extract" run_job single "$work/single/escala"
fi

if [[ "$only" != single ]]; then
  dotnet tool install escala --tool-path "$work/tools" --add-source "$out/feed" >/dev/null
  run_job tool "$work/tools/escala"
fi
