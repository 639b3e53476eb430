#!/usr/bin/env bash
# Head-to-head: two servers measured at the same time, on the same core, under the same load.
# See docs/benchmarks.md ("Head to head") for why and how to read it.
#
#   bash benches/headtohead.sh                                  # every pair, every endpoint
#   PAIRS="ferrapi:hyper" ENDPOINTS="plaintext" bash benches/headtohead.sh
#   PAIRS="bin=/tmp/old_hello_server:ferrapi" bash benches/headtohead.sh   # A/B of two builds
#
# Why: this VM's speed drifts between a fast and a slow mode for minutes at a time, so two
# servers measured one after the other (run.sh) can differ by ±10% for no reason of their own.
# Here both servers run together, pinned to the same CPU ($SERVER_CPU), each loaded by its own
# `wrk -t1` pinned to the other CPU ($CLIENT_CPU). The server CPU is saturated, so each server's
# requests per CPU-second is its own efficiency, and whatever the machine does affects both at
# once and cancels in their ratio. CPU time comes from /proc/PID/task/*/schedstat (nanoseconds
# actually run, all threads), not from tick-sampled utime/stime.
#
# For each pair and endpoint it runs ROUNDS rounds (fresh servers each round) and prints, per round, each server's requests per
# CPU-second and their ratio, then the median ratio and its range.
#
# Server names: ferrapi (hello_server), toolkit (hello_toolkit), framework (hello), hyper,
# actix, axum (release binaries in target/bench/release, built by run.sh), or
# bin=PATH (any binary taking `--port N`, such as an older hello_server for an A/B).
#
# Environment (defaults in brackets):
#   PAIRS ["ferrapi:hyper ferrapi:actix"]   A:B pairs; the ratio printed is A/B
#   ENDPOINTS ["plaintext json items pipeline"]; also order_typed, order_text and orders (A
#   typed, B text) for the framework's 1 KB model of rich types (POST benches/order.json)   DURATION [5] seconds per round   ROUNDS [5]
#   CONNS [32] connections per wrk   PIPELINE_DEPTH [16]   SERVER_CPU [0]  CLIENT_CPU [1]
#   BASE_PORT [18500]   BIN_ARGS [] extra arguments for bin=PATH servers (e.g. --no-access-log)
#
# Needs wrk (run.sh installs it). Only talks to 127.0.0.1; every server it starts is killed on
# exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PAIRS=${PAIRS:-"ferrapi:hyper ferrapi:actix"}
ENDPOINTS=${ENDPOINTS:-"plaintext json items pipeline"}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-5}
CONNS=${CONNS:-32}
PIPELINE_DEPTH=${PIPELINE_DEPTH:-16}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BASE_PORT=${BASE_PORT:-18500}
BIN=target/bench/release
BIN_ARGS=${BIN_ARGS:-}

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
trap cleanup EXIT

# start NAME PORT: starts the server pinned to SERVER_CPU and prints its PID.
start() {
    local name=$1 port=$2 cmd
    case $name in
        ferrapi) cmd=("$BIN/hello_server" --port "$port" --no-access-log --no-server-header) ;;
        toolkit) cmd=("$BIN/hello_toolkit" --port "$port" --no-access-log --no-server-header) ;;
        framework) cmd=("$BIN/hello" --port "$port" --no-access-log --no-server-header) ;;
        hyper | actix | axum) cmd=("$BIN/${name}_hello" --port "$port") ;;
        bin=*) cmd=("${name#bin=}" --port "$port" $BIN_ARGS) ;;
        *) echo "unknown server $name" >&2; exit 2 ;;
    esac
    taskset -c "$SERVER_CPU" "${cmd[@]}" >/dev/null 2>&1 &
    echo $!
}

wait_port() {
    for _ in $(seq 100); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.05
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

# cpu_ms PID: milliseconds the process has run on a CPU, all threads.
cpu_ms() {
    cat /proc/"$1"/task/*/schedstat | awk '{ns += $1} END {printf "%d", ns / 1000000}'
}

# load PORT PATH SECONDS OUT: one wrk on CLIENT_CPU. A PATH of `post:/x` POSTs
# benches/order.json to /x.
load() {
    local args=(-t1 "-c$CONNS" "-d${3}s")
    if [[ $2 == pipeline ]]; then
        args+=(-s benches/pipeline.lua "http://127.0.0.1:$1/plaintext" -- "$PIPELINE_DEPTH")
    elif [[ $2 == post:* ]]; then
        args+=(-s benches/post.lua "http://127.0.0.1:$1${2#post:}" -- benches/order.json)
    else
        args+=("http://127.0.0.1:$1$2")
    fi
    taskset -c "$CLIENT_CPU" wrk "${args[@]}" >"$4" 2>&1
}

path_of() {
    case $1 in
        plaintext) echo /plaintext ;;
        json) echo /json ;;
        items) echo '/items/42?q=x' ;;
        pipeline) echo pipeline ;;
        # A 1 KB model with a UUID, a date-time and a decimal (benches/order.json), read as
        # those types (typed) or as strings (text); `orders` gives A the typed one and B the
        # text one, for `PAIRS=framework:framework`.
        order_typed) echo post:/orders/typed ;;
        order_text) echo post:/orders/text ;;
        orders) echo post:/orders/typed ;;
        *) echo "unknown endpoint $1" >&2; exit 2 ;;
    esac
}

# path_of_b ENDPOINT: B's path (the same as A's but for `orders`).
path_of_b() {
    case $1 in
        orders) echo post:/orders/text ;;
        *) path_of "$1" ;;
    esac
}

tmp=$(mktemp -d)
port=$BASE_PORT
echo "# head to head: $(date -u +%FT%TZ), $(nproc) CPUs, servers on CPU $SERVER_CPU, wrk -t1 -c$CONNS -d${DURATION}s each on CPU $CLIENT_CPU"
for pair in $PAIRS; do
    a=${pair%:*}
    b=${pair##*:}
    for endpoint in $ENDPOINTS; do
        path=$(path_of "$endpoint")
        path_b=$(path_of_b "$endpoint")
        ratios=()
        for round in $(seq "$ROUNDS"); do
            pa=$(start "$a" $port)
            pb=$(start "$b" $((port + 1)))
            PIDS=("$pa" "$pb")
            wait_port $port
            wait_port $((port + 1))
            # Warm-up, both at once, as in the measurement.
            load $port "$path" 1 /dev/null &
            load $((port + 1)) "$path_b" 1 /dev/null
            wait
            ca=$(cpu_ms "$pa")
            cb=$(cpu_ms "$pb")
            load $port "$path" "$DURATION" "$tmp/a" &
            load $((port + 1)) "$path_b" "$DURATION" "$tmp/b"
            wait
            ca=$(($(cpu_ms "$pa") - ca))
            cb=$(($(cpu_ms "$pb") - cb))
            cleanup
            ra=$(awk '/requests in/ {print $1}' "$tmp/a")
            rb=$(awk '/requests in/ {print $1}' "$tmp/b")
            if [[ -z $ra || -z $rb || $ca -le 0 || $cb -le 0 ]]; then
                echo "round $round $endpoint: a run failed" >&2
                cat "$tmp/a" "$tmp/b" >&2
                exit 1
            fi
            ea=$((ra * 1000 / ca))
            eb=$((rb * 1000 / cb))
            ratio=$(awk -v x="$ea" -v y="$eb" 'BEGIN {printf "%.3f", x / y}')
            ratios+=("$ratio")
            printf '%-10s %-16s round %d: %s %d req/CPU-s (%d ms)  %s %d req/CPU-s (%d ms)  ratio %s\n' \
                "$endpoint" "$a/$b" "$round" "$a" "$ea" "$ca" "$b" "$eb" "$cb" "$ratio"
            port=$((port + 2))
        done
        printf '%s\n' "${ratios[@]}" | sort -n | awk -v e="$endpoint" -v p="$a/$b" '
            {r[NR] = $1}
            END {m = (NR % 2) ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
                 printf "SUMMARY %-10s %-16s median %.3f  range %.3f-%.3f  rounds %d\n", e, p, m, r[1], r[NR], NR}'
    done
done
rm -rf "$tmp"
