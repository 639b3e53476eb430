"""FastAPI's raw body (`await request.body()`) beside typed arguments, with the body described
by `openapi_extra` ("Path Operation Advanced Configuration"): the FastAPI side of
tests/tests/raw_body.rs."""

from fastapi import FastAPI, Request
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
    tags: list[str]


@app.post(
    "/items/",
    openapi_extra={
        "requestBody": {
            "content": {"application/x-yaml": {"schema": Item.model_json_schema()}},
            "required": True,
        },
    },
)
async def create_item(request: Request):
    raw_body = await request.body()
    lines = raw_body.decode("utf-8", "replace").splitlines()
    return {"lines": lines, "size": len(raw_body)}


@app.post("/typed-and-raw/")
async def typed_and_raw(item: Item, request: Request):
    raw_body = await request.body()
    return {"item": item, "size": len(raw_body)}
