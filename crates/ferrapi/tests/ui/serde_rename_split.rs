use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    #[serde(rename(serialize = "itemName", deserialize = "name"))]
    name: String,
}

fn main() {}
