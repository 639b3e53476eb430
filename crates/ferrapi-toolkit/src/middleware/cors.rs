//! Cross-origin resource sharing: Starlette's `CORSMiddleware`.
//!
//! What Starlette does, and so does [`CORSMiddleware`]:
//!
//! - A **preflight** is an `OPTIONS` request with `Origin` and `Access-Control-Request-Method`.
//!   It is answered by the middleware itself, never by the app: `200 OK` (text/plain) when the
//!   origin, the method, every requested header and (if asked) private-network access are
//!   allowed, else `400 Disallowed CORS origin, method, headers` listing only what failed, in
//!   that order (`origin`, `method`, `headers`, `private-network`). Both carry
//!   `Vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers,
//!   Access-Control-Request-Private-Network`, `Access-Control-Allow-Methods`,
//!   `Access-Control-Max-Age`, the allowed headers (the requested ones mirrored with `"*"`)
//!   and the allowed origin (the requested one echoed, or `*` when every origin is allowed
//!   without credentials), in Starlette's header order.
//! - Every other request goes to the app; when it has an `Origin`, the response gets
//!   `Access-Control-Allow-Origin` (`*` when every origin is allowed, the origin echoed when
//!   credentials are allowed or when the origin is in the list/regex),
//!   `Access-Control-Allow-Credentials` and `Access-Control-Expose-Headers` as configured.
//!   `Origin` is appended to the app's `Vary` on every response, as Starlette does: also
//!   with `*`, for a disallowed origin, and for a request without `Origin`.
//!
//! Options and defaults ([`CorsConfig`]): `allow_origins` none (`"*"` allows all),
//! `allow_origin_regex` none (matched against the whole origin, as Python's `re.fullmatch`),
//! `allow_methods` `GET` (`"*"` = `DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY`),
//! `allow_headers` none (the CORS-safelisted `Accept`, `Accept-Language`, `Content-Language`,
//! `Content-Type` are always allowed; `"*"` allows and mirrors any), `allow_credentials` false,
//! `expose_headers` none, `max_age` 600, `allow_private_network` false.
//!
//! Differences: the regex is the `regex` crate's syntax (no look-around or back-references),
//! and an invalid one makes [`CORSMiddleware::new`] panic, as `re.compile` raises in
//! Starlette's constructor ([`CORSMiddleware::try_new`] returns the error instead). WebSocket
//! handshakes pass through untouched, as Starlette only handles `http` scopes. Older Starlette
//! releases echoed the origin for any cookie-carrying request when every origin was allowed;
//! Starlette 1.x (and this) decides on `allow_credentials` alone.
//!
//! ```
//! use ferrapi_toolkit::middleware::cors::{CORSMiddleware, CorsConfig};
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new().middleware(|inner: BoxApp| {
//!     CORSMiddleware::new(
//!         inner,
//!         CorsConfig::new()
//!             .allow_origins(["https://app.example.com"])
//!             .allow_origin_regex(r"https://.*\.preview\.example\.com")
//!             .allow_methods(["*"])
//!             .allow_headers(["X-Request-Id"])
//!             .allow_credentials(true),
//!     )
//! });
//! # let _ = app;
//! ```

use std::collections::BTreeSet;

use ferrapi_server::{App, Body, BoxError, IntoApp, Request, Response};
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode};

/// The methods `allow_methods(["*"])` stands for (Starlette's `ALL_METHODS`).
pub const ALL_METHODS: [&str; 8] = [
    "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY",
];

/// The request headers always allowed (Starlette's `SAFELISTED_HEADERS`).
pub const SAFELISTED_HEADERS: [&str; 4] = [
    "Accept",
    "Accept-Language",
    "Content-Language",
    "Content-Type",
];

const VARY_PREFLIGHT: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

/// The options of [`CORSMiddleware`], with Starlette's defaults.
#[derive(Clone, Debug)]
pub struct CorsConfig {
    allow_origins: Vec<String>,
    allow_origin_regex: Option<String>,
    allow_methods: Vec<String>,
    allow_headers: Vec<String>,
    allow_credentials: bool,
    expose_headers: Vec<String>,
    max_age: u64,
    allow_private_network: bool,
}

impl Default for CorsConfig {
    fn default() -> Self {
        CorsConfig {
            allow_origins: Vec::new(),
            allow_origin_regex: None,
            allow_methods: vec!["GET".to_string()],
            allow_headers: Vec::new(),
            allow_credentials: false,
            expose_headers: Vec::new(),
            max_age: 600,
            allow_private_network: false,
        }
    }
}

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

impl CorsConfig {
    /// Starlette's defaults: no origin allowed, `GET` only, the safelisted headers only.
    pub fn new() -> CorsConfig {
        CorsConfig::default()
    }

    /// The allowed origins, compared exactly (`"https://example.com"`); `"*"` allows any.
    pub fn allow_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_origins = strings(origins);
        self
    }

    /// A regular expression the whole origin must match (implicitly anchored at both ends).
    pub fn allow_origin_regex(mut self, regex: impl Into<String>) -> Self {
        self.allow_origin_regex = Some(regex.into());
        self
    }

    /// The allowed methods, compared exactly (default `GET`); `"*"` allows [`ALL_METHODS`].
    pub fn allow_methods<I, S>(mut self, methods: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_methods = strings(methods);
        self
    }

    /// The allowed request headers besides the safelisted ones (case-insensitive); `"*"`
    /// allows any.
    pub fn allow_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.allow_headers = strings(headers);
        self
    }

    /// Whether cross-origin requests may carry credentials (default false).
    pub fn allow_credentials(mut self, allow: bool) -> Self {
        self.allow_credentials = allow;
        self
    }

    /// Response headers the browser may expose to the page.
    pub fn expose_headers<I, S>(mut self, headers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.expose_headers = strings(headers);
        self
    }

    /// How long (seconds) browsers may cache a preflight answer (default 600).
    pub fn max_age(mut self, seconds: u64) -> Self {
        self.max_age = seconds;
        self
    }

    /// Whether preflights asking for private-network access are allowed (default false).
    pub fn allow_private_network(mut self, allow: bool) -> Self {
        self.allow_private_network = allow;
        self
    }
}

/// Starlette's `CORSMiddleware`; see the [module docs](self).
#[derive(Debug)]
pub struct CORSMiddleware<A> {
    inner: A,
    allow_origins: Vec<String>,
    allow_methods: Vec<String>,
    /// Lowercased, safelisted ones included.
    allow_headers: Vec<String>,
    allow_all_origins: bool,
    allow_all_headers: bool,
    allow_credentials: bool,
    preflight_explicit_allow_origin: bool,
    allow_origin_regex: Option<regex::Regex>,
    allow_private_network: bool,
    simple_headers: Vec<(HeaderName, HeaderValue)>,
    preflight_headers: Vec<(HeaderName, HeaderValue)>,
}

fn value(text: &str) -> Result<HeaderValue, BoxError> {
    HeaderValue::from_str(text).map_err(|_| format!("invalid CORS header value {text:?}").into())
}

impl<A: App> CORSMiddleware<A> {
    /// Wraps `inner`. Panics if the origin regex or a configured header value is invalid.
    pub fn new(inner: impl IntoApp<App = A>, config: CorsConfig) -> CORSMiddleware<A> {
        let inner = inner.into_app();
        match CORSMiddleware::try_new(inner, config) {
            Ok(middleware) => middleware,
            Err(err) => panic!("CORSMiddleware: {err}"),
        }
    }

    /// Wraps `inner`, or says why the configuration is invalid (a bad regex, a header value
    /// with control characters).
    pub fn try_new(
        inner: impl IntoApp<App = A>,
        config: CorsConfig,
    ) -> Result<CORSMiddleware<A>, BoxError> {
        let inner = inner.into_app();
        let allow_methods = if config.allow_methods.iter().any(|m| m == "*") {
            ALL_METHODS.iter().map(|m| m.to_string()).collect()
        } else {
            config.allow_methods
        };
        let allow_origin_regex = match &config.allow_origin_regex {
            Some(pattern) => Some(regex::Regex::new(&format!(r"\A(?:{pattern})\z"))?),
            None => None,
        };
        let allow_all_origins = config.allow_origins.iter().any(|o| o == "*");
        let allow_all_headers = config.allow_headers.iter().any(|h| h == "*");
        let preflight_explicit_allow_origin = !allow_all_origins || config.allow_credentials;

        let mut simple_headers = Vec::new();
        if allow_all_origins {
            simple_headers.push((
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ));
        }
        if config.allow_credentials {
            simple_headers.push((
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ));
        }
        if !config.expose_headers.is_empty() {
            simple_headers.push((
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                value(&config.expose_headers.join(", "))?,
            ));
        }

        let mut preflight_headers = vec![(header::VARY, HeaderValue::from_static(VARY_PREFLIGHT))];
        if !preflight_explicit_allow_origin {
            preflight_headers.push((
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            ));
        }
        preflight_headers.push((
            header::ACCESS_CONTROL_ALLOW_METHODS,
            value(&allow_methods.join(", "))?,
        ));
        preflight_headers.push((
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from(config.max_age),
        ));
        // Python's `sorted(set(...))`: deduplicated exactly, sorted by code point.
        let sorted: BTreeSet<String> = SAFELISTED_HEADERS
            .iter()
            .map(|h| h.to_string())
            .chain(config.allow_headers.iter().cloned())
            .collect();
        if !allow_all_headers {
            let joined: Vec<&str> = sorted.iter().map(String::as_str).collect();
            preflight_headers.push((
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                value(&joined.join(", "))?,
            ));
        }
        if config.allow_credentials {
            preflight_headers.push((
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            ));
        }

        Ok(CORSMiddleware {
            inner,
            allow_origins: config.allow_origins,
            allow_methods,
            allow_headers: sorted.iter().map(|h| h.to_lowercase()).collect(),
            allow_all_origins,
            allow_all_headers,
            allow_credentials: config.allow_credentials,
            preflight_explicit_allow_origin,
            allow_origin_regex,
            allow_private_network: config.allow_private_network,
            simple_headers,
            preflight_headers,
        })
    }

    fn is_allowed_origin(&self, origin: &HeaderValue) -> bool {
        if self.allow_all_origins {
            return true;
        }
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        if self
            .allow_origin_regex
            .as_ref()
            .is_some_and(|re| re.is_match(origin))
        {
            return true;
        }
        self.allow_origins.iter().any(|o| o == origin)
    }

    fn preflight_response(&self, headers: &HeaderMap, origin: &HeaderValue) -> Response<Body> {
        let mut out = self.preflight_headers.clone();
        let mut failures: Vec<&str> = Vec::new();

        if self.is_allowed_origin(origin) {
            if self.preflight_explicit_allow_origin {
                set(
                    &mut out,
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    origin.clone(),
                );
            }
        } else {
            failures.push("origin");
        }

        let requested_method = headers
            .get(header::ACCESS_CONTROL_REQUEST_METHOD)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .unwrap_or_default();
        if !self.allow_methods.contains(&requested_method) {
            failures.push("method");
        }

        if let Some(requested) = headers.get(header::ACCESS_CONTROL_REQUEST_HEADERS) {
            if self.allow_all_headers {
                set(
                    &mut out,
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    requested.clone(),
                );
            } else {
                let requested = String::from_utf8_lossy(requested.as_bytes()).to_lowercase();
                if requested
                    .split(',')
                    .any(|h| !self.allow_headers.iter().any(|a| a == h.trim()))
                {
                    failures.push("headers");
                }
            }
        }

        if headers.contains_key("access-control-request-private-network") {
            if self.allow_private_network {
                set(
                    &mut out,
                    HeaderName::from_static("access-control-allow-private-network"),
                    HeaderValue::from_static("true"),
                );
            } else {
                failures.push("private-network");
            }
        }

        let (status, text) = if failures.is_empty() {
            (StatusCode::OK, "OK".to_string())
        } else {
            (
                StatusCode::BAD_REQUEST,
                format!("Disallowed CORS {}", failures.join(", ")),
            )
        };
        let mut response = Response::new(Body::from(text));
        *response.status_mut() = status;
        let map = response.headers_mut();
        for (name, value) in out {
            map.append(name, value);
        }
        map.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }

    fn simple_headers(&self, response: &mut Response<Body>, origin: Option<&HeaderValue>) {
        let headers = response.headers_mut();
        if origin.is_some() {
            for (name, value) in &self.simple_headers {
                headers.insert(name.clone(), value.clone());
            }
        }
        match origin {
            Some(origin)
                if (self.allow_all_origins && self.allow_credentials)
                    || (!self.allow_all_origins && self.is_allowed_origin(origin)) =>
            {
                headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
                add_vary_origin(headers);
            }
            _ => add_vary_origin(headers),
        }
    }
}

/// Python's `dict[key] = value`: replaces in place, or appends.
fn set(headers: &mut Vec<(HeaderName, HeaderValue)>, name: HeaderName, value: HeaderValue) {
    match headers.iter_mut().find(|(n, _)| *n == name) {
        Some(entry) => entry.1 = value,
        None => headers.push((name, value)),
    }
}

/// `headers["Vary"] = ", ".join([*headers.getlist("Vary"), "Origin"])`.
fn add_vary_origin(headers: &mut HeaderMap) {
    let mut parts: Vec<&[u8]> = headers
        .get_all(header::VARY)
        .iter()
        .map(|v| v.as_bytes())
        .collect();
    parts.push(b"Origin");
    let joined = parts.join(&b", "[..]);
    if let Ok(value) = HeaderValue::from_bytes(&joined) {
        headers.insert(header::VARY, value);
    }
}

pub(crate) fn is_websocket(req: &Request<Body>) -> bool {
    req.extensions()
        .get::<ferrapi_server::websocket::WebSocketUpgrade>()
        .is_some()
}

impl<A: App> App for CORSMiddleware<A> {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        if is_websocket(&req) {
            return self.inner.call(req).await;
        }
        let origin = req.headers().get(header::ORIGIN).cloned();
        if let Some(origin) = &origin {
            if req.method() == Method::OPTIONS
                && req
                    .headers()
                    .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
            {
                return self.preflight_response(req.headers(), origin);
            }
        }
        let mut response = self.inner.call(req).await;
        self.simple_headers(&mut response, origin.as_ref());
        response
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}
