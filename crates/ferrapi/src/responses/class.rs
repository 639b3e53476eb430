//! Response classes: `response_class = C` on an operation and `default_response_class` on the
//! app and its routers (FastAPI's `response_class=HTMLResponse`,
//! `FastAPI(default_response_class=…)`).
//!
//! A value returned by an operation that is not a response already is wrapped in the class;
//! a response (`Html(…)`, a `Redirect`, a toolkit `Response`…) is sent as it is, as FastAPI
//! sends a returned `Response` instance. The document names the class's media type.

use std::path::PathBuf;

use ferrapi_toolkit::server::{Body, BoxError};
use ferrapi_toolkit::{
    Error, FileResponse, Html, IntoResponse, Json, PlainText, Redirect, Response, StatusCode,
    Streaming,
};
use serde_json::Value;

use super::{with_status, ResponseDoc, ResponseMedia};

/// What a response class made of a returned value: a response, or a file still to be read
/// (answered against the request: ranges, conditional requests, `HEAD`).
#[derive(Debug)]
pub enum Answer {
    /// The response, or the error to answer with (a 500 unless a handler takes it).
    Ready(Result<Response, Error>),
    /// A file.
    File(FileResponse),
}

impl From<Response> for Answer {
    fn from(response: Response) -> Answer {
        Answer::Ready(Ok(response))
    }
}

impl From<Result<Response, Error>> for Answer {
    fn from(result: Result<Response, Error>) -> Answer {
        Answer::Ready(result)
    }
}

impl From<FileResponse> for Answer {
    fn from(file: FileResponse) -> Answer {
        Answer::File(file)
    }
}

/// A response class wrapping the values of type `T` an operation returns
/// (`#[get("/", response_class = Html)]` with `-> String`): FastAPI's
/// `response_class(content, status_code=…)`.
///
/// `status` is the operation's `status_code` (or the status of a returned
/// `(StatusCode, T)`), `None` when it declares none: the class then uses its own default (200,
/// 307 for a redirect), as FastAPI's classes do.
///
/// The document takes the class's [`ResponseDoc`]: its media type (none for a redirect, a
/// stream or a file), its schema, its default status.
///
/// ```
/// use ferrapi::responses::{Answer, ResponseClassFor, ResponseDoc};
/// use ferrapi::toolkit::{Response, StatusCode};
///
/// /// A `text/csv` response of rows of cells.
/// struct Csv;
///
/// impl ResponseDoc for Csv {
///     const MEDIA_TYPE: &'static str = "text/csv";
/// }
///
/// impl ResponseClassFor<Vec<Vec<String>>> for Csv {
///     fn wrap(rows: Vec<Vec<String>>, status: Option<StatusCode>) -> Answer {
///         let body: String = rows.iter().map(|row| row.join(",") + "\n").collect();
///         let mut response = Response::new(body.into());
///         *response.status_mut() = status.unwrap_or(StatusCode::OK);
///         response.headers_mut().insert(
///             "content-type",
///             "text/csv; charset=utf-8".parse().unwrap(),
///         );
///         response.into()
///     }
/// }
///
/// #[ferrapi::get("/report.csv", response_class = Csv)]
/// async fn report() -> Vec<Vec<String>> {
///     vec![vec!["name".into(), "price".into()], vec!["Foo".into(), "50.2".into()]]
/// }
/// # let _ = ferrapi::App::new().route(report);
/// ```
#[diagnostic::on_unimplemented(
    message = "response class `{Self}` cannot wrap a `{T}`",
    label = "returned here",
    note = "`Html` and `PlainText` wrap a `String` or `&'static str`, `Redirect` a URL, `Json` \
            any `Serialize` value, `Streaming` a stream of `Result<bytes, E>`, `FileResponse` a \
            path; a response (`Html(…)`, `Redirect::to(…)`, `Response`) is sent as it is"
)]
pub trait ResponseClassFor<T>: ResponseDoc {
    /// The response for `value`, with the operation's status if it declares one.
    fn wrap(value: T, status: Option<StatusCode>) -> Answer;
}

/// What `Html` and `PlainText` wrap: text or bytes.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the body of a text response class (`Html`, `PlainText`)",
    label = "returned here",
    note = "`Html` and `PlainText` wrap a `String`, a `&'static str` or bytes (`Vec<u8>`, \
            `Bytes`); format the value first, or return a response (`Html(…)`) or JSON without \
            `response_class`"
)]
pub trait TextBody: Into<Body> {}

impl TextBody for String {}
impl TextBody for &'static str {}
impl TextBody for Vec<u8> {}
impl TextBody for &'static [u8] {}
impl TextBody for bytes::Bytes {}

/// `Html`: `text/html; charset=utf-8`, the value as the body (FastAPI's `HTMLResponse`).
impl<B, T: TextBody> ResponseClassFor<T> for Html<B> {
    fn wrap(value: T, status: Option<StatusCode>) -> Answer {
        with_status(Html(value), status.unwrap_or(StatusCode::OK)).into()
    }
}

/// `PlainText`: `text/plain; charset=utf-8` (FastAPI's `PlainTextResponse`).
impl<B, T: TextBody> ResponseClassFor<T> for PlainText<B> {
    fn wrap(value: T, status: Option<StatusCode>) -> Answer {
        with_status(PlainText(value), status.unwrap_or(StatusCode::OK)).into()
    }
}

/// `Json`: the value as JSON (FastAPI's `JSONResponse`, `ORJSONResponse`, `UJSONResponse`:
/// the same bytes for the values ferrapi sends).
impl<B, T: serde::Serialize> ResponseClassFor<T> for Json<B> {
    fn wrap(value: T, status: Option<StatusCode>) -> Answer {
        super::serialize(&value, status.unwrap_or(StatusCode::OK)).into()
    }
}

/// `Redirect`: the value is the URL, sent as `location` with 307 unless the operation
/// declares a status (FastAPI's `RedirectResponse`).
impl<T: AsRef<str>> ResponseClassFor<T> for Redirect {
    fn wrap(value: T, status: Option<StatusCode>) -> Answer {
        let redirect = Redirect::to(value.as_ref());
        match status {
            Some(status) => redirect.with_status(status).into_response().into(),
            None => redirect.into_response().into(),
        }
    }
}

/// `Streaming`: the value is the stream of the body's chunks (FastAPI's `StreamingResponse`).
impl<S, B, E> ResponseClassFor<S> for Streaming
where
    S: futures_core::Stream<Item = Result<B, E>> + Send + 'static,
    B: Into<bytes::Bytes> + 'static,
    E: Into<BoxError> + 'static,
{
    fn wrap(value: S, status: Option<StatusCode>) -> Answer {
        with_status(Streaming::new(value), status.unwrap_or(StatusCode::OK)).into()
    }
}

/// `FileResponse`: the value is the file's path (FastAPI's `FileResponse`), answered with
/// ranges and conditional requests honoured.
impl<T: Into<PathBuf>> ResponseClassFor<T> for FileResponse {
    fn wrap(value: T, status: Option<StatusCode>) -> Answer {
        let file = FileResponse::new(value);
        match status {
            Some(status) => file.status(status).into(),
            None => file.into(),
        }
    }
}

/// A response class an app or a router can make the default of its operations
/// (`App::default_response_class::<Html>()`, FastAPI's `default_response_class=`): it wraps
/// any returned value, as JSON (`serde_json::Value`), since the router does not know the
/// operations' types. A string is the body of `Html` and `PlainText` and the URL of a
/// `Redirect`; another value is refused (a 500), as FastAPI's `HTMLResponse` refuses a `dict`.
pub trait DefaultResponseClass: ResponseDoc {
    /// The response for `value`, with the operation's status if it declares one.
    fn wrap_value(value: Value, status: Option<StatusCode>) -> Result<Response, Error>;
}

fn text_of(value: Value, class: &str) -> Result<String, Error> {
    match value {
        Value::String(text) => Ok(text),
        other => Err(Error::msg(format!(
            "{class} wraps a string, not the JSON value {other}"
        ))),
    }
}

impl<B> DefaultResponseClass for Html<B> {
    fn wrap_value(value: Value, status: Option<StatusCode>) -> Result<Response, Error> {
        let text = text_of(value, "Html")?;
        Ok(with_status(Html(text), status.unwrap_or(StatusCode::OK)))
    }
}

impl<B> DefaultResponseClass for PlainText<B> {
    fn wrap_value(value: Value, status: Option<StatusCode>) -> Result<Response, Error> {
        let text = text_of(value, "PlainText")?;
        Ok(with_status(
            PlainText(text),
            status.unwrap_or(StatusCode::OK),
        ))
    }
}

impl<B> DefaultResponseClass for Json<B> {
    fn wrap_value(value: Value, status: Option<StatusCode>) -> Result<Response, Error> {
        super::serialize(&value, status.unwrap_or(StatusCode::OK))
    }
}

impl DefaultResponseClass for Redirect {
    fn wrap_value(value: Value, status: Option<StatusCode>) -> Result<Response, Error> {
        let url = text_of(value, "Redirect")?;
        let redirect = Redirect::to(&url);
        Ok(match status {
            Some(status) => redirect.with_status(status).into_response(),
            None => redirect.into_response(),
        })
    }
}

/// A default response class, erased: how it wraps a value and how it is documented.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct DefaultClass {
    pub(crate) wrap: fn(Value, Option<StatusCode>) -> Result<Response, Error>,
    pub(crate) doc: ClassDoc,
}

impl std::fmt::Debug for DefaultClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DefaultClass")
            .field("media_type", &self.doc.media.0)
            .finish_non_exhaustive()
    }
}

impl DefaultClass {
    pub(crate) fn of<C: DefaultResponseClass>() -> DefaultClass {
        DefaultClass {
            wrap: C::wrap_value,
            doc: ClassDoc::of::<C>(),
        }
    }
}

/// How an operation's response class is documented.
#[derive(Clone, Copy, Debug)]
pub struct ClassDoc {
    /// The media type (empty: no content), schema key and schema.
    pub media: ResponseMedia,
    /// The status documented when the operation declares none.
    pub status: u16,
    /// Whether the schema is the (response or returned) model's, as for a JSON class.
    pub json: bool,
}

impl ClassDoc {
    /// The documentation of class `C`.
    pub fn of<C: ResponseDoc>() -> ClassDoc {
        ClassDoc {
            media: (C::MEDIA_TYPE, C::SCHEMA_KEY, C::schema),
            status: C::DEFAULT_STATUS,
            json: C::JSON,
        }
    }
}

impl<B> ResponseDoc for Json<B> {
    const MEDIA_TYPE: &'static str = "application/json";
    const JSON: bool = true;
    const BY_RETURN_TYPE: bool = false;

    fn schema(g: &mut crate::validation::SchemaGenerator) -> Value {
        let _ = g;
        serde_json::json!({})
    }
}

/// A redirect, documented without content, with 307 unless the operation declares a status.
impl ResponseDoc for Redirect {
    const MEDIA_TYPE: &'static str = "";
    const DEFAULT_STATUS: u16 = 307;
    const BY_RETURN_TYPE: bool = false;
}

/// A stream of bytes, documented without content (its media type is unknown).
impl ResponseDoc for Streaming {
    const MEDIA_TYPE: &'static str = "";
    const BY_RETURN_TYPE: bool = false;
}
