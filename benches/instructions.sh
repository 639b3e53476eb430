#!/usr/bin/env bash
# Instructions per request, counted by callgrind: deterministic (the same binary and load give
# the same count whatever else the machine does), so small hot-path changes can be compared
# without wrk's run-to-run noise. User-space instructions only; the kernel's share of a request
# is not counted.
#
#   bash benches/instructions.sh [PATH] [SERVERS]     # defaults: /plaintext, "ferrapi hyper"
#   (SERVERS from: ferrapi = hello_server, toolkit = hello_toolkit, framework = hello, hyper, actix, axum)
#
# Needs valgrind (apt-get install valgrind) and wrk, and the release binaries that run.sh builds
# into target/bench (ferrapi's hello_server; the peers with --features peers).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
path=${1:-/plaintext}
servers=${2:-"ferrapi hyper"}
port=18990
for server in $servers; do
  case $server in
    ferrapi) cmd=(target/bench/release/hello_server --port $port --no-access-log --no-server-header) ;;
    toolkit) cmd=(target/bench/release/hello_toolkit --port $port --no-access-log --no-server-header) ;;
    framework) cmd=(target/bench/release/hello --port $port --no-access-log --no-server-header) ;;
    hyper|actix|axum) cmd=(target/bench/release/${server}_hello --port $port) ;;
    *) echo "unknown server $server" >&2; exit 2 ;;
  esac
  out=$(mktemp -d)
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.out" "${cmd[@]}" >/dev/null 2>&1 &
  sleep 4
  pid=$(pgrep -f "callgrind-out-file=$out/cg.out" | head -n1)
  # Count only what the load costs: zero the counters after startup, dump them after the run.
  callgrind_control -z "$pid" >/dev/null 2>&1
  reqs=$(timeout 30 wrk -t1 -c16 -d4s "http://127.0.0.1:$port$path" | awk '/requests in/ {print $1}')
  callgrind_control -d "$pid" >/dev/null 2>&1
  sleep 1
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  file=$(ls -t "$out"/cg.out.* | head -n1)
  total=$(awk '/^summary:/ {print $2}' "$file")
  echo "$server $path: $reqs requests, $((total / reqs)) instructions per request"
  rm -rf "$out"
  port=$((port + 1))
done
