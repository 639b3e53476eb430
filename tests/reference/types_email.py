"""E-mail addresses in every position: the FastAPI side of tests/tests/types_email.rs."""

from typing import Annotated, Optional

from fastapi import Body, Cookie, FastAPI, Form, Header, Query
from pydantic import BaseModel, EmailStr, NameEmail

app = FastAPI()


class Contact(BaseModel):
    email: EmailStr
    who: NameEmail
    backup: Optional[EmailStr] = None


@app.get("/path/{value}")
def in_path(value: EmailStr):
    return {"value": value}


@app.get("/query")
def in_query(value: EmailStr):
    return {"value": value}


@app.get("/query-name")
def in_query_name(value: NameEmail):
    return {"value": str(value)}


@app.get("/query-list")
def in_query_list(value: Annotated[list[EmailStr], Query()] = []):
    return {"value": value}


@app.get("/header")
def in_header(x_value: Annotated[EmailStr, Header()]):
    return {"value": x_value}


@app.get("/cookie")
def in_cookie(value: Annotated[EmailStr, Cookie()]):
    return {"value": value}


@app.post("/form")
def in_form(value: Annotated[EmailStr, Form()]):
    return {"value": value}


@app.post("/body")
def in_body(contact: Contact) -> Contact:
    return contact


@app.post("/embed")
def embedded(value: Annotated[EmailStr, Body(embed=True)]):
    return {"value": value}


@app.get("/response", response_model=Contact)
def response(email: str, who: str):
    return {"email": email, "who": who}
