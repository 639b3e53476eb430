"""Unions (discriminated and smart-mode): the FastAPI side of tests/tests/shapes_unions.rs."""

from typing import Annotated, Literal, Optional, Union

from fastapi import Body, FastAPI
from pydantic import BaseModel, Field

app = FastAPI()


class Cat(BaseModel):
    kind: Literal["cat"]
    meows: int


class Dog(BaseModel):
    kind: Literal["dog"]
    name: str
    good: bool = True


class Bird(BaseModel):
    kind: Literal["bird"]


Pet = Annotated[Union[Cat, Dog, Bird], Field(discriminator="kind")]


class Owner(BaseModel):
    name: str
    pet: Pet
    backup: Optional[Pet] = None


@app.post("/pets/")
async def create_pet(pet: Pet):
    return pet


@app.post("/owners/")
async def create_owner(owner: Owner) -> Owner:
    return owner


@app.get("/pets/{n}")
async def read_pet(n: int) -> Pet:
    if n == 1:
        return Cat(kind="cat", meows=3)
    return Dog(kind="dog", name="rex")


class Point(BaseModel):
    x: int
    y: int


class Tag(BaseModel):
    name: str


class Circle(BaseModel):
    r: float


@app.post("/values/")
async def values(
    value: Annotated[Union[int, str], Body(embed=True)],
    maybe: Annotated[Optional[Union[int, str]], Body(embed=True)] = None,
):
    return {"value": value, "maybe": maybe}


@app.post("/shapes/")
async def shapes(shape: Annotated[Union[Point, Tag, list[int], Circle], Body(embed=True)]):
    return {"shape": shape}


@app.post("/numbers/")
async def numbers(n: Annotated[Union[float, int], Body(embed=True)]):
    return {"n": n}


@app.get("/search/")
async def search(q: Union[int, str], page: Optional[Union[int, bool]] = None):
    return {"q": q, "page": page}


class Fish(BaseModel):
    model_config = {"extra": "forbid"}

    kind: Literal["salmon"]
    fins: int


class Worm(BaseModel):
    kind: Literal["Worm"]
    segments: list[int]


Animal = Annotated[Union[Fish, Worm], Field(discriminator="kind")]


@app.post("/animals/")
async def animals(animals: list[Animal]) -> list[Animal]:
    return animals
