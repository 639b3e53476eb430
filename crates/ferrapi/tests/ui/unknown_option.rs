use ferrapi::get;

#[get("/items")]
async fn read_item(#[query(maxlen = 3)] q: String) -> String {
    q
}

fn main() {}
