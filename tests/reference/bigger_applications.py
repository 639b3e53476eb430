"""FastAPI's "Bigger Applications - Multiple Files" tutorial in one module: the FastAPI side of
tests/tests/bigger_applications.rs. Routers with a prefix, tags, dependencies and responses;
a router included with options of its own (`prefix`, `tags`, `dependencies`, `responses`);
an app-wide dependency."""

from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException


async def get_token_header(x_token: Annotated[str, Header()]):
    if x_token != "fake-super-secret-token":
        raise HTTPException(status_code=400, detail="X-Token header invalid")


async def get_query_token(token: str):
    if token != "jessica":
        raise HTTPException(status_code=400, detail="No Jessica token provided")


users = APIRouter()


@users.get("/users/", tags=["users"])
async def read_users():
    return [{"username": "Rick"}, {"username": "Morty"}]


@users.get("/users/me", tags=["users"])
async def read_user_me():
    return {"username": "fakecurrentuser"}


@users.get("/users/{username}", tags=["users"])
async def read_user(username: str):
    return {"username": username}


items = APIRouter(
    prefix="/items",
    tags=["items"],
    dependencies=[Depends(get_token_header)],
    responses={404: {"description": "Not found"}},
)

fake_items_db = {"plumbus": {"name": "Plumbus"}, "gun": {"name": "Portal Gun"}}


@items.get("/")
async def read_items():
    return fake_items_db


@items.get("/{item_id}")
async def read_item(item_id: str):
    if item_id not in fake_items_db:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"name": fake_items_db[item_id]["name"], "item_id": item_id}


@items.put(
    "/{item_id}",
    tags=["custom"],
    responses={403: {"description": "Operation forbidden"}},
)
async def update_item(item_id: str):
    if item_id != "plumbus":
        raise HTTPException(
            status_code=403, detail="You can only update the item: plumbus"
        )
    return {"item_id": item_id, "name": "The great Plumbus"}


admin = APIRouter()


@admin.post("/")
async def update_admin():
    return {"message": "Admin getting schwifty"}


app = FastAPI(dependencies=[Depends(get_query_token)])

app.include_router(users)
app.include_router(items)
app.include_router(
    admin,
    prefix="/admin",
    tags=["admin"],
    dependencies=[Depends(get_token_header)],
    responses={418: {"description": "I'm a teapot"}},
)


@app.get("/")
async def root():
    return {"message": "Hello Bigger Applications!"}
