use ferrapi::get;

#[get("/", status_code = 1000)]
async fn root() -> &'static str {
    "ok"
}

fn main() {}
