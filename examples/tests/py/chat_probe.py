"""Drives the `chat` example over real WebSockets and prints what happened, as JSON.

`examples/tests/chat.rs` runs it against the `chat` binary and checks the transcript.
Usage: python chat_probe.py http://127.0.0.1:PORT SCENARIO, SCENARIO being one of:

* rooms: two clients in one room, one in another; joins, a message, a leave.
* refused: handshakes with invalid names and rooms, and one valid.
* limits: a message too long, a burst beyond the rate limit, a binary message, a frame over
  the size limit.

Needs the `websockets` package (requirements-test.txt).
"""

import contextlib
import json
import sys
import time
import urllib.request

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

TIMEOUT = 5


def recv_json(ws, timeout=TIMEOUT):
    """The next message, parsed."""
    return json.loads(ws.recv(timeout=timeout))


def recv_nothing(ws, wait):
    """`None` if nothing arrives within `wait` seconds, else what arrived."""
    try:
        return json.loads(ws.recv(timeout=wait))
    except TimeoutError:
        return None


def rooms(http):
    with urllib.request.urlopen(http + "/rooms", timeout=TIMEOUT) as res:
        return json.loads(res.read())


def join(stack, base, room, name):
    """Connects to `room` as `name`; the connection is closed when `stack` is."""
    url = f"{base}/ws/{room}?name={name}"
    return stack.enter_context(connect(url, open_timeout=TIMEOUT, close_timeout=2))


def scenario_rooms(http, base, stack):
    log = {}
    alice = join(stack, base, "lobby", "alice")
    log["alice joins"] = recv_json(alice)
    bob = join(stack, base, "lobby", "bob")
    log["bob joins"] = recv_json(bob)
    log["alice sees bob join"] = recv_json(alice)
    carol = join(stack, base, "garden", "carol")
    log["carol joins"] = recv_json(carol)
    log["rooms with three members"] = rooms(http)

    alice.send("hello lobby")
    log["alice gets her message"] = recv_json(alice)
    log["bob gets alice's message"] = recv_json(bob)
    log["carol gets nothing"] = recv_nothing(carol, 0.5)
    carol.send("hello garden")
    log["carol gets her message"] = recv_json(carol)
    log["bob gets nothing from the garden"] = recv_nothing(bob, 0.5)

    bob.close()
    log["alice sees bob leave"] = recv_json(alice)
    alice.close()
    carol.close()
    return log


def handshake(base, path):
    """`accepted`, or the HTTP status the handshake was refused with."""
    try:
        with connect(base + path, open_timeout=TIMEOUT, close_timeout=2):
            return "accepted"
    except InvalidStatus as exc:
        return exc.response.status_code


def scenario_refused(http, base, stack):
    long_name = "n" * 33
    return {
        "no name": handshake(base, "/ws/lobby"),
        "empty name": handshake(base, "/ws/lobby?name="),
        "name of 33 characters": handshake(base, f"/ws/lobby?name={long_name}"),
        "name of 32 characters": handshake(base, "/ws/lobby?name=" + "n" * 32),
        "room with a dot": handshake(base, "/ws/a.b?name=x"),
        "room of 33 characters": handshake(base, "/ws/" + "r" * 33 + "?name=x"),
        "unknown path": handshake(base, "/ws?name=x"),
    }


def scenario_limits(http, base, stack):
    log = {}
    ws = join(stack, base, "limits", "dora")
    recv_json(ws)  # own join notice

    ws.send("x" * 1001)
    log["1001 characters"] = recv_json(ws)
    ws.send("x" * 1000)
    log["1000 characters"] = recv_json(ws)["text"] == "x" * 1000

    # A burst of 30: the first few are broadcast, the rest refused.
    for i in range(30):
        ws.send(f"burst {i}")
    delivered = refused = 0
    for _ in range(30):
        message = recv_json(ws)
        if "text" in message:
            delivered += 1
        elif "error" in message:
            refused += 1
            log["burst refusal"] = message
    log["burst delivered"] = delivered
    log["burst refused"] = refused

    ws.send(b"\x00\x01")
    log["binary"] = recv_json(ws)

    time.sleep(0.5)  # a few tokens back
    ws.send("still here")
    log["after a pause"] = recv_json(ws)

    ws.send("y" * (64 * 1024 + 1))
    try:
        while True:
            ws.recv(timeout=TIMEOUT)
    except ConnectionClosed as exc:
        log["message over 64 KiB"] = exc.rcvd.code if exc.rcvd else None
    return log


def main():
    http = sys.argv[1].rstrip("/")
    base = "ws" + http[len("http"):]
    scenario = globals()["scenario_" + sys.argv[2]]
    with contextlib.ExitStack() as stack:
        transcript = scenario(http, base, stack)
    print(json.dumps(transcript, indent=1))


if __name__ == "__main__":
    main()
