//! Path operations and routers: FastAPI's `@app.get(...)` functions and `APIRouter`.
//!
//! A route macro (`#[get("/items/{id}")]`) turns a function into a type implementing
//! [`PathOperation`]; its [`Operation`] carries the method, path, handler and the metadata
//! FastAPI keeps (status code, tags, summary, description, deprecation, schema inclusion).
//! The same can be built without macros with [`Operation::new`] and any toolkit endpoint.
//!
//! A [`Router`] groups operations under a prefix and tags (FastAPI's `APIRouter`) and is
//! included into the app or into another router.

use std::sync::Arc;

use ferrapi_toolkit::endpoints::{BoxFuture, Endpoint};
use ferrapi_toolkit::routing::BaseRoute;
use ferrapi_toolkit::{
    Error, Method, Request, Response, Route, StatusCode, WebSocket, WebSocketRoute,
};

use crate::dependencies::{erase, AppDependencies, Declaration, ErasedDependency, IntoDependency};
use crate::operation::{self, HttpHandler, OpContext, Run, WebSocketHandler};

/// What an operation runs.
#[derive(Clone)]
enum Handler {
    /// Any toolkit endpoint (`Operation::new`).
    Endpoint(Arc<dyn Endpoint>),
    /// A macro-generated HTTP handler and the declaration of its parameters.
    Http(HttpHandler, fn(&mut Declaration)),
    /// A macro-generated WebSocket handler.
    WebSocket(WebSocketHandler, fn(&mut Declaration)),
}

/// A path operation made by a route macro: `App::route(read_item)`.
pub trait PathOperation {
    /// The operation: method, path, handler and metadata.
    fn operation(self) -> Operation;
}

impl PathOperation for Operation {
    fn operation(self) -> Operation {
        self
    }
}

/// A route macro turns `read_item` into a function returning its [`Operation`]: a function,
/// so the name stays free for arguments and locals.
impl<F: Fn() -> Operation> PathOperation for F {
    fn operation(self) -> Operation {
        self()
    }
}

/// One path operation.
#[derive(Clone)]
pub struct Operation {
    methods: Vec<Method>,
    path: String,
    name: String,
    handler: Handler,
    dependencies: Vec<Arc<dyn ErasedDependency>>,
    status_code: Option<StatusCode>,
    tags: Vec<String>,
    summary: Option<String>,
    description: Option<String>,
    deprecated: bool,
    include_in_schema: bool,
    operation_id: Option<String>,
    params: Vec<&'static str>,
    /// The response's media type and schema, from the return type (`Html`, `PlainText`).
    response_media: Option<crate::responses::ResponseMedia>,
    /// `response_class = C`: how the class is documented.
    response_class: Option<crate::responses::ClassDoc>,
    /// The default response class of the app or a router (`default_response_class`), when the
    /// operation has no `response_class`: applied to the values it returns.
    default_class: Option<crate::responses::DefaultClass>,
    /// `response_model = M`: its schema.
    response_model: Option<fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value>,
    /// Extra documented responses (FastAPI's `responses=`), the routers' first.
    responses: Vec<ExtraResponse>,
    /// The schema of a returned model (`-> Item`), when there is no `response_model`.
    return_schema: Option<fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value>,
    /// Merged into the generated OpenAPI object (FastAPI's `openapi_extra`).
    openapi_extra: Option<serde_json::Value>,
    /// The operation's `operationId` rule (FastAPI's `generate_unique_id_function`).
    generate_unique_id: Option<fn(&Operation) -> String>,
    /// The documented callbacks (FastAPI's `callbacks=router.routes`).
    callbacks: Vec<Operation>,
    /// Whether a body without a content type is left unparsed (FastAPI's
    /// `strict_content_type`); the routers' or the app's when `None`.
    strict_content_type: Option<bool>,
}

/// A documented response besides the success one (FastAPI's `responses={404: {...}}`).
#[derive(Clone, Debug)]
pub struct ExtraResponse {
    /// The status code.
    pub status: u16,
    /// The description.
    pub description: String,
    /// The body's model schema, if it has one.
    pub model: Option<fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value>,
}

impl ExtraResponse {
    /// A response with `status` and `description`, without a body model.
    pub fn new(status: u16, description: impl Into<String>) -> ExtraResponse {
        ExtraResponse {
            status,
            description: description.into(),
            model: None,
        }
    }

    /// A response whose body is a `M` (its schema in the document).
    pub fn with_model<M: crate::validation::Validate>(
        status: u16,
        description: impl Into<String>,
    ) -> ExtraResponse {
        ExtraResponse {
            status,
            description: description.into(),
            model: Some(M::json_schema),
        }
    }
    /// A response whose body is a `M`, described as FastAPI describes a response given
    /// without a description (`responses={404: {"model": M}}`): the status's phrase as
    /// Python's `http.client.responses` has it, or `Additional Response`.
    pub fn model<M: crate::validation::Validate>(status: u16) -> ExtraResponse {
        ExtraResponse::with_model::<M>(status, default_description(status))
    }
}

/// Python's `http.client.responses` phrase for `status` (what FastAPI describes a response
/// with when none is given), or `Additional Response`.
fn default_description(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        101 => "Switching Protocols",
        102 => "Processing",
        103 => "Early Hints",
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        205 => "Reset Content",
        206 => "Partial Content",
        207 => "Multi-Status",
        208 => "Already Reported",
        226 => "IM Used",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        305 => "Use Proxy",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        411 => "Length Required",
        412 => "Precondition Failed",
        413 => "Request Entity Too Large",
        414 => "Request-URI Too Long",
        415 => "Unsupported Media Type",
        416 => "Requested Range Not Satisfiable",
        417 => "Expectation Failed",
        418 => "I'm a Teapot",
        421 => "Misdirected Request",
        422 => "Unprocessable Entity",
        423 => "Locked",
        424 => "Failed Dependency",
        425 => "Too Early",
        426 => "Upgrade Required",
        428 => "Precondition Required",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        451 => "Unavailable For Legal Reasons",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        506 => "Variant Also Negotiates",
        507 => "Insufficient Storage",
        508 => "Loop Detected",
        510 => "Not Extended",
        511 => "Network Authentication Required",
        _ => "Additional Response",
    }
}

impl std::fmt::Debug for Operation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Operation")
            .field("methods", &self.methods)
            .field("path", &self.path)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Operation {
    /// An operation answering `methods` on `path` with `endpoint` (any toolkit endpoint:
    /// `async fn(Request) -> impl IntoResponse`, or `blocking(f)`).
    pub fn new<E: Endpoint>(methods: &[Method], path: &str, name: &str, endpoint: E) -> Operation {
        Operation::with_handler(methods, path, name, Handler::Endpoint(Arc::new(endpoint)))
    }

    /// An operation made by a route macro: `R` gathers the arguments and calls the function,
    /// `declare` declares the parameters it and its dependencies read.
    #[doc(hidden)]
    pub fn http<R: Run<Output = Response>>(
        methods: &[Method],
        path: &str,
        name: &str,
        declare: fn(&mut Declaration),
    ) -> Operation {
        let handler: HttpHandler = operation::serve_http::<R>;
        Operation::with_handler(methods, path, name, Handler::Http(handler, declare))
    }

    /// A WebSocket operation made by `#[websocket]`.
    #[doc(hidden)]
    pub fn websocket<R: Run<Output = ()>>(
        path: &str,
        name: &str,
        declare: fn(&mut Declaration),
    ) -> Operation {
        let handler: WebSocketHandler = operation::serve_websocket::<R>;
        Operation::with_handler(&[], path, name, Handler::WebSocket(handler, declare))
            .include_in_schema(false)
    }

    fn with_handler(methods: &[Method], path: &str, name: &str, handler: Handler) -> Operation {
        Operation {
            methods: methods.to_vec(),
            path: path.to_string(),
            name: name.to_string(),
            handler,
            dependencies: Vec::new(),
            status_code: None,
            tags: Vec::new(),
            summary: None,
            description: None,
            deprecated: false,
            include_in_schema: true,
            operation_id: None,
            params: Vec::new(),
            response_media: None,
            response_class: None,
            default_class: None,
            response_model: None,
            responses: Vec::new(),
            return_schema: None,
            openapi_extra: None,
            generate_unique_id: None,
            callbacks: Vec::new(),
            strict_content_type: None,
        }
    }

    /// Adds a dependency run before the operation, its value unused (FastAPI's
    /// `dependencies=[Depends(verify_token)]`): a guard.
    pub fn dependency<D: IntoDependency>(mut self, dep: D) -> Operation {
        self.dependencies.push(erase(dep));
        self
    }

    /// Whether this is a WebSocket operation.
    pub fn is_websocket(&self) -> bool {
        matches!(self.handler, Handler::WebSocket(..))
    }

    /// Every parameter the operation reads, its dependencies' and guards' included.
    pub fn declaration(&self) -> Declaration {
        self.declaration_after(&[])
    }

    /// The declaration of the operation run after `outer`, dependencies of the app around it
    /// (the document's view of an operation of an app with app-wide dependencies).
    pub fn declaration_after(&self, outer: &[Arc<dyn ErasedDependency>]) -> Declaration {
        let mut decl = Declaration::new();
        for guard in outer.iter().chain(&self.dependencies) {
            decl.erased(&**guard);
        }
        match &self.handler {
            Handler::Endpoint(_) => {}
            Handler::Http(_, declare) | Handler::WebSocket(_, declare) => declare(&mut decl),
        }
        decl
    }

    /// The status code of a successful response (documented, and used for the response).
    pub fn status_code(mut self, status: StatusCode) -> Operation {
        self.status_code = Some(status);
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Operation {
        self.tags.push(tag.into());
        self
    }

    /// The route name (for `url_path_for`); the function name by default.
    pub fn name(mut self, name: impl Into<String>) -> Operation {
        self.name = name.into();
        self
    }

    /// The summary (by default, the name with underscores as spaces, title-cased).
    pub fn summary(mut self, summary: impl Into<String>) -> Operation {
        self.summary = Some(summary.into());
        self
    }

    /// The description (by default, the function's doc comment).
    pub fn description(mut self, description: impl Into<String>) -> Operation {
        self.description = Some(description.into());
        self
    }

    /// Marks the operation deprecated.
    pub fn deprecated(mut self, deprecated: bool) -> Operation {
        self.deprecated = deprecated;
        self
    }

    /// Whether the operation appears in the OpenAPI document.
    pub fn include_in_schema(mut self, include: bool) -> Operation {
        self.include_in_schema = include;
        self
    }

    /// The OpenAPI `operationId` (by default FastAPI's rule: name, path and method).
    pub fn operation_id(mut self, id: impl Into<String>) -> Operation {
        self.operation_id = Some(id.into());
        self
    }

    /// JSON merged into the operation's generated OpenAPI object, as FastAPI merges its
    /// `openapi_extra` ([`deep_merge`](crate::openapi::deep_merge): objects key by key, arrays
    /// appended, anything else replaced): an `x-` extension, or a request body the function
    /// reads itself. Given twice, the second merges into the first.
    pub fn openapi_extra(mut self, extra: serde_json::Value) -> Operation {
        match &mut self.openapi_extra {
            Some(existing) => crate::validation::schema::deep_merge(existing, &extra),
            None => self.openapi_extra = Some(extra),
        }
        self
    }

    /// The JSON merged into the operation's OpenAPI object, if any.
    pub fn openapi_extra_value(&self) -> Option<&serde_json::Value> {
        self.openapi_extra.as_ref()
    }

    /// The rule giving the operation's `operationId` when it has no explicit one (FastAPI's
    /// `generate_unique_id_function` on a path operation): it wins over its routers' and the
    /// app's. The default is [`generate_unique_id`](crate::openapi::generate_unique_id).
    pub fn generate_unique_id_function(mut self, rule: fn(&Operation) -> String) -> Operation {
        self.generate_unique_id = Some(rule);
        self
    }

    /// Whether a JSON body must say so in its `Content-Type` (FastAPI's `strict_content_type`
    /// on a path operation; `#[post(…, strict_content_type = false)]`): with `false`, a body
    /// sent without a `Content-Type` is read as JSON. It wins over its routers' and the app's
    /// setting; the default is `true` (such a body is text, and a model argument answers 422).
    /// A body with another content type (`text/plain`) is text whatever the setting.
    pub fn strict_content_type(mut self, strict: bool) -> Operation {
        self.strict_content_type = Some(strict);
        self
    }

    /// The operation's own or its routers' `strict_content_type`, if any.
    pub fn strict_content_type_setting(&self) -> Option<bool> {
        self.strict_content_type
    }

    /// The operation's own or its routers' `operationId` rule, if any.
    pub fn unique_id_function(&self) -> Option<fn(&Operation) -> String> {
        self.generate_unique_id
    }

    /// Documents the operations of `router` as the operation's callbacks (FastAPI's
    /// `callbacks=router.routes`): requests the API sends to a URL its client gave. Each is
    /// documented under its route name and its path (an OpenAPI runtime expression such as
    /// `{$request.body#/callback_url}/invoices/{$request.body.id}`); none is served.
    pub fn callbacks(mut self, router: Router) -> Operation {
        self.callbacks.extend(router.into_operations());
        self
    }

    /// Documents one callback operation (see [`callbacks`](Operation::callbacks)).
    pub fn callback(mut self, op: impl PathOperation) -> Operation {
        self.callbacks.push(op.operation());
        self
    }

    /// The documented callbacks, in order.
    pub fn callback_operations(&self) -> &[Operation] {
        &self.callbacks
    }

    /// The names of the function's arguments, in order (set by the route macros).
    #[doc(hidden)]
    pub fn params(mut self, names: &[&'static str]) -> Operation {
        self.params = names.to_vec();
        self
    }

    /// The media type and schema of the response, when it is not JSON (`text/html`…).
    pub fn response_media(mut self, media: Option<crate::responses::ResponseMedia>) -> Operation {
        self.response_media = media;
        self
    }

    /// `response_class = C` (set by the route macro, which also makes the operation answer
    /// with `C`): the class's media type, schema and default status document the successful
    /// response, and the app's or routers' default response class does not apply.
    pub fn response_class_doc(mut self, class: crate::responses::ClassDoc) -> Operation {
        self.response_class = Some(class);
        self.default_class = None;
        self
    }

    /// The default response class `C` of the app or a router, applied when the operation has
    /// no response class of its own nor an inner router's.
    pub(crate) fn default_class(
        mut self,
        class: Option<crate::responses::DefaultClass>,
    ) -> Operation {
        if self.response_class.is_none() && self.default_class.is_none() {
            self.default_class = class;
        }
        self
    }

    /// The documentation of the operation's response class: its own, or the default one of
    /// its app or routers, as FastAPI documents the class whatever the function returns
    /// (except a stream of JSON values or of events, documented by its items).
    fn class_doc(&self) -> Option<crate::responses::ClassDoc> {
        self.response_class.or_else(|| match self.response_media {
            Some((_, "itemSchema", _)) => None,
            _ => self.default_class.map(|c| c.doc),
        })
    }

    /// The status of the successful response in the document: the declared one, or the
    /// response class's default (307 for a redirect), or 200.
    pub fn documented_status(&self) -> u16 {
        match self.status_code {
            Some(status) => status.as_u16(),
            None => self.class_doc().map_or(200, |c| c.status),
        }
    }

    /// The schema of the returned model (`-> Item`): documents the response when there is no
    /// `response_model` (FastAPI uses the return annotation so).
    pub fn return_schema(
        mut self,
        schema: Option<fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value>,
    ) -> Operation {
        self.return_schema = schema;
        self
    }

    /// The response model's schema (`response_model = M`).
    pub fn response_model_schema(
        mut self,
        schema: fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value,
    ) -> Operation {
        self.response_model = Some(schema);
        self
    }

    /// The media type and schema of a successful response, for the document: the response
    /// model's, or the response class's, or JSON of any shape.
    pub fn response_content(
        &self,
        g: &mut crate::validation::SchemaGenerator,
    ) -> (&'static str, &'static str, serde_json::Value) {
        if let Some(class) = self.class_doc() {
            if !class.json {
                let (media, key, schema) = class.media;
                return (media, key, schema(g));
            }
            // A JSON class documents the model, if there is one.
            let schema = match self.response_model.or(self.return_schema) {
                Some(model) => model(g),
                None => serde_json::json!({}),
            };
            return (class.media.0, "schema", schema);
        }
        if let Some(model) = self.response_model {
            return ("application/json", "schema", model(g));
        }
        match (self.response_media, self.return_schema) {
            (Some((media, key, schema)), _) => (media, key, schema(g)),
            (None, Some(model)) => ("application/json", "schema", model(g)),
            (None, None) => ("application/json", "schema", serde_json::json!({})),
        }
    }

    /// Whether the successful response is documented by a model (a response model or the
    /// returned type), not by a response class.
    pub fn documents_model(&self) -> bool {
        if let Some(class) = self.class_doc() {
            return class.json && (self.response_model.is_some() || self.return_schema.is_some());
        }
        self.response_model.is_some()
            || (self.response_media.is_none() && self.return_schema.is_some())
    }

    /// Documents another response (FastAPI's `responses=`); the same status declared again
    /// replaces the earlier one.
    pub fn response(mut self, response: ExtraResponse) -> Operation {
        self.responses.retain(|r| r.status != response.status);
        self.responses.push(response);
        self
    }

    /// The extra documented responses.
    pub fn extra_responses(&self) -> &[ExtraResponse] {
        &self.responses
    }

    /// The summary, if one was given.
    pub fn summary_text(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// The `operationId`, if one was given.
    pub fn operation_id_text(&self) -> Option<&str> {
        self.operation_id.as_deref()
    }

    /// The methods.
    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    /// The path template.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The route name.
    pub fn route_name(&self) -> &str {
        &self.name
    }

    /// The tags.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The success status code, if declared.
    pub fn declared_status(&self) -> Option<StatusCode> {
        self.status_code
    }

    /// The description, if any.
    pub fn describe(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Whether the operation is deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.deprecated
    }

    /// Whether the operation appears in the schema.
    pub fn is_in_schema(&self) -> bool {
        self.include_in_schema
    }

    fn with_prefix(
        mut self,
        prefix: &str,
        tags: &[String],
        dependencies: &[Arc<dyn ErasedDependency>],
        responses: &[ExtraResponse],
        generate_unique_id: Option<fn(&Operation) -> String>,
        callbacks: &[Operation],
    ) -> Operation {
        // The innermost rule wins (the operation's, then its router's, then an outer one's).
        self.generate_unique_id = self.generate_unique_id.or(generate_unique_id);
        // The router's callbacks first, as FastAPI adds them.
        let own = std::mem::take(&mut self.callbacks);
        self.callbacks = callbacks.to_vec();
        self.callbacks.extend(own);
        // The router's responses first; the operation's own win for the same status.
        let own = std::mem::take(&mut self.responses);
        self.responses = responses
            .iter()
            .filter(|r| !own.iter().any(|o| o.status == r.status))
            .cloned()
            .collect();
        self.responses.extend(own);
        self.path = format!("{}{}", prefix.trim_end_matches('/'), self.path);
        let mut all = tags.to_vec();
        all.extend(std::mem::take(&mut self.tags));
        self.tags = all;
        // The router's dependencies run before the operation's own, as in FastAPI.
        let mut deps = dependencies.to_vec();
        deps.extend(std::mem::take(&mut self.dependencies));
        self.dependencies = deps;
        self
    }

    /// The toolkit route serving this operation. A `GET` operation answers `HEAD` too
    /// (FastAPI does not: fastapi#1773), without a second operation in the schema.
    pub(crate) fn to_route(&self, app: &Arc<AppDependencies>) -> BaseRoute {
        let op = Arc::new(OpContext {
            guards: self.dependencies.clone(),
            specs: self.declaration().specs().to_vec(),
            app: app.clone(),
            strict_content_type: self.strict_content_type,
            default_class: self.default_class,
        });
        match &self.handler {
            Handler::WebSocket(handler, _) => {
                let handler = *handler;
                WebSocketRoute::new(&self.path, move |ws: WebSocket| handler(ws, op.clone()))
                    .name(self.name.clone())
                    .into()
            }
            Handler::Http(handler, _) => {
                let endpoint = MacroEndpoint(*handler, op);
                self.http_route(endpoint)
            }
            Handler::Endpoint(endpoint) if op.guards.is_empty() => {
                self.http_route(SharedEndpoint(endpoint.clone(), None))
            }
            Handler::Endpoint(endpoint) => {
                self.http_route(SharedEndpoint(endpoint.clone(), Some(op)))
            }
        }
    }

    fn http_route(&self, endpoint: impl Endpoint) -> BaseRoute {
        Route::new(&self.path, endpoint)
            .methods(self.methods.iter().cloned())
            .name(self.name.clone())
            .include_in_schema(self.include_in_schema)
            .into()
    }
}

/// A macro-generated handler with its operation's context.
struct MacroEndpoint(HttpHandler, Arc<OpContext>);

impl Endpoint for MacroEndpoint {
    fn call(&self, req: Request) -> BoxFuture<Result<Response, Error>> {
        (self.0)(req, self.1.clone())
    }
}

/// An endpoint shared between the operation (kept for the schema) and its route, with the
/// guards its routers added.
struct SharedEndpoint(Arc<dyn Endpoint>, Option<Arc<OpContext>>);

impl Endpoint for SharedEndpoint {
    fn call(&self, req: Request) -> BoxFuture<Result<Response, Error>> {
        match &self.1 {
            None => self.0.call(req),
            Some(op) => operation::guarded(self.0.clone(), op.clone(), req),
        }
    }
}

/// A group of operations under a prefix and tags (FastAPI's `APIRouter`).
///
/// ```
/// use ferrapi::{get, App, Router};
///
/// #[get("/{user_id}")]
/// async fn read_user(user_id: i64) -> serde_json::Value {
///     serde_json::json!({ "user_id": user_id })
/// }
///
/// let users = Router::new().prefix("/users").tag("users").route(read_user);
/// let app = App::new().include_router(users);
/// ```
#[derive(Clone, Default)]
pub struct Router {
    prefix: String,
    tags: Vec<String>,
    dependencies: Vec<Arc<dyn ErasedDependency>>,
    responses: Vec<ExtraResponse>,
    generate_unique_id: Option<fn(&Operation) -> String>,
    callbacks: Vec<Operation>,
    strict_content_type: Option<bool>,
    default_class: Option<crate::responses::DefaultClass>,
    operations: Vec<Operation>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("prefix", &self.prefix)
            .field("tags", &self.tags)
            .field("dependencies", &self.dependencies.len())
            .field("operations", &self.operations)
            .finish()
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Router {
        Router::default()
    }

    /// The prefix of every path (no trailing `/`).
    pub fn prefix(mut self, prefix: &str) -> Router {
        self.prefix = prefix.trim_end_matches('/').to_string();
        self
    }

    /// A tag added to every operation.
    pub fn tag(mut self, tag: impl Into<String>) -> Router {
        self.tags.push(tag.into());
        self
    }

    /// A dependency run before every operation of the router, its value unused (FastAPI's
    /// `APIRouter(dependencies=[Depends(verify_token)])`).
    pub fn dependency<D: IntoDependency>(mut self, dep: D) -> Router {
        self.dependencies.push(erase(dep));
        self
    }

    /// Documents a response of every operation of the router (FastAPI's
    /// `APIRouter(responses=…)`).
    pub fn response(mut self, response: ExtraResponse) -> Router {
        self.responses.retain(|r| r.status != response.status);
        self.responses.push(response);
        self
    }

    /// The `operationId` rule of the router's operations that have none of their own
    /// (FastAPI's `APIRouter(generate_unique_id_function=…)`): it wins over an outer router's
    /// and the app's.
    ///
    /// ```
    /// use ferrapi::routing::{Operation, Router};
    ///
    /// fn tag_and_name(op: &Operation) -> String {
    ///     format!("{}-{}", op.tags().first().map_or("default", String::as_str), op.route_name())
    /// }
    ///
    /// let router = Router::new().tag("items").generate_unique_id_function(tag_and_name);
    /// # let _ = router;
    /// ```
    pub fn generate_unique_id_function(mut self, rule: fn(&Operation) -> String) -> Router {
        self.generate_unique_id = Some(rule);
        self
    }

    /// Whether the router's operations that have no setting of their own read a body sent
    /// without a `Content-Type` as JSON (`false`) or as text (`true`, the default): FastAPI's
    /// `APIRouter(strict_content_type=…)`. It wins over an outer router's and the app's.
    ///
    /// ```
    /// use ferrapi::Router;
    ///
    /// let legacy_clients = Router::new().prefix("/legacy").strict_content_type(false);
    /// # let _ = legacy_clients;
    /// ```
    pub fn strict_content_type(mut self, strict: bool) -> Router {
        self.strict_content_type = Some(strict);
        self
    }

    /// Documents the operations of `router` as callbacks of every operation of this router
    /// (FastAPI's `APIRouter(callbacks=…)`), before each operation's own.
    pub fn callbacks(mut self, router: Router) -> Router {
        self.callbacks.extend(router.into_operations());
        self
    }

    /// The response class of the router's operations that have none of their own (FastAPI's
    /// `APIRouter(default_response_class=HTMLResponse)`): the values they return are wrapped
    /// in it (as JSON values: a string is the body of `Html`), and their documented response
    /// is the class's. An inner router's wins over an outer one's and the app's.
    ///
    /// ```
    /// use ferrapi::toolkit::Html;
    /// use ferrapi::{get, Router};
    ///
    /// #[get("/page")]
    /// async fn page() -> String {
    ///     "<p>Hello</p>".into()
    /// }
    ///
    /// let pages = Router::new().default_response_class::<Html>().route(page);
    /// # let _ = pages;
    /// ```
    pub fn default_response_class<C: crate::responses::DefaultResponseClass>(mut self) -> Router {
        self.default_class = Some(crate::responses::DefaultClass::of::<C>());
        self
    }

    /// Adds an operation.
    pub fn route(mut self, op: impl PathOperation) -> Router {
        self.operations.push(op.operation());
        self
    }

    /// Includes another router's operations, under this router's prefix and tags.
    pub fn include_router(mut self, router: Router) -> Router {
        self.operations.extend(router.into_operations());
        self
    }

    /// The operations with the prefix and tags applied.
    pub fn into_operations(self) -> Vec<Operation> {
        let Router {
            prefix,
            tags,
            dependencies,
            responses,
            generate_unique_id,
            callbacks,
            strict_content_type,
            default_class,
            operations,
        } = self;
        operations
            .into_iter()
            .map(|op| {
                // The innermost default response class wins, the operation's own class over
                // all.
                let mut op = op.default_class(default_class).with_prefix(
                    &prefix,
                    &tags,
                    &dependencies,
                    &responses,
                    generate_unique_id,
                    &callbacks,
                );
                // The innermost setting wins, as the `operationId` rule.
                op.strict_content_type = op.strict_content_type.or(strict_content_type);
                op
            })
            .collect()
    }
}
