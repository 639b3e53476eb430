//! `RawBody`, FastAPI's `await request.body()` beside typed arguments, against FastAPI
//! (`tests/reference/raw_body.py`): the bytes as they came (any content type, nothing parsed,
//! nothing documented but what `openapi_extra` says), and beside a model the same bytes the
//! model was read from.

use ferrapi::params::RawBody;
use ferrapi::validation::schema::model_json_schema;
use ferrapi::{post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, post};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Item {
    name: String,
    tags: Vec<String>,
}

fn yaml_body() -> Value {
    json!({
        "requestBody": {
            "content": {"application/x-yaml": {"schema": model_json_schema::<Item>()}},
            "required": true,
        },
    })
}

#[post("/items/", openapi_extra = yaml_body())]
async fn create_item(raw_body: RawBody) -> Value {
    let text = String::from_utf8_lossy(&raw_body);
    let lines: Vec<&str> = text.lines().collect();
    json!({ "lines": lines, "size": raw_body.len() })
}

#[post("/typed-and-raw/")]
async fn typed_and_raw(item: Item, raw_body: RawBody) -> Value {
    json!({ "item": item, "size": raw_body.len() })
}

fn app() -> App {
    App::new().route(create_item).route(typed_and_raw)
}

#[test]
fn raw_bodies_answer_as_fastapi() {
    let yaml = "name: Deadpool\ntags:\n  - x\n  - y\n";
    assert_same(
        "raw_body",
        app(),
        vec![
            post("/items/")
                .header("content-type", "application/x-yaml")
                .raw(yaml),
            post("/items/").json(r#"{"not": "parsed"}"#),
            post("/items/").raw(vec![0xff, 0xfe, b'a']),
            post("/items/"),
            post("/typed-and-raw/").json(r#"{"name": "a", "tags": ["b"]}"#),
            post("/typed-and-raw/").json(r#"{"name": "a"}"#),
        ],
    );
}

#[test]
fn raw_bodies_are_documented_by_openapi_extra_only() {
    assert_same_openapi("raw_body", app().openapi());
}
