"""The built-in pages moved and trimmed: the document at /api/openapi.json, Swagger UI at
/api/docs without an OAuth2 redirect page, no ReDoc, syntax highlighting off (FastAPI's
"Configure Swagger UI" first example). The FastAPI side of tests/tests/docs_pages_diff.rs,
compared with ferrapi's `App::docs_cdn(true)` pages."""

from fastapi import FastAPI

app = FastAPI(
    openapi_url="/api/openapi.json",
    docs_url="/api/docs",
    redoc_url=None,
    swagger_ui_oauth2_redirect_url=None,
    swagger_ui_parameters={"syntaxHighlight": False},
    swagger_ui_init_oauth={},
)


@app.get("/users/{username}")
async def read_user(username: str):
    return {"message": f"Hello {username}"}
