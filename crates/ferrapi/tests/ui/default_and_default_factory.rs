use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    #[field(default = Vec::new(), default_factory = Vec::new)]
    tags: Vec<String>,
}

fn main() {}
