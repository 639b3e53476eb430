//! Middleware: an app that wraps an app, as Starlette's pure-ASGI middleware.
//!
//! Middleware here is any [`ferrapi_server::App`] that holds the next app, so middleware written
//! for the toolkit also runs on the bare server and the other way round. An
//! [`Application`](crate::Application) stacks middleware given as functions from the inner app
//! (type-erased as [`BoxApp`]) to the wrapping app; the first added is the outermost, as in
//! Starlette's `middleware=[...]` list.
//!
//! ```
//! use ferrapi_toolkit::middleware::BoxApp;
//! use ferrapi_toolkit::server::{App, Body, Request, Response};
//!
//! /// Adds `x-served-by` to every response.
//! struct ServedBy<A> { inner: A }
//!
//! impl<A: App> App for ServedBy<A> {
//!     async fn call(&self, req: Request<Body>) -> Response<Body> {
//!         let mut response = self.inner.call(req).await;
//!         response.headers_mut().insert("x-served-by", "ferrapi".parse().unwrap());
//!         response
//!     }
//! }
//!
//! let app = ferrapi_toolkit::Application::new()
//!     .middleware(|inner: BoxApp| ServedBy { inner });
//! ```
//!
//! ## Built-in middleware
//!
//! | Starlette | here |
//! |---|---|
//! | `CORSMiddleware` | [`cors::CORSMiddleware`] with [`cors::CorsConfig`] |
//! | `GZipMiddleware` | [`gzip::GZipMiddleware`] |
//! | `TrustedHostMiddleware` | [`trustedhost::TrustedHostMiddleware`] |
//! | `HTTPSRedirectMiddleware` | [`httpsredirect::HTTPSRedirectMiddleware`] |
//! | `RequestBodyLimitMiddleware` | [`limits::RequestBodyLimitMiddleware`] |
//! | `BaseHTTPMiddleware` | [`function::from_fn`]: a function middleware without its problems |
//!
//! Each is an app wrapping an app, so each works on the bare server and in
//! [`Application::middleware`](crate::Application::middleware):
//!
//! ```
//! use ferrapi_toolkit::middleware::cors::{CORSMiddleware, CorsConfig};
//! use ferrapi_toolkit::middleware::gzip::GZipMiddleware;
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new()
//!     .middleware(|inner: BoxApp| {
//!         CORSMiddleware::new(inner, CorsConfig::new().allow_origins(["https://example.com"]))
//!     })
//!     .middleware(|inner: BoxApp| GZipMiddleware::new(inner).minimum_size(1000));
//! # let _ = app;
//! ```

pub mod cors;
pub mod function;
pub mod gzip;
pub mod httpsredirect;
pub mod limits;
pub mod trustedhost;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ferrapi_server::{App, Body, BoxError, IntoApp, Request, Response};

/// An app whose type is erased, so apps of different types can be stacked and mounted.
#[derive(Clone)]
pub struct BoxApp {
    inner: Arc<dyn DynApp>,
}

impl fmt::Debug for BoxApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BoxApp").finish_non_exhaustive()
    }
}

impl BoxApp {
    /// Erases the type of `app`.
    pub fn new<A: IntoApp>(app: A) -> BoxApp {
        let app = app.into_app();
        BoxApp {
            inner: Arc::new(app),
        }
    }
}

/// A boxed future.
pub(crate) type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

trait DynApp: Send + Sync + 'static {
    fn call_dyn(&self, req: Request<Body>) -> Fut<'_, Response<Body>>;
    fn startup_dyn(&self) -> Fut<'_, Result<(), BoxError>>;
    fn shutdown_dyn(&self) -> Fut<'_, ()>;
}

impl<A: App> DynApp for A {
    fn call_dyn(&self, req: Request<Body>) -> Fut<'_, Response<Body>> {
        Box::pin(self.call(req))
    }

    fn startup_dyn(&self) -> Fut<'_, Result<(), BoxError>> {
        Box::pin(self.startup())
    }

    fn shutdown_dyn(&self) -> Fut<'_, ()> {
        Box::pin(self.shutdown())
    }
}

impl BoxApp {
    /// [`App::call`], with the future's type named.
    pub(crate) fn call_boxed(&self, req: Request<Body>) -> Fut<'_, Response<Body>> {
        self.inner.call_dyn(req)
    }
}

impl App for BoxApp {
    fn call(&self, req: Request<Body>) -> impl Future<Output = Response<Body>> + Send {
        self.inner.call_dyn(req)
    }

    fn startup(&self) -> impl Future<Output = Result<(), BoxError>> + Send {
        self.inner.startup_dyn()
    }

    fn shutdown(&self) -> impl Future<Output = ()> + Send {
        self.inner.shutdown_dyn()
    }
}

/// A function that wraps the inner app in a middleware.
pub type Layer = Box<dyn FnOnce(BoxApp) -> BoxApp + Send + Sync>;
