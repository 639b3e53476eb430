//! FastAPI's "Bigger Applications - Multiple Files" tutorial, against FastAPI
//! (`tests/reference/bigger_applications.py`). FastAPI's
//! `app.include_router(admin, prefix=…, tags=…, dependencies=…, responses=…)` is a router
//! holding those options that includes `admin`: the options apply around the router's own
//! (prefix before its prefix, tags and dependencies before its own, responses under its own).

use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, post, put, App, ExtraResponse, HTTPException, Router};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, put, Case};
use serde_json::{json, Value};

#[dependency]
async fn get_token_header(#[header] x_token: String) -> Result<(), HTTPException> {
    if x_token != "fake-super-secret-token" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "X-Token header invalid",
        ));
    }
    Ok(())
}

#[dependency]
async fn get_query_token(token: String) -> Result<(), HTTPException> {
    if token != "jessica" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "No Jessica token provided",
        ));
    }
    Ok(())
}

mod users {
    use super::*;

    #[get("/users/", tags = ["users"])]
    async fn read_users() -> Value {
        json!([{"username": "Rick"}, {"username": "Morty"}])
    }

    #[get("/users/me", tags = ["users"])]
    async fn read_user_me() -> Value {
        json!({"username": "fakecurrentuser"})
    }

    #[get("/users/{username}", tags = ["users"])]
    async fn read_user(username: String) -> Value {
        json!({ "username": username })
    }

    pub(crate) fn router() -> Router {
        Router::new()
            .route(read_users)
            .route(read_user_me)
            .route(read_user)
    }
}

mod items {
    use super::*;

    fn name(item_id: &str) -> Option<&'static str> {
        match item_id {
            "plumbus" => Some("Plumbus"),
            "gun" => Some("Portal Gun"),
            _ => None,
        }
    }

    #[get("/")]
    async fn read_items() -> Value {
        json!({"plumbus": {"name": "Plumbus"}, "gun": {"name": "Portal Gun"}})
    }

    #[get("/{item_id}")]
    async fn read_item(item_id: String) -> Result<Value, HTTPException> {
        let name = name(&item_id)
            .ok_or_else(|| HTTPException::new(StatusCode::NOT_FOUND, "Item not found"))?;
        Ok(json!({ "name": name, "item_id": item_id }))
    }

    #[put("/{item_id}", tags = ["custom"], responses = [(403, "Operation forbidden")])]
    async fn update_item(item_id: String) -> Result<Value, HTTPException> {
        if item_id != "plumbus" {
            return Err(HTTPException::new(
                StatusCode::FORBIDDEN,
                "You can only update the item: plumbus",
            ));
        }
        Ok(json!({ "item_id": item_id, "name": "The great Plumbus" }))
    }

    pub(crate) fn router() -> Router {
        Router::new()
            .prefix("/items")
            .tag("items")
            .dependency(get_token_header)
            .response(ExtraResponse::new(404, "Not found"))
            .route(read_items)
            .route(read_item)
            .route(update_item)
    }
}

mod admin {
    use super::*;

    #[post("/")]
    async fn update_admin() -> Value {
        json!({"message": "Admin getting schwifty"})
    }

    pub(crate) fn router() -> Router {
        Router::new().route(update_admin)
    }
}

#[get("/")]
async fn root() -> Value {
    json!({"message": "Hello Bigger Applications!"})
}

fn app() -> App {
    App::new()
        .dependency(get_query_token)
        .include_router(users::router())
        .include_router(items::router())
        // FastAPI's `include_router(admin, prefix="/admin", tags=["admin"], …)`.
        .include_router(
            Router::new()
                .prefix("/admin")
                .tag("admin")
                .dependency(get_token_header)
                .response(ExtraResponse::new(418, "I'm a teapot"))
                .include_router(admin::router()),
        )
        .route(root)
}

#[test]
fn bigger_applications_answer_as_fastapi() {
    let token = "fake-super-secret-token";
    let mut cases: Vec<Case> = vec![
        get("/"),
        get("/?token=jessica"),
        get("/?token=bob"),
        get("/users/?token=jessica"),
        get("/users/me?token=jessica"),
        get("/users/rick?token=jessica"),
        get("/items/?token=jessica"),
        post("/admin/?token=jessica"),
    ];
    for path in [
        "/items/?token=jessica",
        "/items/plumbus?token=jessica",
        "/items/nope?token=jessica",
        "/items/gun",
    ] {
        cases.push(get(path).header("x-token", token));
    }
    for path in ["/items/plumbus?token=jessica", "/items/gun?token=jessica"] {
        cases.push(put(path).header("x-token", token));
    }
    cases.push(post("/admin/?token=jessica").header("x-token", token));
    cases.push(post("/admin/?token=jessica").header("x-token", "wrong"));
    assert_same("bigger_applications", app(), cases);
}

#[test]
fn bigger_applications_are_documented_as_fastapi_does() {
    assert_same_openapi("bigger_applications", app().openapi());
}
