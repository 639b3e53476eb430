"""FastAPI's "Configure Swagger UI" how-to (syntax highlighting theme, deep linking off, more
parameters) with `swagger_ui_init_oauth`: the FastAPI side of tests/tests/docs_pages_diff.rs.
The built-in /docs, /redoc and /docs/oauth2-redirect, which ferrapi reproduces byte for byte
with `App::docs_cdn(true)` (FastAPI's pages load their assets from jsDelivr)."""

from fastapi import FastAPI

app = FastAPI(
    title="Docs Pages",
    swagger_ui_parameters={
        "syntaxHighlight": {"theme": "obsidian"},
        "deepLinking": False,
        "dom_id": "#swagger-ui",
        "filter": "caf\u00e9 <b>&",
        "tryItOutEnabled": True,
        "maxDisplayedTags": 3,
        "requestSnippets": {"languages": ["curl_bash", "powershell"], "ratio": 0.5},
        "persistAuthorization": None,
    },
    swagger_ui_init_oauth={
        "clientId": "ferrapi-docs",
        "scopes": ["read", "write"],
        "usePkceWithAuthorizationCodeGrant": True,
    },
)


@app.get("/users/{username}")
async def read_user(username: str):
    return {"message": f"Hello {username}"}
