"""Response classes: FastAPI's "Custom Response - HTML, Stream, File, others" tutorial
(`response_class=`, `default_response_class=` on the app and on a router). The FastAPI side
of tests/tests/response_classes_diff.rs."""

from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    ORJSONResponse,
    PlainTextResponse,
    RedirectResponse,
    StreamingResponse,
)

app = FastAPI()


class Item(BaseModel):
    name: str
    price: float


@app.get("/items/", response_class=HTMLResponse)
async def read_items():
    return """
    <html>
        <head>
            <title>Some HTML in here</title>
        </head>
        <body>
            <h1>Look ma! HTML!</h1>
        </body>
    </html>
    """


@app.get("/items/direct", response_class=HTMLResponse)
async def read_items_direct():
    return HTMLResponse(content="<h1>direct</h1>", status_code=200)


@app.get("/plain", response_class=PlainTextResponse)
async def main():
    return "Hello World"


@app.get("/created", response_class=PlainTextResponse, status_code=201)
async def created():
    return "made"


@app.get("/typer")
async def redirect_typer():
    return RedirectResponse("https://typer.tiangolo.com")


@app.get("/fastapi", response_class=RedirectResponse)
async def redirect_fastapi():
    return "https://fastapi.tiangolo.com"


@app.get("/pydantic", response_class=RedirectResponse, status_code=302)
async def redirect_pydantic():
    return "https://docs.pydantic.dev/"


@app.get("/json", response_class=JSONResponse)
async def json_class():
    return [{"item_id": "Foo"}]


async def fake_video_streamer():
    for i in range(3):
        yield b"some fake video bytes"


@app.get("/stream", response_class=StreamingResponse)
async def stream():
    return StreamingResponse(fake_video_streamer())


@app.get("/file", response_class=FileResponse)
async def file():
    return __file__.replace("response_classes.py", "static/swagger-ui.css")


@app.get("/file/direct", response_class=FileResponse)
async def file_direct():
    return FileResponse(__file__.replace("response_classes.py", "static/swagger-ui.css"))


@app.get("/status/html", response_class=HTMLResponse)
async def html_status(response: Response):
    response.status_code = 202
    return "<p>accepted</p>"


router = APIRouter(prefix="/html", default_response_class=HTMLResponse)


@router.get("/page")
async def page():
    return "<p>router</p>"


@router.get("/text", response_class=PlainTextResponse)
async def text():
    return "own class"


router_json = APIRouter(prefix="/json-router", default_response_class=JSONResponse)


@router_json.get("/items")
async def json_items():
    return {"item_id": "Foo"}


@router_json.get("/model", response_model=Item)
async def json_model():
    return {"name": "Bar", "price": 62, "secret": "kept"}


router.include_router(router_json)


redirects = APIRouter(prefix="/go", default_response_class=RedirectResponse)


@redirects.get("/docs")
async def go_docs():
    return "https://fastapi.tiangolo.com/docs"


@redirects.get("/found", status_code=302)
async def go_found():
    return "/items/"


app.include_router(router)
app.include_router(redirects)


@app.get("/stream/raw", response_class=StreamingResponse)
async def stream_raw():
    for i in range(3):
        yield b"some fake video bytes"


@app.get("/orjson", response_class=ORJSONResponse)
async def orjson_item() -> Item:
    return Item(name="Foo", price=50.2)
