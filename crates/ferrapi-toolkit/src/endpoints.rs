//! Endpoints: the functions routes call. Starlette's `request_response` wrapper decides from
//! the function whether it runs on the event loop or in the thread pool; here the choice is
//! spelled where the route is made:
//!
//! * an `async fn(Request) -> R` (or async closure) is an [`Endpoint`] as it is and runs on the
//!   runtime;
//! * a plain `fn(Request) -> R` is wrapped with [`blocking`] and runs on the bounded
//!   [thread pool](crate::concurrency), so a blocking call in it never stalls the runtime.
//!
//! `R` is anything [`IntoResponse`], or a `Result` of one whose error converts into
//! [`Error`] (which the exception handlers turn into a response).
//!
//! ```
//! use ferrapi_toolkit::{blocking, Request, Route};
//!
//! async fn home(_req: Request) -> &'static str { "async" }
//! fn report(_req: Request) -> String { std::thread::sleep(std::time::Duration::from_millis(5)); "sync".into() }
//!
//! let routes = [Route::new("/", home), Route::new("/report", blocking(report))];
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::exceptions::Error;
use crate::requests::Request;
use crate::responses::{IntoResponse, Response};
use crate::websockets::WebSocket;

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What an endpoint may return: a response, or a `Result` of one.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a valid endpoint return type",
    note = "return something that implements `IntoResponse`, or `Result<T, E>` where `T: IntoResponse` and `E` is an error type"
)]
pub trait IntoEndpointResult {
    /// Converts to the endpoint's result.
    fn into_endpoint_result(self) -> Result<Response, Error>;
}

impl<T: IntoResponse> IntoEndpointResult for T {
    fn into_endpoint_result(self) -> Result<Response, Error> {
        Ok(self.into_response())
    }
}

impl<T: IntoResponse, E: Into<Error>> IntoEndpointResult for Result<T, E> {
    fn into_endpoint_result(self) -> Result<Response, Error> {
        self.map(IntoResponse::into_response).map_err(Into::into)
    }
}

/// An HTTP endpoint.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an endpoint",
    note = "an endpoint is an `async fn(Request) -> impl IntoResponse`; wrap a plain `fn` with `blocking(f)` to run it on the thread pool"
)]
pub trait Endpoint: Send + Sync + 'static {
    /// Handles the request.
    fn call(&self, req: Request) -> BoxFuture<Result<Response, Error>>;
}

impl<F, Fut, R> Endpoint for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = R> + Send + 'static,
    R: IntoEndpointResult,
{
    fn call(&self, req: Request) -> BoxFuture<Result<Response, Error>> {
        let fut = self(req);
        Box::pin(async move { fut.await.into_endpoint_result() })
    }
}

/// A plain function run on the thread pool; see [`blocking`].
#[derive(Debug)]
pub struct Blocking<F> {
    f: Arc<F>,
}

impl<F> Clone for Blocking<F> {
    fn clone(&self) -> Self {
        Blocking { f: self.f.clone() }
    }
}

/// Makes a plain (blocking) function an endpoint that runs on the
/// [global thread pool](crate::concurrency::ThreadPool::global), FastAPI's rule for `def`
/// endpoints. It can read the body with
/// [`Request::body_blocking`].
pub fn blocking<F, R>(f: F) -> Blocking<F>
where
    F: Fn(Request) -> R + Send + Sync + 'static,
    R: IntoEndpointResult + Send + 'static,
{
    Blocking { f: Arc::new(f) }
}

impl<F, R> Endpoint for Blocking<F>
where
    F: Fn(Request) -> R + Send + Sync + 'static,
    R: IntoEndpointResult + Send + 'static,
{
    fn call(&self, req: Request) -> BoxFuture<Result<Response, Error>> {
        let f = self.f.clone();
        Box::pin(async move {
            crate::concurrency::run_in_threadpool(move || f(req).into_endpoint_result()).await
        })
    }
}

/// A WebSocket endpoint: an `async fn(WebSocket)` returning `()` or `Result<(), E>`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a WebSocket endpoint",
    note = "a WebSocket endpoint is an `async fn(WebSocket)` returning `()` or `Result<(), E>`"
)]
pub trait WebSocketEndpoint: Send + Sync + 'static {
    /// Talks on the socket.
    fn call(&self, ws: WebSocket) -> BoxFuture<Result<(), Error>>;
}

impl<F, Fut> WebSocketEndpoint for F
where
    F: Fn(WebSocket) -> Fut + Send + Sync + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: crate::background::TaskOutcome,
{
    fn call(&self, ws: WebSocket) -> BoxFuture<Result<(), Error>> {
        let fut = self(ws);
        Box::pin(async move { crate::background::TaskOutcome::into_result(fut.await) })
    }
}
