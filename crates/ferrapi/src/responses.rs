//! What path operations return: FastAPI's response rules.
//!
//! * Any `Serialize` value becomes JSON (`application/json`, compact) with the operation's
//!   status code (200 unless `status_code = …`); with 204 or 304 there is no body. A
//!   non-finite float (`NaN`, an infinity) is written as pydantic writes it, `null`, in a type
//!   ferrapi validates (a model, a list or map of them, a scalar: FastAPI with a return
//!   annotation); in any other `Serialize` value (a plain serde struct, FastAPI's `dict`) it is
//!   refused with a 500, logged, as FastAPI refuses it rather than change the data.
//! * A response class (the toolkit's [`Html`],
//!   [`PlainText`], [`Json`],
//!   [`Redirect`], [`Streaming`], a
//!   [`Response`]) is sent as it is, as FastAPI sends a `Response`
//!   instance, bypassing the JSON encoding.
//! * `response_class = C` wraps any other returned value in `C` ([`ResponseClassFor`]: a
//!   string in `Html`, a URL in a `Redirect`…) and documents `C` ([`ResponseDoc`]);
//!   `default_response_class::<C>()` of the app or a router does so for the operations without
//!   a class of their own ([`DefaultResponseClass`]), as FastAPI's `response_class=` and
//!   `default_response_class=` do.
//! * A [`FileResponse`](ferrapi_toolkit::FileResponse) answers the request as the toolkit
//!   does (`Range`, `If-None-Match`…, `HEAD`); a missing file is a 500, as in Starlette.
//! * `(StatusCode, T)`: `T` as above, with that status in place of the operation's
//!   `status_code` (the document keeps `T` and the declared status).
//! * `Result<T, E>`: `Ok` as above, `Err` goes to the exception handlers (an
//!   [`HTTPException`](crate::HTTPException) becomes its JSON answer). `E` is any
//!   `std::error::Error`, the toolkit's `Error`, or anything that converts into a boxed
//!   error, `anyhow::Error` included (an `HTTPException` inside an `anyhow::Error` still
//!   answers as itself).
//! * `response_model = M`: the value is serialised, validated as `M`, and `M` is sent, so
//!   fields that `M` does not declare (a password) never leave the server. A value that does not
//!   validate as `M` is a 500, logged, as FastAPI's `ResponseValidationError`.
//! * `response_model_exclude_unset`, `response_model_exclude_defaults`,
//!   `response_model_exclude_none`, `response_model_include` and `response_model_exclude`
//!   shape `M`'s JSON before it is sent ([`ResponseShape`]).

use ferrapi_toolkit::{Html, Json, PlainText, Redirect, Response, Streaming};

mod class;
mod jsonl;
mod parts;
mod probe;
pub(crate) mod python_json;
mod shape;
mod sse;

#[doc(hidden)]
pub use class::DefaultClass;
pub use class::{Answer, ClassDoc, DefaultResponseClass, ResponseClassFor, TextBody};
pub use jsonl::JsonLines;
pub use parts::ResponseParts;
pub use shape::ResponseShape;
pub use sse::{EventStream, InvalidField, ServerSentEvent, Untyped, PING_INTERVAL};

#[doc(hidden)]
pub use probe::{MediaDefault, MediaViaClass, Probe, ReturnAnything, ReturnViaModel, SchemaFn};

/// Types sent as they are rather than encoded as JSON: the toolkit's response types.
pub trait ResponseClass: ferrapi_toolkit::IntoResponse + Sized {
    /// The response, given the operation's status code. A whole response (a toolkit
    /// `Response`, a `Redirect`, `Streaming`) keeps its own status, as a `Response` instance
    /// returned from FastAPI does; a body of a given media type (`Html`, `PlainText`, JSON
    /// Lines, server-sent events) takes the operation's, as FastAPI's `response_class` does.
    fn respond_with(self, status: ferrapi_toolkit::StatusCode) -> Response {
        let _ = status;
        self.into_response()
    }
}

/// A value as JSON with `status`; no body for 1xx, 204 and 304 (FastAPI's `JSONResponse`).
pub(crate) fn serialize<T: serde::Serialize + ?Sized>(
    value: &T,
    status: ferrapi_toolkit::StatusCode,
) -> Result<Response, ferrapi_toolkit::Error> {
    if matches!(status.as_u16(), 100..=199 | 204 | 304) {
        // No body, but FastAPI's `JSONResponse` still names its media type.
        let mut response = crate::exceptions::detail_response(status, &serde_json::Value::Null);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        return Ok(response);
    }
    Ok(crate::exceptions::json_response(status, value))
}

/// The response with the operation's status: a body class's [`ResponseClass::respond_with`].
pub(crate) fn with_status(
    response: impl ferrapi_toolkit::IntoResponse,
    status: ferrapi_toolkit::StatusCode,
) -> Response {
    let mut response = response.into_response();
    *response.status_mut() = status;
    response
}

impl ResponseClass for Response {}
impl<T: Into<ferrapi_toolkit::server::Body>> ResponseClass for Html<T> {
    fn respond_with(self, status: ferrapi_toolkit::StatusCode) -> Response {
        with_status(self, status)
    }
}
impl<T: Into<ferrapi_toolkit::server::Body>> ResponseClass for PlainText<T> {
    fn respond_with(self, status: ferrapi_toolkit::StatusCode) -> Response {
        with_status(self, status)
    }
}
impl<T: serde::Serialize> ResponseClass for Json<T> {}
impl ResponseClass for Redirect {}
impl ResponseClass for Streaming {}
/// Server-sent events, sent as the toolkit sends them (documented as JSON of any shape, as
/// FastAPI documents a response returned without `response_class`).
impl ResponseClass for ferrapi_toolkit::EventSourceResponse {}

/// A response's media type, the key its schema goes under (`schema`, or `itemSchema` for a
/// stream of JSON values), and the function giving the schema, for the document.
pub type ResponseMedia = (
    &'static str,
    &'static str,
    fn(&mut crate::validation::SchemaGenerator) -> serde_json::Value,
);

/// A response class with its own media type in the OpenAPI document (FastAPI's
/// `response_class=HTMLResponse`); any other return value is documented as JSON.
pub trait ResponseDoc {
    /// The media type. Empty for a class without one (a file, whose type depends on the
    /// file): its response is documented without `content`, as FastAPI documents
    /// `response_class=FileResponse`.
    const MEDIA_TYPE: &'static str;

    /// The key of the schema in the media type object: `schema`, or `itemSchema` when the body
    /// is a sequence of values (OpenAPI 3.2's, as FastAPI writes JSON Lines).
    const SCHEMA_KEY: &'static str = "schema";

    /// The schema of the body (of each item, with `itemSchema`).
    fn schema(g: &mut crate::validation::SchemaGenerator) -> serde_json::Value {
        let _ = g;
        serde_json::json!({"type": "string"})
    }

    /// The status documented when the operation declares none (FastAPI reads the default of
    /// the class's `status_code` argument: 307 for `RedirectResponse`).
    const DEFAULT_STATUS: u16 = 200;

    /// Whether a JSON class: the documented schema is then the response model's or the
    /// returned model's (`{}` without one), as FastAPI documents a `JSONResponse` subclass.
    const JSON: bool = false;

    /// Whether an operation *returning* this type (without `response_class`) is documented
    /// with this class's media type. `false` for classes FastAPI documents only when named in
    /// `response_class=` (a returned `RedirectResponse` is documented as JSON).
    const BY_RETURN_TYPE: bool = true;
}

/// A response class returned with a status chosen at run time keeps its media type.
impl<T: ResponseDoc> ResponseDoc for (ferrapi_toolkit::StatusCode, T) {
    const MEDIA_TYPE: &'static str = T::MEDIA_TYPE;
    const SCHEMA_KEY: &'static str = T::SCHEMA_KEY;
    const DEFAULT_STATUS: u16 = T::DEFAULT_STATUS;
    const JSON: bool = T::JSON;
    const BY_RETURN_TYPE: bool = T::BY_RETURN_TYPE;

    fn schema(g: &mut crate::validation::SchemaGenerator) -> serde_json::Value {
        T::schema(g)
    }
}

/// A file, as FastAPI's `response_class=FileResponse`: answered with ranges and conditional
/// requests honoured (the toolkit's [`FileResponse::respond`](ferrapi_toolkit::FileResponse::respond)
/// with the operation's request), documented without content (its media type is the file's).
impl ResponseDoc for ferrapi_toolkit::FileResponse {
    const MEDIA_TYPE: &'static str = "";
}

impl<T> ResponseDoc for Html<T> {
    const MEDIA_TYPE: &'static str = "text/html";
}

impl<T> ResponseDoc for PlainText<T> {
    const MEDIA_TYPE: &'static str = "text/plain";
}
