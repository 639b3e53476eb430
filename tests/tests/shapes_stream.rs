//! FastAPI's "Stream JSON Lines" tutorial in ferrapi (`JsonLines`), against FastAPI
//! (`tests/reference/shapes_stream.py`): the same body and `content-type`, and the same
//! document (`application/jsonl` with `itemSchema`).

use ferrapi::responses::JsonLines;
use ferrapi::{get, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get};
use serde::Serialize;

#[derive(Model, Serialize, Clone, Debug)]
struct Item {
    name: String,
    description: Option<String>,
}

fn items() -> Vec<Item> {
    vec![
        Item {
            name: "Plumbus".into(),
            description: Some("A multi-purpose household device.".into()),
        },
        Item {
            name: "Portal Gun".into(),
            description: Some("A portal opening device.".into()),
        },
        Item {
            name: "Meeseeks Box".into(),
            description: None,
        },
    ]
}

#[get("/items/stream")]
async fn stream_items() -> JsonLines<Item> {
    JsonLines::from_items(items())
}

#[get("/items/stream-no-async")]
fn stream_items_no_async() -> JsonLines<Item> {
    JsonLines::from_items(items())
}

fn app() -> App {
    App::new().route(stream_items).route(stream_items_no_async)
}

#[test]
fn json_lines_answer_as_fastapi() {
    assert_same(
        "shapes_stream",
        app(),
        vec![get("/items/stream"), get("/items/stream-no-async")],
    );
}

#[test]
fn json_lines_are_documented_as_fastapi_does() {
    assert_same_openapi("shapes_stream", app().openapi());
}
