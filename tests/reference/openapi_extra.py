"""FastAPI's "Path Operation Advanced Configuration": `openapi_extra`, an extension and a
request body the function reads itself (tutorial005, tutorial006), and a deep merge into
what FastAPI generates (objects merged, lists appended)."""

from fastapi import FastAPI, Request

app = FastAPI()


@app.get("/items/", openapi_extra={"x-aperture-labs-portal": "blue"})
async def read_items():
    return [{"item_id": "portal-gun"}]


@app.post(
    "/items/",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": {
                        "required": ["name", "price"],
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "price": {"type": "number"},
                            "description": {"type": "string"},
                        },
                    }
                }
            },
            "required": True,
        },
    },
)
async def create_item(request: Request):
    return {"content_type": request.headers.get("content-type")}


@app.get(
    "/merged/{item_id}",
    tags=["a"],
    openapi_extra={
        "tags": ["b"],
        "responses": {"200": {"description": "The item", "x-cached": True}},
        "parameters": [{"name": "x-trace", "in": "header", "schema": {"type": "string"}}],
        "summary": "Replaced",
    },
)
async def read_merged(item_id: int):
    return {"item_id": item_id}
