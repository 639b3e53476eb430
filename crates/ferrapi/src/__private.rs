//! Support for the code the route macros generate. Not a stable API.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

pub use ferrapi_toolkit::Method;
use ferrapi_toolkit::{Error, Response, StatusCode};
use serde::Serialize;
pub use serde_json::{Map, Value};
pub use tokio;

use crate::exceptions::{detail_response, json_response, RequestValidationError};
use crate::params::Inputs;
use crate::responses::ResponseClass;
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

/// The 422 for the errors collected while reading the arguments, in FastAPI's order: path,
/// query, header, cookie, then body errors, whatever the order of the arguments.
pub fn invalid(v: Validator, inputs: &Inputs<'_>) -> Error {
    let mut errors = v.into_errors();
    errors.sort_by_key(|e| match e.loc.first() {
        Some(crate::LocItem::Key(source)) => match source.as_ref() {
            "path" => 0,
            "query" => 1,
            "header" => 2,
            "cookie" => 3,
            _ => 4,
        },
        _ => 4,
    });
    RequestValidationError::new(errors, inputs.body_json().cloned()).into()
}

/// An argument missing after a validation without errors (a bug in a `Validate` impl).
pub fn internal(operation: &str) -> Error {
    Error::msg(format!(
        "{operation}: an argument validated without errors but has no value"
    ))
}

/// A returned value, taken once by whichever conversion applies.
pub struct Wrap<T>(Cell<Option<T>>);

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
pub trait ViaSerialize {
    /// The response.
    fn respond(&self, status: StatusCode) -> Result<Response, Error>;
}

impl<T: Serialize> ViaSerialize for Wrap<T> {
    fn respond(&self, status: StatusCode) -> Result<Response, Error> {
        serialize(&self.take(), status)
    }
}

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

/// `response_model = M`: serialise, validate as `M`, send `M`.
pub fn respond_model<M, T>(value: T, status: StatusCode) -> Result<Response, Error>
where
    M: Validate + Serialize,
    T: Serialize,
{
    let raw = serde_json::to_value(&value)?;
    let mut v = Validator::new();
    let model = v.at("response", |v| M::validate(&raw, v));
    match model {
        Some(model) if !v.has_errors() => serialize(&model, status),
        _ => Err(Error::msg(format!(
            "ResponseValidationError: {}",
            RequestValidationError::new(v.into_errors(), None)
        ))),
    }
}

/// How long one poll of an async endpoint may hold its worker before it is reported in debug
/// builds (asyncio's debug mode uses the same 100 ms for slow callbacks).
pub const SLOW_POLL: Duration = Duration::from_millis(100);

pin_project_lite::pin_project! {
    /// Reports polls of an async endpoint that block the worker (debug builds only).
    pub struct WatchPolls<F> {
        #[pin]
        inner: F,
        operation: &'static str,
    }
}

/// Wraps an async endpoint's future; in debug builds a poll longer than [`SLOW_POLL`] (a
/// blocking call inside `async fn`, the classic mistake) is logged with the operation and the
/// time it held the thread.
pub fn watch<F: Future>(operation: &'static str, inner: F) -> WatchPolls<F> {
    WatchPolls { inner, operation }
}

impl<F: Future> Future for WatchPolls<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        if cfg!(debug_assertions) {
            let started = Instant::now();
            let out = this.inner.poll(cx);
            let held = started.elapsed();
            if held >= SLOW_POLL {
                tracing::warn!(
                    operation = *this.operation,
                    held_ms = held.as_millis() as u64,
                    "async endpoint blocked its runtime thread for {held:?} in one poll; \
                     make it a plain `fn` (it then runs on the thread pool) or use async I/O"
                );
            }
            out
        } else {
            this.inner.poll(cx)
        }
    }
}

/// The name of a model type (for messages).
pub trait ModelName {
    /// The type's name.
    const NAME: &'static str;
}

/// pydantic's answer to a model given something other than an object (FastAPI validates
/// bodies from attributes, hence `model_attributes_type`, nested models included).
pub fn model_attributes_type(input: &Value, v: &mut Validator) {
    v.error(
        "model_attributes_type",
        "Input should be a valid dictionary or object to extract fields from",
        input.clone(),
        None,
    );
}

/// pydantic's `enum` error: `Input should be 'red' or 'blue'`.
pub fn enum_error(input: &Value, expected: &str, v: &mut Validator) {
    v.error(
        "enum",
        format!("Input should be {expected}"),
        input.clone(),
        crate::validation::ctx([("expected", Value::String(expected.to_string()))]),
    );
}

/// A model field absent from the input: `None` for an `Option`, else pydantic's `missing`,
/// whose `input` is the model's whole input (`{"type":"missing","loc":["body","name"],
/// "msg":"Field required","input":{"price":1}}`).
pub fn missing_field<T: Validate>(model_input: &Value, v: &mut Validator) -> Option<T> {
    let before = v.error_count();
    let out = T::missing(v);
    v.set_input_since(before, model_input);
    out
}

/// Validates one model field and checks its constraints, in pydantic's order.
pub fn field<T: Validate + crate::validation::Constrained>(
    input: &Value,
    constraints: &crate::validation::Constraints,
    v: &mut Validator,
) -> Option<T> {
    constraints.validate::<T>(input, v)
}

/// How a WebSocket operation's arguments failed: `None` for invalid parameters (closed with
/// 1008), the error otherwise.
pub fn ws_failure(
    failure: crate::dependencies::Failure,
    shared: &crate::dependencies::Shared<'_>,
    inputs: &Inputs<'_>,
) -> Option<Error> {
    match failure {
        crate::dependencies::Failure::Invalid(_) => None,
        other => Some(shared.error(other, inputs)),
    }
}

/// What a WebSocket operation returns: `()` or a `Result`.
pub trait WsOutcome {
    /// As a result.
    fn into_result(self) -> Result<(), Error>;
}

impl WsOutcome for () {
    fn into_result(self) -> Result<(), Error> {
        Ok(())
    }
}

impl<E: Into<Error>> WsOutcome for Result<(), E> {
    fn into_result(self) -> Result<(), Error> {
        self.map_err(Into::into)
    }
}

/// A WebSocket operation's outcome as a result.
pub fn ws_outcome(out: impl WsOutcome) -> Result<(), Error> {
    out.into_result()
}

/// A default value, converted to JSON when it serialises (for the document).
pub struct DefaultJson<T>(Cell<Option<T>>);

impl<T> DefaultJson<T> {
    /// Wraps the default.
    pub fn new(value: T) -> DefaultJson<T> {
        DefaultJson(Cell::new(Some(value)))
    }
}

/// First choice: a `Serialize` default is shown.
pub trait DefaultViaSerialize {
    /// The default as JSON.
    fn json(&self) -> Option<Value>;
}

impl<T: Serialize> DefaultViaSerialize for &DefaultJson<T> {
    fn json(&self) -> Option<Value> {
        self.0.take().and_then(|v| serde_json::to_value(v).ok())
    }
}

/// Otherwise the default is not shown.
pub trait DefaultHidden {
    /// Nothing.
    fn json(&self) -> Option<Value>;
}

impl<T> DefaultHidden for DefaultJson<T> {
    fn json(&self) -> Option<Value> {
        None
    }
}

/// The type of a response, probed for its media type (for the document).
pub struct Probe<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Probe<T> {
    /// A probe.
    pub fn new() -> Probe<T> {
        Probe(std::marker::PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Probe::new()
    }
}

/// First choice: a response class names its media type.
pub trait MediaViaClass {
    /// The media type and schema.
    fn media(&self) -> Option<crate::responses::ResponseMedia>;
}

impl<T: crate::responses::ResponseDoc> MediaViaClass for &Probe<T> {
    fn media(&self) -> Option<crate::responses::ResponseMedia> {
        Some((T::MEDIA_TYPE, T::schema))
    }
}

/// Otherwise: JSON.
pub trait MediaDefault {
    /// None: JSON.
    fn media(&self) -> Option<crate::responses::ResponseMedia>;
}

impl<T> MediaDefault for Probe<T> {
    fn media(&self) -> Option<crate::responses::ResponseMedia> {
        None
    }
}

/// The schema of a string enum: `{"type":"string","enum":[…],"title":…}`.
pub fn enum_schema(title: &str, values: &[&str]) -> Value {
    serde_json::json!({"type": "string", "enum": values, "title": title})
}

/// A schema function, for the document.
pub type SchemaFn = fn(&mut crate::openapi::SchemaGenerator) -> Value;

/// First choice: a returned model documents the response (FastAPI uses the return annotation
/// as the response model).
pub trait ReturnViaModel {
    /// The model's schema.
    fn return_schema(&self) -> Option<SchemaFn>;
}

impl<T: Validate + ModelName> ReturnViaModel for &Probe<T> {
    fn return_schema(&self) -> Option<SchemaFn> {
        Some(T::json_schema)
    }
}

/// Otherwise the response is any JSON.
pub trait ReturnAnything {
    /// None.
    fn return_schema(&self) -> Option<SchemaFn>;
}

impl<T> ReturnAnything for Probe<T> {
    fn return_schema(&self) -> Option<SchemaFn> {
        None
    }
}
