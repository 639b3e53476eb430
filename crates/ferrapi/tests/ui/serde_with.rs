use ferrapi::Model;
use serde::Serialize;

mod as_text {
    pub fn serialize<S: serde::Serializer>(n: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&n.to_string())
    }
}

#[derive(Model, Serialize)]
struct Item {
    #[serde(with = "as_text")]
    price: i64,
}

fn main() {}
