//! Behaviours found by porting FastAPI's documentation apps (issue "FastAPI parity"), against
//! FastAPI (`tests/reference/parity.py`): the same answers, byte for byte.

use ferrapi::toolkit::{Json, StatusCode};
use ferrapi::{post, App, Model, RequestValidationError};
use ferrapi_integration_tests::diff::{assert_same, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Item {
    title: String,
    size: i64,
}

#[post("/items/")]
async fn create_item(item: Item) -> Item {
    item
}

#[post("/two/")]
async fn two(#[body] a: Option<i64>, #[body] b: Option<String>) -> Value {
    json!({ "a": a, "b": b })
}

#[post("/one/")]
async fn one(#[body(embed)] a: Option<i64>) -> Value {
    json!({ "a": a })
}

fn app() -> App {
    App::new()
        .route(create_item)
        .route(two)
        .route(one)
        // FastAPI's "Use the RequestValidationError body" handler.
        .exception_handler(|err: RequestValidationError| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "detail": err.errors(), "body": err.body() })),
            )
        })
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        // 1. The error keeps the body it got: JSON, text, JSON that does not parse.
        post("/items/").json(r#"{"title": "towel", "size": "XL"}"#),
        post("/items/")
            .header("content-type", "text/plain")
            .raw("hello"),
        post("/items/").json(r#"{"title": "#),
        post("/items/"),
    ];
    // 2. Optional embedded arguments and a JSON body that is not an object: `missing`.
    for body in ["5", "[1]", r#""x""#, "null", "{}", r#"{"a": 1, "b": "x"}"#] {
        cases.push(post("/two/").json(body));
        cases.push(post("/one/").json(body));
    }
    cases.push(post("/two/").json(""));
    cases.push(
        post("/two/")
            .header("content-type", "text/plain")
            .raw("hello"),
    );
    cases
}

#[test]
fn parity_cases_answer_as_fastapi() {
    assert_same("parity", app(), cases());
}
