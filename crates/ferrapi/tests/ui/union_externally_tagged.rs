use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Cat {
    meows: i64,
}

// serde's default representation, `{"Cat": {...}}`: no pydantic union reads it.
#[derive(Model, Serialize)]
enum Pet {
    Cat(Cat),
    Dog { name: String },
}

fn main() {}
