// A type alias of a framework-provided argument is read by its type: this compiles (the
// fixture's error is the deliberate one at the bottom, so the case stays a compile-fail case).
use ferrapi::{get, State};

type Config = State<String>;

#[get("/")]
async fn root(config: Config) -> String {
    config.to_string()
}

fn main() {
    let _: () = root;
}
