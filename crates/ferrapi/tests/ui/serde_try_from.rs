use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
#[serde(try_from = "String")]
struct Name {
    value: String,
}

fn main() {}
