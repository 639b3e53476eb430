//! `#[field(default_factory = …)]`, pydantic's `Field(default_factory=…)`, against FastAPI
//! (`tests/reference/default_factory.py`): the field is optional, filled by the function when
//! absent, and documented without a `default`, beside fields whose default is written.

use std::collections::BTreeMap;

use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post};
use serde::Serialize;

fn default_label() -> String {
    "new".to_string()
}

#[derive(Model, Serialize)]
struct Item {
    name: String,
    #[field(default_factory = Vec::new)]
    tags: Vec<String>,
    #[field(default_factory = BTreeMap::new, description = "Named counts")]
    attributes: BTreeMap<String, i64>,
    #[field(default_factory = default_label)]
    label: String,
    #[field(default_factory = || None)]
    parent: Option<String>,
    #[field(default = 1)]
    quantity: i64,
    #[field(default)]
    notes: Vec<String>,
}

#[post("/items/")]
async fn create_item(item: Item) -> Item {
    item
}

#[get("/items/default")]
async fn read_default_item() -> Item {
    Item {
        name: "default".to_string(),
        tags: Vec::new(),
        attributes: BTreeMap::new(),
        label: default_label(),
        parent: None,
        quantity: 1,
        notes: Vec::new(),
    }
}

fn app() -> App {
    App::new().route(create_item).route(read_default_item)
}

#[test]
fn default_factory_fills_absent_fields_as_pydantic() {
    assert_same(
        "default_factory",
        app(),
        vec![
            post("/items/").json(r#"{"name": "Foo"}"#),
            post("/items/").json(
                r#"{"name": "Foo", "tags": ["a", "b"], "attributes": {"x": 1}, "label": "old",
                    "parent": "root", "quantity": 3, "notes": ["n"]}"#,
            ),
            post("/items/").json(r#"{"name": "Foo", "tags": null, "label": 3}"#),
            post("/items/").json(r#"{"name": "Foo", "parent": null, "attributes": {"x": "y"}}"#),
            post("/items/").json(r#"{}"#),
            get("/items/default"),
        ],
    );
}

#[test]
fn default_factory_is_documented_without_a_default() {
    assert_same_openapi("default_factory", app().openapi());
}
