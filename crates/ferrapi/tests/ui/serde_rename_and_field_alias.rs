use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    #[serde(rename = "itemName")]
    #[field(alias = "item-name")]
    name: String,
}

fn main() {}
