//! The application: Starlette's `Starlette` class.
//!
//! An [`Application`] holds a [`Router`], the middleware stack, the exception handlers, the
//! lifespan hooks with the [`AppState`] they fill, and the `debug` switch. It implements the
//! server's [`App`] contract, so it is served like any app:
//!
//! ```no_run
//! use ferrapi_toolkit::{Application, Request, Route};
//!
//! async fn home(req: Request) -> String {
//!     format!("hello from {}", req.url())
//! }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), ferrapi_toolkit::server::Error> {
//!     let app = Application::new().route(Route::new("/", home));
//!     ferrapi_toolkit::server::Server::bind("127.0.0.1:8000").await?.serve(app).await
//! }
//! ```
//!
//! The stack, from the outside in, is Starlette's: the user middleware in the order given
//! (the first is the outermost), then the exception handling (which also catches panics in
//! endpoints and renders the debug page), then the router. Unlike Starlette, the answer to an
//! unhandled error comes back through the user middleware, so CORS and other headers are on
//! error responses too.

use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use ferrapi_server::panic::FromPanic;
use ferrapi_server::{App, Body, BoxError, IntoApp};
use http::StatusCode;

use crate::datastructures::AppState;
use crate::exceptions::{CatchUnwind, Error, ExceptionHandlers, HTTPException};
use crate::middleware::{BoxApp, Layer};
use crate::requests::Request;
use crate::responses::{IntoResponse, Response};
use crate::routing::{BaseRoute, MountedParams, Router};

/// What every request of an application can reach: its state, its router (for `url_for`),
/// its exception handlers and the debug switch.
#[derive(Debug)]
pub(crate) struct AppContext {
    pub(crate) state: AppState,
    pub(crate) router: Arc<Router>,
    pub(crate) handlers: Arc<ExceptionHandlers>,
    /// Whether a handler takes the request ([`ExceptionHandlers::wants_request`]), once.
    pub(crate) wants_request: bool,
    pub(crate) debug: bool,
}

type Hook = Box<
    dyn Fn(AppState) -> Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>> + Send + Sync,
>;

/// A toolkit application, being configured: routes, middleware, exception handlers, state and
/// lifespan hooks. It is served by building it ([`Application::build`], or implicitly: every
/// server entry point takes `impl IntoApp`), which consumes it: an application cannot be
/// changed once it serves (Starlette raises at run time when middleware is added after
/// startup; here it is a type error).
pub struct Application {
    router: Router,
    handlers: ExceptionHandlers,
    layers: Vec<Layer>,
    state: AppState,
    debug: bool,
    on_startup: Vec<Hook>,
    on_shutdown: Vec<Hook>,
}

/// A built toolkit application: what serves. Made by [`Application::build`].
pub struct BuiltApplication {
    built: Built,
    state: AppState,
    on_startup: Vec<Hook>,
    on_shutdown: Vec<Hook>,
}

struct Built {
    stack: Stack,
    core: Arc<Core>,
}

/// The middleware stack; without middleware the core is called directly, which saves a boxed
/// future and a dynamic call per request (about 240 instructions, `benches/instructions.sh`).
enum Stack {
    Core(CoreApp),
    Layers(BoxApp),
}

impl fmt::Debug for Application {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Application")
            .field("debug", &self.debug)
            .field("routes", &self.router.routes().len())
            .field("middleware", &self.layers.len())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for BuiltApplication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuiltApplication")
            .field("debug", &self.built.core.ctx.debug)
            .finish_non_exhaustive()
    }
}

impl Default for Application {
    fn default() -> Self {
        Application::new()
    }
}

impl Application {
    /// An application with no routes (every request is a 404).
    pub fn new() -> Application {
        Application {
            router: Router::new(),
            handlers: ExceptionHandlers::new(),
            layers: Vec::new(),
            state: AppState::new(),
            debug: false,
            on_startup: Vec::new(),
            on_shutdown: Vec::new(),
        }
    }

    /// Adds a route, WebSocket route, mount or host route.
    pub fn route(mut self, route: impl Into<BaseRoute>) -> Application {
        self.router.push(route.into());
        self
    }

    /// Adds several routes.
    pub fn routes(mut self, routes: impl IntoIterator<Item = impl Into<BaseRoute>>) -> Application {
        for route in routes {
            self.router.push(route.into());
        }
        self
    }

    /// Replaces the router (keeping none of the routes added before).
    pub fn router(mut self, router: Router) -> Application {
        self.router = router;
        self
    }

    /// Adds a middleware: `layer` gets the inner app and returns the app wrapping it. The
    /// first middleware added is the outermost.
    pub fn middleware<F, A>(mut self, layer: F) -> Application
    where
        F: FnOnce(BoxApp) -> A + Send + Sync + 'static,
        A: App,
    {
        self.layers
            .push(Box::new(move |inner| BoxApp::new(layer(inner))));
        self
    }

    /// Handles errors of type `E` returned by endpoints.
    pub fn exception_handler<E, F, R>(mut self, handler: F) -> Application
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.handlers.on_error::<E, F, R>(handler);
        self
    }

    /// Handles errors of type `E` with an async function of the request and the error,
    /// Starlette's `async def handler(request, exc)`. The request is a copy of the request's
    /// head taken before routing, with the path parameters routing found (no body; see
    /// [`exceptions`](crate::exceptions)); an application copies it only when such a handler
    /// is registered.
    ///
    /// ```
    /// use ferrapi_toolkit::{Application, Json, Request, Route, StatusCode};
    ///
    /// #[derive(Debug)]
    /// struct UnicornException {
    ///     name: String,
    /// }
    /// impl std::fmt::Display for UnicornException {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         write!(f, "unicorn {}", self.name)
    ///     }
    /// }
    /// impl std::error::Error for UnicornException {}
    ///
    /// async fn unicorn(_req: Request) -> Result<&'static str, UnicornException> {
    ///     Err(UnicornException { name: "yolo".into() })
    /// }
    ///
    /// let app = Application::new()
    ///     .route(Route::new("/unicorns", unicorn))
    ///     .exception_handler_with_request(|req: Request, exc: UnicornException| async move {
    ///         let message = format!("Oops! {} did something at {}", exc.name, req.path());
    ///         (StatusCode::IM_A_TEAPOT, Json(serde_json::json!({ "message": message })))
    ///     });
    /// # let _ = app;
    /// ```
    pub fn exception_handler_with_request<E, F, Fut>(mut self, handler: F) -> Application
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(Request, E) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.handlers.on_error_with_request::<E, F, Fut>(handler);
        self
    }

    /// Handles [`HTTPException`]s with `status` (the router's 404 and 405 included).
    pub fn status_handler<F, R>(mut self, status: StatusCode, handler: F) -> Application
    where
        F: Fn(&HTTPException) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.handlers.on_status(status, handler);
        self
    }

    /// Handles [`HTTPException`]s with `status` with an async function of the request (a copy
    /// of its head, as for
    /// [`exception_handler_with_request`](Application::exception_handler_with_request)) and
    /// the exception.
    pub fn status_handler_with_request<F, Fut>(
        mut self,
        status: StatusCode,
        handler: F,
    ) -> Application
    where
        F: Fn(Request, HTTPException) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.handlers.on_status_with_request(status, handler);
        self
    }

    /// Handles every error no other handler takes (the 500 handler).
    pub fn server_error_handler<F, R>(mut self, handler: F) -> Application
    where
        F: Fn(Error) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.handlers.on_server_error(handler);
        self
    }

    /// Handles every error no other handler takes with an async function of the request (a
    /// copy of its head, as for
    /// [`exception_handler_with_request`](Application::exception_handler_with_request)) and
    /// the error.
    pub fn server_error_handler_with_request<F, Fut>(mut self, handler: F) -> Application
    where
        F: Fn(Request, Error) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.handlers.on_server_error_with_request(handler);
        self
    }

    /// Replaces all exception handlers.
    pub fn exception_handlers(mut self, handlers: ExceptionHandlers) -> Application {
        self.handlers = handlers;
        self
    }

    /// Debug mode: unhandled errors answer with a page naming the error and its causes.
    pub fn debug(mut self, debug: bool) -> Application {
        self.debug = debug;
        self
    }

    /// Puts a value in the application state now.
    pub fn state<T: Send + Sync + 'static>(self, value: T) -> Application {
        self.state.insert(value);
        self
    }

    /// Runs `hook` at startup, in the order added, with the application state to fill (a
    /// database pool, a client…). An error stops the server before it accepts connections.
    pub fn on_startup<F, Fut, E>(mut self, hook: F) -> Application
    where
        F: Fn(AppState) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        self.on_startup.push(Box::new(move |state| {
            let fut = hook(state);
            Box::pin(async move { fut.await.map_err(Into::into) })
        }));
        self
    }

    /// Runs `hook` at shutdown, in the order added, after the server stopped accepting and
    /// the requests in flight finished.
    pub fn on_shutdown<F, Fut>(mut self, hook: F) -> Application
    where
        F: Fn(AppState) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_shutdown.push(Box::new(move |state| {
            let fut = hook(state);
            Box::pin(async move {
                fut.await;
                Ok(())
            })
        }));
        self
    }

    /// The application state.
    pub fn app_state(&self) -> &AppState {
        &self.state
    }

    /// The path of the route named `name` (Starlette's `app.url_path_for`).
    pub fn url_path_for(
        &self,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<String, crate::routing::NoMatchFound> {
        self.router.url_path_for(name, params)
    }

    /// Builds the application: the router, the exception handlers and the middleware stack,
    /// once. Every server entry point does it for you (`impl IntoApp`).
    pub fn build(self) -> BuiltApplication {
        let ctx = Arc::new(AppContext {
            state: self.state.clone(),
            router: Arc::new(self.router),
            wants_request: self.handlers.wants_request(),
            handlers: Arc::new(self.handlers),
            debug: self.debug,
        });
        let core = Arc::new(Core { ctx });
        let stack = if self.layers.is_empty() {
            Stack::Core(CoreApp(core.clone()))
        } else {
            let mut stack = BoxApp::new(CoreApp(core.clone()));
            for layer in self.layers.into_iter().rev() {
                stack = layer(stack);
            }
            Stack::Layers(stack)
        };
        BuiltApplication {
            built: Built { stack, core },
            state: self.state,
            on_startup: self.on_startup,
            on_shutdown: self.on_shutdown,
        }
    }
}

impl IntoApp for Application {
    type App = BuiltApplication;

    fn into_app(self) -> BuiltApplication {
        self.build()
    }
}

impl BuiltApplication {
    /// The application state.
    pub fn app_state(&self) -> &AppState {
        &self.state
    }

    /// The path of the route named `name` (Starlette's `app.url_path_for`).
    pub fn url_path_for(
        &self,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<String, crate::routing::NoMatchFound> {
        self.built.core.ctx.router.url_path_for(name, params)
    }
}

/// The innermost layers: exception handling around the router.
#[derive(Debug)]
struct Core {
    ctx: Arc<AppContext>,
}

struct CoreApp(Arc<Core>);

impl App for CoreApp {
    fn call(&self, mut req: http::Request<Body>) -> impl Future<Output = Response> + Send {
        let core = &*self.0;
        // The copy of the request's head for exception handlers that take the request; taken
        // only when one is registered (otherwise `None`: one word in the future, no work), and
        // before routing, which moves the request into the endpoint. Outside the closure, so
        // that a panic while routing still leaves it for the handler.
        let mut snapshot: Option<Request> = None;
        // Building the request and routing it are synchronous: done here, before the future,
        // so that neither request is carried in (and copied with) the future (callgrind). A
        // panic while routing still reaches the exception handlers.
        let routed = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mounted = req.extensions_mut().remove::<MountedParams>();
            let mut request = Request::from_http(req);
            if let Some(MountedParams(params)) = mounted {
                for (name, value) in params.iter() {
                    request
                        .path_params_mut()
                        .push(name.into(), value.to_string());
                }
            }
            request.set_app(core.ctx.clone());
            if core.ctx.wants_request {
                snapshot = Some(request.snapshot());
            }
            core.ctx.router.handle(request)
        }));
        async move {
            let outcome = match routed {
                Ok(fut) => match CatchUnwind::new(fut).await {
                    Ok(result) => result,
                    Err(panic) => Err(panic.into()),
                },
                Err(payload) => Err(crate::exceptions::Panic::from_panic(payload).into()),
            };
            // `outcome` moved whole into a temporary, gone at the `;`: matched in place (a
            // partial move), its storage would stay in the future across the await below.
            let err = match std::convert::identity(outcome) {
                Ok(response) => return response,
                Err(err) => err,
            };
            if !core.ctx.wants_request {
                return core.ctx.handlers.handle(err, core.ctx.debug);
            }
            // Boxed, and nothing else held across the await: inline, the handling's state would
            // grow every request's future (release build: 72 bytes, 480 with it inline), paid by
            // every request of every app.
            if let Some(copy) = &mut snapshot {
                copy.take_published_params();
            }
            let handling = core
                .ctx
                .handlers
                .handle_with_request(err, core.ctx.debug, snapshot);
            Box::pin(handling).await
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Application::call`]: the core's or the middleware stack's. Choosing
    /// the stack happens in `call` itself; an `async fn` would carry (and copy) the request in
    /// its future until its first poll.
    #[project = CallProj]
    enum Call<'a, C> {
        Core { #[pin] fut: C },
        Layers { fut: crate::middleware::Fut<'a, Response> },
    }
}

impl<C: Future<Output = Response>> Future for Call<'_, C> {
    type Output = Response;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Response> {
        match self.project() {
            CallProj::Core { fut } => fut.poll(cx),
            CallProj::Layers { fut } => fut.as_mut().poll(cx),
        }
    }
}

impl App for BuiltApplication {
    fn call(&self, req: http::Request<Body>) -> impl Future<Output = Response> + Send {
        match &self.built.stack {
            Stack::Core(core) => Call::Core {
                fut: core.call(req),
            },
            Stack::Layers(stack) => Call::Layers {
                fut: stack.call_boxed(req),
            },
        }
    }

    async fn startup(&self) -> Result<(), BoxError> {
        for hook in &self.on_startup {
            hook(self.state.clone()).await?;
        }
        match &self.built.stack {
            Stack::Core(_) => Ok(()),
            Stack::Layers(stack) => stack.startup().await,
        }
    }

    async fn shutdown(&self) {
        if let Stack::Layers(stack) = &self.built.stack {
            stack.shutdown().await;
        }
        for hook in &self.on_shutdown {
            let _ = hook(self.state.clone()).await;
        }
    }
}
