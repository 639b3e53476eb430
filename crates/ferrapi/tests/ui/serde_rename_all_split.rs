use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
#[serde(rename_all(serialize = "camelCase"))]
struct Item {
    item_name: String,
}

fn main() {}
