//! The application: FastAPI's `FastAPI` class.
//!
//! An [`App`] collects path operations and routers, and builds a toolkit
//! [`Application`] out of them with FastAPI's answers installed:
//! JSON `{"detail": …}` for 404, 405 and `HTTPException`, and the 422 for validation errors. It
//! implements the server's app contract, so [`run`](crate::run) or any server serves it.
//!
//! ```
//! use ferrapi::{get, App};
//!
//! #[get("/")]
//! async fn root() -> serde_json::Value {
//!     serde_json::json!({ "message": "Hello World" })
//! }
//!
//! let app = App::new().title("Tutorial").version("1.0.0").route(root);
//! ```

use std::future::Future;
use std::sync::Arc;

use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::responses::IntoResponse;
use ferrapi_toolkit::server::{App as ServerApp, Body, BoxError};
use ferrapi_toolkit::{Application, Response, State};

use crate::dependencies::{
    erase, AppDependencies, Dependency, DependencyOverrides, ErasedDependency, IntoDependency,
};
use crate::exceptions::{toolkit_http_exception, HTTPException, RequestValidationError};
use crate::routing::{Operation, PathOperation, Router};

/// A framework application.
pub struct App {
    inner: Application,
    title: String,
    version: String,
    description: String,
    operations: Vec<Operation>,
    dependencies: Arc<AppDependencies>,
    app_scoped: Vec<Arc<dyn ErasedDependency>>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("title", &self.title)
            .field("version", &self.version)
            .field("operations", &self.operations.len())
            .finish_non_exhaustive()
    }
}

impl Default for App {
    fn default() -> Self {
        App::new()
    }
}

impl App {
    /// An application titled "FastAPI", version "0.1.0" (FastAPI's defaults).
    pub fn new() -> App {
        let inner = Application::new()
            .exception_handler(toolkit_http_exception)
            .exception_handler(|err: HTTPException| err.into_response())
            .exception_handler(|err: RequestValidationError| err.into_response());
        App {
            inner,
            title: "FastAPI".to_string(),
            version: "0.1.0".to_string(),
            description: String::new(),
            operations: Vec::new(),
            dependencies: Arc::new(AppDependencies::new()),
            app_scoped: Vec::new(),
        }
    }

    /// The API's title (OpenAPI `info.title`).
    pub fn title(mut self, title: impl Into<String>) -> App {
        self.title = title.into();
        self
    }

    /// The API's version (OpenAPI `info.version`).
    pub fn version(mut self, version: impl Into<String>) -> App {
        self.version = version.into();
        self
    }

    /// The API's description (OpenAPI `info.description`).
    pub fn description(mut self, description: impl Into<String>) -> App {
        self.description = description.into();
        self
    }

    /// Debug mode: unhandled errors answer with a page naming the error.
    pub fn debug(mut self, debug: bool) -> App {
        self.inner = self.inner.debug(debug);
        self
    }

    /// Adds a path operation (a function with a route macro, or an [`Operation`]).
    pub fn route(mut self, op: impl PathOperation) -> App {
        let op = op.operation();
        for dep in op.declaration().app_dependencies() {
            if !self.app_scoped.iter().any(|d| d.key() == dep.key()) {
                self.app_scoped.push(dep.clone());
            }
        }
        self.inner = self.inner.route(op.to_route(&self.dependencies));
        self.operations.push(op);
        self
    }

    /// A dependency run before every operation of the app, its value unused (FastAPI's
    /// `FastAPI(dependencies=[…])`). It reads the request line, headers and cookies (a body
    /// parameter of an app-wide dependency is not read; put it on a router or an operation).
    pub fn dependency<D: IntoDependency>(self, dep: D) -> App {
        self.dependencies.add_guard(erase(dep));
        self
    }

    /// Replaces `original` by `replacement` wherever it is used, looked up at request time
    /// (FastAPI's `app.dependency_overrides[original] = replacement`), for tests.
    pub fn dependency_override<D, R>(self, original: D, replacement: R) -> App
    where
        D: IntoDependency,
        R: IntoDependency,
        R::Dep: Dependency<Output = <D::Dep as Dependency>::Output>,
    {
        self.dependencies.overrides().set(original, replacement);
        self
    }

    /// The overrides, to change them while the app runs (`clear()` them after a test).
    pub fn dependency_overrides(&self) -> &DependencyOverrides {
        self.dependencies.overrides()
    }

    /// Adds the operations of a router, with its prefix and tags.
    pub fn include_router(mut self, router: Router) -> App {
        for op in router.into_operations() {
            self = self.route(op);
        }
        self
    }

    /// Adds a toolkit route, mount or host as is (static files, a sub-application…); it is not
    /// part of the OpenAPI document.
    pub fn mount(mut self, route: impl Into<ferrapi_toolkit::routing::BaseRoute>) -> App {
        self.inner = self.inner.route(route);
        self
    }

    /// Adds a middleware (the first added is the outermost); see the toolkit's
    /// [`middleware`](ferrapi_toolkit::middleware).
    pub fn middleware<F, A>(mut self, layer: F) -> App
    where
        F: FnOnce(BoxApp) -> A + Send + Sync + 'static,
        A: ServerApp,
    {
        self.inner = self.inner.middleware(layer);
        self
    }

    /// Handles errors of type `E` (an app's own error types, or [`RequestValidationError`]
    /// to replace the 422 format).
    pub fn exception_handler<E, F, R>(mut self, handler: F) -> App
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.inner = self.inner.exception_handler(handler);
        self
    }

    /// Puts a value in the application state.
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> App {
        self.inner = self.inner.state(value);
        self
    }

    /// Runs `hook` at startup with the application state to fill.
    pub fn on_startup<F, Fut, E>(mut self, hook: F) -> App
    where
        F: Fn(State) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        self.inner = self.inner.on_startup(hook);
        self
    }

    /// Runs `hook` at shutdown.
    pub fn on_shutdown<F, Fut>(mut self, hook: F) -> App
    where
        F: Fn(State) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.inner = self.inner.on_shutdown(hook);
        self
    }

    /// The OpenAPI 3.1 document of the app (FastAPI's `app.openapi()`).
    pub fn openapi(&self) -> serde_json::Value {
        let info = crate::openapi::Info {
            title: self.title.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            ..Default::default()
        };
        crate::openapi::document(&info, &self.operations)
    }

    /// The registered operations, in order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The title.
    pub fn api_title(&self) -> &str {
        &self.title
    }

    /// The version.
    pub fn api_version(&self) -> &str {
        &self.version
    }

    /// The description.
    pub fn api_description(&self) -> &str {
        &self.description
    }
}

impl ServerApp for App {
    fn call(&self, req: http::Request<Body>) -> impl Future<Output = Response> + Send {
        self.inner.call(req)
    }

    /// Runs the startup hooks, then builds the app-scoped dependencies (in the order the
    /// operations reach them); a failure ends the startup.
    fn startup(&self) -> impl Future<Output = Result<(), BoxError>> + Send {
        async move {
            self.inner.startup().await?;
            for dep in &self.app_scoped {
                self.dependencies
                    .build(&**dep)
                    .await
                    .map_err(|e| -> BoxError { e.to_string().into() })?;
            }
            Ok(())
        }
    }

    /// Tears down the app-scoped dependencies (last built first), then runs the shutdown hooks.
    fn shutdown(&self) -> impl Future<Output = ()> + Send {
        async move {
            self.dependencies.shutdown().await;
            self.inner.shutdown().await
        }
    }
}
