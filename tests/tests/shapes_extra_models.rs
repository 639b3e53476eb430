//! FastAPI's "Extra Models" tutorial in ferrapi (a base model flattened into the input, stored
//! and output models), against FastAPI (`tests/reference/shapes_extra_models.py`).

use ferrapi::{post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, post};
use serde::Serialize;

#[derive(Model, Serialize, Clone, Debug)]
struct UserBase {
    username: String,
    email: String,
    full_name: Option<String>,
}

#[derive(Model, Serialize, Debug)]
struct UserIn {
    #[serde(flatten)]
    base: UserBase,
    password: String,
}

#[derive(Model, Serialize, Debug)]
struct UserOut {
    #[serde(flatten)]
    base: UserBase,
}

#[derive(Model, Serialize, Debug)]
struct UserInDb {
    #[serde(flatten)]
    base: UserBase,
    hashed_password: String,
}

fn fake_save_user(user_in: UserIn) -> UserInDb {
    UserInDb {
        hashed_password: format!("supersecret{}", user_in.password),
        base: user_in.base,
    }
}

#[post("/user/", response_model = UserOut)]
async fn create_user(user_in: UserIn) -> UserInDb {
    fake_save_user(user_in)
}

#[test]
fn extra_models_answer_as_fastapi() {
    assert_same(
        "shapes_extra_models",
        App::new().route(create_user),
        vec![
            post("/user/")
                .json(r#"{"username": "john", "password": "secret", "email": "j@x.org"}"#),
            post("/user/").json(
                r#"{"username": "john", "password": "s", "email": "j@x.org", "full_name": "J D"}"#,
            ),
            post("/user/").json(r#"{"username": "john"}"#),
            post("/user/").json(r#"{"username": 1, "password": null, "email": "j@x.org"}"#),
        ],
    );
}

#[test]
fn extra_models_are_documented_as_fastapi_does() {
    ferrapi_integration_tests::diff::assert_same_openapi(
        "shapes_extra_models",
        App::new().route(create_user).openapi(),
    );
}
