use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Page {
    #[serde(default)]
    #[field(default = 1)]
    page: i64,
}

fn main() {}
