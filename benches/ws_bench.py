#!/usr/bin/env python3
"""WebSocket echo benchmark for a running server (stdlib + `websockets`).

    python3 benches/ws_bench.py ws://127.0.0.1:8000/ws [--duration 5] [--deflate] [--json]

Against an endpoint that echoes every text and binary message (`hello_server`'s `/ws`), it
measures:

* `rt/s, 1 conn`: round trips per second on one connection, one 32-byte text message in
  flight at a time;
* `rt/s, 16 conns`: the same on 16 connections at once (total);
* `1 MiB echo`: 1 MiB binary messages (random bytes) echoed one at a time on one connection,
  reported as echoes/s and MB/s of payload in one direction (1 MB = 10^6 bytes).

The client is pure Python (asyncio + websockets), so on a small machine it is usually the
bottleneck for small messages: pin the server and the client to different cores
(`taskset -c 0 server …`, `taskset -c 1 python3 …`) and compare runs on the same machine only.
permessage-deflate is off unless `--deflate` is given (the server agrees to it when offered).
"""

import argparse
import asyncio
import json
import os
import sys
import time

try:
    import websockets
    from websockets.asyncio.client import connect
except ImportError:
    sys.exit("Python `websockets` is missing: run `pip install -r requirements-test.txt`")


def open_ws(url, deflate):
    kwargs = {
        "compression": "deflate" if deflate else None,
        "max_size": 4 << 20,
        "ping_interval": None,
        "open_timeout": 10,
    }
    if "proxy" in connect.__init__.__code__.co_varnames:
        kwargs["proxy"] = None
    return connect(url, **kwargs)


async def round_trips(url, connections, duration, deflate):
    """Sequential echo round trips on `connections` sockets; returns (total, seconds)."""
    message = "x" * 32
    counts = [0] * connections
    stop = asyncio.Event()
    ready = asyncio.Barrier(connections + 1) if hasattr(asyncio, "Barrier") else None

    async def worker(i):
        async with open_ws(url, deflate) as ws:
            # Warm-up.
            for _ in range(50):
                await ws.send(message)
                await ws.recv()
            if ready:
                await ready.wait()
            while not stop.is_set():
                await ws.send(message)
                await ws.recv()
                counts[i] += 1

    tasks = [asyncio.create_task(worker(i)) for i in range(connections)]
    if ready:
        await ready.wait()
    else:
        await asyncio.sleep(1)
    start = time.perf_counter()
    base = sum(counts)
    await asyncio.sleep(duration)
    total = sum(counts) - base
    elapsed = time.perf_counter() - start
    stop.set()
    await asyncio.gather(*tasks)
    return total, elapsed


async def large_echoes(url, duration, deflate):
    """1 MiB binary echoes on one connection; returns (echoes, seconds)."""
    payload = os.urandom(1 << 20)
    async with open_ws(url, deflate) as ws:
        for _ in range(3):
            await ws.send(payload)
            got = await ws.recv()
            assert got == payload
        n = 0
        start = time.perf_counter()
        while time.perf_counter() - start < duration:
            await ws.send(payload)
            got = await ws.recv()
            assert len(got) == len(payload)
            n += 1
        return n, time.perf_counter() - start


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", help="echo endpoint, e.g. ws://127.0.0.1:8000/ws")
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per measurement")
    parser.add_argument("--connections", type=int, default=16, help="for the concurrent run")
    parser.add_argument("--deflate", action="store_true", help="offer permessage-deflate")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    results = {}
    total, secs = await round_trips(args.url, 1, args.duration, args.deflate)
    results["rt_per_s_1_conn"] = total / secs
    total, secs = await round_trips(args.url, args.connections, args.duration, args.deflate)
    results[f"rt_per_s_{args.connections}_conns"] = total / secs
    n, secs = await large_echoes(args.url, args.duration, args.deflate)
    results["mib_echoes_per_s"] = n / secs
    results["mb_per_s"] = n * (1 << 20) / secs / 1e6
    results["deflate"] = args.deflate
    results["websockets"] = websockets.__version__

    if args.json:
        print(json.dumps(results))
        return
    print(f"WebSocket echo against {args.url} (deflate {'on' if args.deflate else 'off'}, "
          f"websockets {websockets.__version__}, {args.duration:g} s each)")
    print(f"  round trips/s, 1 connection:    {results['rt_per_s_1_conn']:>10.0f}")
    print(f"  round trips/s, {args.connections} connections: "
          f"{results[f'rt_per_s_{args.connections}_conns']:>10.0f}")
    print(f"  1 MiB binary echoes/s:          {results['mib_echoes_per_s']:>10.1f}"
          f"  ({results['mb_per_s']:.0f} MB/s each way)")


if __name__ == "__main__":
    asyncio.run(main())
