use ferrapi::{dependency, get};

#[dependency]
async fn count() -> i64 {
    1
}

#[get("/")]
async fn root(#[depends(count)] count: String) -> String {
    count
}

fn main() {}
