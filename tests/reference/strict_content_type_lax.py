"""`FastAPI(strict_content_type=False)`: every operation reads a body sent without a
`Content-Type` as JSON, except those (or those of a router) that say otherwise. The FastAPI
side of tests/tests/strict_content_type.rs."""

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float


app = FastAPI(strict_content_type=False)


@app.post("/items/")
async def create_item(item: Item):
    return item


async def create_strict_item(item: Item):
    return item


app.router.add_api_route(
    "/strict/items/", create_strict_item, methods=["POST"], strict_content_type=True
)


router = APIRouter(prefix="/router", strict_content_type=True)


@router.post("/items/")
async def create_router_item(item: Item):
    return item


app.include_router(router)
