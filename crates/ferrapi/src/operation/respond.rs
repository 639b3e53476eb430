//! The last step of the pipeline: an operation's output becomes a response (FastAPI's
//! `serialize_response` and the response class). The route macros call these at the
//! operation's own call site, where the output's concrete type is known, so that the choice
//! between a `Result`, a response class and a JSON value is made by type (autoref
//! specialisation), with no trait the application must implement.

use std::cell::Cell;

use ferrapi_toolkit::background::TaskOutcome;
use ferrapi_toolkit::{Error, Response, StatusCode};
use serde::Serialize;

use crate::exceptions::{detail_response, json_response, RequestValidationError};
use crate::responses::{ResponseClass, ResponseShape};
use crate::validation::{Validate, Validator};

/// A status code from a number or a `StatusCode`.
pub trait IntoStatus {
    /// The status code.
    fn into_status(self) -> StatusCode;
}

impl IntoStatus for StatusCode {
    fn into_status(self) -> StatusCode {
        self
    }
}

impl IntoStatus for u16 {
    fn into_status(self) -> StatusCode {
        StatusCode::from_u16(self).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoStatus for i32 {
    fn into_status(self) -> StatusCode {
        u16::try_from(self)
            .ok()
            .and_then(|c| StatusCode::from_u16(c).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// `status_code = …` of a route macro.
pub fn status(code: impl IntoStatus) -> StatusCode {
    code.into_status()
}

/// The error of an endpoint returning `Err`.
pub fn into_error<E: Into<Error>>(err: E) -> Error {
    err.into()
}

/// First choice for an operation's output: a `Result` is its value or its error (any
/// `Result<T, E>` with `E: Into<Error>`, type aliases included).
pub trait ViaResult {
    /// The success value.
    type Value;
    /// The value, or the error to answer with.
    fn output(&self) -> Result<Self::Value, Error>;
}

impl<T, E: Into<Error>> ViaResult for &Wrap<Result<T, E>> {
    type Value = T;
    fn output(&self) -> Result<T, Error> {
        self.take().map_err(Into::into)
    }
}

/// Otherwise the output is the value.
pub trait ViaValue {
    /// The value.
    type Value;
    /// The value.
    fn output(&self) -> Result<Self::Value, Error>;
}

impl<T> ViaValue for Wrap<T> {
    type Value = T;
    fn output(&self) -> Result<T, Error> {
        Ok(self.take())
    }
}

/// A returned value, taken once by whichever conversion applies.
pub struct Wrap<T>(Cell<Option<T>>);

impl<T> std::fmt::Debug for Wrap<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Wrap<{}>", std::any::type_name::<T>())
    }
}

impl<T> Wrap<T> {
    /// Wraps the endpoint's output.
    pub fn new(value: T) -> Wrap<T> {
        Wrap(Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        self.0.take().expect("a response is converted once")
    }
}

/// First choice: a response class is sent as it is.
pub trait ViaClass {
    /// The response.
    fn respond(&self, status: StatusCode) -> Result<Response, Error>;
}

impl<T: ResponseClass> ViaClass for &Wrap<T> {
    fn respond(&self, _status: StatusCode) -> Result<Response, Error> {
        Ok(self.take().into_response())
    }
}

/// Second choice: any `Serialize` value is JSON.
///
/// Implemented for every output, with the bound on the method: an output that is neither a
/// response class nor `Serialize` is one error naming its type ([`ResponseValue`]), not a
/// list of this module's traits.
pub trait ViaSerialize {
    /// The output.
    type Value;
    /// The response.
    fn respond(&self, status: StatusCode) -> Result<Response, Error>
    where
        Self::Value: ResponseValue;
}

impl<T> ViaSerialize for Wrap<T> {
    type Value = T;
    fn respond(&self, status: StatusCode) -> Result<Response, Error>
    where
        T: ResponseValue,
    {
        serialize(&self.take(), status)
    }
}

/// What a path operation can return when it is not a response class: any `Serialize` value,
/// sent as JSON.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the response of a path operation",
    note = "return a `serde::Serialize` type (sent as JSON), a response class (`Html`, \
            `PlainText`, `Response`…), or a `Result` of one"
)]
pub trait ResponseValue: Serialize {}

impl<T: Serialize> ResponseValue for T {}

fn serialize<T: Serialize + ?Sized>(value: &T, status: StatusCode) -> Result<Response, Error> {
    if matches!(status.as_u16(), 100..=199 | 204 | 304) {
        // No body, but FastAPI's `JSONResponse` still names its media type.
        let mut response = detail_response(status, &serde_json::Value::Null);
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        return Ok(response);
    }
    Ok(json_response(status, value))
}

/// `response_model = M`: serialise, validate as `M`, send `M`, shaped by `shape`
/// (`response_model_exclude_unset`…).
pub fn respond_model<M, T>(
    value: T,
    status: StatusCode,
    shape: &ResponseShape,
) -> Result<Response, Error>
where
    M: Validate + Serialize,
    T: Serialize,
{
    let raw = serde_json::to_value(&value)?;
    let mut v = Validator::new();
    let model = v.at("response", |v| M::validate(&raw, v));
    match model {
        Some(model) if !v.has_errors() && shape.is_none() => serialize(&model, status),
        Some(model) if !v.has_errors() => {
            let mut out = serde_json::to_value(&model)?;
            shape.apply(&mut out, &raw, M::json_schema);
            serialize(&out, status)
        }
        _ => Err(Error::msg(format!(
            "ResponseValidationError: {}",
            RequestValidationError::new(v.into_errors(), None)
        ))),
    }
}

/// A WebSocket operation's outcome as a result.
pub fn ws_outcome(out: impl TaskOutcome) -> Result<(), Error> {
    out.into_result()
}
