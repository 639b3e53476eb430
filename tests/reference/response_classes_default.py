"""`FastAPI(default_response_class=…)`: the app's default response class, a router's winning
over it and an operation's own over both. The FastAPI side of the `app_default` tests in
tests/tests/response_classes_diff.rs."""

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, PlainTextResponse

app = FastAPI(default_response_class=HTMLResponse)


@app.get("/")
async def home():
    return "<h1>Home</h1>"


@app.get("/created", status_code=201)
async def home_created():
    return "<p>made</p>"


@app.get("/plain", response_class=PlainTextResponse)
async def plain():
    return "plain"


@app.get("/direct")
async def direct():
    return PlainTextResponse("sent as is")


texts = APIRouter(prefix="/texts", default_response_class=PlainTextResponse)


@texts.get("/one")
async def one():
    return "one"


app.include_router(texts)
