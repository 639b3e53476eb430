//! Support for the code the route macros generate. Not a stable API.

use std::cell::Cell;

pub use ferrapi_toolkit::Method;
use ferrapi_toolkit::StatusCode;
pub use ferrapi_toolkit::{Error, Request, Response, WebSocket};
use serde::Serialize;
pub use serde_json::{Map, Value};
pub use tokio;

pub use crate::dependencies::{
    into_dependency, Argument, Class, Complete, Context, Declaration, Failure, Failures, InRequest,
    InWebSocket, Ready,
};
pub use crate::operation::{watch, Run};
pub use crate::params::{extract, extract_file, is_present, ParamSpec, Source};
pub use crate::validation::Validator;

use crate::exceptions::{detail_response, json_response, RequestValidationError};
use crate::params::Inputs;
use crate::responses::ResponseClass;
use crate::validation::Validate;

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

/// The spec of argument `index`, declared by the macro (always `Some` for a parameter read
/// by its source attribute).
pub fn spec(specs: &[Option<ParamSpec>], index: usize) -> &ParamSpec {
    match specs.get(index) {
        Some(Some(spec)) => spec,
        // The macro declares a spec for every argument it reads this way.
        _ => unreachable!("argument {index} was declared without a parameter spec"),
    }
}

/// Reads an argument without a source attribute, by its type; `default` when its parameter
/// is absent from the request.
pub fn extract_or<'r, T>(
    cx: &'r Context<'r>,
    spec: Option<&ParamSpec>,
    v: &mut Validator,
    default: impl FnOnce() -> T,
) -> Result<Option<Ready<T>>, Failure>
where
    T: Argument<'r, Gathered = Ready<T>>,
{
    match spec {
        Some(spec) if !is_present(cx.inputs(), spec) => Ok(Some(Ready(default()))),
        _ => T::extract(cx, spec, v),
    }
}

/// An argument's type, probed for its parameter declaration: only where it is read is a type
/// that is not an [`Argument`] reported (once), not here too.
pub struct Declare<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Declare<T> {
    /// A probe.
    pub fn new() -> Declare<T> {
        Declare(std::marker::PhantomData)
    }
}

impl<T> Default for Declare<T> {
    fn default() -> Self {
        Declare::new()
    }
}

/// First choice: the argument's own declaration.
pub trait DeclareArgument {
    /// The parameter it reads, if any.
    fn declare(&self, spec: ParamSpec, in_dependency: bool) -> Option<ParamSpec>;
}

impl<T: Argument<'static>> DeclareArgument for &Declare<T> {
    fn declare(&self, spec: ParamSpec, in_dependency: bool) -> Option<ParamSpec> {
        T::declare(spec, in_dependency)
    }
}

/// Otherwise nothing (the type is reported where it is read).
pub trait DeclareNothing {
    /// None.
    fn declare(&self, spec: ParamSpec, in_dependency: bool) -> Option<ParamSpec>;
}

impl<T> DeclareNothing for Declare<T> {
    fn declare(&self, _spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
        None
    }
}

/// Reads a parameter with a source attribute; `default` when it is absent.
pub fn param_or<T: crate::validation::Validate + crate::validation::Constrained>(
    cx: &Context<'_>,
    spec: &ParamSpec,
    v: &mut Validator,
    default: impl FnOnce() -> T,
) -> Option<T> {
    if is_present(cx.inputs(), spec) {
        extract::<T>(cx.inputs(), spec, v)
    } else {
        Some(default())
    }
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
pub type SchemaFn = fn(&mut crate::validation::SchemaGenerator) -> Value;

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
