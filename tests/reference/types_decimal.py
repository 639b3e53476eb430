"""Decimals in every position: the FastAPI side of tests/tests/types_decimal.rs."""

from decimal import Decimal
from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel, Field

app = FastAPI()


class Thing(BaseModel):
    price: Decimal
    discount: Optional[Decimal] = None


class Bounded(BaseModel):
    amount: Annotated[Decimal, Field(gt=0, le=1000, multiple_of=0.5)]
    small: Annotated[Decimal, Field(max_digits=4, decimal_places=2)]


class Out(BaseModel):
    price: Decimal


@app.get("/path/{value}")
def in_path(value: Decimal):
    return {"value": value}


@app.get("/query")
def in_query(value: Decimal):
    return {"value": value}


@app.get("/query-bounded")
def in_query_bounded(
    value: Annotated[Decimal, Query(gt=1, max_digits=4, decimal_places=2)],
):
    return {"value": value}


@app.get("/query-digits")
def in_query_digits(value: Annotated[Decimal, Query(max_digits=3)]):
    return {"value": value}


@app.get("/query-list")
def in_query_list(value: Annotated[list[Decimal], Query()] = []):
    return {"value": value}


@app.get("/header")
def in_header(x_value: Annotated[Decimal, Header()]):
    return {"value": x_value}


@app.get("/cookie")
def in_cookie(value: Annotated[Decimal, Cookie()]):
    return {"value": value}


@app.post("/form")
def in_form(value: Annotated[Decimal, Form()]):
    return {"value": value}


@app.post("/body", response_model=Out)
def in_body(thing: Thing):
    return thing


@app.post("/bounded")
def bounded(b: Bounded):
    return {"amount": b.amount, "small": b.small}


@app.post("/embed")
def embedded(value: Annotated[Decimal, Body(embed=True)]):
    return {"value": value}


@app.get("/response", response_model=Out)
def response(price: str):
    return {"price": price}
