use ferrapi::Model;
use serde::Serialize;

#[derive(Model, Serialize, Clone)]
#[serde(into = "String")]
struct Name {
    value: String,
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.value
    }
}

fn main() {}
