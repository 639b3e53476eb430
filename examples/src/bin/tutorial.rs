//! The reference "tutorial" API (FastAPI's `tests/reference/tutorial.py`) served by ferrapi;
//! what it covers and what is not there yet is in [`ferrapi_examples::tutorial`].
//!
//! ```text
//! cargo run --release -p ferrapi-examples --bin tutorial -- --port 8000
//! curl localhost:8000/models/alexnet     # {"model_name":"alexnet","message":"Deep Learning FTW!"}
//! ```

fn main() -> std::process::ExitCode {
    ferrapi::run(ferrapi_examples::tutorial::app())
}
