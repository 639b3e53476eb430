"""The FastAPI side of tests/tests/parity_diff.rs: behaviours found by porting FastAPI's
documentation apps (issue "FastAPI parity")."""

from typing import Annotated, Optional

from fastapi import Body, FastAPI, Header, Query, Request, WebSocket
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel

app = FastAPI()


@app.exception_handler(RequestValidationError)
async def validation_exception_handler(request: Request, exc: RequestValidationError):
    return JSONResponse(
        status_code=422,
        content=jsonable_encoder({"detail": exc.errors(), "body": exc.body}),
    )


class Item(BaseModel):
    title: str
    size: int


@app.post("/items/")
async def create_item(item: Item) -> Item:
    return item


@app.post("/two/")
async def two(
    a: Annotated[Optional[int], Body()] = None, b: Annotated[Optional[str], Body()] = None
):
    return {"a": a, "b": b}


@app.post("/one/")
async def one(a: Annotated[Optional[int], Body(embed=True)] = None):
    return {"a": a}


@app.websocket("/ws/refuse")
async def refuse(websocket: WebSocket):
    await websocket.close()


@app.websocket("/ws/needs-token")
async def needs_token(websocket: WebSocket, token: str):
    await websocket.accept()
    await websocket.send_text(token)
    await websocket.close()


# 14. A parameter left out of the document (`include_in_schema=False`), and a response given a
# model only (described by the status's phrase).
class Message(BaseModel):
    message: str


@app.get(
    "/hidden/{item_id}",
    responses={404: {"model": Message}, 499: {"model": Message}, 302: {"description": "Moved"}},
)
async def read_hidden(
    item_id: str,
    hidden_query: Annotated[Optional[str], Query(include_in_schema=False)] = None,
    x_hidden: Annotated[Optional[str], Header(include_in_schema=False)] = None,
):
    return {"id": item_id, "hidden": hidden_query, "h": x_hidden}


@app.get("/only-hidden/")
async def only_hidden(
    hidden_query: Annotated[Optional[str], Query(include_in_schema=False)] = None,
):
    return {"hidden": hidden_query}


# 12, 13. A list of models returned (the response model is `list[Hero]`, titled as FastAPI
# titles it), an optional model field (no title beside its `$ref`).
class Image(BaseModel):
    url: str


class Hero(BaseModel):
    name: str
    image: Optional[Image] = None


@app.get("/heroes/")
async def read_heroes() -> list[Hero]:
    return [Hero(name="Deadpond", image=Image(url="a.png")), Hero(name="Spider-Boy")]


@app.get("/heroes/first")
async def read_first_hero() -> Optional[Hero]:
    return Hero(name="Deadpond")


# 9. A plain (pool-run) operation takes the request; a WebSocket operation's dependency reads
# the handshake.
@app.get("/sync-request/{name}")
def read_sync_request(name: str, request: Request):
    return {
        "method": request.method,
        "path": request.url.path,
        "agent": request.headers.get("x-agent"),
        "name": request.path_params["name"],
        "q": request.query_params.get("q"),
    }


# 3. A non-finite float: a 500 in a dict (json.dumps refuses it), null in a typed value.
class Reading(BaseModel):
    x: float


@app.get("/floats/dict")
def floats_dict():
    return {"x": float("nan")}


@app.get("/floats/model")
def floats_model() -> Reading:
    return Reading(x=float("inf"))
