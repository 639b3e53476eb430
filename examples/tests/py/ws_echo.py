"""Connects to a WebSocket URL, sends each text given and records each answer, as JSON.

Used by `examples/tests/layered.rs`. Usage: python ws_echo.py ws://HOST:PORT/PATH [TEXT...]
Prints {"accepted": true, "echoes": [...], "close": CODE} or {"refused": STATUS}.
"""

import json
import sys

from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect


def main():
    url, texts = sys.argv[1], sys.argv[2:]
    try:
        with connect(url, open_timeout=5, close_timeout=2) as ws:
            echoes = []
            for text in texts:
                ws.send(text)
                echoes.append(ws.recv(timeout=5))
            ws.send(b"\x00binary\xff")
            echoes.append(list(ws.recv(timeout=5)))
            ws.close()
            result = {"accepted": True, "echoes": echoes, "close": ws.close_code}
    except InvalidStatus as exc:
        result = {"refused": exc.response.status_code}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
