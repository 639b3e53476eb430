//! `validation::schema::model_json_schema` against pydantic's `Model.model_json_schema()`
//! (`tests/reference/model_schemas.py`): the model at the root, the models it uses under
//! `$defs`, a recursive model, and a discriminated union's mapping, key for key.

use std::process::Command;

use ferrapi::validation::schema::model_json_schema;
use ferrapi::Model;
use ferrapi_integration_tests::diff::{check_python, differences, python, reference_dir};
use serde::Serialize;
use serde_json::Value;

#[derive(Model, Serialize)]
struct Image {
    url: String,
    #[field(default = 100)]
    width: i64,
}

#[derive(Model, Serialize)]
struct Item {
    #[field(min_length = 1)]
    name: String,
    price: f64,
    #[field(default)]
    tags: Vec<String>,
    #[field(default = None)]
    image: Option<Image>,
    #[field(default)]
    images: Vec<Image>,
}

#[derive(Model, Serialize)]
struct Node {
    value: i64,
    #[field(default)]
    children: Vec<Node>,
}

#[derive(Model, Serialize)]
struct Cat {
    lives: i64,
}

#[derive(Model, Serialize)]
struct Dog {
    good: bool,
}

#[derive(Model, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog(Dog),
}

#[derive(Model, Serialize)]
struct Owner {
    pet: Pet,
}

#[test]
fn model_json_schema_is_pydantics() {
    check_python();
    let out = Command::new(python())
        .arg(reference_dir().join("model_schemas.py"))
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pydantic: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let ours = [
        ("Image", model_json_schema::<Image>()),
        ("Item", model_json_schema::<Item>()),
        ("Node", model_json_schema::<Node>()),
        ("Owner", model_json_schema::<Owner>()),
    ];
    let mut diffs = Vec::new();
    for (name, schema) in ours {
        differences(name, &pydantic[name], &schema, &mut diffs);
    }
    assert!(diffs.is_empty(), "{}", diffs.join("\n"));
}
