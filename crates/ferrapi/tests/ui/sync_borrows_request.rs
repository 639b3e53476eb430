use ferrapi::get;
use ferrapi::toolkit::Request;

#[get("/items")]
fn read_item(req: &Request) -> String {
    req.path().to_string()
}

fn main() {}
