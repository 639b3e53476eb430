use ferrapi::get;

#[get("/items", response_model_exclude_unset = true)]
async fn read_item() -> serde_json::Value {
    serde_json::json!({})
}

fn main() {}
