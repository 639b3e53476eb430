"""tests/reference/docs_pages.py's pages built with `get_swagger_ui_html` and `get_redoc_html`
pointing at the assets ferrapi serves itself (`/docs/swagger-ui-bundle.js?v=5.35.0`, …, ReDoc
without Google Fonts): the FastAPI side of ferrapi's default, offline pages in
tests/tests/docs_pages_diff.rs. Only the asset URLs differ from FastAPI's built-in pages."""

from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)

from docs_pages import app as configured

app = FastAPI(title="Docs Pages", docs_url=None, redoc_url=None)


@app.get("/docs", include_in_schema=False)
async def swagger_ui_html():
    return get_swagger_ui_html(
        openapi_url=app.openapi_url,
        title=app.title + " - Swagger UI",
        oauth2_redirect_url=app.swagger_ui_oauth2_redirect_url,
        init_oauth=configured.swagger_ui_init_oauth,
        swagger_ui_parameters=configured.swagger_ui_parameters,
        swagger_js_url="/docs/swagger-ui-bundle.js?v=5.35.0",
        swagger_css_url="/docs/swagger-ui.css?v=5.35.0",
        swagger_favicon_url="/docs/favicon.png",
    )


@app.get(app.swagger_ui_oauth2_redirect_url, include_in_schema=False)
async def swagger_ui_redirect():
    return get_swagger_ui_oauth2_redirect_html()


@app.get("/redoc", include_in_schema=False)
async def redoc_html():
    return get_redoc_html(
        openapi_url=app.openapi_url,
        title=app.title + " - ReDoc",
        redoc_js_url="/redoc/redoc.standalone.js?v=2.5.4",
        redoc_favicon_url="/redoc/favicon.png",
        with_google_fonts=False,
    )


@app.get("/users/{username}")
async def read_user(username: str):
    return {"message": f"Hello {username}"}
