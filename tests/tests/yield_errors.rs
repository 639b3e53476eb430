//! FastAPI's "Dependencies with yield" with `HTTPException` and `except` (tutorials 008b and
//! 008d), against FastAPI (`tests/reference/yield_errors.py`): `Yield::on_error` sees the
//! operation's error before it is answered and replaces it (an `OwnerError` becomes a 400) or
//! gives it back (a 500).

use ferrapi::dependencies::Yield;
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException};
use ferrapi_integration_tests::diff::{assert_same, get};
use serde_json::{json, Value};

#[derive(Debug)]
struct OwnerError(String);

impl std::fmt::Display for OwnerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OwnerError {}

#[dependency]
fn get_username() -> Yield<String> {
    Yield::blocking("Rick".to_string(), |_| {}).on_error(|err| async move {
        match err.downcast_ref::<OwnerError>() {
            Some(e) => {
                HTTPException::new(StatusCode::BAD_REQUEST, format!("Owner error: {e}")).into()
            }
            None => err,
        }
    })
}

#[get("/items/{item_id}")]
fn get_item(
    item_id: String,
    #[depends(get_username)] username: String,
) -> Result<Value, ferrapi::toolkit::Error> {
    let item = match item_id.as_str() {
        "plumbus" => json!({"description": "Freshly pickled plumbus", "owner": "Morty"}),
        "portal-gun" => json!({"description": "Gun to create portals", "owner": "Rick"}),
        _ => return Err(HTTPException::new(StatusCode::NOT_FOUND, "Item not found").into()),
    };
    if item["owner"] != username.as_str() {
        return Err(OwnerError(username).into());
    }
    Ok(item)
}

#[derive(Debug)]
struct InternalError(String);

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InternalError {}

#[dependency]
fn get_user() -> Yield<String> {
    Yield::blocking("Rick".to_string(), |_| {}).on_error(|err| async move {
        if err.is::<InternalError>() {
            eprintln!("We don't swallow the internal error here, we raise again");
        }
        err
    })
}

#[get("/internal/{item_id}")]
fn get_internal(
    item_id: String,
    #[depends(get_user)] username: String,
) -> Result<String, ferrapi::toolkit::Error> {
    if item_id == "portal-gun" {
        return Err(InternalError(format!(
            "The portal gun is too dangerous to be owned by {username}"
        ))
        .into());
    }
    if item_id != "plumbus" {
        return Err(HTTPException::new(
            StatusCode::NOT_FOUND,
            "Item not found, there's only a plumbus here",
        )
        .into());
    }
    Ok(item_id)
}

fn app() -> App {
    App::new().route(get_item).route(get_internal)
}

#[test]
fn yield_dependencies_see_the_error_first() {
    let cases = ["plumbus", "portal-gun", "nope"]
        .into_iter()
        .flat_map(|id| {
            [
                get(&format!("/items/{id}")),
                get(&format!("/internal/{id}")),
            ]
        })
        .collect();
    assert_same("yield_errors", app(), cases);
}
