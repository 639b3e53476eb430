//! Middleware written as one async function: the role of Starlette's `BaseHTTPMiddleware`
//! (`dispatch(request, call_next)`), without its problems.
//!
//! ```
//! use ferrapi_toolkit::middleware::function::{from_fn, Next};
//! use ferrapi_toolkit::{Application, Request};
//!
//! let app = Application::new().middleware(from_fn(|req: Request, next: Next| async move {
//!     let started = std::time::Instant::now();
//!     let mut response = next.run(req).await;
//!     let took = format!("{:.6}", started.elapsed().as_secs_f64());
//!     response.headers_mut().insert("x-process-time", took.parse().unwrap());
//!     response
//! }));
//! # let _ = app;
//! ```
//!
//! `BaseHTTPMiddleware` runs the app in a separate task and re-streams its response through a
//! memory channel, which historically broke background tasks, streaming, request bodies read
//! twice and `contextvars`. Here nothing sits between the function and the app:
//!
//! - [`Next::run`] calls the inner app directly, in the same task, and returns its response
//!   as it is: the body streams through untouched (nothing is buffered), and background tasks
//!   (the server's [`AfterResponse`](ferrapi_server::AfterResponse) extension) and every other
//!   response extension stay attached.
//! - The request body is not read unless the function reads it; a body the function did read
//!   ([`Request::body`]) is handed on to the app, which reads the same bytes again.
//! - The function may answer without calling `next` at all (a short-circuit, as returning a
//!   response from `dispatch` without `call_next`).
//!
//! On the bare server, wrap an app directly with [`FromFn::new`].

use std::future::Future;
use std::sync::Arc;

use ferrapi_server::{App, Body, BoxError, IntoApp};

use super::BoxApp;
use crate::requests::Request;
use crate::responses::Response;

/// The rest of the stack, given to a function middleware: [`Next::run`] calls it.
#[derive(Clone, Debug)]
pub struct Next {
    inner: BoxApp,
}

impl Next {
    /// Wraps the app that `run` calls.
    pub fn new(inner: BoxApp) -> Next {
        Next { inner }
    }

    /// Calls the inner app with `req` and returns its response unchanged.
    pub async fn run(self, req: Request) -> Response {
        self.inner.call(req.into_http()).await
    }
}

/// A middleware made of an async function `(Request, Next) -> Response`; see the
/// [module docs](self).
pub struct FromFn<F> {
    f: Arc<F>,
    inner: BoxApp,
}

impl<F> std::fmt::Debug for FromFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FromFn")
            .field("inner", &self.inner)
            .finish_non_exhaustive()
    }
}

impl<F, Fut> FromFn<F>
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    /// Wraps `inner` (any app: the bare server works too) with the function `f`.
    pub fn new<A: IntoApp>(inner: A, f: F) -> FromFn<F> {
        let inner = inner.into_app();
        FromFn {
            f: Arc::new(f),
            inner: BoxApp::new(inner),
        }
    }
}

/// Turns an async function `(Request, Next) -> Response` into a middleware layer for
/// [`Application::middleware`](crate::Application::middleware).
pub fn from_fn<F, Fut>(f: F) -> impl FnOnce(BoxApp) -> FromFn<F> + Send + Sync + 'static
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    move |inner: BoxApp| FromFn {
        f: Arc::new(f),
        inner,
    }
}

impl<F, Fut> App for FromFn<F>
where
    F: Fn(Request, Next) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    fn call(&self, req: http::Request<Body>) -> impl Future<Output = http::Response<Body>> + Send {
        let next = Next {
            inner: self.inner.clone(),
        };
        (self.f)(Request::from_http(req), next)
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}
