"""UUIDs in every position: the FastAPI side of tests/tests/types_uuid.rs."""

from typing import Annotated, Optional
from uuid import UUID

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel

app = FastAPI()


class Thing(BaseModel):
    id: UUID
    parent: Optional[UUID] = None


@app.get("/path/{value}")
def in_path(value: UUID):
    return {"value": value}


@app.get("/query")
def in_query(value: UUID):
    return {"value": value}


@app.get("/query-list")
def in_query_list(value: Annotated[list[UUID], Query()] = []):
    return {"value": value}


@app.get("/header")
def in_header(x_value: Annotated[UUID, Header()]):
    return {"value": x_value}


@app.get("/cookie")
def in_cookie(value: Annotated[UUID, Cookie()]):
    return {"value": value}


@app.post("/form")
def in_form(value: Annotated[UUID, Form()]):
    return {"value": value}


@app.post("/body")
def in_body(thing: Thing) -> Thing:
    return thing


@app.post("/embed")
def embedded(value: Annotated[UUID, Body(embed=True)]):
    return {"value": value}


@app.get("/response", response_model=Thing)
def response(id: str):
    return {"id": id}
