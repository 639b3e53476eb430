//! ferrapi's framework layer, the counterpart of FastAPI.
//!
//! This crate wraps [`ferrapi_toolkit`]: path operations with typed arguments, validated with
//! FastAPI's (pydantic's) error shapes, JSON responses from any `Serialize` value, FastAPI's
//! error answers, routers, dependency injection with FastAPI's `Depends` semantics, security
//! schemes, and the OpenAPI document with its `/docs` and `/redoc` pages.
//!
//! ```
//! use ferrapi::{get, App};
//!
//! #[get("/items/{item_id}", tags = ["items"])]
//! async fn read_item(item_id: i64, q: Option<String>) -> serde_json::Value {
//!     serde_json::json!({ "item_id": item_id, "q": q })
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let client = ferrapi::toolkit::testclient::TestClient::new(App::new().route(read_item));
//! let ok = client.get("/items/5?q=hi").send().await;
//! assert_eq!(ok.text(), r#"{"item_id":5,"q":"hi"}"#);
//! let bad = client.get("/items/five").send().await;
//! assert_eq!(bad.status(), 422);
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// The derives used inside this crate name it `::ferrapi`.
extern crate self as ferrapi;

pub mod applications;
pub mod background;
pub mod dependencies;
pub mod exceptions;
pub mod openapi;
mod operation;
pub mod params;
pub mod responses;
pub mod routing;
pub mod security;
pub mod types;
pub mod validation;

#[doc(hidden)]
pub mod __private;

pub use applications::{App, BuiltApp};
pub use background::BackgroundTasks;
pub use dependencies::{Outcome, SecurityScopes, State, Yield};
pub use exceptions::{HTTPException, RequestValidationError};
pub use ferrapi_macros::{
    delete, dependency, get, head, options, patch, post, put, trace, websocket, Dependency, Enum,
    Model,
};
pub use ferrapi_toolkit as toolkit;
pub use routing::{ExtraResponse, Operation, PathOperation, Router};
pub use validation::{ErrorDetail, LocItem, Validate, Validator};

/// Serves `app` with the server's command line (`--host`, `--port`, `--workers`, limits,
/// timeouts…), as `uvicorn main:app` does; returns the process exit code. Needs the `cli`
/// feature (on by default).
#[cfg(feature = "cli")]
pub fn run(app: impl ferrapi_toolkit::server::IntoApp) -> std::process::ExitCode {
    ferrapi_toolkit::server::run(app)
}

/// The guide to this layer (`docs/framework.md`), FastAPI's tutorial chapters in ferrapi code.
/// Its code blocks are compiled as doctests.
#[doc = include_str!("../../../docs/framework.md")]
pub mod guide {
    /// "Coming from FastAPI" (`docs/coming-from-fastapi.md`): every FastAPI concept and its
    /// ferrapi spelling. Its code blocks are compiled as doctests.
    #[doc = include_str!("../../../docs/coming-from-fastapi.md")]
    pub mod coming_from_fastapi {}

    /// The README's example, compiled.
    #[doc = include_str!("../../../README.md")]
    pub mod readme {}

    /// Deployment (`docs/deployment.md`): workers, nginx, containers, Kubernetes probes and
    /// graceful shutdown. Its code blocks are compiled as doctests.
    #[doc = include_str!("../../../docs/deployment.md")]
    pub mod deployment {}
}
