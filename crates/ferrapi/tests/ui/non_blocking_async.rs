use ferrapi::dependency;

#[dependency(non_blocking)]
async fn cheap() -> i64 {
    1
}

fn main() {}
