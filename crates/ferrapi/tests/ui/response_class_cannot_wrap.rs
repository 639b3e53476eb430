use ferrapi::get;
use ferrapi::toolkit::Html;

#[get("/count", response_class = Html)]
async fn count() -> i64 {
    3
}

fn main() {}
