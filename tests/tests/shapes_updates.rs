//! FastAPI's "Body - Updates" tutorial in ferrapi: `PUT` replaces an item, `PATCH` changes only
//! the fields sent (`Partial<Item>`: pydantic's `model_fields_set`, `model_dump(exclude_unset=
//! True)` and `model_copy(update=…)`), against FastAPI (`tests/reference/shapes_updates.py`),
//! the requests in sequence on one store each.

use std::collections::HashMap;
use std::sync::Mutex;

use ferrapi::types::Partial;
use ferrapi::{get, patch, put, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Clone, Debug)]
struct Item {
    name: Option<String>,
    description: Option<String>,
    price: Option<f64>,
    #[field(default = 10.5)]
    tax: f64,
    #[field(default)]
    tags: Vec<String>,
}

static ITEMS: Mutex<Option<HashMap<String, Value>>> = Mutex::new(None);

fn with_items<R>(f: impl FnOnce(&mut HashMap<String, Value>) -> R) -> R {
    let mut guard = ITEMS.lock().unwrap();
    let items = guard.get_or_insert_with(|| {
        HashMap::from([
            ("foo".to_string(), json!({"name": "Foo", "price": 50.2})),
            (
                "bar".to_string(),
                json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}),
            ),
            (
                "baz".to_string(),
                json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
            ),
        ])
    });
    f(items)
}

#[get("/items/{item_id}", response_model = Item)]
async fn read_item(item_id: String) -> Value {
    with_items(|items| items[&item_id].clone())
}

#[put("/items/{item_id}", response_model = Item)]
async fn update_item(item_id: String, item: Item) -> Value {
    let encoded = serde_json::to_value(&item).unwrap();
    with_items(|items| items.insert(item_id, encoded.clone()));
    encoded
}

#[patch("/items/{item_id}", response_model = Item)]
async fn patch_item(item_id: String, item: Partial<Item>) -> Item {
    let stored = with_items(|items| items[&item_id].clone());
    let stored: Item = {
        let mut v = ferrapi::Validator::new();
        ferrapi::Validate::validate(&stored, &mut v).expect("a stored item is valid")
    };
    let updated = item.update(&stored).expect("the update is a valid item");
    with_items(|items| items.insert(item_id, serde_json::to_value(&updated).unwrap()));
    updated
}

fn app() -> App {
    App::new()
        .route(read_item)
        .route(update_item)
        .route(patch_item)
}

fn cases() -> Vec<Case> {
    let patch = |path: &str, body: &str| Case::new("PATCH", path).json(body);
    vec![
        get("/items/bar"),
        patch("/items/bar", r#"{"price": 3}"#),
        get("/items/bar"),
        patch("/items/bar", r#"{"description": null, "tags": ["a", "b"]}"#),
        get("/items/bar"),
        patch("/items/foo", r#"{}"#),
        get("/items/foo"),
        patch("/items/foo", r#"{"tax": "x"}"#),
        patch("/items/foo", r#"{"name": "Fooz", "unknown": 1}"#),
        get("/items/foo"),
        Case::new("PUT", "/items/baz").json(r#"{"name": "Baz2"}"#),
        get("/items/baz"),
        patch("/items/baz", r#"{"price": 1.5}"#),
        get("/items/baz"),
    ]
}

#[test]
fn partial_updates_answer_as_fastapi() {
    assert_same("shapes_updates", app(), cases());
}

#[test]
fn partial_updates_are_documented_as_fastapi_does() {
    assert_same_openapi("shapes_updates", app().openapi());
}
