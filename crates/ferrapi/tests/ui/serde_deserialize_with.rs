use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    #[serde(deserialize_with = "from_text")]
    price: i64,
}

fn main() {}
