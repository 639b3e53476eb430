//! The app contract: ferrapi's counterpart of ASGI.
//!
//! | ASGI (uvicorn)                         | ferrapi-server                                        |
//! |----------------------------------------|-------------------------------------------------------|
//! | `scope` (`type: http`, method, path…)  | the `http::Request` head                              |
//! | `scope["client"]`, `["server"]`, …     | the [`Scope`](crate::Scope) request extension         |
//! | `receive()` → `http.request` messages  | polling the request [`Body`] (streams with backpressure) |
//! | `send(http.response.start)`            | returning the `http::Response` (status and headers)   |
//! | `send(http.response.body, more_body)`  | the response [`Body`]: empty, full or a stream        |
//! | `receive()` → `http.disconnect`        | the app's future is dropped when the client goes away |
//! | `lifespan.startup` / `.shutdown`       | [`App::startup`] / [`App::shutdown`]                  |
//!
//! Like hyper 1's `Service`, [`App::call`] takes `&self` and there is no `poll_ready`: an app
//! that needs to apply backpressure does so inside the returned future. The server is generic
//! over the app type, so calling it costs no dynamic dispatch unless the app itself boxes.

use std::future::Future;

use http::{Request, Response};

use crate::body::Body;

/// A boxed, thread-safe error, the error type of lifespan hooks and body streams.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An application the server can run: the counterpart of an ASGI application.
///
/// Any `Fn(Request<Body>) -> impl Future<Output = Response<Body>>` closure that is
/// `Send + Sync + 'static` is an app, so the smallest server is a closure:
///
/// ```
/// use ferrapi_server::{App, Body, Request, Response};
///
/// fn assert_app<A: App>(_: A) {}
/// assert_app(|_req: Request<Body>| async { Response::new(Body::from("ok")) });
/// ```
///
/// Implement the trait by hand to add lifespan hooks:
///
/// ```
/// use ferrapi_server::{App, Body, BoxError, Request, Response};
///
/// struct Hello;
///
/// impl App for Hello {
///     async fn call(&self, _req: Request<Body>) -> Response<Body> {
///         Response::new(Body::from("hello"))
///     }
///
///     async fn startup(&self) -> Result<(), BoxError> {
///         // Open pools, warm caches… an error here stops `serve` before it accepts.
///         Ok(())
///     }
/// }
/// ```
///
/// # Panics and errors
///
/// A panic inside `call` (or inside a streaming response body) is caught by the server: it is
/// logged, and the client gets a `500 Internal Server Error` if the response had not started, or
/// a closed connection if it had. No other request or connection is affected.
pub trait App: Send + Sync + 'static {
    /// Handles one request. The returned future runs on the server's runtime and is dropped if
    /// the client disconnects or the connection fails, which is how cancellation reaches the
    /// app (ASGI's `http.disconnect`).
    fn call(&self, req: Request<Body>) -> impl Future<Output = Response<Body>> + Send;

    /// Runs once before the server accepts its first connection (ASGI `lifespan.startup`).
    /// An error stops [`Server::serve`](crate::Server::serve) with
    /// [`Error::is_startup`](crate::Error::is_startup).
    fn startup(&self) -> impl Future<Output = Result<(), BoxError>> + Send {
        async { Ok(()) }
    }

    /// Runs once after the server stops accepting (ASGI `lifespan.shutdown`).
    fn shutdown(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

impl<F, Fut> App for F
where
    F: Fn(Request<Body>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response<Body>> + Send,
{
    fn call(&self, req: Request<Body>) -> impl Future<Output = Response<Body>> + Send {
        self(req)
    }
}

/// What the server can serve: an [`App`], or a value that builds into one.
///
/// An application that is configured with a builder (the toolkit's `Application`, the
/// framework's `App`) is a different type from the application that serves: building is a
/// consuming step, so an application cannot be changed once it serves (a type error, not a
/// runtime panic), and the served application holds exactly what it needs, with no lock or
/// lazy initialisation on the request path. [`Server::serve`](crate::Server::serve) and every
/// other entry point that takes an app take `impl IntoApp`, so a builder is passed as it is.
///
/// ```
/// use ferrapi_server::{App, Body, IntoApp, Request, Response};
///
/// /// A greeting, configured before it serves.
/// struct Greeter {
///     greeting: String,
/// }
///
/// /// The served greeting: what `Greeter` builds.
/// struct Greeting(String);
///
/// impl App for Greeting {
///     async fn call(&self, _req: Request<Body>) -> Response<Body> {
///         Response::new(Body::from(self.0.clone()))
///     }
/// }
///
/// impl IntoApp for Greeter {
///     type App = Greeting;
///     fn into_app(self) -> Greeting {
///         Greeting(self.greeting)
///     }
/// }
///
/// fn assert_servable<A: IntoApp>(_: A) {}
/// assert_servable(Greeter { greeting: "hello".into() });
/// ```
pub trait IntoApp {
    /// The application that serves.
    type App: App;

    /// Builds it.
    fn into_app(self) -> Self::App;
}

impl<A: App> IntoApp for A {
    type App = A;

    fn into_app(self) -> A {
        self
    }
}
