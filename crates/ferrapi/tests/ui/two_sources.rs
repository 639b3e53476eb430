use ferrapi::get;

#[get("/items")]
async fn read_item(#[query] #[header] token: String) -> String {
    token
}

fn main() {}
