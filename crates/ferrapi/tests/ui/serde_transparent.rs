use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
#[serde(transparent)]
struct Name {
    value: String,
}

fn main() {}
