use ferrapi::get;

#[get("/items/{item_id}")]
async fn read_item(#[path(default = 1)] item_id: i64) -> i64 {
    item_id
}

fn main() {}
