//! A request body size limit: Starlette's `RequestBodyLimitMiddleware(max_body_size)`.
//!
//! What Starlette does, and so does [`RequestBodyLimitMiddleware`]:
//!
//! - A request whose `Content-Length` is over the limit gets `413 Content Too Large`
//!   (text/plain) and none of its body is read: the body yields an error at once if the app
//!   asks for it (so no `100 Continue` is sent), and whatever the app answers is replaced by
//!   the 413.
//! - A body without a length (chunked) is counted as it streams in; once the total passes the
//!   limit the body yields an error and the app's response is replaced by the 413. If the app
//!   had already started a streamed response that reads the body (an echo), the stream fails
//!   and the connection is closed, as Starlette re-raises once the response has started.
//! - A body of exactly `max_body_size` bytes is accepted.
//! - Nested limits (an app-wide limit and a tighter, or looser, one on a mount or a route)
//!   share one counter, and the innermost limit wins: the inner middleware replaces the limit
//!   the outer one enforces.
//!
//! The body error is a [`BodyError`](ferrapi_server::BodyError) whose source is [`TooLarge`];
//! endpoints see it as a failed read.
//!
//! Differences: Starlette raises an exception through the app; here the app sees a body read
//! error, and the middleware replaces its response afterwards. WebSocket handshakes pass
//! through (Starlette only limits `http` scopes).
//!
//! ```
//! use ferrapi_toolkit::middleware::limits::RequestBodyLimitMiddleware;
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new()
//!     .middleware(|inner: BoxApp| RequestBodyLimitMiddleware::new(inner, 1024 * 1024));
//! # let _ = app;
//! ```

use std::sync::Arc;

use ferrapi_server::{App, Body, BoxError, IntoApp, Request, Response};
use http::header::{self, HeaderValue};
use http::StatusCode;

use crate::body_limit::{Limit, Limited};

pub use crate::body_limit::TooLarge;

/// The counter of the outermost limit, kept in the request's extensions so that nested limits
/// share it.
#[derive(Clone, Debug)]
struct LimitState(Arc<Limit>);

/// Starlette's `RequestBodyLimitMiddleware`; see the [module docs](self).
#[derive(Debug)]
pub struct RequestBodyLimitMiddleware<A> {
    inner: A,
    max_body_size: u64,
}

impl<A: App> RequestBodyLimitMiddleware<A> {
    /// Wraps `inner`, allowing request bodies of at most `max_body_size` bytes.
    pub fn new(inner: impl IntoApp<App = A>, max_body_size: u64) -> RequestBodyLimitMiddleware<A> {
        let inner = inner.into_app();
        RequestBodyLimitMiddleware {
            inner,
            max_body_size,
        }
    }
}

fn too_large() -> Response<Body> {
    let mut response = Response::new(Body::from("Content Too Large"));
    *response.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

impl<A: App> App for RequestBodyLimitMiddleware<A> {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        if super::cors::is_websocket(&req) {
            return self.inner.call(req).await;
        }
        if let Some(LimitState(shared)) = req.extensions().get::<LimitState>().cloned() {
            // An outer limit already counts this body: the innermost limit wins.
            shared.set(self.max_body_size);
            if shared.total() > self.max_body_size {
                shared.set_exceeded();
                return too_large();
            }
            return self.inner.call(req).await;
        }

        let content_length = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let shared = Arc::new(Limit::new(self.max_body_size, content_length));
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(LimitState(shared.clone()));
        // An empty body has nothing to count: it stays as it is (and known to be empty).
        let body = if body.is_end_stream() && !shared.content_length_over() {
            body
        } else {
            Body::from_stream(Limited::new(body, shared.clone()))
        };
        let response = self.inner.call(Request::from_parts(parts, body)).await;
        if shared.is_exceeded() {
            return too_large();
        }
        response
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}
