#!/usr/bin/env bash
# ferrapi benchmark driver. See docs/benchmarks.md for the method and how to read the output.
#
#   bash benches/run.sh                         # everything, defaults below
#   DURATION=5 ROUNDS=3 bash benches/run.sh     # what docs/benchmarks.md reports
#   SERVERS="hyper actix axum thin" bash benches/run.sh   # peers only (no ferrapi build)
#   MODE=idle bash benches/run.sh               # only the idle-connection memory test
#
# What it does:
#   1. installs wrk with apt-get if it is missing, raises `ulimit -n` to the hard limit;
#   2. builds ferrapi's `hello_server` example and the peer servers (hyper, actix-web, axum and
#      the bare-tokio floor `thin_tokio`) in release mode into the separate target dir
#      target/bench, so it never blocks (or is blocked by) ordinary workspace builds;
#   3. MODE=all|rps: for ROUNDS rounds, for every endpoint, for every server (the server order
#      rotates each round): starts a fresh server pinned to CPU $SERVER_CPU, waits for the port,
#      warms up for $WARMUP s, then runs `wrk -t1 -c$CONNS -d${DURATION}s --latency` pinned to
#      CPU $CLIENT_CPU, recording wrk's output, the server's CPU time during the run
#      (utime+stime from /proc/PID/stat), its peak RSS (VmHWM), and how busy the client CPU was;
#   4. MODE=all|idle: for every server, opens $IDLE_CONNS idle keep-alive connections with
#      benches/idle_conns.py and records the RSS growth per connection;
#   5. prints a Markdown report (benches/report.py: medians per endpoint and server, ratios to
#      hyper) and saves it with all raw outputs under $OUT.
#
# Environment (defaults in brackets):
#   DURATION [10]   seconds per wrk run          ROUNDS [3]    rounds (medians are over these)
#   WARMUP [1]      warm-up seconds per run, 0 = none       CONNS [64]  wrk connections
#   SERVERS ["ferrapi toolkit framework hyper actix axum thin"]  (ferrapi = hello_server, toolkit = hello_toolkit, framework = hello)   ENDPOINTS ["plaintext json items pipeline"]
#   MODE [all]      all | rps | idle             IDLE_CONNS [10000]
#   PIPELINE_DEPTH [16]                          BASE_PORT [18080] (one new port per start)
#   SERVER_CPU [0]  CLIENT_CPU [1]               BUILD [1]     0 = use existing binaries
#   QUIET_WAIT [600]  before each measurement, wait up to this many seconds for the machine to
#                     be idle (all CPUs under QUIET_MAX_PCT [10]% busy over 0.5 s)
#   DISTURBED_PCT [10], RETRIES [3]: a run during which more than DISTURBED_PCT% of the server's
#                     or wrk's CPU went to other work is marked "disturbed" (left out of the
#                     medians) and redone, up to RETRIES times
#   FERRAPI_BIN [target/bench/release/hello_server]  TOOLKIT_BIN [target/bench/release/hello_toolkit]
#   FERRAPI_ARGS ["--host 127.0.0.1 --port {port} --no-access-log --no-server-header"] (the peers log nothing and send no Server header either, so every server sends the same bytes)  ({port} is substituted)
#   OUT [target/bench/results/<timestamp>]
#
# Only ever talks to 127.0.0.1; every step is bounded by a timeout; every server it starts is
# killed on exit (trap). `thin` answers every request with the plaintext response, so it is
# only run on the plaintext endpoints.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-1}
CONNS=${CONNS:-64}
SERVERS=${SERVERS:-"ferrapi toolkit framework hyper actix axum thin"}
ENDPOINTS=${ENDPOINTS:-"plaintext json items pipeline"}
MODE=${MODE:-all}
IDLE_CONNS=${IDLE_CONNS:-10000}
PIPELINE_DEPTH=${PIPELINE_DEPTH:-16}
BASE_PORT=${BASE_PORT:-18080}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
BUILD=${BUILD:-1}
TARGET_DIR=target/bench
BIN_DIR=$ROOT/$TARGET_DIR/release
FERRAPI_BIN=${FERRAPI_BIN:-$BIN_DIR/hello_server}
TOOLKIT_BIN=${TOOLKIT_BIN:-$BIN_DIR/hello_toolkit}
FRAMEWORK_BIN=${FRAMEWORK_BIN:-$BIN_DIR/hello}
FERRAPI_ARGS=${FERRAPI_ARGS:-"--host 127.0.0.1 --port {port} --no-access-log --no-server-header"}
OUT=${OUT:-$ROOT/$TARGET_DIR/results/$(date +%Y%m%d-%H%M%S)}
QUIET_WAIT=${QUIET_WAIT:-600}
QUIET_MAX_PCT=${QUIET_MAX_PCT:-10}
DISTURBED_PCT=${DISTURBED_PCT:-10}
RETRIES=${RETRIES:-3}
STARTUP_TIMEOUT=10

case $MODE in all | rps | idle) ;; *)
    echo "MODE must be all, rps or idle (got $MODE)" >&2
    exit 2
    ;;
esac

log() { printf '[run.sh %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Setup: wrk, fd limit, builds.
if ! command -v wrk >/dev/null 2>&1; then
    log "installing wrk"
    apt-get update -qq
    apt-get install -y -qq wrk
fi
hard=$(ulimit -Hn)
if [[ $hard == unlimited ]]; then hard=1048576; fi
ulimit -n "$hard"
if ((hard < IDLE_CONNS + 256)); then
    log "warning: fd hard limit $hard is low for IDLE_CONNS=$IDLE_CONNS"
fi
CLK_TCK=$(getconf CLK_TCK)

want_ferrapi=0
for s in $SERVERS; do [[ $s == ferrapi || $s == toolkit || $s == framework ]] && want_ferrapi=1; done

if [[ $BUILD == 1 ]]; then
    if ((want_ferrapi)); then
        log "building hello_server, hello_toolkit and hello (release, $TARGET_DIR)"
        if ! timeout 3600 cargo build --release --target-dir "$TARGET_DIR" \
            -p ferrapi-examples --bin hello_server --bin hello_toolkit --bin hello; then
            log "the ferrapi examples failed to build; run with SERVERS=\"hyper actix axum thin\" for peers only"
            exit 1
        fi
    fi
    log "building peer servers (release, $TARGET_DIR)"
    timeout 3600 cargo build --release --target-dir "$TARGET_DIR" \
        -p ferrapi-benches --features peers --bins
fi

mkdir -p "$OUT/raw" "$OUT/logs"
log "results go to $OUT"

# ---------------------------------------------------------------------------------------------
# Server lifecycle.
cleanup() { # only one server runs at a time; $PID is it (empty when none)
    if [[ -n ${PID:-} ]]; then
        kill "$PID" 2>/dev/null || true
        sleep 0.3
        kill -9 "$PID" 2>/dev/null || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

NEXT_PORT=$BASE_PORT
PORT=
PID=

server_cmd() { # name port -> prints the command line
    local name=$1 port=$2
    case $name in
    ferrapi) echo "$FERRAPI_BIN ${FERRAPI_ARGS//\{port\}/$port}" ;;
    toolkit) echo "$TOOLKIT_BIN ${FERRAPI_ARGS//\{port\}/$port}" ;;
    framework) echo "$FRAMEWORK_BIN ${FERRAPI_ARGS//\{port\}/$port}" ;;
    hyper) echo "$BIN_DIR/hyper_hello --host 127.0.0.1 --port $port" ;;
    actix) echo "$BIN_DIR/actix_hello --host 127.0.0.1 --port $port" ;;
    axum) echo "$BIN_DIR/axum_hello --host 127.0.0.1 --port $port" ;;
    thin) echo "$BIN_DIR/thin_tokio --host 127.0.0.1 --port $port" ;;
    *)
        echo "unknown server $name" >&2
        return 1
        ;;
    esac
}

start_server() { # name tag -> sets PID, PORT
    local name=$1 tag=$2 cmd deadline
    PORT=$NEXT_PORT
    NEXT_PORT=$((NEXT_PORT + 1))
    cmd=$(server_cmd "$name" "$PORT")
    # The launcher writes its own pid and then execs taskset, which execs the server, so the
    # pid in the file is the server's own (not a wrapper shell's, whatever bash decides to do
    # with background jobs).
    rm -f "$OUT/server.pid"
    # shellcheck disable=SC2016,SC2086 # $$ is for the inner shell; $cmd is split on purpose
    bash -c 'echo $$ >"$1"; shift; exec "$@"' launcher "$OUT/server.pid" \
        taskset -c "$SERVER_CPU" $cmd >"$OUT/logs/$tag.log" 2>&1 &
    PID=$!
    for _ in $(seq 100); do
        [[ -s $OUT/server.pid ]] && break
        sleep 0.01
    done
    if [[ -s $OUT/server.pid ]]; then PID=$(<"$OUT/server.pid"); fi
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    until curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/"; do
        if ! kill -0 "$PID" 2>/dev/null; then
            log "$name exited during startup; log: $OUT/logs/$tag.log"
            tail -5 "$OUT/logs/$tag.log" >&2 || true
            wait "$PID" 2>/dev/null || true
            PID=
            return 1
        fi
        if ((SECONDS > deadline)); then
            log "$name did not answer on port $PORT within ${STARTUP_TIMEOUT}s"
            stop_server
            return 1
        fi
        sleep 0.05
    done
    case $(readlink "/proc/$PID/exe") in
    */bash | */taskset)
        log "pid $PID is a wrapper, not the $name server; refusing to measure it"
        stop_server
        return 1
        ;;
    esac
}

stop_server() {
    [[ -n $PID ]] || return 0
    kill "$PID" 2>/dev/null || true
    for _ in $(seq 50); do
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -9 "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
}

cpu_ticks() { # pid -> utime+stime of the whole process, in clock ticks
    local stat rest
    stat=$(</proc/"$1"/stat)
    rest=${stat##*) } # fields from 3 (state) on; comm may contain spaces
    read -ra f <<<"$rest"
    echo $((f[11] + f[12]))
}

status_kb() { # pid field -> value in kB
    awk -v k="$2:" '$1 == k { print $2 }' /proc/"$1"/status
}

cpu_jiffies() { # cpu-index -> "busy total" jiffies of that CPU from /proc/stat
    awk -v c="cpu$1" '$1 == c {
        busy = $2 + $3 + $4 + $7 + $8 + $9; total = busy + $5 + $6; print busy, total }' /proc/stat
}

wait_quiet() { # wait (at most QUIET_WAIT s) until the machine is idle before a measurement
    local deadline=$((SECONDS + QUIET_WAIT)) warned=0 b0 t0 b1 t1
    while :; do
        read -r b0 t0 < <(cpu_jiffies "")
        sleep 0.5
        read -r b1 t1 < <(cpu_jiffies "")
        if (((b1 - b0) * 100 <= QUIET_MAX_PCT * (t1 - t0))); then return 0; fi
        if ((SECONDS > deadline)); then
            log "machine still busy ($(((b1 - b0) * 100 / (t1 - t0 + 1)))% CPU); measuring anyway"
            return 0
        fi
        if ((!warned)); then
            log "machine busy ($(((b1 - b0) * 100 / (t1 - t0 + 1)))% CPU, other work running?); waiting up to ${QUIET_WAIT}s"
            warned=1
        fi
        sleep 2
    done
}

# ---------------------------------------------------------------------------------------------
# Endpoints.
endpoint_path() {
    case $1 in
    plaintext | pipeline) echo /plaintext ;;
    json) echo /json ;;
    items) echo "/items/42?q=x" ;;
    *)
        echo "unknown endpoint $1" >&2
        return 1
        ;;
    esac
}

servers_for() { # endpoint -> servers that take part
    local s
    for s in $SERVERS; do
        if [[ $s == thin && $1 != plaintext && $1 != pipeline ]]; then continue; fi
        echo "$s"
    done
}

smoke_check() { # name: one fresh server, check every endpoint answers what it should
    local name=$1 ok=1 got
    start_server "$name" "smoke.$name" || return 1
    check() { # path expected-status expected-body-substring [curl args...]
        local path=$1 want_status=$2 want_body=$3
        shift 3
        got=$(curl -s --max-time 5 -w '\n%{http_code}' "$@" "http://127.0.0.1:$PORT$path" || true)
        if [[ ${got##*$'\n'} != "$want_status" || ${got%$'\n'*} != *"$want_body"* ]]; then
            log "smoke check: $name $path: expected $want_status '$want_body', got ${got//$'\n'/ | }"
            ok=0
        fi
    }
    check /plaintext 200 "Hello, World!"
    if [[ $name != thin ]]; then
        check / 200 ok
        check /json 200 '{"message":"Hello, World!"}'
        check "/items/42?q=x" 200 '{"id":42,"q":"x"}'
        if [[ $name == framework ]]; then
            check "/items/abc" 422 '"type":"int_parsing"'
        else
            check "/items/abc" 400 ""
        fi
        check /no-such-path 404 ""
        check /echo 200 "echo body" -X POST --data-binary "echo body"
    fi
    stop_server
    ((ok)) && log "smoke check: $name ok"
    return 0
}

# ---------------------------------------------------------------------------------------------
# Throughput runs.
CHILD_MS=0
children_cpu_ms() { # sets CHILD_MS: CPU ms used so far by this shell's reaped children (wrk)
    # `times` must run in this shell (a subshell's counters start at zero), so this function
    # is called directly (never as `$(...)`), and its output goes through a file parsed with
    # builtins only.
    local line mins secs word
    times >"$OUT/times.tmp"
    { read -r _ && read -r line; } <"$OUT/times.tmp"
    CHILD_MS=0
    for word in $line; do # "1m2.345s 0m0.120s": children's user and system time
        mins=${word%%m*}
        secs=${word#*m}
        secs=${secs%s}
        CHILD_MS=$((CHILD_MS + mins * 60000 + 10#${secs%.*} * 1000 + 10#${secs#*.}))
    done
}

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }

LAST_STATUS=
run_one() { # round endpoint server attempt
    local round=$1 ep=$2 name=$3 attempt=$4 path tag wrk_out target=()
    local c0 c1 cl0 cl1 sv0 sv1 w0 w1 e0 e1 wall hwm status=ok
    local srv_ticks wrk_ticks foreign_srv foreign_cli
    path=$(endpoint_path "$ep")
    tag="$ep.$name.r$round"
    ((attempt > 1)) && tag+=".a$attempt"
    wrk_out="raw/$tag.wrk"
    wait_quiet
    if ! start_server "$name" "$tag"; then
        printf '%s\t%s\t%s\t\t%s\t\t\t\t\t\t%s\t%s\tstartup-failed\n' "$round" "$ep" "$name" \
            "$CLK_TCK" "$attempt" "$wrk_out" >>"$OUT/runs.tsv"
        LAST_STATUS=startup-failed
        return 0
    fi
    target=("http://127.0.0.1:$PORT$path")
    if [[ $ep == pipeline ]]; then
        target=(-s "$ROOT/benches/pipeline.lua" "${target[0]}" -- "$PIPELINE_DEPTH")
    fi
    if ((WARMUP > 0)); then
        timeout $((WARMUP + 30)) taskset -c "$CLIENT_CPU" \
            wrk -t1 -c"$CONNS" -d"${WARMUP}s" "${target[@]}" >/dev/null 2>&1 || true
    fi
    c0=$(cpu_ticks "$PID")
    cl0=$(cpu_jiffies "$CLIENT_CPU")
    sv0=$(cpu_jiffies "$SERVER_CPU")
    children_cpu_ms
    w0=$CHILD_MS
    e0=$(now_us)
    if ! timeout $((DURATION + 30)) taskset -c "$CLIENT_CPU" \
        wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "${target[@]}" >"$OUT/$wrk_out" 2>&1; then
        status=wrk-failed
    fi
    e1=$(now_us)
    children_cpu_ms
    w1=$CHILD_MS
    cl1=$(cpu_jiffies "$CLIENT_CPU")
    sv1=$(cpu_jiffies "$SERVER_CPU")
    if kill -0 "$PID" 2>/dev/null; then
        c1=$(cpu_ticks "$PID")
        hwm=$(status_kb "$PID" VmHWM)
    else
        status=server-died
        c1=$c0
        hwm=
    fi
    stop_server
    # Busy jiffies come from /proc/stat; an idle tickless CPU's idle time is accounted late,
    # so utilisation is taken against wall-clock time rather than /proc/stat's own total.
    wall=$(((e1 - e0) * CLK_TCK / 1000000))
    srv_ticks=$((c1 - c0))
    wrk_ticks=$(((w1 - w0) * CLK_TCK / 1000))
    cl0=${cl0%% *} cl1=${cl1%% *} sv0=${sv0%% *} sv1=${sv1%% *}
    # Anything else that ran on the two measurement CPUs during the run disturbs it.
    foreign_srv=$((((sv1 - sv0) - srv_ticks) * 100 / (wall + 1)))
    foreign_cli=$((((cl1 - cl0) - wrk_ticks) * 100 / (wall + 1)))
    if [[ $status == ok ]] && ((foreign_srv > DISTURBED_PCT || foreign_cli > DISTURBED_PCT)); then
        status=disturbed
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$ep" "$name" \
        "$srv_ticks" "$CLK_TCK" "$hwm" "$wall" $((sv1 - sv0)) $((cl1 - cl0)) "$wrk_ticks" \
        "$attempt" "$wrk_out" "$status" >>"$OUT/runs.tsv"
    log "round $round $ep $name: $(awk '/^Requests\/sec/ {print $2 " req/s"}' "$OUT/$wrk_out")" \
        "($status; other load: ${foreign_srv}% of the server CPU, ${foreign_cli}% of the client CPU)"
    LAST_STATUS=$status
}

# ---------------------------------------------------------------------------------------------
# Meta data.
{
    echo "- command: \`$(for v in DURATION ROUNDS WARMUP CONNS SERVERS ENDPOINTS MODE IDLE_CONNS; do
        printf '%s="%s" ' "$v" "${!v}"
    done)bash benches/run.sh\`"
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "- machine: $(nproc) CPUs, $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)," \
        "$(awk '/^MemTotal/ {printf "%.1f GiB RAM", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
    echo "- server pinned to CPU $SERVER_CPU, wrk pinned to CPU $CLIENT_CPU" \
        "(\`wrk -t1 -c$CONNS -d${DURATION}s --latency\`, ${WARMUP}s warm-up per run)"
    echo "- $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(rustc --version)"
} >"$OUT/meta.md"

# ---------------------------------------------------------------------------------------------
if [[ $MODE == all || $MODE == rps ]]; then
    printf 'round\tendpoint\tserver\tcpu_ticks\tclk_tck\tvmhwm_kb\twall_ticks\tserver_cpu_busy\tclient_cpu_busy\twrk_ticks\tattempt\twrk_file\tstatus\n' \
        >"$OUT/runs.tsv"
    for s in $SERVERS; do smoke_check "$s"; done
    for ((round = 1; round <= ROUNDS; round++)); do
        for ep in $ENDPOINTS; do
            mapfile -t list < <(servers_for "$ep")
            n=${#list[@]}
            for ((i = 0; i < n; i++)); do
                for ((attempt = 1; attempt <= 1 + RETRIES; attempt++)); do
                    run_one "$round" "$ep" "${list[$(((i + round - 1) % n))]}" "$attempt"
                    [[ $LAST_STATUS == disturbed ]] || break
                done
            done
        done
    done
fi

if [[ $MODE == all || $MODE == idle ]]; then
    : >"$OUT/idle.jsonl"
    for s in $SERVERS; do
        wait_quiet
        if start_server "$s" "idle.$s"; then
            timeout 120 taskset -c "$CLIENT_CPU" python3 "$ROOT/benches/idle_conns.py" \
                --pid "$PID" --port "$PORT" -n "$IDLE_CONNS" --label "$s" \
                --out "$OUT/idle.jsonl" >&2 || log "idle test for $s reported a problem"
            stop_server
        fi
    done
fi

{
    cat "$OUT/meta.md"
    echo
    python3 "$ROOT/benches/report.py" "$OUT"
} >"$OUT/report.md"
cat "$OUT/report.md"
log "report saved to $OUT/report.md"
