use ferrapi::Model;
use serde::Serialize;

mod other {
    pub struct Item {
        pub name: String,
    }
}

#[derive(Model, Serialize)]
#[serde(remote = "other::Item")]
struct Item {
    name: String,
}

fn main() {}
