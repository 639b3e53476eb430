//! The application: FastAPI's `FastAPI` class.
//!
//! An [`App`] collects path operations and routers, and builds a toolkit
//! [`Application`] out of them with FastAPI's answers installed:
//! JSON `{"detail": …}` for 404, 405 and `HTTPException`, and the 422 for validation errors.
//! Building ([`App::build`]) consumes it and gives the [`BuiltApp`] that serves; every server
//! entry point takes `impl IntoApp` and builds it for you, so [`run`](crate::run), a server or
//! a test client is handed the `App` itself.
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
use ferrapi_toolkit::routing::BaseRoute;
use ferrapi_toolkit::server::{App as ServerApp, Body, BoxError, IntoApp};
use ferrapi_toolkit::{AppState, Application, BuiltApplication, Request, Response, Route};

use crate::dependencies::{
    erase, AppDependencies, Dependency, DependencyOverrides, ErasedDependency, IntoDependency,
};
use crate::exceptions::{toolkit_http_exception, HTTPException, RequestValidationError};
use crate::openapi::docs::{self, DocsConfig};
use crate::routing::{Operation, PathOperation, Router};

/// A function post-processing the generated OpenAPI document ([`App::openapi_hook`]).
type OpenApiHook = Arc<dyn Fn(&mut serde_json::Value) + Send + Sync>;

/// A framework application.
pub struct App {
    /// The toolkit application being configured (middleware, handlers, state, hooks).
    inner: Application,
    /// The routes, in order (operations, mounts), added after the docs' when the app is built.
    routes: Vec<BaseRoute>,
    docs: DocsConfig,
    openapi_30_url: Option<String>,
    validation_error_schema: Option<serde_json::Value>,
    summary: Option<String>,
    servers: Vec<String>,
    title: String,
    version: String,
    description: String,
    operations: Vec<Operation>,
    dependencies: Arc<AppDependencies>,
    app_scoped: Vec<Arc<dyn ErasedDependency>>,
    terms_of_service: Option<String>,
    contact: Option<serde_json::Value>,
    license_info: Option<serde_json::Value>,
    openapi_tags: Vec<serde_json::Value>,
    external_docs: Option<serde_json::Value>,
    generate_unique_id: Option<fn(&Operation) -> String>,
    /// `default_response_class`: applied to the operations added after it.
    default_class: Option<crate::responses::DefaultClass>,
    webhooks: Vec<Operation>,
    /// Run on the generated document, in order (`App::openapi_hook`).
    openapi_hooks: Vec<OpenApiHook>,
    /// Whether the app has its own handler for this crate's `HTTPException`: a handler for
    /// the toolkit's then leaves those to it (FastAPI looks up the most specific class).
    own_http_handler: bool,
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
            routes: Vec::new(),
            docs: DocsConfig::default(),
            openapi_30_url: None,
            validation_error_schema: None,
            summary: None,
            servers: Vec::new(),
            title: "FastAPI".to_string(),
            version: "0.1.0".to_string(),
            description: String::new(),
            operations: Vec::new(),
            dependencies: Arc::new(AppDependencies::new()),
            app_scoped: Vec::new(),
            terms_of_service: None,
            contact: None,
            license_info: None,
            openapi_tags: Vec::new(),
            external_docs: None,
            generate_unique_id: None,
            default_class: None,
            webhooks: Vec::new(),
            openapi_hooks: Vec::new(),
            own_http_handler: false,
        }
    }

    fn edit(mut self, f: impl FnOnce(Application) -> Application) -> App {
        self.inner = f(std::mem::take(&mut self.inner));
        self
    }

    /// Builds the application that serves: the toolkit application with the documentation's
    /// routes first (as FastAPI adds them when the app is made) and then every route in order.
    /// Every server entry point does it for you (`impl IntoApp`).
    pub fn build(self) -> BuiltApp {
        let docs = self.docs_routes();
        let mut app = self.inner;
        for route in docs {
            app = app.route(route);
        }
        BuiltApp {
            app: app.routes(self.routes).build(),
            dependencies: self.dependencies,
            app_scoped: self.app_scoped,
        }
    }

    /// `/openapi.json`, `/docs` (and its assets and OAuth2 redirect page) and `/redoc`, as
    /// configured. The document is generated here, once, and served from memory.
    fn docs_routes(&self) -> Vec<Route> {
        let mut routes = Vec::new();
        let Some(openapi_url) = self.docs.openapi_url.clone() else {
            return routes;
        };
        let document = Arc::new(self.openapi());
        let document_30 = self
            .openapi_30_url
            .as_ref()
            .map(|_| crate::openapi::to_openapi_30(&document));
        let body = bytes::Bytes::from(serde_json::to_vec(&*document).unwrap_or_default());
        let has_servers = document.get("servers").is_some();
        routes.push(
            Route::new(&openapi_url, move |req: Request| {
                let body = body.clone();
                let document = document.clone();
                async move {
                    let root = req.root_path();
                    if root.is_empty() || has_servers {
                        return json_bytes(body);
                    }
                    // Behind a root path, the document names it (FastAPI's `root_path_in_servers`).
                    let mut doc = (*document).clone();
                    if let Some(map) = doc.as_object_mut() {
                        map.insert("servers".into(), serde_json::json!([{ "url": root }]));
                    }
                    json_bytes(bytes::Bytes::from(
                        serde_json::to_vec(&doc).unwrap_or_default(),
                    ))
                }
            })
            .name("openapi")
            .include_in_schema(false),
        );
        if let (Some(url), Some(document_30)) = (&self.openapi_30_url, document_30) {
            let body = bytes::Bytes::from(serde_json::to_vec(&document_30).unwrap_or_default());
            routes.push(
                Route::new(url, move |_req: Request| {
                    let body = body.clone();
                    async move { json_bytes(body) }
                })
                .name("openapi_30")
                .include_in_schema(false),
            );
        }
        let title = self.title.clone();
        if let Some(docs_url) = self.docs.docs_url.clone() {
            let config = self.docs.clone();
            let page_title = title.clone();
            let url = docs_url.clone();
            routes.push(
                Route::new(&docs_url, move |req: Request| {
                    let html = config.swagger_ui_page(&page_title, &req.root_path(), &url);
                    async move { ferrapi_toolkit::Html(html) }
                })
                .name("swagger_ui_html")
                .include_in_schema(false),
            );
            // As FastAPI: served with Swagger UI only (an app building its own `/docs` serves
            // `docs::swagger_ui_oauth2_redirect_html()` itself).
            if let Some(redirect) = self
                .docs
                .oauth2_redirect_url
                .clone()
                .filter(|r| !r.is_empty())
            {
                routes.push(
                    Route::new(&redirect, |_req: Request| async {
                        ferrapi_toolkit::Html(docs::swagger_ui_oauth2_redirect_html())
                    })
                    .name("swagger_ui_redirect")
                    .include_in_schema(false),
                );
            }
            if !self.docs.cdn {
                let base = docs_url.trim_end_matches('/');
                for name in ["swagger-ui-bundle.js", "swagger-ui.css", "favicon.png"] {
                    routes.push(asset_route(&format!("{base}/{name}"), name));
                }
            }
        }
        if let Some(redoc_url) = self.docs.redoc_url.clone() {
            let config = self.docs.clone();
            let url = redoc_url.clone();
            routes.push(
                Route::new(&redoc_url, move |req: Request| {
                    let html = config.redoc_page(&title, &req.root_path(), &url);
                    async move { ferrapi_toolkit::Html(html) }
                })
                .name("redoc_html")
                .include_in_schema(false),
            );
            if !self.docs.cdn {
                let base = redoc_url.trim_end_matches('/');
                for name in ["redoc.standalone.js", "favicon.png"] {
                    routes.push(asset_route(&format!("{base}/{name}"), name));
                }
            }
        }
        routes
    }

    /// Where the OpenAPI document is served (`/openapi.json`); `None` turns off the document
    /// and both documentation pages (FastAPI's `openapi_url=None`).
    pub fn openapi_url(mut self, url: Option<&str>) -> App {
        self.docs.openapi_url = url.map(str::to_string);
        self
    }

    /// Where Swagger UI is served (`/docs`); `None` turns it off.
    pub fn docs_url(mut self, url: Option<&str>) -> App {
        self.docs.docs_url = url.map(str::to_string);
        self
    }

    /// Where ReDoc is served (`/redoc`); `None` turns it off.
    pub fn redoc_url(mut self, url: Option<&str>) -> App {
        self.docs.redoc_url = url.map(str::to_string);
        self
    }

    /// Where Swagger UI's OAuth2 redirect page is served (`/docs/oauth2-redirect`).
    pub fn swagger_ui_oauth2_redirect_url(mut self, url: Option<&str>) -> App {
        self.docs.oauth2_redirect_url = url.map(str::to_string);
        self
    }

    /// Swagger UI parameters (FastAPI's `swagger_ui_parameters`): a JSON object (`json!({…})`,
    /// a `serde_json::Map`, anything that serialises to an object) merged into FastAPI's
    /// defaults ([`docs::swagger_ui_default_parameters`]) as `dict.update` does, and written
    /// into the page as FastAPI writes them (Python's `json.dumps` formatting). Called again,
    /// it adds to the parameters given before.
    ///
    /// ```
    /// use ferrapi::App;
    /// use serde_json::json;
    ///
    /// let app = App::new()
    ///     .swagger_ui_parameters(json!({"syntaxHighlight": {"theme": "obsidian"}, "deepLinking": false}));
    /// # let _ = app;
    /// ```
    ///
    /// # Panics
    ///
    /// When `parameters` is not a JSON object.
    pub fn swagger_ui_parameters(mut self, parameters: impl serde::Serialize) -> App {
        self.docs
            .swagger_ui_parameters
            .extend(docs::parameters_object(parameters));
        self
    }

    /// Swagger UI's `initOAuth` settings (FastAPI's `swagger_ui_init_oauth`).
    pub fn swagger_ui_init_oauth(mut self, settings: serde_json::Value) -> App {
        self.docs.init_oauth = Some(settings);
        self
    }

    /// Loads Swagger UI and ReDoc from jsDelivr (as FastAPI does) instead of serving the
    /// copies compiled into the binary.
    pub fn docs_cdn(mut self, cdn: bool) -> App {
        self.docs.cdn = cdn;
        self
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
        self = self.edit(|app| app.debug(debug));
        self
    }

    /// The response class of the app's operations that have none of their own nor a router's
    /// (FastAPI's `FastAPI(default_response_class=HTMLResponse)`): the values they return are
    /// wrapped in it (as JSON values: a string is the body of `Html`), and their documented
    /// response is the class's. Set it before adding the routes it applies to.
    ///
    /// ```
    /// use ferrapi::toolkit::Html;
    /// use ferrapi::{get, App};
    ///
    /// #[get("/")]
    /// async fn home() -> &'static str {
    ///     "<h1>Home</h1>"
    /// }
    ///
    /// let app = App::new().default_response_class::<Html>().route(home);
    /// # let _ = app;
    /// ```
    pub fn default_response_class<C: crate::responses::DefaultResponseClass>(mut self) -> App {
        self.default_class = Some(crate::responses::DefaultClass::of::<C>());
        self
    }

    /// Adds a path operation (a function with a route macro, or an [`Operation`]).
    pub fn route(mut self, op: impl PathOperation) -> App {
        let op = op.operation().default_class(self.default_class);
        assert!(
            op.path().starts_with('/'),
            "operation `{}`: `{}` is not a path (a path starts with `/`); a webhook's name or a \
             callback's URL expression is documented with `App::webhook` or \
             `Operation::callbacks`, not served",
            op.route_name(),
            op.path()
        );
        for dep in op.declaration().app_dependencies() {
            if !self.app_scoped.iter().any(|d| d.key() == dep.key()) {
                self.app_scoped.push(dep.clone());
            }
        }
        let route = op.to_route(&self.dependencies);
        self.routes.push(route);
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
    /// part of the OpenAPI document. As in Starlette, a mounted application's own startup and
    /// shutdown hooks are not run: put them on this app.
    pub fn mount(mut self, route: impl Into<ferrapi_toolkit::routing::BaseRoute>) -> App {
        self.routes.push(route.into());
        self
    }

    /// Adds a middleware (the first added is the outermost); see the toolkit's
    /// [`middleware`](ferrapi_toolkit::middleware).
    pub fn middleware<F, A>(mut self, layer: F) -> App
    where
        F: FnOnce(BoxApp) -> A + Send + Sync + 'static,
        A: ServerApp,
    {
        self = self.edit(|app| app.middleware(layer));
        self
    }

    /// Handles errors of type `E` (an app's own error types, or [`RequestValidationError`]
    /// to replace the 422 format) with a plain function of the error; see
    /// [`exception_handler_with_request`](App::exception_handler_with_request) for one that
    /// is async and gets the request.
    ///
    /// A handler for the toolkit's [`HTTPException`](ferrapi_toolkit::HTTPException)
    /// (Starlette's, which FastAPI's subclasses) also takes this crate's [`HTTPException`]s,
    /// converted (a detail that is not a string becomes its JSON text): one handler for the
    /// router's 404 and 405 and the operations' errors, as FastAPI's
    /// `@app.exception_handler(StarletteHTTPException)`. A handler for this crate's
    /// `HTTPException` takes only those, and keeps them whichever is registered first, as
    /// FastAPI picks the handler of the most specific class.
    pub fn exception_handler<E, F, R>(mut self, handler: F) -> App
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        let handler = Arc::new(handler);
        self.own_http_handler |= is::<E, HTTPException>();
        if is::<E, ferrapi_toolkit::HTTPException>() && !self.own_http_handler {
            let toolkit = handler.clone();
            self = self.edit(move |app| {
                app.exception_handler(move |exc: HTTPException| toolkit(as_toolkit::<E>(exc)))
            });
        }
        self = self.edit(move |app| app.exception_handler(move |exc: E| handler(exc)));
        self
    }

    /// Handles errors of type `E` with an async function of the request and the error:
    /// FastAPI's `@app.exception_handler(E)` on `async def handler(request, exc)`.
    ///
    /// The request is a copy of the request's head taken before routing: method, URL,
    /// headers, cookies, extensions, the application state, the parameters of the mounts that
    /// matched and the operation's path parameters; not the body (reading it gives empty
    /// bytes; a [`RequestValidationError`] has the body that failed as
    /// [`body`](RequestValidationError::body)). The copy is taken only in an application with
    /// such a handler. As with [`exception_handler`](App::exception_handler), a handler for
    /// [`HTTPException`], [`RequestValidationError`] or the toolkit's
    /// [`HTTPException`](ferrapi_toolkit::HTTPException) (the router's 404 and 405) replaces
    /// FastAPI's default, which stays available as
    /// [`http_exception_handler`](crate::exceptions::http_exception_handler) and
    /// [`request_validation_exception_handler`](crate::exceptions::request_validation_exception_handler).
    ///
    /// ```
    /// use ferrapi::toolkit::{Json, Request, StatusCode};
    /// use ferrapi::{get, App};
    ///
    /// #[derive(Debug)]
    /// struct UnicornException {
    ///     name: String,
    /// }
    /// impl std::fmt::Display for UnicornException {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         write!(f, "{} did something", self.name)
    ///     }
    /// }
    /// impl std::error::Error for UnicornException {}
    ///
    /// #[get("/unicorns/{name}")]
    /// async fn read_unicorn(name: String) -> Result<serde_json::Value, UnicornException> {
    ///     Err(UnicornException { name })
    /// }
    ///
    /// let app = App::new()
    ///     .exception_handler_with_request(|request: Request, exc: UnicornException| async move {
    ///         let message = format!("Oops! {} did something at {}", exc.name, request.path());
    ///         (StatusCode::IM_A_TEAPOT, Json(serde_json::json!({ "message": message })))
    ///     })
    ///     .route(read_unicorn);
    /// # let _ = app;
    /// ```
    pub fn exception_handler_with_request<E, F, Fut>(mut self, handler: F) -> App
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(Request, E) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        let handler = Arc::new(handler);
        self.own_http_handler |= is::<E, HTTPException>();
        if is::<E, ferrapi_toolkit::HTTPException>() && !self.own_http_handler {
            let toolkit = handler.clone();
            self = self.edit(move |app| {
                app.exception_handler_with_request(move |request: Request, exc: HTTPException| {
                    toolkit(request, as_toolkit::<E>(exc))
                })
            });
        }
        self = self.edit(move |app| {
            app.exception_handler_with_request(move |request: Request, exc: E| {
                handler(request, exc)
            })
        });
        self
    }

    /// Puts a value in the application state.
    pub fn state<T: Send + Sync + 'static>(mut self, value: T) -> App {
        self = self.edit(|app| app.state(value));
        self
    }

    /// Runs `hook` at startup with the application state to fill.
    pub fn on_startup<F, Fut, E>(mut self, hook: F) -> App
    where
        F: Fn(AppState) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), E>> + Send + 'static,
        E: Into<BoxError> + 'static,
    {
        self = self.edit(|app| app.on_startup(hook));
        self
    }

    /// Runs `hook` at shutdown.
    pub fn on_shutdown<F, Fut>(mut self, hook: F) -> App
    where
        F: Fn(AppState) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self = self.edit(|app| app.on_shutdown(hook));
        self
    }

    /// The OpenAPI 3.1 document of the app (FastAPI's `app.openapi()`), with the
    /// [`openapi_hook`](App::openapi_hook)s applied. It is generated anew on each call; the
    /// app serves the one generated when it is built.
    pub fn openapi(&self) -> serde_json::Value {
        let mut document = crate::openapi::document(&self.openapi_info(), &self.operations);
        for hook in &self.openapi_hooks {
            hook(&mut document);
        }
        document
    }

    /// The metadata [`openapi`](App::openapi) builds the document from (FastAPI's arguments to
    /// `get_openapi`): to build it again in a hook, with other values
    /// ([`openapi::document`](crate::openapi::document)).
    pub fn openapi_info(&self) -> crate::openapi::Info {
        crate::openapi::Info {
            title: self.title.clone(),
            version: self.version.clone(),
            description: self.description.clone(),
            summary: self.summary.clone(),
            servers: self.servers.clone(),
            validation_error_schema: self.validation_error_schema.clone(),
            dependencies: self.dependencies.guards(),
            terms_of_service: self.terms_of_service.clone(),
            contact: self.contact.clone(),
            license_info: self.license_info.clone(),
            tags: self.openapi_tags.clone(),
            external_docs: self.external_docs.clone(),
            generate_unique_id: self.generate_unique_id,
            webhooks: self.webhooks.clone(),
        }
    }

    /// Post-processes the generated OpenAPI document (FastAPI's "Extending OpenAPI", where
    /// `app.openapi` is replaced by a function that edits `get_openapi(…)`'s result): `hook`
    /// gets the document to change in place, or to replace (`*doc = …`). Hooks run in the
    /// order added, on every [`openapi`](App::openapi) call, and so once when the app is
    /// built: the document it serves is generated then and kept in memory.
    ///
    /// ```
    /// use ferrapi::App;
    ///
    /// let app = App::new().title("Custom title").openapi_hook(|doc| {
    ///     doc["info"]["x-logo"] = serde_json::json!({
    ///         "url": "https://fastapi.tiangolo.com/img/logo-margin/logo-teal.png"
    ///     });
    /// });
    /// assert_eq!(
    ///     app.openapi()["info"]["x-logo"]["url"],
    ///     "https://fastapi.tiangolo.com/img/logo-margin/logo-teal.png"
    /// );
    /// ```
    pub fn openapi_hook(
        mut self,
        hook: impl Fn(&mut serde_json::Value) + Send + Sync + 'static,
    ) -> App {
        self.openapi_hooks.push(Arc::new(hook));
        self
    }

    /// The document's `tags`: each tag's name, description and `externalDocs`, in the order
    /// the docs pages show them (FastAPI's `openapi_tags`). `tags` is a JSON array, or
    /// anything serialising to one (`[Tag::new("items").description("…")]`, see
    /// [`Tag`](crate::openapi::Tag)); the operations name their tags with `tags = [...]`.
    ///
    /// # Panics
    ///
    /// If `tags` does not serialise to a JSON array.
    pub fn openapi_tags(mut self, tags: impl serde::Serialize) -> App {
        match serde_json::to_value(tags) {
            Ok(serde_json::Value::Array(tags)) => self.openapi_tags = tags,
            _ => panic!("App::openapi_tags takes an array of tags"),
        }
        self
    }

    /// The API's terms of service URL (OpenAPI `info.termsOfService`).
    pub fn terms_of_service(mut self, url: impl Into<String>) -> App {
        self.terms_of_service = Some(url.into());
        self
    }

    /// The API's contact (OpenAPI `info.contact`: `name`, `url`, `email`), as JSON or
    /// anything serialising to it ([`Contact`](crate::openapi::Contact)).
    pub fn contact(mut self, contact: impl serde::Serialize) -> App {
        self.contact = Some(serde_json::to_value(contact).unwrap_or_default());
        self
    }

    /// The API's license (OpenAPI `info.license`: `name`, and an SPDX `identifier` or a
    /// `url`), FastAPI's `license_info`, as JSON or anything serialising to it
    /// ([`License`](crate::openapi::License)).
    pub fn license_info(mut self, license: impl serde::Serialize) -> App {
        self.license_info = Some(serde_json::to_value(license).unwrap_or_default());
        self
    }

    /// The document's `externalDocs` (`description`, `url`): FastAPI's
    /// `openapi_external_docs`, as JSON or anything serialising to it
    /// ([`ExternalDocs`](crate::openapi::ExternalDocs)).
    pub fn openapi_external_docs(mut self, docs: impl serde::Serialize) -> App {
        self.external_docs = Some(serde_json::to_value(docs).unwrap_or_default());
        self
    }

    /// The rule giving an `operationId` to the app's operations that have none of their own
    /// and whose routers have no rule (FastAPI's `FastAPI(generate_unique_id_function=…)`),
    /// for client generators that name methods after it. The default is
    /// [`generate_unique_id`](crate::openapi::generate_unique_id). It also names the
    /// `Body_…` and `Response_…` schemas, as in FastAPI; webhooks and callbacks keep the
    /// default (FastAPI keeps them in routers of their own).
    ///
    /// ```
    /// use ferrapi::routing::Operation;
    /// use ferrapi::{get, App};
    ///
    /// fn custom_generate_unique_id(op: &Operation) -> String {
    ///     format!("{}-{}", op.tags()[0], op.route_name())
    /// }
    ///
    /// #[get("/items/", tags = ["items"])]
    /// async fn get_items() -> Vec<String> {
    ///     vec![]
    /// }
    ///
    /// let app = App::new()
    ///     .generate_unique_id_function(custom_generate_unique_id)
    ///     .route(get_items);
    /// assert_eq!(app.openapi()["paths"]["/items/"]["get"]["operationId"], "items-get_items");
    /// ```
    pub fn generate_unique_id_function(mut self, rule: fn(&Operation) -> String) -> App {
        self.generate_unique_id = Some(rule);
        self
    }

    /// Whether a JSON body must say so in its `Content-Type` (FastAPI's
    /// `FastAPI(strict_content_type=…)`), for the operations and routers that have no setting
    /// of their own. `true`, the default: a body sent without a `Content-Type` is not parsed,
    /// so a model argument answers 422 (`model_attributes_type`), which keeps a cross-site
    /// form post without a CORS preflight from reaching a JSON operation. `false`: such a body
    /// is read as JSON, for clients that send none. A body with another content type
    /// (`text/plain`) is not JSON under either setting.
    ///
    /// ```
    /// use ferrapi::{post, App, Model};
    ///
    /// #[derive(Model, serde::Serialize)]
    /// struct Item {
    ///     name: String,
    /// }
    ///
    /// #[post("/items/")]
    /// async fn create_item(item: Item) -> Item {
    ///     item
    /// }
    ///
    /// let app = App::new().strict_content_type(false).route(create_item);
    /// # let _ = app;
    /// ```
    pub fn strict_content_type(self, strict: bool) -> App {
        self.dependencies.set_strict_content_type(strict);
        self
    }

    /// Documents a webhook (FastAPI's `@app.webhooks.post("new-subscription")`): a request
    /// the API sends to its users' URLs for an event, declared as an operation whose path is
    /// the event's name. It is documented under the document's `webhooks`, not served.
    ///
    /// ```
    /// use ferrapi::{post, App};
    ///
    /// #[derive(ferrapi::Model)]
    /// struct Subscription {
    ///     username: String,
    ///     monthly_fee: f64,
    /// }
    ///
    /// /// Sent when a user subscribes.
    /// #[post("new-subscription")]
    /// async fn new_subscription(body: Subscription) {
    ///     let _ = body;
    /// }
    ///
    /// let app = App::new().webhook(new_subscription);
    /// assert!(app.openapi()["webhooks"]["new-subscription"]["post"].is_object());
    /// ```
    pub fn webhook(mut self, op: impl PathOperation) -> App {
        self.webhooks.push(op.operation());
        self
    }

    /// Documents every operation of `router` as a webhook (FastAPI's `app.webhooks`, an
    /// `APIRouter`); see [`webhook`](App::webhook).
    pub fn webhooks(mut self, router: Router) -> App {
        self.webhooks.extend(router.into_operations());
        self
    }

    /// The same document in OpenAPI 3.0.3, for generators that need 3.0 (FastAPI has no such
    /// switch); served at [`App::openapi_30_url`] when one is set.
    pub fn openapi_30(&self) -> serde_json::Value {
        crate::openapi::to_openapi_30(&self.openapi())
    }

    /// Also serves the 3.0.3 rendering of the document at `url` (`/openapi-3.0.json`, say).
    pub fn openapi_30_url(mut self, url: &str) -> App {
        self.openapi_30_url = Some(url.to_string());
        self
    }

    /// The schema of a 422 answer, when an exception handler for `RequestValidationError`
    /// replaced FastAPI's format: the document then describes what the app really sends.
    pub fn validation_error_schema(mut self, schema: serde_json::Value) -> App {
        self.validation_error_schema = Some(schema);
        self
    }

    /// The API's summary (OpenAPI `info.summary`).
    pub fn summary(mut self, summary: impl Into<String>) -> App {
        self.summary = Some(summary.into());
        self
    }

    /// Adds a `servers` entry to the document.
    pub fn server(mut self, url: impl Into<String>) -> App {
        self.servers.push(url.into());
        self
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

    /// Where the document and the docs pages are served, and how (FastAPI's
    /// `app.openapi_url`, `app.docs_url`, `app.swagger_ui_oauth2_redirect_url`, …): what a
    /// page built by hand needs to know.
    pub fn docs_config(&self) -> &DocsConfig {
        &self.docs
    }
}

/// JSON bytes as a response.
fn json_bytes(body: bytes::Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}

/// An embedded documentation asset, cached by browsers for a week (its URL names the version).
fn asset_route(path: &str, name: &'static str) -> Route {
    Route::new(path, move |_req: Request| async move {
        let mut response = match docs::asset(name) {
            Some((bytes, media)) => {
                let mut response = Response::new(Body::from(bytes));
                response.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    http::HeaderValue::from_static(media),
                );
                response
            }
            None => Response::new(Body::empty()),
        };
        response.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("public, max-age=604800"),
        );
        response
    })
    .name(name)
    .include_in_schema(false)
}

/// A built framework application: what serves. Made by [`App::build`] (or by any server entry
/// point, which takes `impl IntoApp`).
pub struct BuiltApp {
    app: BuiltApplication,
    dependencies: Arc<AppDependencies>,
    app_scoped: Vec<Arc<dyn ErasedDependency>>,
}

impl std::fmt::Debug for BuiltApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuiltApp").finish_non_exhaustive()
    }
}

impl BuiltApp {
    /// The overrides, to change them while the app serves (`clear()` them after a test).
    pub fn dependency_overrides(&self) -> &DependencyOverrides {
        self.dependencies.overrides()
    }

    /// The application state.
    pub fn app_state(&self) -> &AppState {
        self.app.app_state()
    }

    /// The path of the route named `name` (Starlette's `app.url_path_for`).
    pub fn url_path_for(
        &self,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<String, ferrapi_toolkit::routing::NoMatchFound> {
        self.app.url_path_for(name, params)
    }
}

impl IntoApp for App {
    type App = BuiltApp;

    fn into_app(self) -> BuiltApp {
        self.build()
    }
}

impl ServerApp for BuiltApp {
    fn call(&self, req: http::Request<Body>) -> impl Future<Output = Response> + Send {
        self.app.call(req)
    }

    /// Runs the startup hooks, then builds the app-scoped dependencies (in the order the
    /// operations reach them); a failure ends the startup.
    async fn startup(&self) -> Result<(), BoxError> {
        self.app.startup().await?;
        for dep in &self.app_scoped {
            self.dependencies
                .build(&**dep)
                .await
                .map_err(|e| -> BoxError { e.to_string().into() })?;
        }
        Ok(())
    }

    /// Tears down the app-scoped dependencies (last built first), then runs the shutdown hooks.
    async fn shutdown(&self) {
        self.dependencies.shutdown().await;
        self.app.shutdown().await
    }
}

/// Whether `E` is `T`.
fn is<E: 'static, T: 'static>() -> bool {
    std::any::TypeId::of::<E>() == std::any::TypeId::of::<T>()
}

/// This crate's `HTTPException` as the toolkit's, typed as `E`, which the caller checked is
/// the toolkit's `HTTPException`.
fn as_toolkit<E: 'static>(exc: HTTPException) -> E {
    let exc: ferrapi_toolkit::HTTPException = exc.into();
    *(Box::new(exc) as Box<dyn std::any::Any>)
        .downcast::<E>()
        .expect("E is the toolkit's HTTPException")
}
