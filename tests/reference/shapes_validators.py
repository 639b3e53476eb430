"""Validators (pydantic's `field_validator` / `model_validator`, modes "after" and "before") and
the serde attributes `#[derive(Model)]` honours: the FastAPI side of
tests/tests/shapes_validators.rs."""

from typing import Annotated, Optional

from fastapi import FastAPI, Query
from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator

app = FastAPI()


class Signup(BaseModel):
    username: str = Field(min_length=2)
    age: int
    password: str
    password2: str

    @field_validator("username")
    @classmethod
    def username_alphanumeric(cls, v: str) -> str:
        if not v.isalnum():
            raise ValueError("must be alphanumeric")
        return v.lower()

    @field_validator("age", mode="before")
    @classmethod
    def age_in_years(cls, v):
        if v == "old":
            raise ValueError("give a number")
        if isinstance(v, str) and v.endswith(" years"):
            return v[: -len(" years")]
        return v

    @field_validator("age")
    @classmethod
    def adult(cls, v: int) -> int:
        assert v >= 18, "must be an adult"
        return v

    @model_validator(mode="after")
    def passwords_match(self):
        if self.password != self.password2:
            raise ValueError("passwords do not match")
        return self


@app.post("/signup/")
async def signup(user: Signup):
    return {"username": user.username, "age": user.age}


class Point(BaseModel):
    x: int
    y: int

    @model_validator(mode="before")
    @classmethod
    def from_pair(cls, data):
        if isinstance(data, list):
            if len(data) != 2:
                raise ValueError("a point is two numbers")
            return {"x": data[0], "y": data[1]}
        return data


class Shape(BaseModel):
    name: str
    points: list[Point]


@app.post("/shapes/")
async def shapes(shape: Shape):
    return shape.model_dump()


class Profile(BaseModel):
    full_name: str = Field(validation_alias=AliasChoices("fullName", "name", "fullname"))
    email: str = Field(validation_alias="e-mail")
    tags: list[str] = []
    language: str = "en"
    secret: Optional[str] = Field(None, exclude=True)
    nickname: Optional[str] = None
    city: str
    zip: Optional[str] = None


@app.post("/profiles/")
async def profiles(p: Profile):
    out = {
        "fullName": p.full_name,
        "e-mail": p.email,
        "tags": p.tags,
        "language": p.language,
    }
    if p.nickname is not None:
        out["nickname"] = p.nickname
    out["city"] = p.city
    out["zip"] = p.zip
    return out


class Strict(BaseModel):
    model_config = {"extra": "forbid"}

    name: str = Field(validation_alias=AliasChoices("name", "n"))
    count: int = 0


@app.post("/strict/")
async def strict(s: Strict):
    return {"name": s.name, "count": s.count}


class Settings(BaseModel):
    page: int = 1
    size: int = 50


@app.post("/settings/")
async def settings(s: Settings):
    return s.model_dump()


class Open(BaseModel):
    model_config = ConfigDict(extra="allow")

    name: str


@app.post("/open/")
async def open_model(o: Open):
    return o.model_dump()


class Counts(BaseModel):
    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int]

    name: str


@app.post("/counts/")
async def counts(c: Counts):
    return c.model_dump()


class Search(BaseModel):
    q: str
    page: int = 0
    size: int = Field(10, le=100)
    tags: list[str] = []

    @field_validator("q", mode="before")
    @classmethod
    def trimmed(cls, v):
        return v.strip() if isinstance(v, str) else v

    @field_validator("q")
    @classmethod
    def not_admin(cls, v: str) -> str:
        if v == "admin":
            raise ValueError(f"{v} is reserved")
        return v


@app.get("/search/")
async def search(params: Annotated[Search, Query()]):
    return params.model_dump()


class Code(BaseModel):
    code: str

    @field_validator("code", mode="before")
    @classmethod
    def upper(cls, v):
        if v == "no":
            raise ValueError("no is refused")
        return v.upper() if isinstance(v, str) else v

    @field_validator("code", mode="before")
    @classmethod
    def strip(cls, v):
        if v == "":
            raise ValueError("empty")
        return v.strip() if isinstance(v, str) else v

    @field_validator("code")
    @classmethod
    def prefixed(cls, v: str) -> str:
        if not v.startswith("X"):
            raise ValueError("must start with X")
        return v + "-1"

    @field_validator("code")
    @classmethod
    def short(cls, v: str) -> str:
        if len(v) > 5:
            raise ValueError(f"{v} is too long")
        return v


@app.post("/codes/")
async def codes(c: Code):
    return c.model_dump()
