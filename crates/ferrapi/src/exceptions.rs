//! FastAPI's errors: `HTTPException` with any JSON detail, `RequestValidationError` (the 422),
//! and the default JSON answers for the toolkit's 404 and 405.
//!
//! | case | answer (FastAPI 0.165) |
//! |---|---|
//! | unknown path | `404 {"detail":"Not Found"}` |
//! | wrong method | `405 {"detail":"Method Not Allowed"}` with `allow` |
//! | `HTTPException(418, detail={...}, headers={...})` | `418 {"detail":{...}}` and the headers; no body for 204 and 304 |
//! | invalid parameters or body | `422 {"detail":[{"type","loc","msg","input","ctx"?}, …]}` |
//! | unhandled error | `500 Internal Server Error` (text), logged |
//!
//! Each can be replaced with [`App::exception_handler`](crate::App::exception_handler) or
//! [`App::exception_handler_with_request`](crate::App::exception_handler_with_request); the
//! defaults stay available to such a handler as [`http_exception_handler`] and
//! [`request_validation_exception_handler`] (FastAPI's `fastapi.exception_handlers`).

use std::fmt;

use ferrapi_toolkit::responses::IntoResponse;
use ferrapi_toolkit::server::http::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use ferrapi_toolkit::{Request, Response, StatusCode};
use serde_json::Value;

use crate::validation::ErrorDetail;

/// An error with a status code, a JSON detail and headers (FastAPI's `HTTPException`).
///
/// ```
/// use ferrapi::HTTPException;
/// use ferrapi::toolkit::StatusCode;
///
/// let err = HTTPException::new(StatusCode::NOT_FOUND, "Item not found").header("x-error", "missing");
/// assert_eq!(err.detail(), &serde_json::json!("Item not found"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HTTPException {
    status: StatusCode,
    detail: Value,
    // Boxed: keeps the error small (clippy's `result_large_err` in users' code, and moves).
    headers: Box<HeaderMap>,
}

/// FastAPI's `HTTPException` as Starlette's (its base class): the detail as text (a detail
/// that is not a string becomes its JSON text) and the headers.
impl From<HTTPException> for ferrapi_toolkit::HTTPException {
    fn from(exc: HTTPException) -> ferrapi_toolkit::HTTPException {
        let detail = match exc.detail {
            Value::String(text) => text,
            other => other.to_string(),
        };
        ferrapi_toolkit::HTTPException::new(exc.status)
            .with_detail(detail)
            .with_headers(*exc.headers)
    }
}

impl HTTPException {
    /// An error with `status` and `detail` (a string, or any JSON value).
    pub fn new(status: StatusCode, detail: impl Into<Value>) -> HTTPException {
        HTTPException {
            status,
            detail: detail.into(),
            headers: Box::default(),
        }
    }

    /// An error with the status's reason phrase as detail.
    pub fn from_status(status: StatusCode) -> HTTPException {
        HTTPException::new(status, status.canonical_reason().unwrap_or(""))
    }

    /// Adds a header to the response; an invalid name or value is left out (and logged).
    pub fn header(mut self, name: &str, value: &str) -> HTTPException {
        match (
            http::header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => tracing::error!(name, "invalid header on an HTTPException left out"),
        }
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The detail.
    pub fn detail(&self) -> &Value {
        &self.detail
    }

    /// The headers.
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
        let mut response = detail_response(self.status, &self.detail);
        response.headers_mut().extend(*self.headers);
        response
    }
}

/// `{"detail": …}` as JSON with `status`, without a body where HTTP forbids one.
pub(crate) fn detail_response(status: StatusCode, detail: &Value) -> Response {
    if matches!(status.as_u16(), 100..=199 | 204 | 304) {
        let mut response = Response::default();
        *response.status_mut() = status;
        return response;
    }
    json_response(status, &serde_json::json!({ "detail": detail }))
}

/// The first allocation for a JSON body: most API answers fit, larger ones grow from here.
const JSON_BODY_CAPACITY: usize = 256;

pub(crate) fn json_response<T: serde::Serialize + ?Sized>(
    status: StatusCode,
    value: &T,
) -> Response {
    // Sized once: growing from empty took three allocations for a typical small body.
    let mut body = Vec::with_capacity(JSON_BODY_CAPACITY);
    let body = match serde_json::to_writer(&mut body, value) {
        Ok(()) => body,
        Err(err) => {
            // Answered as an unhandled error is (Starlette's `ServerErrorMiddleware`).
            tracing::error!(error = %err, "response could not be serialised to JSON");
            let mut response = ferrapi_toolkit::IntoResponse::into_response(
                ferrapi_toolkit::PlainText("Internal Server Error"),
            );
            *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return response;
        }
    };
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// The request did not validate: FastAPI's `RequestValidationError`, answered with 422.
#[derive(Clone, Debug, PartialEq)]
pub struct RequestValidationError {
    errors: Vec<ErrorDetail>,
    body: Option<Value>,
}

impl RequestValidationError {
    /// The error for `errors`, with the parsed body if there was one.
    pub fn new(errors: Vec<ErrorDetail>, body: Option<Value>) -> RequestValidationError {
        RequestValidationError { errors, body }
    }

    /// Every problem found (FastAPI's `exc.errors()`).
    pub fn errors(&self) -> &[ErrorDetail] {
        &self.errors
    }

    /// The body received (FastAPI's `exc.body`): the parsed JSON, or the text when the body is
    /// not JSON or does not parse; `None` without a body.
    pub fn body(&self) -> Option<&Value> {
        self.body.as_ref()
    }
}

impl fmt::Display for RequestValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} validation error(s)", self.errors.len())?;
        for err in &self.errors {
            write!(f, "\n  {err}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RequestValidationError {}

impl IntoResponse for RequestValidationError {
    fn into_response(self) -> Response {
        json_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            &serde_json::json!({ "detail": self.errors }),
        )
    }
}

/// FastAPI's default answer to an [`HTTPException`] (`fastapi.exception_handlers.
/// http_exception_handler`): `{"detail": …}` with the status and headers, no body for 1xx,
/// 204 and 304. For a handler of your own that ends with the default:
///
/// ```
/// use ferrapi::exceptions::http_exception_handler;
/// use ferrapi::toolkit::Request;
/// use ferrapi::{App, HTTPException};
///
/// let app = App::new().exception_handler_with_request(|request: Request, exc: HTTPException| async move {
///     println!("OMG! An HTTP error!: {exc:?}");
///     http_exception_handler(request, exc).await
/// });
/// # let _ = app;
/// ```
pub async fn http_exception_handler(_request: Request, exc: HTTPException) -> Response {
    exc.into_response()
}

/// FastAPI's default answer to a [`RequestValidationError`]
/// (`fastapi.exception_handlers.request_validation_exception_handler`): `422` with
/// `{"detail": [errors]}`.
pub async fn request_validation_exception_handler(
    _request: Request,
    exc: RequestValidationError,
) -> Response {
    exc.into_response()
}

/// FastAPI's default answer to the toolkit's own [`HTTPException`](ferrapi_toolkit::HTTPException)
/// (the router's 404 and 405, Starlette's `HTTPException`): as [`http_exception_handler`], the
/// detail as a JSON string.
pub async fn toolkit_http_exception_handler(
    _request: Request,
    exc: ferrapi_toolkit::HTTPException,
) -> Response {
    toolkit_http_exception(exc)
}

/// The toolkit's own `HTTPException` (the router's 404 and 405), answered as FastAPI answers.
pub(crate) fn toolkit_http_exception(err: ferrapi_toolkit::HTTPException) -> Response {
    let mut response = detail_response(err.status(), &Value::String(err.detail().to_string()));
    response.headers_mut().extend(err.headers().clone());
    response
}
