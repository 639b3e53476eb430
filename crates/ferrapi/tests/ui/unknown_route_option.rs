use ferrapi::get;

#[get("/items", status = 201)]
async fn read_item() -> &'static str {
    "ok"
}

fn main() {}
