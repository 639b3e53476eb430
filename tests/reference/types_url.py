"""URLs in every position: the FastAPI side of tests/tests/types_url.rs."""

from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import AnyUrl, BaseModel, HttpUrl

app = FastAPI()


class Site(BaseModel):
    home: HttpUrl
    feed: AnyUrl
    mirror: Optional[HttpUrl] = None


@app.get("/path/{value}")
def in_path(value: AnyUrl):
    return {"value": value}


@app.get("/query")
def in_query(value: HttpUrl):
    return {"value": value}


@app.get("/query-any")
def in_query_any(value: AnyUrl):
    return {"value": value}


@app.get("/query-list")
def in_query_list(value: Annotated[list[HttpUrl], Query()] = []):
    return {"value": value}


@app.get("/header")
def in_header(x_value: Annotated[HttpUrl, Header()]):
    return {"value": x_value}


@app.get("/cookie")
def in_cookie(value: Annotated[AnyUrl, Cookie()]):
    return {"value": value}


@app.post("/form")
def in_form(value: Annotated[HttpUrl, Form()]):
    return {"value": value}


@app.post("/body")
def in_body(site: Site) -> Site:
    return site


@app.post("/embed")
def embedded(value: Annotated[HttpUrl, Body(embed=True)]):
    return {"value": value}


@app.get("/response", response_model=Site)
def response(home: str, feed: str):
    return {"home": home, "feed": feed}
