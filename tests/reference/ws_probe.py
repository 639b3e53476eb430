"""Talks to the tutorial's WebSocket routes and prints what happened, as JSON.

`tests/tests/tutorial_diff.rs` runs it against FastAPI (under uvicorn) and against ferrapi and
compares the two transcripts. Usage: python ws_probe.py ws://127.0.0.1:8000
"""

import json
import sys

from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect


def session(url, texts=(), objects=()):
    """Connects, sends each text (or JSON object) and records each answer."""
    log = []
    try:
        with connect(url, open_timeout=5, close_timeout=2) as ws:
            log.append("open")
            for text in texts:
                ws.send(text)
                log.append(["text", ws.recv(timeout=5)])
            for obj in objects:
                ws.send(json.dumps(obj))
                log.append(["json", json.loads(ws.recv(timeout=5))])
            ws.close()
            log.append(["closed", ws.close_code])
    except InvalidStatus as exc:
        log.append(["rejected", exc.response.status_code])
    except ConnectionClosed as exc:
        log.append(["closed by server", exc.rcvd.code if exc.rcvd else None])
    return log


def main():
    base = sys.argv[1].rstrip("/")
    transcript = {
        "echo": session(base + "/ws", texts=["hello", "", "ünïcode ✓"]),
        "room with token": session(
            base + "/ws/rooms/lobby?token=letmein",
            objects=[{"a": 1}, [1, 2.5, None], "text"],
        ),
        "room without token": session(base + "/ws/rooms/lobby"),
        "room with a wrong token": session(base + "/ws/rooms/lobby?token=nope"),
        "unknown path": session(base + "/ws/nowhere"),
        "http route": session(base + "/items/5"),
    }
    print(json.dumps(transcript, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
