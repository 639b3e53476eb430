"""FastAPI's `strict_content_type` (FastAPI's "Strict Content-Type" advanced guide): the default
app (strict), an operation and a router that are not, and an operation of such a router that is
again. The FastAPI side of tests/tests/strict_content_type.rs; the app-wide setting is
strict_content_type_lax.py."""

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float


app = FastAPI()


@app.post("/items/")
async def create_item(item: Item):
    return item


async def create_lax_item(item: Item):
    return item


# FastAPI takes the setting of one operation only in `add_api_route` (its decorators do not
# have the argument).
app.router.add_api_route(
    "/lax/items/", create_lax_item, methods=["POST"], strict_content_type=False
)


router = APIRouter(prefix="/router", strict_content_type=False)


@router.post("/items/")
async def create_router_item(item: Item):
    return item


async def create_router_strict_item(item: Item):
    return item


router.add_api_route(
    "/strict/items/", create_router_strict_item, methods=["POST"], strict_content_type=True
)


app.include_router(router)
