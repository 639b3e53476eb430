"""Parameter models (FastAPI's "Query/Header/Cookie Parameter Models" and "Form Models"
tutorials), literals, integer enums and "Declare Request Example Data": the FastAPI side of
tests/tests/types_params.rs."""

from enum import IntEnum
from typing import Annotated, Literal, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel, Field

app = FastAPI()


class FilterParams(BaseModel):
    model_config = {"extra": "forbid"}

    limit: int = Field(100, gt=0, le=100)
    offset: int = Field(0, ge=0)
    order_by: Literal["created_at", "updated_at"] = "created_at"
    tags: list[str] = []


@app.get("/items/")
async def read_items(filter_query: Annotated[FilterParams, Query()]) -> FilterParams:
    return filter_query


class SearchParams(BaseModel):
    q: str
    page: int = 1


@app.get("/search/")
async def search(params: Annotated[SearchParams, Query()]) -> SearchParams:
    return params


class CommonHeaders(BaseModel):
    host: str
    save_data: bool
    if_modified_since: Optional[str] = None
    traceparent: Optional[str] = None
    x_tag: list[str] = []


@app.get("/headers/")
async def read_headers(headers: Annotated[CommonHeaders, Header()]) -> CommonHeaders:
    return headers


class Cookies(BaseModel):
    model_config = {"extra": "forbid"}

    session_id: str
    fatebook_tracker: Optional[str] = None
    googall_tracker: Optional[str] = None


@app.get("/cookies/")
async def read_cookies(cookies: Annotated[Cookies, Cookie()]) -> Cookies:
    return cookies


class FormData(BaseModel):
    username: str
    password: str
    model_config = {"extra": "forbid"}


@app.post("/login/")
async def login(data: Annotated[FormData, Form()]) -> FormData:
    return data


class Priority(IntEnum):
    low = 1
    medium = 2
    high = 3


@app.get("/priority/{p}")
async def priority(p: Priority, q: Optional[Priority] = None):
    return {"p": p, "q": q}


class Task(BaseModel):
    title: str
    priority: Priority = Priority.medium
    kind: Literal["bug", "feature"]
    size: Literal[1, 2, 3] = 1


@app.post("/tasks/")
async def create_task(task: Task) -> Task:
    return task


@app.get("/sort/")
async def sort(order: Literal["asc", "desc"] = "asc"):
    return {"order": order}


class Item(BaseModel):
    name: str = Field(examples=["Foo"], description="The name", title="Item name")
    description: Optional[str] = Field(default=None, examples=["A very nice Item"], deprecated=True)
    price: float = Field(examples=[35.4], json_schema_extra={"x-unit": "EUR"})
    tax: Optional[float] = None

    model_config = {
        "json_schema_extra": {
            "examples": [
                {"name": "Foo", "description": "A very nice Item", "price": 35.4, "tax": 3.2}
            ]
        }
    }


@app.put("/items/{item_id}")
async def update_item(item_id: int, item: Item):
    return {"item_id": item_id, "item": item}


@app.put("/examples/{item_id}")
async def update_with_examples(
    item_id: int,
    item: Annotated[Item, Body(examples=[{"name": "Foo", "price": 35.4}])],
):
    return {"item_id": item_id, "item": item}


@app.put("/openapi-examples/{item_id}")
async def update_with_openapi_examples(
    *,
    item_id: int,
    item: Annotated[
        Item,
        Body(
            openapi_examples={
                "normal": {
                    "summary": "A normal example",
                    "description": "A **normal** item works correctly.",
                    "value": {"name": "Foo", "description": "A very nice Item", "price": 35.4},
                },
                "invalid": {
                    "summary": "Invalid data is rejected with an error",
                    "value": {"name": "Baz", "price": "thirty five point four"},
                },
            },
        ),
    ],
):
    return {"item_id": item_id, "item": item}


@app.get("/documented/")
async def documented(
    q: Annotated[
        Optional[str],
        Query(
            description="Query string for the items to search",
            examples=["foo"],
            openapi_examples={"simple": {"summary": "A simple query", "value": "foo"}},
            deprecated=True,
        ),
    ] = None,
):
    return {"q": q}


class Paging(BaseModel):
    page: int = 1
    size: int = 10


@app.get("/paging/")
async def paging(paging: Annotated[Optional[Paging], Query()] = None):
    return {"paging": paging}
