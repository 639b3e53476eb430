use ferrapi::get;

#[get("/items/{item_id}")]
async fn read_item() -> &'static str {
    "no item_id argument"
}

fn main() {}
