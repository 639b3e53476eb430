use ferrapi::get;

#[get("/items")]
async fn read_item(#[path] item_id: i64) -> i64 {
    item_id
}

fn main() {}
