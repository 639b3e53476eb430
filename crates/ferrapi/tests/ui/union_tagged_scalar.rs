use ferrapi::Model;
use serde::Serialize;

// An internally tagged variant must hold a model: the tag goes into its object.
#[derive(Model, Serialize)]
#[serde(tag = "kind")]
enum Value {
    Number(i64),
}

fn main() {}
