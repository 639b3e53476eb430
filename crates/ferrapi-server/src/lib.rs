//! ferrapi's server layer: the counterpart of uvicorn.
//!
//! `ferrapi-server` speaks HTTP/1.1 on tokio with its own protocol engine (httparse for heads,
//! `http` for types, `bytes` for zero-copy buffers; no hyper) and hands each request to an
//! [`App`]: the Rust counterpart of an ASGI application. The toolkit layer (`ferrapi-toolkit`)
//! and the framework layer (`ferrapi`) are apps of this kind, but so is a plain async closure:
//!
//! ```no_run
//! use ferrapi_server::{Body, Request, Response, Server};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), ferrapi_server::Error> {
//!     let app = |req: Request<Body>| async move {
//!         Response::new(Body::from(format!("you asked for {}", req.uri().path())))
//!     };
//!     Server::builder().bind("127.0.0.1:8000").await?.serve(app).await
//! }
//! ```
//!
//! The same app on a free port, asked once over a real socket, then shut down gracefully:
//!
//! ```
//! use ferrapi_server::{Body, Request, Response, Server};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let app = |req: Request<Body>| async move {
//!     Response::new(Body::from(format!("you asked for {}", req.uri().path())))
//! };
//! let server = Server::bind("127.0.0.1:0").await?;
//! let addr = server.local_addr().expect("a TCP listener");
//! let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
//! let serving = server.serve_with_shutdown(app, async move {
//!     let _ = stopped.await;
//! });
//! let client = async move {
//!     let mut conn = tokio::net::TcpStream::connect(addr).await?;
//!     conn.write_all(b"GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await?;
//!     let mut answer = String::new();
//!     conn.read_to_string(&mut answer).await?;
//!     let _ = stop.send(()); // then the server drains and returns
//!     Ok::<String, std::io::Error>(answer)
//! };
//! let (served, answer) = tokio::join!(serving, client);
//! served?;
//! let answer = answer?;
//! assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"));
//! assert!(answer.ends_with("you asked for /hello"));
//! # Ok(()) }
//! ```
//!
//! # What it reproduces from uvicorn, and what differs
//!
//! * The app contract ([`App`]) maps ASGI's `(scope, receive, send)` onto one async call:
//!   the scope is the request head plus a [`Scope`] extension, `receive` is the streaming
//!   request [`Body`], and `send` is the returned `http::Response`. `docs/server.md` lays the
//!   two side by side, message by message.
//! * Wire behaviour follows uvicorn where RFC 9112 leaves room (`100 Continue` only when the app
//!   first reads the body, chunked responses when the length is unknown, 500 for a panicking
//!   app), and goes beyond it where uvicorn has gaps: a header-read timeout, a body-read
//!   timeout, head size and header count limits, a request body limit, HTTP/1.0 keep-alive,
//!   no chunked encoding towards HTTP/1.0 clients, and `Content-Length` plus
//!   `Transfer-Encoding` always rejected (request smuggling).
//!
//! The protocol engine is private; the public skin is [`Server`] and its [`Builder`], the
//! [`App`] trait, [`Body`], [`Scope`] and [`Error`].
//!
//! # Cargo features
//!
//! * `cli` (default): uvicorn's command line, `run` and `Cli` (with the `clap` re-export), and
//!   the log setup behind `Runner::log` (`LogLevel`, `LogFormat`), at the price of `clap` and
//!   `tracing-subscriber`. An embedder that configures the server in code and installs its own
//!   `tracing` subscriber sets `default-features = false` and compiles neither.
//! * `fuzzing`: internals for the cargo-fuzz targets in `fuzz/`; not a stable API.
#![deny(missing_docs)]
#![warn(unreachable_pub)]

mod after;
mod app;
mod body;
#[cfg(feature = "cli")]
mod cli;
mod config;
mod error;
mod listener;
#[doc(hidden)]
pub mod panic;
mod proto;
mod proxy;
mod run;
mod scope;
mod server;
mod shutdown;
pub mod websocket;

pub use after::AfterResponse;
pub use app::{App, BoxError, IntoApp};
pub use body::{Body, BodyError};
#[cfg(feature = "cli")]
pub use cli::{run, Cli};
pub use config::{
    Builder, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT,
    DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_KEEP_ALIVE_TIMEOUT, DEFAULT_MAX_BODY_SIZE,
    DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEAD_SIZE, DEFAULT_MAX_URI_LENGTH, DEFAULT_MIN_BODY_RATE,
    DEFAULT_MIN_BODY_RATE_GRACE, DEFAULT_MIN_RESPONSE_RATE, DEFAULT_MIN_RESPONSE_RATE_GRACE,
    DEFAULT_WS_MAX_SIZE, DEFAULT_WS_PING_INTERVAL, DEFAULT_WS_PING_TIMEOUT,
};
pub use error::Error;
pub use listener::{BindTarget, DEFAULT_BACKLOG};
pub use proxy::TrustedProxies;
#[cfg(feature = "cli")]
pub use run::{LogFormat, LogLevel};
pub use run::{Runner, RuntimeFlavor, EXIT_STARTUP_FAILURE};
pub use scope::{Scheme, Scope};
pub use server::Server;
pub use shutdown::ShutdownSignal;

/// The guide to this layer (`docs/server.md`), with the app contract laid beside ASGI.
#[doc = include_str!("../../../docs/server.md")]
pub mod guide {}

/// The command-line parser the server's [`Cli`] is built with: an app flattens `Cli` into its
/// own `#[derive(clap::Parser)]` struct without depending on clap itself.
#[cfg(feature = "cli")]
pub use clap;
/// Re-export of the `http` crate, whose types make up the app contract.
pub use http;
pub use http::{Request, Response, StatusCode};

/// Internals exposed to the cargo-fuzz targets in `fuzz/`. Not a stable API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::proto::h1::decode::fuzz_chunked;
    pub use crate::proto::h1::role::fuzz_parse_head;
}

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>() {}

    #[test]
    fn public_types_are_thread_safe() {
        assert_send_sync::<crate::Body>();
        assert_send_sync::<crate::BodyError>();
        assert_send_sync::<crate::Error>();
        assert_send_sync::<crate::Scope>();
        assert_send_sync::<crate::Builder>();
        assert_send::<crate::Server>();
        assert_send_sync::<crate::Request<crate::Body>>();
        assert_send_sync::<crate::Response<crate::Body>>();
    }
}
