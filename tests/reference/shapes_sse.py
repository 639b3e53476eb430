"""FastAPI's "Server-Sent Events" tutorial, and the corners of its wire format: the FastAPI side
of tests/tests/shapes_sse.rs."""

from collections.abc import AsyncIterable, Iterable
from typing import Optional

from fastapi import FastAPI
from fastapi.sse import EventSourceResponse, ServerSentEvent
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
    description: Optional[str] = None  # an `Option` field is not required in ferrapi


class Prompt(BaseModel):
    text: str


items = [
    Item(name="Plumbus", description="A multi-purpose household device."),
    Item(name="Portal Gun", description="A portal opening device."),
    Item(name="Meeseeks Box", description=None),
]


@app.get("/items/stream", response_class=EventSourceResponse)
async def sse_items() -> AsyncIterable[Item]:
    for item in items:
        yield item


@app.get("/items/stream-no-async", response_class=EventSourceResponse)
def sse_items_no_async() -> Iterable[Item]:
    for item in items:
        yield item


@app.get("/items/stream-sse-event", response_class=EventSourceResponse)
async def sse_items_event() -> AsyncIterable[ServerSentEvent]:
    yield ServerSentEvent(comment="stream of item updates")
    for i, item in enumerate(items):
        yield ServerSentEvent(data=item, event="item_update", id=str(i + 1), retry=5000)


@app.get("/items/stream-mixed", response_class=EventSourceResponse)
async def sse_items_mixed() -> AsyncIterable[Item]:
    yield items[0]
    yield ServerSentEvent(data=items[1], event="update", id="2")
    yield ServerSentEvent(comment="multi\nline\r\ncomment\r")
    yield ServerSentEvent(raw_data="raw\rtext\r\nover lines\n", id="")
    yield ServerSentEvent(event="empty")
    yield ServerSentEvent()
    yield ServerSentEvent(retry=0, comment="")


@app.get("/logs/stream", response_class=EventSourceResponse)
async def stream_logs() -> AsyncIterable[ServerSentEvent]:
    yield ServerSentEvent(raw_data="2025-01-01 INFO  Application started")
    yield ServerSentEvent(data={"level": "info", "message": "café ☕ 😀", "tags": ["a", "b"]})
    yield ServerSentEvent(data="hello", event="greeting")
    yield ServerSentEvent(data=[1, 2.5, None, True, {}, []])
    yield ServerSentEvent(data=items[2])


@app.post("/chat/stream", response_class=EventSourceResponse)
async def stream_chat(prompt: Prompt) -> AsyncIterable[ServerSentEvent]:
    for word in prompt.text.split():
        yield ServerSentEvent(data=word, event="token")
    yield ServerSentEvent(raw_data="[DONE]", event="done")


@app.post("/items/stream-created", status_code=201, response_class=EventSourceResponse)
async def sse_items_created() -> AsyncIterable[Item]:
    yield items[0]
