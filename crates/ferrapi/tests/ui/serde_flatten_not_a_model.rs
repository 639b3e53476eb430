use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    name: String,
    #[serde(flatten)]
    rest: serde_json::Value,
}

fn main() {}
