//! Errors that become responses: Starlette's `HTTPException`, `WebSocketException` and the
//! exception handlers of its `ExceptionMiddleware` / `ServerErrorMiddleware`.
//!
//! An endpoint returns `Result<T, E>` for any error type `E`; the error travels as an [`Error`]
//! to the application's [`ExceptionHandlers`], which look for a handler by the error's type
//! (an [`HTTPException`] also by its status code), and otherwise answer
//! `500 Internal Server Error` and log the error once. Unlike Python, Rust has no exception
//! hierarchy: a handler for a type catches that type only.
//!
//! A handler is either a plain function of the error (`Fn(E) -> impl IntoResponse`, the
//! cheapest) or, like Starlette's `async def handler(request, exc)`, an async function of the
//! request and the error, registered with the `*_with_request` methods
//! ([`ExceptionHandlers::on_error_with_request`],
//! [`Application::exception_handler_with_request`](crate::Application::exception_handler_with_request)).
//!
//! Differences from Starlette: the request was moved into the endpoint, so a handler with a
//! request gets a copy of its head taken before routing: method, URI, version, headers,
//! extensions (what middleware put there), the application (state, `url_for`) and the path
//! parameters routing found (passed on to the copy when routing finds them), but not the body
//! (reading it gives empty bytes). The copy is taken only when
//! such a handler is registered; an application without one copies nothing. For a WebSocket,
//! an error before the socket is accepted goes to the handlers with a copy of the handshake
//! request (after it is accepted, errors close the socket and no handler runs, where Starlette
//! would call the handler with the `WebSocket`). A handler that panics is answered as an
//! unhandled error (a 500). The 500 answer passes back through the user middleware (so CORS
//! headers are present on errors, a common complaint about Starlette); and a panic in an
//! endpoint is an error like any other (its message is the error text).

use std::any::TypeId;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use ferrapi_server::panic::{FromPanic, Payload};
use ferrapi_server::{AfterResponse, BodyError, BoxError};
use http::{HeaderMap, StatusCode};

use crate::requests::Request;
use crate::responses::{IntoResponse, Response};

/// An error with an HTTP status, a detail text and headers (Starlette's `HTTPException`).
///
/// Its default response is the detail as `text/plain` with the status and headers (no body for
/// 204 and 304). The detail defaults to the status's reason phrase.
///
/// ```
/// use ferrapi_toolkit::{HTTPException, StatusCode};
///
/// let err = HTTPException::new(StatusCode::NOT_FOUND);
/// assert_eq!(err.detail(), "Not Found");
/// let err = HTTPException::new(StatusCode::FORBIDDEN).with_detail("no entry");
/// assert_eq!(err.detail(), "no entry");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HTTPException {
    status: StatusCode,
    detail: Cow<'static, str>,
    headers: HeaderMap,
}

impl HTTPException {
    /// An error with `status` and the status's reason phrase as detail.
    pub fn new(status: StatusCode) -> HTTPException {
        HTTPException {
            status,
            detail: Cow::Borrowed(status.canonical_reason().unwrap_or("")),
            headers: HeaderMap::new(),
        }
    }

    /// Replaces the detail text.
    pub fn with_detail(mut self, detail: impl Into<Cow<'static, str>>) -> HTTPException {
        self.detail = detail.into();
        self
    }

    /// Adds headers to the response (say `WWW-Authenticate` to a 401).
    pub fn with_headers(mut self, headers: HeaderMap) -> HTTPException {
        self.headers.extend(headers);
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The detail text.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// The headers for the response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl fmt::Display for HTTPException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status.as_u16(), self.detail)
    }
}

impl std::error::Error for HTTPException {}

impl IntoResponse for HTTPException {
    fn into_response(self) -> Response {
        let body_allowed = !matches!(self.status.as_u16(), 204 | 304);
        let mut response = if body_allowed {
            crate::responses::PlainText(self.detail.into_owned()).into_response()
        } else {
            Response::default()
        };
        *response.status_mut() = self.status;
        response.headers_mut().extend(self.headers);
        response
    }
}

/// Closes a WebSocket with a code and reason (Starlette's `WebSocketException`); return it as
/// an endpoint's error. Before the socket is accepted, the client gets `403` instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSocketException {
    /// The close code (1008 policy violation is the usual one).
    pub code: u16,
    /// The close reason.
    pub reason: String,
}

impl WebSocketException {
    /// An exception closing with `code` and `reason`.
    pub fn new(code: u16, reason: impl Into<String>) -> WebSocketException {
        WebSocketException {
            code,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for WebSocketException {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebSocket closed with {}: {}", self.code, self.reason)
    }
}

impl std::error::Error for WebSocketException {}

/// Any error an endpoint returns, on its way to the exception handlers.
///
/// Built from any `std::error::Error` with `?` or `.into()`; like `anyhow::Error`, it does not
/// implement `std::error::Error` itself (that would make the blanket `From` impossible).
pub struct Error {
    inner: BoxError,
    /// Work to run after the error's response is sent (a framework's dependency teardown).
    after: Option<AfterResponse>,
}

impl Error {
    /// Wraps any error.
    pub fn new(err: impl Into<BoxError>) -> Error {
        Error {
            inner: err.into(),
            after: None,
        }
    }

    /// Adds work to run after the response made from this error has been sent, after any
    /// work already attached (the same [`AfterResponse`] hook a response carries). A framework
    /// uses it to tear down per-request resources when the endpoint failed.
    pub fn with_after(mut self, after: AfterResponse) -> Error {
        self.after = Some(match self.after.take() {
            None => after,
            Some(earlier) => earlier.then(after),
        });
        self
    }

    /// Takes out the work attached with [`Error::with_after`].
    pub fn take_after(&mut self) -> Option<AfterResponse> {
        self.after.take()
    }

    /// An error from a message (for a 500).
    pub fn msg(message: impl fmt::Display) -> Error {
        Error {
            inner: message.to_string().into(),
            after: None,
        }
    }

    /// Wraps an `anyhow::Error` so that the error it wraps is still found by type
    /// ([`downcast_ref`](Error::downcast_ref), [`is`](Error::is), [`downcast`](Error::downcast)
    /// and so the exception handlers look through it). `anyhow::Error` is not a
    /// `std::error::Error`, so `?` cannot convert it; the framework's operations call this for
    /// an `anyhow::Result`.
    #[cfg(feature = "anyhow")]
    pub fn from_anyhow(err: anyhow::Error) -> Error {
        Error::new(AnyhowError(err))
    }

    /// The error as the given type, if it is one.
    pub fn downcast_ref<E: std::error::Error + Send + Sync + 'static>(&self) -> Option<&E> {
        #[cfg(feature = "anyhow")]
        if let Some(AnyhowError(err)) = self.inner.downcast_ref::<AnyhowError>() {
            return err.downcast_ref();
        }
        self.inner.downcast_ref()
    }

    /// Takes the error out as the given type, or gives it back.
    pub fn downcast<E: std::error::Error + Send + Sync + 'static>(self) -> Result<E, Error> {
        #[cfg(feature = "anyhow")]
        let inner = match self.inner.downcast::<AnyhowError>() {
            Ok(wrapped) => {
                return wrapped.0.downcast::<E>().map_err(|err| Error {
                    inner: Box::new(AnyhowError(err)),
                    after: self.after,
                })
            }
            Err(inner) => inner,
        };
        #[cfg(not(feature = "anyhow"))]
        let inner = self.inner;
        match inner.downcast::<E>() {
            Ok(err) => Ok(*err),
            Err(inner) => Err(Error {
                inner,
                after: self.after,
            }),
        }
    }

    /// The underlying boxed error.
    pub fn into_inner(self) -> BoxError {
        self.inner
    }

    /// Whether the error is of type `E`.
    pub fn is<E: std::error::Error + Send + Sync + 'static>(&self) -> bool {
        self.downcast_ref::<E>().is_some()
    }
}

/// An `anyhow::Error` as a `std::error::Error` ([`Error::from_anyhow`]): its message and
/// causes are anyhow's.
#[cfg(feature = "anyhow")]
#[derive(Debug)]
struct AnyhowError(anyhow::Error);

#[cfg(feature = "anyhow")]
impl fmt::Display for AnyhowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

#[cfg(feature = "anyhow")]
impl std::error::Error for AnyhowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for Error {
    fn from(err: E) -> Error {
        Error {
            inner: Box::new(err),
            after: None,
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)?;
        let mut source = self.inner.source();
        while let Some(err) = source {
            write!(f, ": {err}")?;
            source = err.source();
        }
        Ok(())
    }
}

/// A panic in an endpoint, carried as an error to the handlers.
#[derive(Debug)]
pub struct Panic {
    message: String,
}

impl Panic {
    /// The panic message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// What `catch_unwind` caught, kept as its message: the payload itself is not `Sync`, and an
/// error handler has nothing else to read from it.
impl FromPanic for Panic {
    fn from_panic(payload: Payload) -> Panic {
        Panic {
            message: ferrapi_server::panic::message(&*payload).to_owned(),
        }
    }
}

impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "endpoint panicked: {}", self.message)
    }
}

impl std::error::Error for Panic {}

/// Runs a future, turning a panic while polling it into a [`Panic`] error (what the router
/// does around every endpoint; a framework uses it to see the panic before the router does).
/// The server's [`CatchUnwind`](ferrapi_server::panic::CatchUnwind), the one implementation,
/// with the payload made a [`Panic`]. Plumbing for the layer above, not part of the toolkit's
/// documented API.
#[doc(hidden)]
pub type CatchUnwind<F> = ferrapi_server::panic::CatchUnwind<F, Panic>;

/// The error for a failed read of the request body, as `Request::body` and the form parsers
/// report it: the server's limit, timeout and framing failures become the [`HTTPException`]
/// a client should see (413, 408, 400); anything else (a failing stream an app put in) stays
/// an error for the 500 path.
pub(crate) fn body_error(err: BodyError) -> Error {
    let (status, detail) = if err.is_too_large() {
        (StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")
    } else if err.is_timeout() {
        (StatusCode::REQUEST_TIMEOUT, "Request body timeout")
    } else if err.is_malformed() {
        (StatusCode::BAD_REQUEST, "Malformed request body")
    } else if err.is_incomplete() {
        (
            StatusCode::BAD_REQUEST,
            "Client disconnected before the body was complete",
        )
    } else {
        return Error::new(err);
    };
    HTTPException::new(status).with_detail(detail).into()
}

/// A handler for one error type: its id (to replace it), a test, and the handler.
type TypeHandler = (TypeId, fn(&Error) -> bool, Handler);

type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send + 'static>>;

/// A handler of an [`Error`]: a plain function of the error, or an async one that also gets
/// the request.
#[derive(Clone)]
enum Handler {
    Plain(Arc<dyn Fn(Error) -> Response + Send + Sync>),
    WithRequest(Arc<dyn Fn(Request, Error) -> HandlerFuture + Send + Sync>),
}

/// A handler of an [`HTTPException`] by its status code, in the same two kinds.
#[derive(Clone)]
enum StatusHandler {
    Plain(Arc<dyn Fn(&HTTPException) -> Response + Send + Sync>),
    WithRequest(Arc<dyn Fn(Request, HTTPException) -> HandlerFuture + Send + Sync>),
}

/// The exception handlers of an application: by error type, by the status code of an
/// [`HTTPException`], and one for everything unhandled (Starlette's `500`/`Exception` key).
///
/// Each kind comes in two forms: a plain function of the error (`on_error`, `on_status`,
/// `on_server_error`), and an async function of the request and the error
/// (`on_error_with_request`, …), Starlette's `async def handler(request, exc)`. The request
/// such a handler gets is a copy of the request's head taken before routing, see
/// [`ExceptionHandlers::wants_request`].
#[derive(Clone, Default)]
pub struct ExceptionHandlers {
    /// Handlers by error type: a type test and the handler, in the order registered.
    by_type: Vec<TypeHandler>,
    by_status: HashMap<StatusCode, StatusHandler>,
    server_error: Option<Handler>,
}

impl fmt::Debug for ExceptionHandlers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExceptionHandlers")
            .field("by_status", &self.by_status.keys().collect::<Vec<_>>())
            .field("types", &self.by_type.len())
            .field("server_error", &self.server_error.is_some())
            .field("wants_request", &self.wants_request())
            .finish()
    }
}

impl ExceptionHandlers {
    /// No handlers: `HTTPException`s answer with their own response, everything else is a 500.
    pub fn new() -> ExceptionHandlers {
        ExceptionHandlers::default()
    }

    /// Handles errors of type `E`, replacing an earlier handler for `E`.
    pub fn on_error<E, F, R>(&mut self, handler: F)
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(E) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.set_type_handler::<E>(Handler::Plain(Arc::new(move |err: Error| {
            match err.downcast::<E>() {
                Ok(err) => handler(err).into_response(),
                // Chosen by `Error::is::<E>`, so the downcast cannot fail.
                Err(err) => internal_error(&err, false),
            }
        })));
    }

    /// Handles errors of type `E` with an async function of the request and the error
    /// (Starlette's `async def handler(request, exc)`), replacing an earlier handler for `E`.
    ///
    /// ```
    /// use ferrapi_toolkit::exceptions::ExceptionHandlers;
    /// use ferrapi_toolkit::{Request, StatusCode};
    ///
    /// #[derive(Debug)]
    /// struct Unicorn(String);
    /// impl std::fmt::Display for Unicorn {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         write!(f, "unicorn {}", self.0)
    ///     }
    /// }
    /// impl std::error::Error for Unicorn {}
    ///
    /// let mut handlers = ExceptionHandlers::new();
    /// handlers.on_error_with_request(|req: Request, err: Unicorn| async move {
    ///     (StatusCode::IM_A_TEAPOT, format!("{} at {}", err.0, req.path()))
    /// });
    /// assert!(handlers.wants_request());
    /// ```
    pub fn on_error_with_request<E, F, Fut>(&mut self, handler: F)
    where
        E: std::error::Error + Send + Sync + 'static,
        F: Fn(Request, E) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.set_type_handler::<E>(Handler::WithRequest(Arc::new(
            move |req: Request, err: Error| -> HandlerFuture {
                match err.downcast::<E>() {
                    Ok(err) => {
                        let fut = handler(req, err);
                        Box::pin(async move { fut.await.into_response() })
                    }
                    // Chosen by `Error::is::<E>`, so the downcast cannot fail.
                    Err(err) => {
                        let response = internal_error(&err, false);
                        Box::pin(async move { response })
                    }
                }
            },
        )));
    }

    fn set_type_handler<E: std::error::Error + Send + Sync + 'static>(&mut self, handler: Handler) {
        self.by_type.retain(|(id, _, _)| *id != TypeId::of::<E>());
        self.by_type
            .push((TypeId::of::<E>(), Error::is::<E>, handler));
    }

    /// Handles [`HTTPException`]s with this status (404 and 405 from the router included).
    pub fn on_status<F, R>(&mut self, status: StatusCode, handler: F)
    where
        F: Fn(&HTTPException) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.by_status.insert(
            status,
            StatusHandler::Plain(Arc::new(move |err| handler(err).into_response())),
        );
    }

    /// Handles [`HTTPException`]s with this status with an async function of the request and
    /// the exception (Starlette's `exception_handlers={404: handler}` with an async handler).
    pub fn on_status_with_request<F, Fut>(&mut self, status: StatusCode, handler: F)
    where
        F: Fn(Request, HTTPException) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.by_status.insert(
            status,
            StatusHandler::WithRequest(Arc::new(move |req, err| -> HandlerFuture {
                let fut = handler(req, err);
                Box::pin(async move { fut.await.into_response() })
            })),
        );
    }

    /// Handles every error no other handler took (Starlette's `500` / `Exception` handler).
    /// The error is logged either way.
    pub fn on_server_error<F, R>(&mut self, handler: F)
    where
        F: Fn(Error) -> R + Send + Sync + 'static,
        R: IntoResponse,
    {
        self.server_error = Some(Handler::Plain(Arc::new(move |err| {
            handler(err).into_response()
        })));
    }

    /// Handles every error no other handler took with an async function of the request and
    /// the error. The error is logged either way.
    pub fn on_server_error_with_request<F, Fut>(&mut self, handler: F)
    where
        F: Fn(Request, Error) -> Fut + Send + Sync + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: IntoResponse,
    {
        self.server_error = Some(Handler::WithRequest(Arc::new(
            move |req, err| -> HandlerFuture {
                let fut = handler(req, err);
                Box::pin(async move { fut.await.into_response() })
            },
        )));
    }

    /// Whether a handler registered with a request (`*_with_request`) is present. Only then
    /// does an application copy each request's head (method, URI, version, headers,
    /// extensions, path parameters and the application, not the body) before handing the
    /// request to the router, for the handler to get; without such a handler, nothing is
    /// copied.
    pub fn wants_request(&self) -> bool {
        self.by_type
            .iter()
            .any(|(_, _, h)| matches!(h, Handler::WithRequest(_)))
            || self
                .by_status
                .values()
                .any(|h| matches!(h, StatusHandler::WithRequest(_)))
            || matches!(self.server_error, Some(Handler::WithRequest(_)))
    }

    /// Turns an error into its response, synchronously. As in Starlette, an
    /// [`HTTPException`] is looked up by its status code first, then every error by its type;
    /// what is left is a 500. Work attached to the error ([`Error::with_after`]) goes onto
    /// the response, after any the response carries.
    ///
    /// Handlers registered with a request (`*_with_request`) are async and need the request:
    /// this method passes over them as if they were not there; use
    /// [`handle_with_request`](ExceptionHandlers::handle_with_request). A handler that panics
    /// is answered as an unhandled error (a 500, logged).
    pub fn handle(&self, mut err: Error, debug: bool) -> Response {
        let after = err.take_after();
        let chosen = std::panic::catch_unwind(AssertUnwindSafe(|| self.choose(err, debug, false)));
        let mut response = match chosen {
            Ok(Chosen::Done(response)) => response,
            // Not chosen when `with_request` is false.
            Ok(Chosen::Later(_)) => internal_error(&Error::msg("async handler"), debug),
            Err(payload) => handler_panicked(Panic::from_panic(payload), debug),
        };
        if let Some(after) = after {
            AfterResponse::append(response.extensions_mut(), after);
        }
        response
    }

    /// Turns an error into its response, running any handler: those registered with a
    /// request get `request` (an application passes the copy of the request's head it took
    /// before routing; `None` gives them a bare `GET /` request). A handler that panics is
    /// answered as an unhandled error (a 500, logged). Otherwise as
    /// [`handle`](ExceptionHandlers::handle).
    pub async fn handle_with_request(
        &self,
        mut err: Error,
        debug: bool,
        request: Option<Request>,
    ) -> Response {
        let after = err.take_after();
        // A handler that panics is an unhandled error, not the end of the connection.
        let chosen = std::panic::catch_unwind(AssertUnwindSafe(|| self.choose(err, debug, true)));
        let mut response = match chosen {
            Err(payload) => handler_panicked(Panic::from_panic(payload), debug),
            Ok(Chosen::Done(response)) => response,
            Ok(Chosen::Later(start)) => {
                let request = request.unwrap_or_else(|| {
                    Request::from_http(http::Request::new(ferrapi_server::Body::empty()))
                });
                match std::panic::catch_unwind(AssertUnwindSafe(|| start(request))) {
                    Ok(fut) => match CatchUnwind::new(fut).await {
                        Ok(response) => response,
                        Err(panic) => handler_panicked(panic, debug),
                    },
                    Err(payload) => handler_panicked(Panic::from_panic(payload), debug),
                }
            }
        };
        if let Some(after) = after {
            AfterResponse::append(response.extensions_mut(), after);
        }
        response
    }

    /// Finds the handler for `err` and runs it if it is a plain one; one with a request
    /// (considered only if `with_request`) is handed back, to start with the request.
    fn choose(&self, err: Error, debug: bool, with_request: bool) -> Chosen {
        if let Some(http) = err.downcast_ref::<HTTPException>() {
            match self.by_status.get(&http.status) {
                Some(StatusHandler::Plain(handler)) => return Chosen::Done(handler(http)),
                Some(StatusHandler::WithRequest(handler)) if with_request => {
                    let handler = handler.clone();
                    return match err.downcast::<HTTPException>() {
                        Ok(http) => Chosen::Later(Box::new(move |req| handler(req, http))),
                        // Checked above: the downcast cannot fail.
                        Err(err) => Chosen::Done(internal_error(&err, debug)),
                    };
                }
                _ => {}
            }
        }
        let found = self
            .by_type
            .iter()
            .find(|(_, is, h)| is(&err) && (with_request || matches!(h, Handler::Plain(_))));
        if let Some((_, _, handler)) = found {
            return run(handler, err);
        }
        match err.downcast::<HTTPException>() {
            Ok(http) => Chosen::Done(http.into_response()),
            Err(err) => {
                tracing::error!(error = %err, "unhandled error in endpoint");
                match &self.server_error {
                    Some(handler @ Handler::Plain(_)) => run(handler, err),
                    Some(handler @ Handler::WithRequest(_)) if with_request => run(handler, err),
                    _ => Chosen::Done(internal_error(&err, debug)),
                }
            }
        }
    }
}

/// A handler's answer, or (for one with a request) what starts it once given the request.
enum Chosen {
    Done(Response),
    Later(Box<dyn FnOnce(Request) -> HandlerFuture + Send>),
}

fn run(handler: &Handler, err: Error) -> Chosen {
    match handler {
        Handler::Plain(handler) => Chosen::Done(handler(err)),
        Handler::WithRequest(handler) => {
            let handler = handler.clone();
            Chosen::Later(Box::new(move |req| handler(req, err)))
        }
    }
}

/// The answer when an exception handler itself panicked: an unhandled error.
fn handler_panicked(panic: Panic, debug: bool) -> Response {
    let err = Error::msg(format_args!(
        "exception handler panicked: {}",
        panic.message()
    ));
    tracing::error!(error = %err, "unhandled error in exception handler");
    internal_error(&err, debug)
}

/// The answer to an unhandled error: `500 Internal Server Error`, or in debug mode an HTML page
/// with the error and its causes (Starlette's debug traceback page).
pub(crate) fn internal_error(err: &Error, debug: bool) -> Response {
    let mut response = if debug {
        let mut chain = String::new();
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&*err.inner);
        while let Some(e) = source {
            chain.push_str("<li><code>");
            chain.push_str(&html_escape(&e.to_string()));
            chain.push_str("</code></li>");
            source = e.source();
        }
        crate::responses::Html(format!(
            "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head><body>\
             <h1>500 Internal Server Error</h1><h2>{}</h2><p>Caused by:</p><ol>{chain}</ol>\
             <p>Shown because the application runs in debug mode.</p></body></html>",
            html_escape(&err.inner.to_string())
        ))
        .into_response()
    } else {
        crate::responses::PlainText("Internal Server Error").into_response()
    };
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}

pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}
