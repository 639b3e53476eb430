//! Redirect plain-text requests to TLS: Starlette's `HTTPSRedirectMiddleware`.
//!
//! What Starlette does, and so does [`HTTPSRedirectMiddleware`]:
//!
//! - A request whose scheme is `http` (or `ws` for a WebSocket handshake) is answered with
//!   `307 Temporary Redirect` to the same URL with `https` (`wss`); the app is not called.
//!   The scheme is the connection's ([`Scope::scheme`](ferrapi_server::Scope::scheme)), so a
//!   TLS-terminating proxy must be trusted (`forwarded_allow_ips`) for `https` to be seen.
//! - The host and port come from the `Host` header (or, when it is missing or malformed, the
//!   server address); the port is dropped when it is 80 or 443 (so `example.com:80` becomes
//!   `https://example.com`, `example.com:8080` stays `https://example.com:8080`); path and
//!   query are kept.
//! - With no host at all (no valid `Host` header and no server address) the answer is
//!   `400 Invalid host header` (text/plain).
//! - `https`/`wss` requests go to the app untouched.
//!
//! Difference: with the port dropped Starlette uses Python's `hostname`, which lowercases the
//! host and strips the brackets off an IPv6 literal (giving `https://::1/`); here the host is
//! lowercased and the brackets are kept (`https://[::1]/`).
//!
//! ```
//! use ferrapi_toolkit::middleware::httpsredirect::HTTPSRedirectMiddleware;
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new()
//!     .middleware(|inner: BoxApp| HTTPSRedirectMiddleware::new(inner));
//! # let _ = app;
//! ```

use ferrapi_server::{App, Body, BoxError, IntoApp, Request, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;

use super::trustedhost::{netloc, parse_host_header, path_and_query, scheme};
use crate::responses::{IntoResponse, Redirect};

/// Starlette's `HTTPSRedirectMiddleware`; see the [module docs](self).
#[derive(Debug)]
pub struct HTTPSRedirectMiddleware<A> {
    inner: A,
}

impl<A: App> HTTPSRedirectMiddleware<A> {
    /// Wraps `inner`.
    pub fn new(inner: impl IntoApp<App = A>) -> HTTPSRedirectMiddleware<A> {
        let inner = inner.into_app();
        HTTPSRedirectMiddleware { inner }
    }
}

impl<A: App> App for HTTPSRedirectMiddleware<A> {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        let redirect_scheme = match scheme(&req) {
            "http" => "https",
            "ws" => "wss",
            _ => return self.inner.call(req).await,
        };
        let parsed = parse_host_header(req.headers().get(header::HOST));
        let Some(netloc) = netloc(&req, parsed.as_ref()) else {
            let mut response = Response::new(Body::from("Invalid host header"));
            *response.status_mut() = StatusCode::BAD_REQUEST;
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            return response;
        };
        // Python's `urlsplit(...).port` and `.hostname` of that netloc.
        let split = parse_host_header(HeaderValue::from_str(&netloc).ok().as_ref())
            .map(|p| (p.host.to_string(), p.port_number()));
        let netloc = match split {
            Some((host, Some(80 | 443))) => host.to_lowercase(),
            _ => netloc,
        };
        let target = format!("{redirect_scheme}://{netloc}{}", path_and_query(&req));
        Redirect::to(&target).into_response()
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}
