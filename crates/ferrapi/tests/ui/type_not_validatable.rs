use ferrapi::get;

struct Opaque;

#[get("/items")]
async fn read_item(thing: Opaque) -> &'static str {
    let _ = thing;
    "unreachable"
}

fn main() {}
