//! FastAPI's "Global Dependencies" tutorial, against FastAPI
//! (`tests/reference/global_dependencies.py`): `App::dependency` runs before every operation,
//! and its parameters (with the 422 they can cause) are on every operation of the document.

use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, Case};
use serde_json::{json, Value};

#[dependency]
async fn verify_token(#[header] x_token: String) -> Result<(), HTTPException> {
    if x_token != "fake-super-secret-token" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "X-Token header invalid",
        ));
    }
    Ok(())
}

#[dependency]
async fn verify_key(#[header] x_key: String) -> Result<String, HTTPException> {
    if x_key != "fake-super-secret-key" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "X-Key header invalid",
        ));
    }
    Ok(x_key)
}

#[get("/items/")]
async fn read_items() -> Value {
    json!([{"item": "Portal Gun"}, {"item": "Plumbus"}])
}

#[get("/users/")]
async fn read_users() -> Value {
    json!([{"username": "Rick"}, {"username": "Morty"}])
}

fn app() -> App {
    // The dependencies may be added after the routes: the document reads them when built.
    App::new()
        .route(read_items)
        .dependency(verify_token)
        .dependency(verify_key)
        .route(read_users)
}

#[test]
fn global_dependencies_answer_as_fastapi() {
    let mut cases: Vec<Case> = Vec::new();
    for path in ["/items/", "/users/"] {
        cases.push(get(path));
        cases.push(get(path).header("x-token", "fake-super-secret-token"));
        cases.push(
            get(path)
                .header("x-token", "wrong")
                .header("x-key", "fake-super-secret-key"),
        );
        cases.push(
            get(path)
                .header("x-token", "fake-super-secret-token")
                .header("x-key", "wrong"),
        );
        cases.push(
            get(path)
                .header("x-token", "fake-super-secret-token")
                .header("x-key", "fake-super-secret-key"),
        );
    }
    assert_same("global_dependencies", app(), cases);
}

#[test]
fn global_dependencies_are_documented_as_fastapi_does() {
    assert_same_openapi("global_dependencies", app().openapi());
}
