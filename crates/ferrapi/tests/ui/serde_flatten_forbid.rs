use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Address {
    city: String,
}

#[derive(Model, Serialize)]
#[serde(deny_unknown_fields)]
struct Person {
    name: String,
    #[serde(flatten)]
    address: Address,
}

fn main() {}
