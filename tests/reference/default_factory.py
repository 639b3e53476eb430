"""pydantic's `Field(default_factory=…)` beside plain defaults: a field filled by a function when
absent, required in neither case, and documented without a `default`. The FastAPI side of
tests/tests/default_factory.rs."""

from typing import Optional

from fastapi import FastAPI
from pydantic import BaseModel, Field


def default_label() -> str:
    return "new"


class Item(BaseModel):
    name: str
    tags: list[str] = Field(default_factory=list)
    attributes: dict[str, int] = Field(default_factory=dict, description="Named counts")
    label: str = Field(default_factory=default_label)
    parent: Optional[str] = Field(default_factory=lambda: None)
    quantity: int = 1
    notes: list[str] = []


app = FastAPI()


@app.post("/items/")
async def create_item(item: Item) -> Item:
    return item


@app.get("/items/default")
async def read_default_item() -> Item:
    return Item(name="default")
