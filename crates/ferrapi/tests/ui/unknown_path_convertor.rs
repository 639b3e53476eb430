use ferrapi::get;

#[get("/files/{name:blob}")]
async fn read_file(name: String) -> String {
    name
}

fn main() {}
