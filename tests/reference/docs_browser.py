"""Drives headless Chromium through the tutorial's /docs page, without network access.

Used by `tests/tests/openapi_tools.rs`. It starts Chromium with every host but 127.0.0.1
unresolvable, talks to it over the DevTools protocol (with the `websockets` package), loads
/docs, waits for Swagger UI to list the operations, then opens `GET /items/{item_id}`, presses
"Try it out", types 5, presses "Execute" and reads the answer Swagger UI shows. It prints a JSON
report: the operations shown, the requests made to other hosts, and the answer.

Usage: python docs_browser.py <chromium binary> http://127.0.0.1:PORT
"""

import asyncio
import json
import re
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlparse

import websockets


class Browser:
    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0
        self.pending = {}
        self.events = []

    async def pump(self):
        async for raw in self.ws:
            msg = json.loads(raw)
            if "id" in msg and msg["id"] in self.pending:
                self.pending.pop(msg["id"]).set_result(msg)
            else:
                self.events.append(msg)

    async def call(self, method, session=None, **params):
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        await self.ws.send(json.dumps(msg))
        reply = await asyncio.wait_for(fut, 30)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply.get("result", {})


async def evaluate(browser, session, expression):
    result = await browser.call(
        "Runtime.evaluate", session, expression=expression, returnByValue=True, awaitPromise=True
    )
    return result.get("result", {}).get("value")


async def wait_for(browser, session, expression, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = await evaluate(browser, session, expression)
        if value:
            return value
        await asyncio.sleep(0.2)
    raise TimeoutError(f"timed out waiting for: {expression}")


CLICK = "(s) => { const e = document.querySelector(s); if (e) { e.click(); return true; } return false; }"


async def run(chromium, base):
    profile = tempfile.mkdtemp()
    proc = subprocess.Popen(
        [
            chromium,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            # No network: every host but the app's fails to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "about:blank",
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    try:
        endpoint = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                endpoint = match.group(1)
                break
        if not endpoint:
            raise RuntimeError("chromium did not start")
        async with websockets.connect(endpoint, max_size=None) as ws:
            browser = Browser(ws)
            pump = asyncio.create_task(browser.pump())
            target = await browser.call("Target.createTarget", url="about:blank")
            attached = await browser.call(
                "Target.attachToTarget", targetId=target["targetId"], flatten=True
            )
            session = attached["sessionId"]
            await browser.call("Network.enable", session)
            await browser.call("Page.enable", session)
            await browser.call("Runtime.enable", session)
            await browser.call("Page.navigate", session, url=base + "/docs")
            shown = await wait_for(
                browser,
                session,
                "document.querySelectorAll('.opblock').length || 0",
            )
            # Let the page settle, then count again.
            await asyncio.sleep(1)
            shown = await evaluate(browser, session, "document.querySelectorAll('.opblock').length")
            title = await evaluate(browser, session, "document.querySelector('.title') && document.querySelector('.title').innerText")
            op = "#operations-items-read_item_items__item_id__get"
            assert await evaluate(browser, session, f"({CLICK})('{op} .opblock-summary-control') || ({CLICK})('{op} .opblock-summary')")
            await wait_for(browser, session, f"!!document.querySelector('{op} .try-out__btn')")
            await evaluate(browser, session, f"({CLICK})('{op} .try-out__btn')")
            await wait_for(browser, session, f"!!document.querySelector('{op} input[placeholder=\"item_id\"]')")
            # Type as a user does: focus the field, then insert the text.
            await evaluate(browser, session, f"document.querySelector('{op} input[placeholder=\"item_id\"]').focus()")
            await browser.call("Input.insertText", session, text="5")
            # Swagger UI debounces its inputs.
            await asyncio.sleep(1.5)
            await evaluate(browser, session, f"({CLICK})('{op} .execute')")
            try:
                await wait_for(
                    browser,
                    session,
                    f"!!document.querySelector('{op} .live-responses-table')",
                    timeout=15,
                )
            except TimeoutError:
                dump = await evaluate(browser, session, f"document.querySelector('{op}').outerHTML")
                raise RuntimeError(f"no answer shown; the operation's HTML: {dump[:3000]}")
            status = await wait_for(
                browser,
                session,
                f"(() => {{ const e = document.querySelector('{op} .live-responses-table tbody .response-col_status'); return e && e.innerText.trim(); }})()",
            )
            body = await evaluate(
                browser,
                session,
                f"(() => {{ const e = document.querySelector('{op} .live-responses-table .response-col_description pre'); return e && e.innerText; }})()",
            )
            elsewhere = sorted(
                {
                    e["params"]["request"]["url"]
                    for e in browser.events
                    if e.get("method") == "Network.requestWillBeSent"
                    and urlparse(e["params"]["request"]["url"]).hostname not in (None, "127.0.0.1")
                    and e["params"]["request"]["url"].startswith("http")
                }
            )
            pump.cancel()
            return {
                "operations_shown": shown,
                "title": title,
                "try_it_out_status": status,
                "try_it_out_body": body,
                "requests_elsewhere": elsewhere,
            }
    finally:
        proc.kill()
        proc.wait()


def main():
    report = asyncio.run(run(sys.argv[1], sys.argv[2].rstrip("/")))
    print(json.dumps(report))


if __name__ == "__main__":
    main()
