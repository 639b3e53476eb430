use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
#[serde(tag = "kind")]
struct Item {
    name: String,
}

fn main() {}
