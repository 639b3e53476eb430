#!/usr/bin/env python3
"""Summarise a `benches/run.sh` results directory as Markdown (stdlib only).

    python3 benches/report.py RESULTS_DIR

Reads RESULTS_DIR/runs.tsv (one row per wrk run, written by run.sh), the raw wrk outputs it
points to, and RESULTS_DIR/idle.jsonl (written by idle_conns.py) if present. Prints:

* the throughput table: per (endpoint, server) the *median over rounds* of requests/s,
  requests per server CPU-second, server and client CPU utilisation, p99 latency and peak RSS,
  plus the ratios of the two throughput medians to hyper's on the same endpoint;
* paired ratios: for the comparisons the issues set targets on (ferrapi against hyper and
  actix, each layer against the one below, the framework against axum), the ratio of requests
  per server CPU-second *within each round*, then the median and range of those. Servers of
  one round run minutes apart, so the machine's slow drifts (this VM switches between a fast
  and a slow mode for minutes at a time) cancel in a round's ratio but not in a ratio of
  medians;
* the idle-connection memory table;
* footnotes for anything suspicious (non-2xx responses, socket errors, failed runs, other
  work on the server's CPU).

`python3 benches/report.py --self-test` checks the wrk parser on canned output.
"""

import csv
import json
import os
import re
import statistics
import sys

SERVER_ORDER = ["ferrapi", "toolkit", "framework", "hyper", "actix", "axum", "thin"]
ENDPOINT_LABELS = {
    "plaintext": "`GET /plaintext`",
    "json": "`GET /json`",
    "items": "`GET /items/42?q=x`",
    "pipeline": "`GET /plaintext`, 16 pipelined",
}
FOREIGN_LIMIT = 0.10
TIME_UNITS = {"us": 1.0, "ms": 1e3, "s": 1e6, "m": 60e6, "h": 3600e6}
SIZE_UNITS = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3, "TB": 1024**4}


def ep_is_pipelined(endpoint):
    """wrk 4.1 records one latency sample per pipelined batch and often prints 0 for the high
    percentiles then, so pipelined latencies are not reported at all."""
    return endpoint == "pipeline"


def parse_time_us(text):
    """'512.34us' / '1.20ms' / '2.00s' -> microseconds."""
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", text.strip())
    if not m:
        raise ValueError(f"unrecognised wrk time {text!r}")
    return float(m.group(1)) * TIME_UNITS[m.group(2)]


def parse_wrk(text):
    """Extract the numbers we need from wrk's --latency output."""
    out = {"requests": None, "seconds": None, "rps": None, "p50_us": None, "p99_us": None,
           "non2xx": 0, "socket_errors": 0}
    m = re.search(r"^\s*(\d+) requests in ([0-9.]+)(us|ms|s|m|h)", text, re.M)
    if m:
        out["requests"] = int(m.group(1))
        out["seconds"] = float(m.group(2)) * TIME_UNITS[m.group(3)] / 1e6
    m = re.search(r"^Requests/sec:\s*([0-9.]+)", text, re.M)
    if m:
        out["rps"] = float(m.group(1))
    dist = text.split("Latency Distribution", 1)
    if len(dist) == 2:
        for pct, value in re.findall(r"^\s*(\d+)%\s+(\S+)", dist[1], re.M):
            # wrk 4.1 prints 0.00us for high percentiles when pipelining (it records one
            # latency sample per batch); treat a zero as "not measured".
            if pct == "50":
                out["p50_us"] = parse_time_us(value) or None
            elif pct == "99":
                out["p99_us"] = parse_time_us(value) or None
    m = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", text)
    if m:
        out["non2xx"] = int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        out["socket_errors"] = sum(int(g) for g in m.groups())
    return out


def fmt_int(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_ratio(x):
    return "–" if x is None else f"{x:.2f}×"


def fmt_pct(x):
    return "–" if x is None else f"{100 * x:.0f}%"


def fmt_us(us):
    if us is None:
        return "–"
    if us < 1000:
        return f"{us:.0f} µs"
    if us < 1e6:
        return f"{us / 1e3:.2f} ms"
    return f"{us / 1e6:.2f} s"


def fmt_mib(kb):
    return "–" if kb is None else f"{kb / 1024:.1f} MiB"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def server_key(name):
    return (SERVER_ORDER.index(name) if name in SERVER_ORDER else len(SERVER_ORDER), name)


def load_runs(results):
    path = os.path.join(results, "runs.tsv")
    if not os.path.exists(path):
        return []

    def num(row, key):
        value = row.get(key)
        return int(value) if value not in (None, "") else None

    runs = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            wrk_path = os.path.join(results, row["wrk_file"])
            parsed = {}
            if row["status"] == "ok" and os.path.exists(wrk_path):
                with open(wrk_path) as wf:
                    parsed = parse_wrk(wf.read())
            clk = float(row["clk_tck"] or 100)
            ticks, wall = num(row, "cpu_ticks"), num(row, "wall_ticks")
            srv_busy, cli_busy = num(row, "server_cpu_busy"), num(row, "client_cpu_busy")
            wrk_ticks = num(row, "wrk_ticks")
            cpu_s = ticks / clk if ticks is not None else None
            run = {
                "round": int(row["round"]),
                "endpoint": row["endpoint"],
                "server": row["server"],
                "status": row["status"],
                "cpu_s": cpu_s,
                "vmhwm_kb": num(row, "vmhwm_kb"),
                "server_util": ticks / wall if (ticks is not None and wall) else None,
                "client_util": cli_busy / wall if (cli_busy is not None and wall) else None,
                # Share of each measurement CPU that went to anything but the server / wrk
                # (other processes, or interrupts not charged to them). run.sh redoes runs
                # where this is high.
                "foreign_srv": (srv_busy - ticks) / wall
                if (wall and srv_busy is not None and ticks is not None) else None,
                "foreign_cli": (cli_busy - wrk_ticks) / wall
                if (wall and cli_busy is not None and wrk_ticks is not None) else None,
                **parsed,
            }
            if run["status"] == "ok" and run.get("requests") is None:
                run["status"] = "unparsable wrk output"
            if ep_is_pipelined(run["endpoint"]):
                run["p99_us"] = None
            run["req_per_cpu"] = (run["requests"] / cpu_s) if (cpu_s and run.get("requests")) else None
            runs.append(run)
    return runs


def throughput_table(runs):
    lines = []
    notes = []
    endpoints = []
    for r in runs:
        if r["endpoint"] not in endpoints:
            endpoints.append(r["endpoint"])
    lines.append("| endpoint | server | req/s | req/s vs hyper | req per server CPU-s | "
                 "req/CPU-s vs hyper | server CPU | wrk CPU | p99 | peak RSS | runs |")
    lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for ep in endpoints:
        by_server = {}
        for r in runs:
            if r["endpoint"] == ep:
                by_server.setdefault(r["server"], []).append(r)
        med = {}
        for server, rs in by_server.items():
            good = [r for r in rs if r["status"] == "ok"]
            med[server] = {
                "rps": median(r["rps"] for r in good),
                "req_per_cpu": median(r["req_per_cpu"] for r in good),
                "server_util": median(r["server_util"] for r in good),
                "client_util": median(r["client_util"] for r in good),
                "p99_us": median(r["p99_us"] for r in good),
                "vmhwm_kb": median(r["vmhwm_kb"] for r in good),
                "n": len(good),
                "total": len(rs),
            }
            for r in rs:
                problems = []
                if r["status"] == "disturbed":
                    problems.append("disturbed, left out of the medians (and redone)")
                elif r["status"] != "ok":
                    problems.append(r["status"])
                if r.get("non2xx"):
                    problems.append(f"{r['non2xx']} non-2xx responses")
                if r.get("socket_errors"):
                    problems.append(f"{r['socket_errors']} socket errors")
                for key, who in (("foreign_srv", "server"), ("foreign_cli", "wrk")):
                    if (r.get(key) or 0) > FOREIGN_LIMIT:
                        problems.append(f"{100 * r[key]:.0f}% of the {who}'s CPU went to "
                                        "other work")
                if problems:
                    notes.append(f"- {server} on {ep}, round {r['round']}: {', '.join(problems)}")
        base = med.get("hyper", {})
        for server in sorted(med, key=server_key):
            m = med[server]
            rps_ratio = (m["rps"] / base["rps"]) if (m["rps"] and base.get("rps")) else None
            cpu_ratio = (m["req_per_cpu"] / base["req_per_cpu"]) if (
                m["req_per_cpu"] and base.get("req_per_cpu")) else None
            lines.append(
                f"| {ENDPOINT_LABELS.get(ep, ep)} | {server} | {fmt_int(m['rps'])} | "
                f"{fmt_ratio(rps_ratio)} | {fmt_int(m['req_per_cpu'])} | {fmt_ratio(cpu_ratio)} | "
                f"{fmt_pct(m['server_util'])} | {fmt_pct(m['client_util'])} | "
                f"{fmt_us(m['p99_us'])} | {fmt_mib(m['vmhwm_kb'])} | {m['n']}/{m['total']} |")
    return lines, notes, layer_rows(runs, endpoints), paired_rows(runs, endpoints)


PAIRS = [("ferrapi", "hyper"), ("ferrapi", "actix"), ("toolkit", "ferrapi"),
         ("framework", "ferrapi"), ("framework", "axum")]


def paired_rows(runs, endpoints):
    """Per-round ratios of req per server CPU-second, summarised by their median and range."""
    lines = ["| endpoint | comparison | median of per-round ratios | range | rounds |",
             "|---|---|---:|---:|---:|"]
    any_row = False
    for ep in endpoints:
        per_round = {}
        for r in runs:
            if r["endpoint"] == ep and r["status"] == "ok" and r.get("req_per_cpu"):
                per_round.setdefault(r["round"], {})[r["server"]] = r["req_per_cpu"]
        for a, b in PAIRS:
            ratios = [v[a] / v[b] for v in per_round.values() if a in v and b in v]
            if not ratios:
                continue
            any_row = True
            lines.append(f"| {ENDPOINT_LABELS.get(ep, ep)} | {a} / {b} | "
                         f"{fmt_ratio(statistics.median(ratios))} | "
                         f"{fmt_ratio(min(ratios))}–{fmt_ratio(max(ratios))} | {len(ratios)} |")
    return lines if any_row else []


def layer_rows(runs, endpoints):
    """The cost of each layer: its req per server CPU-second over the server layer's."""
    lines = ["| endpoint | hello_server req/CPU-s | hello_toolkit | toolkit / server | "
             "hello (framework) | framework / server | framework / axum |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    any_row = False
    for ep in endpoints:
        per = {}
        for server in ("ferrapi", "toolkit", "framework", "axum"):
            good = [r for r in runs if r["endpoint"] == ep and r["server"] == server
                    and r["status"] == "ok"]
            per[server] = median(r["req_per_cpu"] for r in good)
        if not per["ferrapi"] or not (per["toolkit"] or per["framework"]):
            continue
        any_row = True

        def ratio(a, b):
            return fmt_ratio(a / b) if (a and b) else "–"

        lines.append(f"| {ENDPOINT_LABELS.get(ep, ep)} | {fmt_int(per['ferrapi'])} | "
                     f"{fmt_int(per['toolkit'])} | {ratio(per['toolkit'], per['ferrapi'])} | "
                     f"{fmt_int(per['framework'])} | {ratio(per['framework'], per['ferrapi'])} | "
                     f"{ratio(per['framework'], per['axum'])} |")
    return lines if any_row else []


def idle_table(results):
    path = os.path.join(results, "idle.jsonl")
    if not os.path.exists(path):
        return [], []
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    lines = ["| server | connections held | RSS before | RSS after | bytes per idle connection |",
             "|---|---:|---:|---:|---:|"]
    notes = []
    for row in sorted(rows, key=lambda r: server_key(r.get("label", ""))):
        per = row.get("bytes_per_conn")
        lines.append(
            f"| {row.get('label', '?')} | {row.get('open_after', 0):,}/{row.get('target', 0):,} | "
            f"{fmt_mib(row.get('rss_before_kb'))} | {fmt_mib(row.get('rss_after_kb'))} | "
            f"{'–' if per is None else f'{per:,.0f}'} |")
        if row.get("error"):
            notes.append(f"- idle test, {row.get('label')}: {row['error']}")
        elif row.get("open_after", 0) < row.get("target", 0):
            notes.append(f"- idle test, {row.get('label')}: only {row.get('open_after')} of "
                         f"{row.get('target')} connections were still open when RSS was read")
    return lines, notes


SAMPLE = """Running 5s test @ http://127.0.0.1:8000/plaintext
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   512.34us  100.00us   5.00ms   90.00%
    Req/Sec    60.00k     2.00k   65.00k    70.00%
  Latency Distribution
     50%  500.00us
     75%  550.00us
     90%  600.00us
     99%    1.20ms
  300000 requests in 5.00s, 40.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 12
Requests/sec:  60000.00
Transfer/sec:      8.00MB
"""


def self_test():
    got = parse_wrk(SAMPLE)
    assert got["requests"] == 300000, got
    assert abs(got["seconds"] - 5.0) < 1e-9, got
    assert got["rps"] == 60000.0, got
    assert got["p50_us"] == 500.0, got
    assert abs(got["p99_us"] - 1200.0) < 1e-6, got
    assert got["non2xx"] == 12 and got["socket_errors"] == 3, got
    assert parse_time_us("2.00s") == 2e6
    assert parse_wrk(SAMPLE.replace("99%    1.20ms", "99%    0.00us"))["p99_us"] is None
    print("report.py self-test ok")


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        self_test()
        return 0
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = argv[1]
    runs = load_runs(results)
    out = []
    notes = []
    if runs:
        table, n, layers, paired = throughput_table(runs)
        out += ["### Throughput (medians over rounds)", ""] + table + [""]
        if layers:
            out += ["### Layer overhead (per server CPU-second)", ""] + layers + [""]
        if paired:
            out += ["### Paired ratios (req per server CPU-second, within each round)", ""]
            out += paired + [""]
        notes += n
    table, n = idle_table(results)
    if table:
        out += ["### Idle keep-alive connections", ""] + table + [""]
        notes += n
    if notes:
        out += ["Problems seen:", ""] + notes + [""]
    if not out:
        out = [f"no results found in {results}"]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
