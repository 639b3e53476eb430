use ferrapi::get;

#[get("/items", response_class = ferrapi::toolkit::Html, response_model = String)]
async fn read_items() -> &'static str {
    "<p>items</p>"
}

fn main() {}
