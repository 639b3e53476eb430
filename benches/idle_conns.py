#!/usr/bin/env python3
"""Idle keep-alive connection memory test (stdlib only).

    python3 benches/idle_conns.py --pid PID [--host 127.0.0.1] [--port 8000] [-n 10000]
                                  [--label NAME] [--out FILE.jsonl]

Opens N TCP connections to the server, sends one `GET / HTTP/1.1` on each and reads the
response, so that every connection is left as an idle keep-alive connection. The server's
VmRSS (from /proc/PID/status) is read before the first connection and again once all
responses are in; the difference divided by the number of connections still open is printed
as bytes per idle connection, and appended as one JSON line to --out if given.

Connections are driven with non-blocking sockets and `selectors`, at most --window of them
in the connect/request/response phase at once (so the server's accept backlog never
overflows), which opens 10k connections in a second or two. That matters: servers close idle
connections after their keep-alive timeout (ferrapi: 75 s, actix: 5 s by default), so the
measurement must happen well inside it. The fd limit is raised to the hard limit first. Only
ever connects to the given host, which should be 127.0.0.1. Exits non-zero if fewer than
N connections were established or the whole thing takes longer than --timeout seconds.
"""

import argparse
import errno
import json
import resource
import selectors
import socket
import struct
import sys
import time


def rss_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"{field} not found for pid {pid}")


def response_complete(buf):
    """True once `buf` holds one whole HTTP/1.1 response to a GET."""
    head_end = buf.find(b"\r\n\r\n")
    if head_end < 0:
        return False
    head = buf[:head_end].decode("latin-1").lower()
    body = len(buf) - head_end - 4
    for line in head.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip(), value.strip()
        if name == "content-length":
            return body >= int(value)
        if name == "transfer-encoding" and "chunked" in value:
            return buf.endswith(b"0\r\n\r\n")
    return True  # no body framing: a bodyless response such as 204/304


def raise_fd_limit(need):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, need)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        raise SystemExit(f"fd limit {soft} is below the {need} needed; raise `ulimit -Hn`")


def still_open(sock):
    try:
        data = sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return True  # nothing to read and not closed
    except OSError:
        return False
    return data != b""  # b"" means the server closed it


def run(args):
    raise_fd_limit(args.n + 64)
    request = f"GET / HTTP/1.1\r\nHost: {args.host_header}\r\n\r\n".encode()
    sel = selectors.DefaultSelector()
    done = []
    failures = 0
    in_flight = 0
    started = 0
    deadline = time.monotonic() + args.timeout

    # Warm the server up with one connection so lazily-initialised state is in the baseline.
    with socket.create_connection((args.host, args.port), timeout=5) as s:
        s.sendall(request)
        buf = b""
        while not response_complete(buf):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
    time.sleep(0.2)
    before = rss_kb(args.pid)
    t0 = time.monotonic()

    def start_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex((args.host, args.port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return False
        sel.register(s, selectors.EVENT_WRITE, {"state": "connect", "buf": b""})
        return True

    while len(done) + failures < args.n:
        if time.monotonic() > deadline:
            break
        while in_flight < args.window and started < args.n:
            started += 1
            if start_one():
                in_flight += 1
            else:
                failures += 1
        for key, _ in sel.select(timeout=1.0):
            s, st = key.fileobj, key.data
            if st["state"] == "connect":
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    sel.unregister(s)
                    s.close()
                    in_flight -= 1
                    failures += 1
                    continue
                s.send(request)  # 40 bytes into an empty socket buffer: never partial
                st["state"] = "read"
                sel.modify(s, selectors.EVENT_READ, st)
            else:
                try:
                    chunk = s.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    chunk = b""
                if not chunk:
                    sel.unregister(s)
                    s.close()
                    in_flight -= 1
                    failures += 1
                    continue
                st["buf"] += chunk
                if response_complete(st["buf"]):
                    sel.unregister(s)
                    in_flight -= 1
                    done.append(s)
    elapsed = time.monotonic() - t0
    time.sleep(args.settle)
    after = rss_kb(args.pid)
    open_after = sum(1 for s in done if still_open(s))
    result = {
        "label": args.label,
        "pid": args.pid,
        "target": args.n,
        "established": len(done),
        "failed": failures,
        "open_after": open_after,
        "open_seconds": round(elapsed, 3),
        "rss_before_kb": before,
        "rss_after_kb": after,
        "bytes_per_conn": ((after - before) * 1024 / open_after) if open_after else None,
    }
    if len(done) < args.n:
        result["error"] = (f"established {len(done)} of {args.n} connections "
                           f"({failures} failed) within {args.timeout}s")
    # Close with RST (SO_LINGER 0) so 10k sockets do not sit in TIME_WAIT afterwards.
    linger = struct.pack("ii", 1, 0)
    for s in done:
        try:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        except OSError:
            pass
        s.close()
    for key in list(sel.get_map().values()):
        key.fileobj.close()
    sel.close()
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--pid", type=int, required=True, help="server process whose RSS to read")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host-header", default="x")
    p.add_argument("-n", type=int, default=10000, help="connections to open (default 10000)")
    p.add_argument("--window", type=int, default=256,
                   help="max connections being set up at once (default 256)")
    p.add_argument("--settle", type=float, default=0.5,
                   help="seconds to wait before reading RSS after the last response")
    p.add_argument("--timeout", type=float, default=30.0, help="give up after this many s")
    p.add_argument("--label", default="server")
    p.add_argument("--out", help="append the result as a JSON line to this file")
    args = p.parse_args()
    result = run(args)
    per = result["bytes_per_conn"]
    print(f"{args.label}: {result['open_after']}/{args.n} idle connections open "
          f"(set up in {result['open_seconds']}s); RSS {result['rss_before_kb']} kB -> "
          f"{result['rss_after_kb']} kB; "
          + (f"{per:,.0f} bytes per idle connection" if per is not None else "n/a"))
    if args.out:
        with open(args.out, "a") as f:
            f.write(json.dumps(result) + "\n")
    return 1 if "error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
