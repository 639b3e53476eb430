"""Response shaping and the temporal response: FastAPI's "Response Model - Return Type"
(response_model_exclude_unset, include, exclude), "Response Cookies", "Response Headers" and
"Change Status Code" tutorials. The FastAPI side of tests/tests/shapes_response.rs."""

from typing import Optional

from fastapi import FastAPI, HTTPException, Response, status
from pydantic import BaseModel, Field

app = FastAPI()


class Item(BaseModel):
    name: str
    description: Optional[str] = None
    price: float
    tax: float = 10.5
    tags: list[str] = []


class Image(BaseModel):
    url: str
    width: int = 100


class Gallery(BaseModel):
    title: str
    cover: Optional[Image] = None
    images: list[Image] = []


items = {
    "foo": {"name": "Foo", "price": 50.2},
    "bar": {"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2},
    "baz": {"name": "Baz", "description": None, "price": 50.2, "tax": 10.5, "tags": []},
}

galleries = {
    "one": {"title": "One", "cover": {"url": "a.png"}, "images": [{"url": "b.png", "width": 100}]},
}


@app.get("/items/{item_id}", response_model=Item, response_model_exclude_unset=True)
async def read_item(item_id: str):
    return items[item_id]


@app.get("/items/{item_id}/defaults", response_model=Item, response_model_exclude_defaults=True)
async def read_item_defaults(item_id: str):
    return items[item_id]


@app.get("/items/{item_id}/none", response_model=Item, response_model_exclude_none=True)
async def read_item_none(item_id: str):
    return items[item_id]


@app.get(
    "/items/{item_id}/name",
    response_model=Item,
    response_model_include={"name", "description"},
)
async def read_item_name(item_id: str):
    return items[item_id]


@app.get("/items/{item_id}/public", response_model=Item, response_model_exclude={"tax"})
async def read_item_public_data(item_id: str):
    return items[item_id]


@app.get("/galleries/{gallery_id}", response_model=Gallery, response_model_exclude_unset=True)
async def read_gallery(gallery_id: str):
    return galleries[gallery_id]


@app.get(
    "/galleries/{gallery_id}/defaults",
    response_model=Gallery,
    response_model_exclude_defaults=True,
)
async def read_gallery_defaults(gallery_id: str):
    return galleries[gallery_id]


@app.post("/cookie-and-object/")
def create_cookie(response: Response):
    response.set_cookie(key="fakesession", value="fake-cookie-session-value")
    return {"message": "Come to the dark side, we have cookies"}


@app.get("/headers-and-object/")
def get_headers(response: Response):
    response.headers["X-Cat-Dog"] = "alone in the world"
    return {"message": "Hello World"}


tasks = {"foo": "Listen to the Bar Fighters"}


@app.put("/get-or-create-task/{task_id}", status_code=200)
def get_or_create_task(task_id: str, response: Response):
    if task_id not in tasks:
        response.status_code = status.HTTP_201_CREATED
        return "This didn't exist before"
    return tasks[task_id]


@app.get("/model-and-cookie/", response_model=Item)
def model_and_cookie(response: Response):
    response.set_cookie(key="seen", value="yes")
    response.headers["X-Model"] = "item"
    return items["foo"]


# `response_model_by_alias=False`: the fields under their names, at every depth; the document
# keeps the aliases.
class Owner(BaseModel):
    full_name: str = Field(alias="fullName")
    nick: Optional[str] = None


class Pet(BaseModel):
    pet_name: str = Field(alias="petName")
    owner: Owner = Field(alias="theOwner")
    friends: list[Owner] = []
    age: int


pet = {
    "petName": "Rex",
    "theOwner": {"fullName": "Ann"},
    "friends": [{"fullName": "Bob", "nick": "b"}],
    "age": 3,
}


@app.get("/pets/by-name", response_model=Pet, response_model_by_alias=False)
async def read_pet_by_name():
    return pet


@app.get("/pets/by-alias", response_model=Pet)
async def read_pet_by_alias():
    return pet


@app.get(
    "/pets/by-name/unset",
    response_model=Pet,
    response_model_by_alias=False,
    response_model_exclude_unset=True,
)
async def read_pet_by_name_unset():
    return pet


# A status chosen at run time with a returned model (ferrapi: `(StatusCode, Task)`).
class Task(BaseModel):
    id: str
    title: str


@app.put("/tasks/{task_id}", status_code=200)
def put_task(task_id: str, response: Response) -> Task:
    if task_id == "gone":
        raise HTTPException(status_code=404, detail="Task not found")
    if task_id not in tasks:
        response.status_code = status.HTTP_201_CREATED
    return Task(id=task_id, title="Listen")
