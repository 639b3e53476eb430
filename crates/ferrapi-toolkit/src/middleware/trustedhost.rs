//! Host header validation: Starlette's `TrustedHostMiddleware`.
//!
//! What Starlette does, and so does [`TrustedHostMiddleware`]:
//!
//! - With `"*"` among the allowed hosts (the default) every request passes untouched.
//! - Otherwise the `Host` header is parsed as Starlette's `parse_host_header` does: a host made
//!   of the URL-safe characters, or a bracketed IPv6 (checked) or IPvFuture literal, then an
//!   optional `:port` of digits. A missing or malformed header (a path, a user-info `@`, a
//!   space…) is `400 Invalid host header` (text/plain).
//! - The host (lowercased, port ignored) must equal an allowed host or end with a
//!   `*.example.com` pattern's `.example.com` (so the bare `example.com` does not match it).
//!   Nothing else is normalised: `example.com.` (a trailing dot) is not `example.com`.
//! - A host that fails, but whose `www.` form is allowed, is redirected there with
//!   `307 Temporary Redirect` when `www_redirect` is on (the default): same scheme, port, path
//!   and query. Otherwise it is a 400.
//! - WebSocket handshakes are checked too.
//!
//! Patterns are lowercased; a `*` anywhere but at the start of a `*.domain` pattern panics in
//! [`TrustedHostMiddleware::new`], as Starlette's constructor asserts.
//!
//! Difference: the redirect keeps the path as the client sent it (percent-encoded), where
//! Starlette rebuilds it from the decoded `scope["path"]` (so `%2F` stays `%2F` here).
//!
//! ```
//! use ferrapi_toolkit::middleware::trustedhost::TrustedHostMiddleware;
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new().middleware(|inner: BoxApp| {
//!     TrustedHostMiddleware::new(inner, ["www.example.com", "*.example.org"])
//! });
//! # let _ = app;
//! ```

use std::sync::OnceLock;

use ferrapi_server::{App, Body, BoxError, IntoApp, Request, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;

use crate::responses::{IntoResponse, Redirect};

/// A `Host` header split as Starlette's `parse_host_header` splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedHost<'a> {
    /// The host, brackets kept around IP literals, case as sent.
    pub host: &'a str,
    /// The port digits as sent.
    pub port: Option<&'a str>,
}

impl ParsedHost<'_> {
    /// `host[:port]`.
    pub(crate) fn authority(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.to_string(),
        }
    }

    /// The port as a number, when it is one (leading zeros allowed, at most 65535).
    pub(crate) fn port_number(&self) -> Option<u16> {
        let digits = self.port?.trim_start_matches('0');
        if digits.len() > 5 {
            return None;
        }
        if digits.is_empty() {
            return Some(0);
        }
        digits.parse().ok()
    }

    /// Starlette's `is_valid_port`: no port, or one of at most 65535.
    pub(crate) fn is_valid_port(&self) -> bool {
        self.port.is_none() || self.port_number().is_some()
    }
}

fn host_regex() -> &'static regex::Regex {
    static RE: OnceLock<regex::Regex> = OnceLock::new();
    RE.get_or_init(|| {
        regex::Regex::new(
            r"(?i)\A(?P<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?P<port>[0-9]+))?\z",
        )
        .expect("the host pattern is valid")
    })
}

/// Parses a `Host` header value; `None` when it is malformed.
pub(crate) fn parse_host_header(value: Option<&HeaderValue>) -> Option<ParsedHost<'_>> {
    let text = value?.to_str().ok()?;
    let caps = host_regex().captures(text)?;
    if let Some(ipv6) = caps.name("ipv6") {
        ipv6.as_str().parse::<std::net::Ipv6Addr>().ok()?;
    }
    Some(ParsedHost {
        host: caps.name("host")?.as_str(),
        port: caps.name("port").map(|m| m.as_str()),
    })
}

/// Starlette's `TrustedHostMiddleware`; see the [module docs](self).
#[derive(Debug)]
pub struct TrustedHostMiddleware<A> {
    inner: A,
    allowed_hosts: Vec<String>,
    allow_any: bool,
    www_redirect: bool,
}

const ENFORCE_DOMAIN_WILDCARD: &str = "Domain wildcard patterns must be like '*.example.com'.";

impl<A: App> TrustedHostMiddleware<A> {
    /// Wraps `inner`, allowing `allowed_hosts` (`"*"` for any, `"*.example.com"` for the
    /// subdomains). Panics on a misplaced `*`. `www_redirect` is on.
    pub fn new<I, S>(inner: impl IntoApp<App = A>, allowed_hosts: I) -> TrustedHostMiddleware<A>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let inner = inner.into_app();
        let allowed_hosts: Vec<String> = allowed_hosts.into_iter().map(Into::into).collect();
        for pattern in &allowed_hosts {
            assert!(
                !pattern.get(1..).unwrap_or("").contains('*'),
                "{ENFORCE_DOMAIN_WILDCARD}"
            );
            if pattern.starts_with('*') && pattern != "*" {
                assert!(pattern.starts_with("*."), "{ENFORCE_DOMAIN_WILDCARD}");
            }
        }
        TrustedHostMiddleware {
            inner,
            allow_any: allowed_hosts.iter().any(|p| p == "*"),
            allowed_hosts: allowed_hosts.iter().map(|p| p.to_lowercase()).collect(),
            www_redirect: true,
        }
    }

    /// Whether `example.com` is redirected to an allowed `www.example.com` (default true).
    pub fn www_redirect(mut self, redirect: bool) -> Self {
        self.www_redirect = redirect;
        self
    }
}

fn invalid_host() -> Response<Body> {
    let mut response = Response::new(Body::from("Invalid host header"));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl<A: App> App for TrustedHostMiddleware<A> {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        if self.allow_any {
            return self.inner.call(req).await;
        }
        let Some(parsed) = parse_host_header(req.headers().get(header::HOST)) else {
            return invalid_host();
        };
        let host = parsed.host.to_lowercase();
        let mut valid = false;
        let mut found_www_redirect = false;
        for pattern in &self.allowed_hosts {
            if host == *pattern || (pattern.starts_with('*') && host.ends_with(&pattern[1..])) {
                valid = true;
                break;
            } else if pattern.strip_prefix("www.") == Some(host.as_str()) {
                found_www_redirect = true;
            }
        }
        if valid {
            return self.inner.call(req).await;
        }
        if !(found_www_redirect && self.www_redirect) {
            return invalid_host();
        }
        let netloc = netloc(&req, Some(&parsed));
        let Some(netloc) = netloc else {
            return invalid_host();
        };
        let target = format!("{}://www.{netloc}{}", scheme(&req), path_and_query(&req));
        Redirect::to(&target).into_response()
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}

/// The scheme of Starlette's `scope["scheme"]`: `http`/`https`, `ws`/`wss` for a WebSocket.
pub(crate) fn scheme(req: &Request<Body>) -> &'static str {
    let secure = req
        .extensions()
        .get::<ferrapi_server::Scope>()
        .is_some_and(|s| s.scheme() == ferrapi_server::Scheme::Https);
    match (super::cors::is_websocket(req), secure) {
        (false, false) => "http",
        (false, true) => "https",
        (true, false) => "ws",
        (true, true) => "wss",
    }
}

/// The `netloc` of Starlette's `URL(scope=...)`: the `Host` header's authority when it parses
/// with a valid port, else the server address (without the scheme's default port), else none.
pub(crate) fn netloc(req: &Request<Body>, parsed: Option<&ParsedHost<'_>>) -> Option<String> {
    if let Some(parsed) = parsed.filter(|p| p.is_valid_port()) {
        return Some(parsed.authority());
    }
    let server = req
        .extensions()
        .get::<ferrapi_server::Scope>()
        .and_then(ferrapi_server::Scope::server)?;
    let host = match server.ip() {
        std::net::IpAddr::V4(ip) => ip.to_string(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
    };
    let default = match scheme(req) {
        "https" | "wss" => 443,
        _ => 80,
    };
    Some(if server.port() == default {
        host
    } else {
        format!("{host}:{}", server.port())
    })
}

/// The root path, path and query of the request, as the client sent them.
pub(crate) fn path_and_query(req: &Request<Body>) -> String {
    let root = req
        .extensions()
        .get::<ferrapi_server::Scope>()
        .map(ferrapi_server::Scope::root_path)
        .unwrap_or("");
    let mut out = format!("{root}{}", req.uri().path());
    if let Some(query) = req.uri().query().filter(|q| !q.is_empty()) {
        out.push('?');
        out.push_str(query);
    }
    out
}
