"""Sets, tuples, bytes, non-zero integers, string wrappers and item constraints in every
position: the FastAPI side of tests/tests/types_collections.rs.

Sets of small non-negative integers iterate in ascending order in CPython (an int hashes to
itself), which is the order of ferrapi's `BTreeSet`.

pydantic has no non-zero integer: `NonZeroU8` is written here as an `int` whose validator
raises pydantic's own `greater_than_equal`/`less_than_equal` for the bounds 1 and 255, and
`NonZeroI32` as an `int` whose validator raises `ValueError("Input should not be zero")`.
"""

from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, File, Form, Header, Query
from pydantic import AfterValidator, BaseModel, Field
from pydantic_core import PydanticCustomError

app = FastAPI()


def non_zero_u8(value: int) -> int:
    if value < 1:
        raise PydanticCustomError(
            "greater_than_equal", "Input should be greater than or equal to {ge}", {"ge": 1}
        )
    if value > 255:
        raise PydanticCustomError(
            "less_than_equal", "Input should be less than or equal to {le}", {"le": 255}
        )
    return value


def non_zero(value: int) -> int:
    if value == 0:
        raise ValueError("Input should not be zero")
    return value


NonZeroU8 = Annotated[int, AfterValidator(non_zero_u8)]
NonZeroI32 = Annotated[int, AfterValidator(non_zero)]
Positive = Annotated[int, Field(gt=0)]


class Bag(BaseModel):
    tags: set[int]
    pair: tuple[int, str]
    triple: tuple[int, int, int]
    data: bytes
    count: NonZeroU8
    delta: NonZeroI32
    name: str
    label: Optional[str] = None
    scores: Annotated[list[Positive], Field(max_length=3)] = []
    codes: set[Annotated[str, Field(max_length=2)]] = set()
    limited: Annotated[set[int], Field(min_length=1, max_length=2)] = {1}
    grid: list[list[Annotated[int, Field(lt=3)]]] = []


# Sets.


@app.get("/set/query")
def set_query(v: Annotated[set[int], Query()]):
    return {"v": v}


@app.get("/set/query-limited")
def set_query_limited(v: Annotated[set[int], Query(min_length=2, max_length=3)] = {0, 1}):
    return {"v": v}


@app.get("/set/header")
def set_header(x_v: Annotated[set[int], Header()]):
    return {"v": x_v}


@app.get("/set/cookie")
def set_cookie(v: Annotated[set[int], Cookie()]):
    return {"v": v}


@app.post("/set/form")
def set_form(v: Annotated[set[int], Form()]):
    return {"v": v}


@app.post("/set/embed")
def set_embed(v: Annotated[set[int], Body(embed=True)]):
    return {"v": v}


@app.post("/set/body")
def set_body(v: Annotated[set[int], Body(max_length=2)]):
    return {"v": v}


# Tuples and fixed-size arrays.


@app.get("/tuple/query")
def tuple_query(v: Annotated[tuple[int, str], Query()]):
    return {"v": v}


@app.get("/tuple/header")
def tuple_header(x_v: Annotated[tuple[int, int, int], Header()]):
    return {"v": x_v}


@app.get("/tuple/cookie")
def tuple_cookie(v: Annotated[tuple[int, str], Cookie()]):
    return {"v": v}


@app.post("/tuple/form")
def tuple_form(v: Annotated[tuple[int, int, int], Form()]):
    return {"v": v}


@app.post("/tuple/embed")
def tuple_embed(v: Annotated[tuple[int, str], Body(embed=True)]):
    return {"v": v}


# Bytes.


@app.get("/bytes/path/{v}")
def bytes_path(v: bytes):
    return {"v": v, "len": len(v)}


@app.get("/bytes/query")
def bytes_query(v: bytes):
    return {"v": v, "len": len(v)}


@app.get("/bytes/query-limited")
def bytes_query_limited(v: Annotated[bytes, Query(min_length=2, max_length=3)]):
    return {"v": v, "len": len(v)}


@app.get("/bytes/header")
def bytes_header(x_v: Annotated[bytes, Header()]):
    return {"v": x_v, "len": len(x_v)}


@app.get("/bytes/cookie")
def bytes_cookie(v: Annotated[bytes, Cookie()]):
    return {"v": v, "len": len(v)}


@app.post("/bytes/form")
def bytes_form(v: Annotated[bytes, Form()]):
    return {"v": v, "len": len(v)}


@app.post("/bytes/file")
def bytes_file(file: Annotated[bytes, File()]):
    return {"file_size": len(file)}


@app.post("/bytes/body")
def bytes_body(v: Annotated[bytes, Body()]):
    return {"v": v, "len": len(v)}


@app.post("/bytes/embed")
def bytes_embed(v: Annotated[bytes, Body(embed=True, max_length=4)]):
    return {"v": v, "len": len(v)}


# Non-zero integers and string wrappers.


@app.get("/nonzero/{u}")
def non_zero_path(u: NonZeroU8, i: NonZeroI32 = 1, opt: Optional[NonZeroI32] = None):
    return {"u": u, "i": i, "opt": opt}


@app.get("/strings")
def strings(
    boxed: str,
    cow: Annotated[str, Query(max_length=3)] = "abc",
    shared: Optional[str] = None,
    counted: Annotated[int, Query(gt=1)] = 2,
):
    return {"boxed": boxed, "cow": cow, "shared": shared, "counted": counted}


# Item constraints.


@app.get("/items/query")
def items_query(v: Annotated[list[Positive], Query(max_length=3)] = []):
    return {"v": v}


@app.get("/items/query-set")
def items_query_set(v: Annotated[set[Annotated[int, Field(lt=5)]], Query()]):
    return {"v": v}


@app.post("/items/form")
def items_form(v: Annotated[list[Annotated[str, Field(min_length=2)]], Form()]):
    return {"v": v}


# Models.


@app.post("/bag")
def bag(bag: Bag) -> Bag:
    return bag


@app.get("/response", response_model=Bag)
def response(data: str, count: int):
    return {
        "tags": [3, 1, 3],
        "pair": [1, "a"],
        "triple": [1, 2, 3],
        "data": data,
        "count": count,
        "delta": -1,
        "name": "n",
    }
