use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
#[model(extra = "allow")]
struct Item {
    name: String,
}

fn main() {}
