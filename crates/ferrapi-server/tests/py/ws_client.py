#!/usr/bin/env python3
"""Drives ferrapi-server's WebSocket support with Python's `websockets` client.

Run by `tests/websocket_python.rs` against a server it started, on the routes of
`tests/common/ws.rs` (`WsApp`):

    python3 ws_client.py PORT SCENARIO

Each scenario prints `OK <scenario> <details>` lines on success and exits 0; any failed
check raises (traceback on stderr, exit 1). Requires `websockets>=13`
(`pip install -r requirements-test.txt`).
"""

import asyncio
import inspect
import random
import sys

try:
    import websockets
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus
except ImportError as exc:  # pragma: no cover - reported by the Rust test
    print(
        f"Python `websockets` is missing ({exc}): run `pip install -r requirements-test.txt`",
        file=sys.stderr,
    )
    sys.exit(3)

TIMEOUT = 10

# `proxy=None` (websockets >= 15) so that a proxy in the environment is never used.
_EXTRA = {"proxy": None} if "proxy" in inspect.signature(connect.__init__).parameters else {}


def ws_connect(port, path, **kwargs):
    return connect(
        f"ws://127.0.0.1:{port}{path}", open_timeout=TIMEOUT, close_timeout=TIMEOUT, **_EXTRA, **kwargs
    )


def ok(scenario, details=""):
    print(f"OK {scenario} {details}".rstrip(), flush=True)


def extensions(ws):
    return ws.response.headers.get("Sec-WebSocket-Extensions") or "none"


def count_received(ws):
    """Counts the bytes the client reads off the socket (compressed sizes)."""
    counter = [0]
    original = ws.protocol.receive_data

    def receive_data(data):
        counter[0] += len(data)
        return original(data)

    ws.protocol.receive_data = receive_data
    return counter


async def recv(ws):
    return await asyncio.wait_for(ws.recv(), TIMEOUT)


async def echo(port):
    async with ws_connect(port, "/echo") as ws:
        for message in ["hello", "", "κόσμε 世界 😀", b"\x00\x01\xfe\xff", b"", "x" * 70_000]:
            await ws.send(message)
            got = await recv(ws)
            assert got == message, (message[:20], got[:20])
            assert type(got) is type(message)
        ok("echo", f"extensions={extensions(ws)}")


async def big(port):
    async with ws_connect(port, "/echo", max_size=4 << 20) as ws:
        data = random.Random(1).randbytes(1 << 20)  # 1 MiB, incompressible
        await ws.send(data)
        assert await recv(ws) == data
        text = "".join(chr(0x41 + (i * 7919) % 26) for i in range(1 << 20))
        await ws.send(text)
        assert await recv(ws) == text
        ok("big", f"extensions={extensions(ws)}")


async def deflate(port):
    async with ws_connect(port, "/echo", max_size=4 << 20) as ws:
        ext = extensions(ws)
        received = count_received(ws)
        text = "The quick brown fox jumps over the lazy dog. " * ((1 << 20) // 45 + 1)
        text = text[: 1 << 20]
        for _ in range(3):  # context takeover across messages
            await ws.send(text)
            assert await recv(ws) == text
        ok("deflate", f"extensions={ext} wire_bytes={received[0]} message_bytes={3 * len(text)}")


async def ping(port):
    async with ws_connect(port, "/echo") as ws:
        for payload in [b"abc", b"", b"\xff" * 125]:
            waiter = await ws.ping(payload)
            latency = await asyncio.wait_for(waiter, TIMEOUT)
            assert latency >= 0
        await ws.send("after pings")
        assert await recv(ws) == "after pings"
        ok("ping")


async def close_codes(port):
    # Client-initiated: the server echoes the code and reason.
    async with ws_connect(port, "/echo") as ws:
        await ws.send("x")
        await recv(ws)
        await ws.close(4000, "client bye")
        assert ws.close_code == 4000, ws.close_code
        assert ws.close_reason == "client bye", ws.close_reason
    ok("close_codes", "client=4000")
    # Handler-initiated close(4001, "bye").
    async with ws_connect(port, "/close-4001") as ws:
        try:
            await recv(ws)
            raise AssertionError("expected the server to close")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 4001, exc
            assert exc.rcvd.reason == "bye", exc
    ok("close_codes", "handler=4001")
    # Handler returning without closing: 1000.
    async with ws_connect(port, "/return") as ws:
        try:
            await recv(ws)
            raise AssertionError("expected the server to close")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1000, exc
    ok("close_codes", "return=1000")
    # Handler panic: 1011.
    async with ws_connect(port, "/panic-after") as ws:
        await ws.send("boom")
        try:
            await recv(ws)
            raise AssertionError("expected the server to close")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1011, exc
    ok("close_codes", "panic=1011")


async def max_size(port):
    """The server runs with ws_max_size = 64 KiB."""
    async with ws_connect(port, "/echo", compression=None) as ws:
        await ws.send(b"a" * (64 * 1024))
        assert len(await recv(ws)) == 64 * 1024
        await ws.send(b"a" * (64 * 1024 + 1))
        try:
            await recv(ws)
            raise AssertionError("expected close 1009")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1009, exc
            ok("max_size", f"server=1009 reason={exc.rcvd.reason!r}")
    # The same limit applies after inflating: a highly compressible message.
    async with ws_connect(port, "/echo") as ws:
        assert extensions(ws) != "none"
        await ws.send("a" * (1 << 20))
        try:
            await recv(ws)
            raise AssertionError("expected close 1009")
        except ConnectionClosed as exc:
            assert exc.rcvd is not None and exc.rcvd.code == 1009, exc
            ok("max_size", "server_deflated=1009")
    # The client's own limit: it fails the connection with 1009 when the echo is too big.
    async with ws_connect(port, "/echo", max_size=1000) as ws:
        await ws.send("b" * 2000)
        try:
            await recv(ws)
            raise AssertionError("expected the client to fail with 1009")
        except ConnectionClosed as exc:
            assert exc.sent is not None and exc.sent.code == 1009, exc
            ok("max_size", "client=1009")


async def subprotocol(port):
    async with ws_connect(port, "/proto", subprotocols=["a", "b"]) as ws:
        assert ws.subprotocol == "b", ws.subprotocol
        assert ws.response.headers.get("x-extra") == "yes"
        ok("subprotocol", "b")


async def reject(port):
    for path, status in [("/reject", 403), ("/deny", 401), ("/panic-before", 500)]:
        try:
            async with ws_connect(port, path):
                raise AssertionError(f"{path}: expected a denial")
        except InvalidStatus as exc:
            got = exc.response.status_code
            assert got == status, (path, got)
            ok("reject", f"{path}={got}")


async def keepalive(port):
    """The server pings every 100 ms; websockets answers, so the connection stays up."""
    async with ws_connect(port, "/echo", ping_interval=None) as ws:
        await asyncio.sleep(1.0)
        await ws.send("still open")
        assert await recv(ws) == "still open"
        ok("keepalive")


async def no_deflate(port):
    async with ws_connect(port, "/echo") as ws:
        await ws.send("plain")
        assert await recv(ws) == "plain"
        ok("no_deflate", f"extensions={extensions(ws)}")


SCENARIOS = {
    f.__name__: f
    for f in [echo, big, deflate, ping, close_codes, max_size, subprotocol, reject, keepalive, no_deflate]
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        print(f"usage: {sys.argv[0]} PORT {{{','.join(SCENARIOS)}}}", file=sys.stderr)
        sys.exit(2)
    port = int(sys.argv[1])
    asyncio.run(asyncio.wait_for(SCENARIOS[sys.argv[2]](port), 60))
    print(f"websockets {websockets.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
