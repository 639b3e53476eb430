//! ferrapi's toolkit layer, the counterpart of Starlette.
//!
//! The toolkit wraps [`ferrapi_server`]: an [`Application`] implements the server's app
//! contract, and so does every middleware and the [`Router`]. One module per concept, as in
//! Starlette:
//!
//! | Starlette module | here |
//! |---|---|
//! | `applications` | [`applications`]: [`Application`] (routes, middleware, exception handlers, lifespan, state, debug) |
//! | `requests` | [`requests`]: [`Request`] |
//! | `formparsers`, `UploadFile` | [`formparsers`]: [`FormData`], [`FormLimits`] (`Request::form`); [`uploads`]: [`UploadFile`] |
//! | `responses` | [`responses`]: [`PlainText`], [`Html`], [`Json`], [`Redirect`], [`Streaming`], cookies |
//! | `routing`, `convertors` | [`routing`]: [`Route`], [`WebSocketRoute`], [`Mount`], [`Host`], [`Router`] |
//! | `websockets` | [`websockets`]: [`WebSocket`] |
//! | `background` | [`background`]: [`BackgroundTasks`] |
//! | `concurrency` | [`concurrency`]: [`run_in_threadpool`](concurrency::run_in_threadpool), [`ThreadPool`](concurrency::ThreadPool) |
//! | `exceptions` | [`exceptions`]: [`HTTPException`], [`WebSocketException`], [`ExceptionHandlers`] |
//! | `middleware` | [`middleware`]: middleware is an app wrapping an app |
//! | `datastructures` | [`datastructures`]: [`QueryParams`](datastructures::QueryParams), [`AppState`] (Starlette's `State`), [`Url`](datastructures::Url) |
//! | `middleware.sessions` | [`sessions`]: [`SessionMiddleware`], [`Session`] (signed-cookie sessions) |
//! | `staticfiles` | [`staticfiles`]: [`StaticFiles`] |
//! | FastAPI's `sse` | [`sse`]: [`EventSourceResponse`], [`ServerSentEvent`] |
//! | `testclient` | [`testclient`]: [`TestClient`](testclient::TestClient) in process, and a real-socket server for tests |
//!
//! ```
//! use ferrapi_toolkit::testclient::TestClient;
//! use ferrapi_toolkit::{Application, Json, Request, Route};
//!
//! async fn user(req: Request) -> Json<serde_json::Value> {
//!     let id: u32 = req.path_params().parse("id").unwrap_or_default();
//!     Json(serde_json::json!({ "id": id }))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = Application::new().route(Route::new("/users/{id:int}", user));
//! let client = TestClient::new(app);
//! let response = client.get("/users/7").send().await;
//! assert_eq!(response.text(), r#"{"id":7}"#);
//! assert_eq!(client.get("/users/x").send().await.status(), 404);
//! # }
//! ```
//!
//! The guide to this layer is `docs/toolkit.md` ([`guide`]).
//!
//! # Cargo features
//!
//! * `cli` (default): the server's command line and log setup (`server::run`, `server::Cli`),
//!   forwarded to `ferrapi-server`'s feature of the same name; without it neither `clap` nor
//!   `tracing-subscriber` is compiled.
//! * `templates`: `Jinja2Templates`' role, on minijinja (the `templating` module).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod applications;
pub mod background;
mod body_limit;
pub mod concurrency;
pub mod datastructures;
pub mod endpoints;
pub mod exceptions;
pub mod formparsers;
pub mod middleware;
pub mod requests;
pub mod responses;
pub mod routing;
pub mod sessions;
pub mod sse;
pub mod staticfiles;
#[cfg(feature = "templates")]
pub mod templating;
pub mod testclient;
pub mod uploads;
pub mod websockets;

pub use ferrapi_server as server;

pub use applications::{Application, BuiltApplication};
pub use background::BackgroundTasks;
pub use datastructures::AppState;
pub use endpoints::{blocking, Endpoint};
pub use exceptions::{Error, ExceptionHandlers, HTTPException, WebSocketException};
pub use ferrapi_server::http;
pub use formparsers::{FormData, FormLimits, FormValue};
pub use http::{Method, StatusCode};
pub use requests::Request;
pub use responses::{
    Cookie, FileResponse, Html, IntoResponse, Json, PlainText, Redirect, Response, ResponseExt,
    Streaming,
};
pub use routing::{Host, Mount, Route, Router, WebSocketRoute};
pub use sessions::{Session, SessionMiddleware};
pub use sse::{EventSourceResponse, ServerSentEvent};
pub use staticfiles::StaticFiles;
pub use uploads::UploadFile;
pub use websockets::{WebSocket, WebSocketSender};

/// The guide to this layer (`docs/toolkit.md`): each Starlette concept with its toolkit
/// spelling, and how the toolkit wraps the server. Its code blocks are compiled as doctests.
#[doc = include_str!("../../../docs/toolkit.md")]
pub mod guide {}
