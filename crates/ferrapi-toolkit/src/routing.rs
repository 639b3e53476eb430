//! Routing with Starlette's semantics (`starlette/routing.py`).
//!
//! * [`Route`]: a path template, an [`Endpoint`] and its methods (`GET` by default, `HEAD`
//!   added whenever `GET` is there). A path that matches with the wrong method gives `405` with
//!   `Allow`, through the exception handlers.
//! * [`WebSocketRoute`]: a path and a [`WebSocketEndpoint`].
//! * [`Mount`]: a path prefix and a [`Router`] or any app; the child sees the rest of the path,
//!   the prefix added to its root path, and the mount's path parameters.
//! * [`Host`]: matches the `Host` header (port ignored, case-insensitive, `{sub}.example.org`).
//! * [`Router`]: the first route that fully matches wins; if none, the first partial match
//!   (path right, method wrong) gives 405; else, if the path with its trailing slash toggled
//!   would match, a `307` redirect to it; else 404. A WebSocket without a route is refused
//!   (`403`, what uvicorn answers for Starlette's close).
//!
//! Path convertors are those of [`pattern`]. Reverse routing ([`Router::url_path_for`]) finds a
//! route by name and parameters; names inside mounts are namespaced `"mount:child"`.
//!
//! Matching does not test every route: an index (`routing/index.rs`) files routes under the
//! segments their template starts with (`benches/route_scaling.sh` measures 10, 100 and 1,000
//! routes).

mod index;
pub mod pattern;

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use ferrapi_server::websocket::WebSocketUpgrade;
use ferrapi_server::{App, Body, IntoApp, Scope};
use http::header::{self, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

use crate::endpoints::{BoxFuture, Endpoint, WebSocketEndpoint};
use crate::exceptions::{Error, ExceptionHandlers, HTTPException};
use crate::middleware::BoxApp;
use crate::requests::Request;
use crate::responses::{IntoResponse, Redirect, Response};
pub use pattern::{Convertor, PathPattern, PatternError};

/// The name of a function type, as Starlette names a route after `endpoint.__name__`:
/// `my_app::users::list_users` gives `list_users`; closures have no name. A function declared
/// inside a closure or an async block (`main::{{closure}}::hello`) still has its name.
fn endpoint_name<E>() -> Option<String> {
    let full = std::any::type_name::<E>();
    let trimmed = full.trim_end_matches('>');
    let last = trimmed.rsplit(['<', ':']).next()?;
    (!last.is_empty() && !last.starts_with('{')).then(|| last.to_string())
}

fn compile(path: &str) -> PathPattern {
    PathPattern::parse(path).unwrap_or_else(|err| panic!("invalid route path {path:?}: {err}"))
}

/// An HTTP route (Starlette's `Route`).
#[derive(Clone)]
pub struct Route {
    pattern: PathPattern,
    endpoint: Arc<dyn Endpoint>,
    methods: Option<Vec<Method>>,
    name: Option<String>,
    include_in_schema: bool,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("path", &self.pattern.template())
            .field("methods", &self.methods)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Route {
    /// A `GET` (and `HEAD`) route, named after the endpoint function.
    ///
    /// # Panics
    /// If the path template is invalid (an unknown convertor, a duplicate parameter…), as
    /// Starlette raises when the route is made. [`Route::try_new`] returns the error instead.
    pub fn new<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::try_new(path, endpoint).unwrap_or_else(|err| panic!("{err}"))
    }

    /// A `GET` route, or the error in the path template.
    pub fn try_new<E: Endpoint>(path: &str, endpoint: E) -> Result<Route, PatternError> {
        if !path.starts_with('/') {
            return Err(PatternError("Routed paths must start with '/'".to_string()));
        }
        Ok(Route {
            pattern: PathPattern::parse(path)
                .map_err(|e| PatternError(format!("invalid route path {path:?}: {e}")))?,
            name: endpoint_name::<E>(),
            endpoint: Arc::new(endpoint),
            methods: Some(vec![Method::GET, Method::HEAD]),
            include_in_schema: true,
        })
    }

    /// A route for `GET` (and `HEAD`).
    pub fn get<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::new(path, endpoint)
    }

    /// A route for `POST`.
    pub fn post<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::new(path, endpoint).methods([Method::POST])
    }

    /// A route for `PUT`.
    pub fn put<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::new(path, endpoint).methods([Method::PUT])
    }

    /// A route for `PATCH`.
    pub fn patch<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::new(path, endpoint).methods([Method::PATCH])
    }

    /// A route for `DELETE`.
    pub fn delete<E: Endpoint>(path: &str, endpoint: E) -> Route {
        Route::new(path, endpoint).methods([Method::DELETE])
    }

    /// Replaces the methods; `HEAD` is added when `GET` is present.
    pub fn methods(mut self, methods: impl IntoIterator<Item = Method>) -> Route {
        let mut list: Vec<Method> = Vec::new();
        for method in methods {
            if !list.contains(&method) {
                list.push(method);
            }
        }
        if list.contains(&Method::GET) && !list.contains(&Method::HEAD) {
            list.push(Method::HEAD);
        }
        self.methods = Some(list);
        self
    }

    /// Accepts every method (Starlette's class endpoints).
    pub fn any_method(mut self) -> Route {
        self.methods = None;
        self
    }

    /// Sets the name used by reverse routing.
    pub fn name(mut self, name: impl Into<String>) -> Route {
        self.name = Some(name.into());
        self
    }

    /// Whether the route appears in a generated schema (for the framework's OpenAPI).
    pub fn include_in_schema(mut self, include: bool) -> Route {
        self.include_in_schema = include;
        self
    }

    /// The path template.
    pub fn path(&self) -> &str {
        self.pattern.template()
    }

    /// The compiled template.
    pub fn pattern(&self) -> &PathPattern {
        &self.pattern
    }

    /// The methods (`None`: any).
    pub fn allowed_methods(&self) -> Option<&[Method]> {
        self.methods.as_deref()
    }

    /// The route's name.
    pub fn route_name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Whether the route appears in a generated schema.
    pub fn is_in_schema(&self) -> bool {
        self.include_in_schema
    }

    fn allows(&self, method: &Method) -> bool {
        self.methods.as_ref().is_none_or(|m| m.contains(method))
    }
}

/// A WebSocket route (Starlette's `WebSocketRoute`).
#[derive(Clone)]
pub struct WebSocketRoute {
    pattern: PathPattern,
    endpoint: Arc<dyn WebSocketEndpoint>,
    name: Option<String>,
}

impl fmt::Debug for WebSocketRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocketRoute")
            .field("path", &self.pattern.template())
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl WebSocketRoute {
    /// A WebSocket route, named after the endpoint function.
    ///
    /// # Panics
    /// If the path template is invalid.
    pub fn new<E: WebSocketEndpoint>(path: &str, endpoint: E) -> WebSocketRoute {
        WebSocketRoute {
            pattern: compile(path),
            name: endpoint_name::<E>(),
            endpoint: Arc::new(endpoint),
        }
    }

    /// Sets the name used by reverse routing.
    pub fn name(mut self, name: impl Into<String>) -> WebSocketRoute {
        self.name = Some(name.into());
        self
    }

    /// The path template.
    pub fn path(&self) -> &str {
        self.pattern.template()
    }
}

/// What a [`Mount`] or [`Host`] hands requests to.
#[derive(Clone, Debug)]
enum Target {
    Router(Arc<Router>),
    App(BoxApp),
}

/// A path prefix served by a router or another app (Starlette's `Mount`).
#[derive(Clone, Debug)]
pub struct Mount {
    pattern: PathPattern,
    target: Target,
    name: Option<String>,
}

impl Mount {
    /// Mounts a router at `path` (a trailing `/` is ignored, as in Starlette).
    ///
    /// # Panics
    /// If the path template is invalid.
    pub fn new(path: &str, router: Router) -> Mount {
        Mount {
            pattern: compile(path.trim_end_matches('/')),
            target: Target::Router(Arc::new(router)),
            name: None,
        }
    }

    /// Mounts any app at `path`. It sees the path after the prefix, and the prefix added to
    /// its [`Scope`] root path.
    ///
    /// # Panics
    /// If the path template is invalid.
    pub fn app<A: IntoApp>(path: &str, app: A) -> Mount {
        let app = app.into_app();
        Mount {
            pattern: compile(path.trim_end_matches('/')),
            target: Target::App(BoxApp::new(app)),
            name: None,
        }
    }

    /// Names the mount; its routes are then reversed as `"name:route"`.
    pub fn name(mut self, name: impl Into<String>) -> Mount {
        self.name = Some(name.into());
        self
    }

    /// The mount's router, when it mounts one.
    pub fn router(&self) -> Option<&Router> {
        match &self.target {
            Target::Router(router) => Some(router),
            Target::App(_) => None,
        }
    }

    /// The path prefix template.
    pub fn path(&self) -> &str {
        self.pattern.template()
    }
}

/// Routes by the `Host` header (Starlette's `Host`).
#[derive(Clone, Debug)]
pub struct Host {
    pattern: PathPattern,
    target: Target,
    name: Option<String>,
}

impl Host {
    /// Serves requests for `host` (a template such as `{subdomain}.example.org`) with `router`.
    ///
    /// # Panics
    /// If the template is invalid.
    pub fn new(host: &str, router: Router) -> Host {
        Host {
            pattern: compile(&host.to_ascii_lowercase()),
            target: Target::Router(Arc::new(router)),
            name: None,
        }
    }

    /// Serves requests for `host` with any app.
    ///
    /// # Panics
    /// If the template is invalid.
    pub fn app<A: IntoApp>(host: &str, app: A) -> Host {
        let app = app.into_app();
        Host {
            pattern: compile(&host.to_ascii_lowercase()),
            target: Target::App(BoxApp::new(app)),
            name: None,
        }
    }

    /// Names the host route for reverse routing.
    pub fn name(mut self, name: impl Into<String>) -> Host {
        self.name = Some(name.into());
        self
    }
}

/// Any entry of a router.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum BaseRoute {
    /// An HTTP route.
    Route(Route),
    /// A WebSocket route.
    WebSocket(WebSocketRoute),
    /// A mount.
    Mount(Mount),
    /// A host route.
    Host(Host),
}

impl From<Route> for BaseRoute {
    fn from(r: Route) -> BaseRoute {
        BaseRoute::Route(r)
    }
}

impl From<WebSocketRoute> for BaseRoute {
    fn from(r: WebSocketRoute) -> BaseRoute {
        BaseRoute::WebSocket(r)
    }
}

impl From<Mount> for BaseRoute {
    fn from(r: Mount) -> BaseRoute {
        BaseRoute::Mount(r)
    }
}

impl From<Host> for BaseRoute {
    fn from(r: Host) -> BaseRoute {
        BaseRoute::Host(r)
    }
}

/// No route has the given name and parameters (Starlette's `NoMatchFound`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoMatchFound {
    name: String,
    params: Vec<String>,
}

impl NoMatchFound {
    pub(crate) fn new(name: &str, params: &[(&str, &str)]) -> NoMatchFound {
        NoMatchFound {
            name: name.to_string(),
            params: params.iter().map(|(k, _)| k.to_string()).collect(),
        }
    }
}

impl fmt::Display for NoMatchFound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "No route exists for name \"{}\" and params \"{}\".",
            self.name,
            self.params.join(", ")
        )
    }
}

impl std::error::Error for NoMatchFound {}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Match {
    None,
    Partial,
    Full,
}

/// What a request is matched on.
struct Probe<'a> {
    path: &'a str,
    method: &'a Method,
    websocket: bool,
    host: &'a str,
}

/// A list of routes (Starlette's `Router`), itself usable as an app.
#[derive(Debug, Default)]
pub struct Router {
    routes: Vec<BaseRoute>,
    index: index::Index,
    redirect_slashes: bool,
    /// Whether any entry routes by host (the `Host` header is only parsed then).
    has_hosts: bool,
}

impl Clone for Router {
    fn clone(&self) -> Router {
        Router::from_routes(self.routes.clone()).redirect_slashes(self.redirect_slashes)
    }
}

impl Router {
    /// An empty router, redirecting slashes.
    pub fn new() -> Router {
        Router {
            routes: Vec::new(),
            index: index::Index::default(),
            redirect_slashes: true,
            has_hosts: false,
        }
    }

    /// A router with these routes.
    pub fn from_routes(routes: impl IntoIterator<Item = impl Into<BaseRoute>>) -> Router {
        let mut router = Router::new();
        for route in routes {
            router = router.route(route);
        }
        router
    }

    /// Adds a route, WebSocket route, mount or host at the end.
    pub fn route(mut self, route: impl Into<BaseRoute>) -> Router {
        self.push(route.into());
        self
    }

    /// Adds a route at the end.
    pub fn push(&mut self, route: BaseRoute) {
        let at = self.routes.len();
        let segments = match &route {
            BaseRoute::Route(r) => r.pattern.index_segments(),
            BaseRoute::WebSocket(r) => r.pattern.index_segments(),
            // A mount at `/api` matches `/api/...`: its template's segments are whole ones.
            BaseRoute::Mount(m) => m.pattern.index_segments(),
            BaseRoute::Host(_) => {
                self.has_hosts = true;
                Vec::new()
            }
        };
        self.index.insert(&segments, at);
        self.routes.push(route);
    }

    /// Turns the trailing-slash redirect on or off (on by default).
    pub fn redirect_slashes(mut self, enabled: bool) -> Router {
        self.redirect_slashes = enabled;
        self
    }

    /// The routes, in order.
    pub fn routes(&self) -> &[BaseRoute] {
        &self.routes
    }

    fn check(&self, at: usize, probe: &Probe<'_>) -> Match {
        match &self.routes[at] {
            BaseRoute::Route(r) => {
                if probe.websocket || !r.pattern.is_match(probe.path, None) {
                    Match::None
                } else if r.allows(probe.method) {
                    Match::Full
                } else {
                    Match::Partial
                }
            }
            BaseRoute::WebSocket(r) => {
                if probe.websocket && r.pattern.is_match(probe.path, None) {
                    Match::Full
                } else {
                    Match::None
                }
            }
            BaseRoute::Mount(m) => match m.pattern.match_prefix(probe.path, None) {
                Some(_) => Match::Full,
                None => Match::None,
            },
            BaseRoute::Host(h) => {
                if h.pattern.is_match(probe.host, None) {
                    Match::Full
                } else {
                    Match::None
                }
            }
        }
    }

    /// The first full match and the first partial match.
    fn resolve(&self, probe: &Probe<'_>) -> (Option<usize>, Option<usize>) {
        let mut full = usize::MAX;
        let mut partial = usize::MAX;
        self.index.walk(probe.path, &mut |candidates| {
            for &at in candidates {
                if at >= full {
                    break;
                }
                match self.check(at, probe) {
                    Match::Full => {
                        full = at;
                        break;
                    }
                    Match::Partial => partial = partial.min(at),
                    Match::None => {}
                }
            }
        });
        let found = |i: usize| (i != usize::MAX).then_some(i);
        (found(full), found(partial))
    }

    /// Routes a request: the endpoint's future, or the 404/405 error, or the redirect.
    pub fn handle(&self, mut req: Request) -> BoxFuture<Result<Response, Error>> {
        let websocket = req.extensions().get::<WebSocketUpgrade>().is_some();
        let host = if self.has_hosts {
            let header = req.header("host").unwrap_or("");
            crate::datastructures::split_authority(header)
                .0
                .to_ascii_lowercase()
        } else {
            String::new()
        };
        let probe = Probe {
            path: req.route_path(),
            method: req.method(),
            websocket,
            host: &host,
        };
        let (full, partial) = self.resolve(&probe);
        if let Some(at) = full {
            return self.dispatch(at, req, &host);
        }
        if let Some(at) = partial {
            let allow = match &self.routes[at] {
                BaseRoute::Route(r) => r
                    .methods
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .map(Method::as_str)
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            let mut headers = HeaderMap::new();
            if let Ok(value) = HeaderValue::from_str(&allow) {
                headers.insert(header::ALLOW, value);
            }
            let err = HTTPException::new(StatusCode::METHOD_NOT_ALLOWED).with_headers(headers);
            return Box::pin(async move { Err(err.into()) });
        }
        let route_path = req.route_path();
        if self.redirect_slashes && !websocket && route_path != "/" {
            let toggled = match route_path.strip_suffix('/') {
                Some(stripped) => stripped.to_string(),
                None => format!("{route_path}/"),
            };
            let probe = Probe {
                path: &toggled,
                method: req.method(),
                websocket,
                host: &host,
            };
            if matches!(self.resolve(&probe), (Some(_), _) | (_, Some(_))) {
                let location = redirect_location(&req);
                return Box::pin(async move { Ok(Redirect::to(&location).into_response()) });
            }
        }
        if websocket {
            let response = match req.extensions_mut().remove::<WebSocketUpgrade>() {
                Some(upgrade) => upgrade.reject(),
                None => StatusCode::FORBIDDEN.into_response(),
            };
            return Box::pin(async move { Ok(response) });
        }
        Box::pin(async { Err(HTTPException::new(StatusCode::NOT_FOUND).into()) })
    }

    fn dispatch(
        &self,
        at: usize,
        mut req: Request,
        host: &str,
    ) -> BoxFuture<Result<Response, Error>> {
        match &self.routes[at] {
            BaseRoute::Route(r) => {
                capture(&r.pattern, &mut req);
                r.endpoint.call(req)
            }
            BaseRoute::WebSocket(r) => {
                capture(&r.pattern, &mut req);
                crate::websockets::serve(r.endpoint.clone(), req)
            }
            BaseRoute::Mount(m) => {
                let offset = req.route_offset();
                let mut params = std::mem::take(req.path_params_mut());
                let matched = m.pattern.match_prefix(req.route_path(), Some(&mut params));
                *req.path_params_mut() = params;
                let Some(at) = matched else {
                    return Box::pin(async {
                        Err(HTTPException::new(StatusCode::NOT_FOUND).into())
                    });
                };
                req.set_route_offset(offset + at);
                forward(&m.target, req)
            }
            BaseRoute::Host(h) => {
                h.pattern.is_match(host, Some(req.path_params_mut()));
                forward(&h.target, req)
            }
        }
    }

    /// The path of the route named `name` with `params` (Starlette's `url_path_for`).
    pub fn url_path_for(
        &self,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<String, NoMatchFound> {
        for route in &self.routes {
            let found = match route {
                BaseRoute::Route(r) => reverse(&r.pattern, r.name.as_deref(), name, params),
                BaseRoute::WebSocket(r) => reverse(&r.pattern, r.name.as_deref(), name, params),
                BaseRoute::Mount(m) => {
                    reverse_nested(&m.pattern, &m.target, m.name.as_deref(), name, params, true)
                }
                BaseRoute::Host(h) => reverse_nested(
                    &h.pattern,
                    &h.target,
                    h.name.as_deref(),
                    name,
                    params,
                    false,
                ),
            };
            if let Some(path) = found {
                return Ok(path);
            }
        }
        Err(NoMatchFound::new(name, params))
    }
}

/// Appends the route's path parameters to the request's.
fn capture(pattern: &PathPattern, req: &mut Request) {
    let mut params = std::mem::take(req.path_params_mut());
    pattern.is_match(req.route_path(), Some(&mut params));
    *req.path_params_mut() = params;
    req.publish_params();
}

fn same_keys(pattern: &PathPattern, params: &[(&str, &str)]) -> bool {
    let mut expected: Vec<&str> = pattern.param_names().collect();
    let mut given: Vec<&str> = params.iter().map(|(k, _)| *k).collect();
    expected.sort_unstable();
    given.sort_unstable();
    given.dedup();
    expected == given
}

fn reverse(
    pattern: &PathPattern,
    route_name: Option<&str>,
    name: &str,
    params: &[(&str, &str)],
) -> Option<String> {
    if route_name != Some(name) || !same_keys(pattern, params) {
        return None;
    }
    pattern.expand(params)
}

/// Reverse-routing parameters, `(name, value)`.
type ParamList<'a> = Vec<(&'a str, &'a str)>;

fn reverse_nested(
    pattern: &PathPattern,
    target: &Target,
    own_name: Option<&str>,
    name: &str,
    params: &[(&str, &str)],
    is_mount: bool,
) -> Option<String> {
    let own: Vec<&str> = pattern.param_names().collect();
    let (mine, rest): (ParamList<'_>, ParamList<'_>) =
        params.iter().partition(|(k, _)| own.contains(k));
    let prefix = |mine: &[(&str, &str)]| -> Option<String> {
        if is_mount {
            Some(pattern.expand(mine)?.trim_end_matches('/').to_string())
        } else {
            // A host route does not change the path.
            pattern.expand(mine).map(|_| String::new())
        }
    };
    if is_mount && own_name == Some(name) {
        // The mount itself: its prefix plus a `path` parameter.
        let path = rest.iter().find(|(k, _)| *k == "path")?.1;
        if rest.len() != 1 {
            return None;
        }
        return Some(format!("{}{}", prefix(&mine)?, path));
    }
    let child_name = match own_name {
        None => name,
        Some(own) => name.strip_prefix(own)?.strip_prefix(':')?,
    };
    let Target::Router(router) = target else {
        return None;
    };
    let child = router.url_path_for(child_name, &rest).ok()?;
    Some(format!("{}{}", prefix(&mine)?, child))
}

/// The absolute URL of the request with the trailing slash of its path toggled.
fn redirect_location(req: &Request) -> String {
    let raw = req.uri().path();
    let toggled = match raw.strip_suffix('/') {
        Some(stripped) => stripped.to_string(),
        None => format!("{raw}/"),
    };
    let mut url = req.url();
    let root = req.scope().map(Scope::root_path).unwrap_or("");
    url = url.with_path(&format!("{root}{toggled}"));
    url = url.with_query(req.uri().query());
    url.to_string()
}

/// Hands a request to a mount's or host's target.
fn forward(target: &Target, req: Request) -> BoxFuture<Result<Response, Error>> {
    match target {
        Target::Router(router) => router.handle(req),
        Target::App(app) => {
            let app = app.clone();
            let offset = req.route_offset();
            let prefix = req.path()[..offset].to_string();
            let params = req.path_params().clone();
            let mut http = req.into_http();
            rebase(&mut http, &prefix, offset);
            http.extensions_mut().insert(MountedParams(params));
            Box::pin(async move { Ok(app.call(http).await) })
        }
    }
}

/// Path parameters of the mounts above an app, picked up by a toolkit app mounted there.
#[derive(Clone, Debug)]
pub(crate) struct MountedParams(pub(crate) crate::datastructures::PathParams);

/// Moves `prefix` (the decoded mount prefix, `offset` bytes) from the request path to the
/// scope's root path.
fn rebase(req: &mut http::Request<Body>, prefix: &str, offset: usize) {
    let raw = req.uri().path();
    let rest_raw = if raw.len() >= offset && !raw.contains('%') {
        raw[offset..].to_string()
    } else {
        // Percent-escapes make the raw prefix longer: skip as many segments as the prefix has.
        let segments = prefix.matches('/').count();
        let mut at = 0;
        for (seen, (i, _)) in raw.match_indices('/').enumerate() {
            at = i;
            if seen == segments {
                break;
            }
        }
        raw[at..].to_string()
    };
    let rest_raw = if rest_raw.is_empty() {
        "/".to_string()
    } else {
        rest_raw
    };
    let target = match req.uri().query() {
        Some(q) => format!("{rest_raw}?{q}"),
        None => rest_raw,
    };
    if let Ok(uri) = target.parse() {
        *req.uri_mut() = uri;
    }
    let mut scope = req.extensions().get::<Scope>().cloned().unwrap_or_else(|| {
        Scope::new(
            None,
            None,
            ferrapi_server::Scheme::Http,
            "".into(),
            req.version(),
        )
    });
    let root = format!("{}{}", scope.root_path(), prefix);
    scope.set_root_path(root);
    req.extensions_mut().insert(scope);
}

impl App for Router {
    fn call(&self, req: http::Request<Body>) -> impl Future<Output = Response> + Send {
        let fut = self.handle(Request::from_http(req));
        async move {
            match crate::exceptions::CatchUnwind::new(fut).await {
                Ok(Ok(response)) => response,
                Ok(Err(err)) => ExceptionHandlers::new().handle(err, false),
                Err(panic) => ExceptionHandlers::new().handle(panic.into(), false),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn ok(_req: Request) -> &'static str {
        "ok"
    }

    #[test]
    fn endpoint_names_come_from_the_function() {
        fn name_of<E: Endpoint>(_: E) -> Option<String> {
            endpoint_name::<E>()
        }
        assert_eq!(name_of(ok).as_deref(), Some("ok"));
        assert_eq!(name_of(|_r: Request| async { "x" }), None);
        fn sync_ep(_r: Request) -> &'static str {
            "s"
        }
        assert_eq!(
            name_of(crate::endpoints::blocking(sync_ep)).as_deref(),
            Some("sync_ep")
        );
    }

    #[test]
    fn url_path_for_with_mounts() {
        let api = Router::new().route(Route::new("/u/{id:int}", ok).name("user"));
        let router = Router::new()
            .route(Route::new("/", ok).name("home"))
            .route(Mount::new("/api", api).name("api"));
        assert_eq!(router.url_path_for("home", &[]).unwrap(), "/");
        assert_eq!(
            router.url_path_for("api:user", &[("id", "3")]).unwrap(),
            "/api/u/3"
        );
        assert_eq!(
            router.url_path_for("api", &[("path", "/x")]).unwrap(),
            "/api/x"
        );
        let err = router.url_path_for("api:user", &[("id", "x")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "No route exists for name \"api:user\" and params \"id\"."
        );
        assert!(router.url_path_for("user", &[("id", "3")]).is_err());
    }
}
