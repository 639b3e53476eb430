"""IP addresses in every position: the FastAPI side of tests/tests/types_ip.rs."""

from ipaddress import IPv4Address, IPv6Address
from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel, IPvAnyAddress

app = FastAPI()


class Host(BaseModel):
    any: IPvAnyAddress
    v4: IPv4Address
    v6: IPv6Address
    gateway: Optional[IPv4Address] = None


@app.get("/path/{value}")
def in_path(value: IPvAnyAddress):
    return {"value": value}


@app.get("/query")
def in_query(any: IPvAnyAddress, v4: IPv4Address, v6: IPv6Address):
    return {"any": any, "v4": v4, "v6": v6}


@app.get("/query-any")
def in_query_any(value: IPvAnyAddress):
    return {"value": value}


@app.get("/query-v4")
def in_query_v4(value: IPv4Address):
    return {"value": value}


@app.get("/query-v6")
def in_query_v6(value: IPv6Address):
    return {"value": value}


@app.get("/query-list")
def in_query_list(value: Annotated[list[IPvAnyAddress], Query()] = []):
    return {"value": value}


@app.get("/header")
def in_header(x_value: Annotated[IPvAnyAddress, Header()]):
    return {"value": x_value}


@app.get("/cookie")
def in_cookie(value: Annotated[IPv6Address, Cookie()]):
    return {"value": value}


@app.post("/form")
def in_form(value: Annotated[IPv4Address, Form()]):
    return {"value": value}


@app.post("/body")
def in_body(host: Host) -> Host:
    return host


@app.post("/embed")
def embedded(value: Annotated[IPvAnyAddress, Body(embed=True)]):
    return {"value": value}


@app.get("/response", response_model=Host)
def response(any: str, v4: str, v6: str):
    return {"any": any, "v4": v4, "v6": v6}
