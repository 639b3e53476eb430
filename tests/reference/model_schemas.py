"""pydantic's `model_json_schema()` for the models of tests/tests/model_json_schema.rs, printed
as one JSON object by name."""

import json
from typing import Literal, Optional, Union

from pydantic import BaseModel, Field


class Image(BaseModel):
    url: str
    width: int = 100


class Item(BaseModel):
    name: str = Field(min_length=1)
    price: float
    tags: list[str] = []
    image: Optional[Image] = None
    images: list[Image] = []


class Node(BaseModel):
    value: int
    children: list["Node"] = []


class Cat(BaseModel):
    kind: Literal["cat"]
    lives: int


class Dog(BaseModel):
    kind: Literal["dog"]
    good: bool


class Owner(BaseModel):
    pet: Union[Cat, Dog] = Field(discriminator="kind")


print(
    json.dumps(
        {
            "Image": Image.model_json_schema(),
            "Item": Item.model_json_schema(),
            "Node": Node.model_json_schema(),
            "Owner": Owner.model_json_schema(),
        }
    )
)
