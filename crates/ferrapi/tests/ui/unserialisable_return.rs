use ferrapi::get;

struct Secret;

#[get("/")]
async fn root() -> Secret {
    Secret
}

fn main() {}
