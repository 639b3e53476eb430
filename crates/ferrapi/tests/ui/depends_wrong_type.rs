use ferrapi::{dependency, get};

#[dependency]
async fn count() -> i64 {
    1
}

#[get("/")]
async fn root(#[depends(count)] count: bool) -> bool {
    count
}

fn main() {}
