use ferrapi::post;
use std::collections::HashMap;

#[post("/weights")]
async fn weights(weights: HashMap<String, f64>) -> HashMap<String, f64> {
    weights
}

fn main() {}
