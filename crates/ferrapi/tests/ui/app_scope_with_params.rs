use ferrapi::dependency;

#[dependency(scope = "app")]
async fn pool(size: i64) -> i64 {
    size
}

fn main() {}
