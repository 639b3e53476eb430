"""FastAPI's "Handling Errors" tutorial (docs_src/handling_errors/tutorial001..006), one
sub-application per snippet mounted under /t001 … /t006 (each has its own exception
handlers, as each snippet is its own app): the FastAPI side of tests/tests/handling_errors.rs.
/t004-str is the older form of tutorial004 (the validation error as `str(exc)`), a documented
difference; /extra reads the request in the handler."""

from fastapi import FastAPI, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

app = FastAPI()

# tutorial001: raise an HTTPException.
t001 = FastAPI()

items = {"foo": "The Foo Wrestlers"}


@t001.get("/items/{item_id}")
async def read_item_001(item_id: str):
    if item_id not in items:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"item": items[item_id]}


# tutorial002: custom headers.
t002 = FastAPI()


@t002.get("/items-header/{item_id}")
async def read_item_header(item_id: str):
    if item_id not in items:
        raise HTTPException(
            status_code=404,
            detail="Item not found",
            headers={"X-Error": "There goes my error"},
        )
    return {"item": items[item_id]}


# tutorial003: a custom exception handler.
t003 = FastAPI()


class UnicornException(Exception):
    def __init__(self, name: str):
        self.name = name


@t003.exception_handler(UnicornException)
async def unicorn_exception_handler(request: Request, exc: UnicornException):
    return JSONResponse(
        status_code=418,
        content={"message": f"Oops! {exc.name} did something. There goes a rainbow..."},
    )


@t003.get("/unicorns/{name}")
async def read_unicorn(name: str):
    if name == "yolo":
        raise UnicornException(name=name)
    return {"unicorn_name": name}


# tutorial004: override the default exception handlers.
t004 = FastAPI()


@t004.exception_handler(StarletteHTTPException)
async def http_exception_handler_004(request, exc):
    return PlainTextResponse(str(exc.detail), status_code=exc.status_code)


@t004.exception_handler(RequestValidationError)
async def validation_exception_handler_004(request, exc: RequestValidationError):
    message = "Validation errors:"
    for error in exc.errors():
        message += f"\nField: {error['loc']}, Error: {error['msg']}"
    return PlainTextResponse(message, status_code=400)


@t004.get("/items/{item_id}")
async def read_item_004(item_id: int):
    if item_id == 3:
        raise HTTPException(status_code=418, detail="Nope! I don't like 3.")
    return {"item_id": item_id}


# The older tutorial004: the validation error as `str(exc)`, which in FastAPI 0.165 prints
# Python dicts and the endpoint's file and line (not reproduced: a documented difference).
t004_str = FastAPI()


@t004_str.exception_handler(RequestValidationError)
async def validation_exception_handler_004_str(request, exc):
    return PlainTextResponse(str(exc), status_code=400)


@t004_str.get("/items/{item_id}")
async def read_item_004_str(item_id: int):
    return {"item_id": item_id}


# tutorial005: use the RequestValidationError body.
t005 = FastAPI()


@t005.exception_handler(RequestValidationError)
async def validation_exception_handler_005(request: Request, exc: RequestValidationError):
    return JSONResponse(
        status_code=422,
        content=jsonable_encoder({"detail": exc.errors(), "body": exc.body}),
    )


class Item(BaseModel):
    title: str
    size: int


@t005.post("/items/")
async def create_item(item: Item):
    return item


# tutorial006: re-use FastAPI's exception handlers.
t006 = FastAPI()


@t006.exception_handler(StarletteHTTPException)
async def custom_http_exception_handler(request, exc):
    print(f"OMG! An HTTP error!: {repr(exc)}")
    return await http_exception_handler(request, exc)


@t006.exception_handler(RequestValidationError)
async def validation_exception_handler_006(request, exc):
    print(f"OMG! The client sent invalid data!: {exc}")
    return await request_validation_exception_handler(request, exc)


@t006.get("/items/{item_id}")
async def read_item_006(item_id: int):
    if item_id == 3:
        raise HTTPException(status_code=418, detail="Nope! I don't like 3.")
    return {"item_id": item_id}


# Not in the tutorial: a handler that reads the request (method, path, a header, a cookie,
# a query parameter) and answers with headers of its own.
extra = FastAPI()


@extra.exception_handler(UnicornException)
async def unicorn_with_request(request: Request, exc: UnicornException):
    return JSONResponse(
        status_code=418,
        content={
            "message": f"Oops! {exc.name} did something.",
            "method": request.method,
            "path": request.url.path,
            "agent": request.headers.get("x-agent"),
            "cookie": request.cookies.get("flavour"),
            "q": request.query_params.get("q"),
            "name": request.path_params.get("name"),
        },
        headers={"X-Unicorn": exc.name},
    )


@extra.exception_handler(404)
async def not_found_with_request(request: Request, exc: StarletteHTTPException):
    return JSONResponse(
        status_code=404,
        content={
            "missing": request.url.path,
            "detail": exc.detail,
            "params": request.path_params,
        },
    )


def unicorn(name: str):
    if name.startswith("yolo"):
        raise UnicornException(name=name)
    return {"unicorn_name": name}


@extra.get("/unicorns/{name}")
async def read_unicorn_extra(name: str):
    return unicorn(name)


@extra.post("/unicorns/{name}")
async def post_unicorn_extra(name: str):
    return unicorn(name)


app.mount("/t001", t001)
app.mount("/t002", t002)
app.mount("/t003", t003)
app.mount("/t004", t004)
app.mount("/t004-str", t004_str)
app.mount("/t005", t005)
app.mount("/t006", t006)
app.mount("/extra", extra)
