"""FastAPI's "OAuth2 scopes" tutorial without the JWT part (the token is the user's name): the
FastAPI side of tests/tests/security_scopes.rs. What is compared is the scopes: the answers
(401 with `WWW-Authenticate: Bearer scope="…"`) and the document's `security` requirements."""

from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read information about the current user.", "items": "Read items."},
)

app = FastAPI()

users = {"alice": ["me"], "bob": ["me", "items"]}


async def get_current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
):
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{security_scopes.scope_str}"'
    else:
        authenticate_value = "Bearer"
    if token not in users:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Could not validate credentials",
            headers={"WWW-Authenticate": authenticate_value},
        )
    for scope in security_scopes.scopes:
        if scope not in users[token]:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": authenticate_value},
            )
    return token


async def get_current_active_user(
    current_user: Annotated[str, Security(get_current_user, scopes=["me"])],
):
    return current_user


@app.get("/users/me/")
async def read_users_me(
    current_user: Annotated[str, Depends(get_current_active_user)],
):
    return {"username": current_user}


@app.get("/users/me/items/")
async def read_own_items(
    current_user: Annotated[str, Security(get_current_active_user, scopes=["items"])],
):
    return [{"item_id": "Foo", "owner": current_user}]


@app.get("/status/")
async def read_system_status(current_user: Annotated[str, Depends(get_current_user)]):
    return {"status": "ok"}
