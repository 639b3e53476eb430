use ferrapi::Model;
use serde::Serialize;

fn as_text<S: serde::Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&n.to_string())
}

#[derive(Model, Serialize)]
struct Item {
    #[serde(serialize_with = "as_text")]
    price: i64,
}

fn main() {}
