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

use ferrapi_toolkit::endpoints::Endpoint;
use ferrapi_toolkit::{Method, Route, StatusCode};

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

/// One path operation.
#[derive(Clone)]
pub struct Operation {
    methods: Vec<Method>,
    path: String,
    name: String,
    endpoint: Arc<dyn Endpoint>,
    status_code: Option<StatusCode>,
    tags: Vec<String>,
    summary: Option<String>,
    description: Option<String>,
    deprecated: bool,
    include_in_schema: bool,
    operation_id: Option<String>,
    params: Vec<&'static str>,
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
        Operation {
            methods: methods.to_vec(),
            path: path.to_string(),
            name: name.to_string(),
            endpoint: Arc::new(endpoint),
            status_code: None,
            tags: Vec::new(),
            summary: None,
            description: None,
            deprecated: false,
            include_in_schema: true,
            operation_id: None,
            params: Vec::new(),
        }
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

    /// The names of the function's arguments, in order.
    pub fn params(mut self, names: &[&'static str]) -> Operation {
        self.params = names.to_vec();
        self
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

    fn with_prefix(mut self, prefix: &str, tags: &[String]) -> Operation {
        self.path = format!("{}{}", prefix.trim_end_matches('/'), self.path);
        let mut all = tags.to_vec();
        all.extend(std::mem::take(&mut self.tags));
        self.tags = all;
        self
    }

    /// The toolkit route serving this operation. A `GET` operation answers `HEAD` too
    /// (FastAPI does not: fastapi#1773), without a second operation in the schema.
    pub(crate) fn to_route(&self) -> Route {
        let endpoint = SharedEndpoint(self.endpoint.clone());
        Route::new(&self.path, endpoint)
            .methods(self.methods.iter().cloned())
            .name(self.name.clone())
            .include_in_schema(self.include_in_schema)
    }
}

/// An endpoint shared between the operation (kept for the schema) and its route.
struct SharedEndpoint(Arc<dyn Endpoint>);

impl Endpoint for SharedEndpoint {
    fn call(
        &self,
        req: ferrapi_toolkit::Request,
    ) -> ferrapi_toolkit::endpoints::BoxFuture<
        Result<ferrapi_toolkit::Response, ferrapi_toolkit::Error>,
    > {
        self.0.call(req)
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
#[derive(Clone, Debug, Default)]
pub struct Router {
    prefix: String,
    tags: Vec<String>,
    operations: Vec<Operation>,
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
            operations,
        } = self;
        operations
            .into_iter()
            .map(|op| op.with_prefix(&prefix, &tags))
            .collect()
    }
}
