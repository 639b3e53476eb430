"""FastAPI's "Generating SDKs" custom operation IDs (`generate_unique_id_function` on the app),
with a router's and an operation's own rule, and an explicit `operation_id` over them."""

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel


def custom_generate_unique_id(route: APIRoute):
    return f"{route.tags[0]}-{route.name}"


def router_unique_id(route: APIRoute):
    return f"router-{route.name}"


def own_unique_id(route: APIRoute):
    return f"own-{route.name}"


app = FastAPI(generate_unique_id_function=custom_generate_unique_id)


class Item(BaseModel):
    name: str
    price: float


class ResponseMessage(BaseModel):
    message: str


class User(BaseModel):
    username: str
    email: str


@app.post("/items/", response_model=ResponseMessage, tags=["items"])
async def create_item(item: Item):
    return {"message": "Item received"}


@app.get("/items/", response_model=list[Item], tags=["items"])
async def get_items():
    return [
        {"name": "Plumbus", "price": 3},
        {"name": "Portal Gun", "price": 9001},
    ]


@app.post("/users/", response_model=ResponseMessage, tags=["users"])
async def create_user(user: User):
    return {"message": "User received"}


router = APIRouter(generate_unique_id_function=router_unique_id)


@router.post("/things/", tags=["things"])
async def create_thing(name: str, price: float = 0.0):
    return {"name": name}


@router.post("/things/own", tags=["things"], generate_unique_id_function=own_unique_id)
async def create_own_thing(item: Item) -> Item:
    return item


@router.get("/things/explicit", tags=["things"], operation_id="explicit_id")
async def read_explicit():
    return []


app.include_router(router, prefix="/r")
