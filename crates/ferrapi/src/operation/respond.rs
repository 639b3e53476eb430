//! The last step of the pipeline: an operation's output becomes a response (FastAPI's
//! `serialize_response` and the response class). The route macros call these at the
//! operation's own call site, where the output's concrete type is known, so that the choice
//! between a `Result`, a response class and a JSON value is made by type (autoref
//! specialisation), with no trait the application must implement.

use std::cell::Cell;

use ferrapi_toolkit::background::TaskOutcome;
use ferrapi_toolkit::{Error, Response, StatusCode};
use serde::Serialize;

use crate::exceptions::RequestValidationError;
use crate::responses::{Answer, DefaultClass, ResponseClass, ResponseClassFor, ResponseShape};
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

/// Before all (feature `anyhow`): an `anyhow::Error`, whose wrapped error the exception
/// handlers still find by type (the toolkit's `Error::from_anyhow`).
pub trait ErrorAnyhow {
    /// The error to answer with.
    fn answer_error(&self) -> Error;
}

#[cfg(feature = "anyhow")]
impl ErrorAnyhow for &&Wrap<anyhow::Error> {
    fn answer_error(&self) -> Error {
        Error::from_anyhow(self.take())
    }
}

/// First choice for the error of an endpoint or a dependency returning `Err`: an error that
/// converts into the toolkit's [`Error`] (every `std::error::Error`, an `HTTPException`, an
/// `Error` itself).
pub trait ErrorDirect {
    /// The error to answer with.
    fn answer_error(&self) -> Error;
}

impl<E: Into<Error>> ErrorDirect for &Wrap<E> {
    fn answer_error(&self) -> Error {
        self.take().into()
    }
}

/// Otherwise an error that converts into a boxed `std::error::Error`:
/// `Box<dyn Error + Send + Sync>`, a `String`, or `anyhow::Error` without the `anyhow`
/// feature (which is not a `std::error::Error` itself, so the toolkit's blanket conversion
/// cannot take it; it is then a 500 whatever it wraps).
pub trait ErrorBoxed {
    /// The error value.
    type Value;
    /// The error to answer with.
    fn answer_error(&self) -> Error
    where
        Self::Value: Into<ferrapi_toolkit::server::BoxError>;
}

impl<E> ErrorBoxed for Wrap<E> {
    type Value = E;
    fn answer_error(&self) -> Error
    where
        E: Into<ferrapi_toolkit::server::BoxError>,
    {
        Error::new(self.take())
    }
}

/// Before all (feature `anyhow`): an `anyhow::Result`, its error wrapped by
/// the toolkit's `Error::from_anyhow` so that the exception handlers find the error inside.
pub trait ViaResultAnyhow {
    /// The success value.
    type Value;
    /// The value, or the error to answer with.
    fn output(&self) -> Result<Self::Value, Error>;
}

#[cfg(feature = "anyhow")]
impl<T> ViaResultAnyhow for &&&Wrap<Result<T, anyhow::Error>> {
    type Value = T;
    fn output(&self) -> Result<T, Error> {
        self.take().map_err(Error::from_anyhow)
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

impl<T, E: Into<Error>> ViaResult for &&Wrap<Result<T, E>> {
    type Value = T;
    fn output(&self) -> Result<T, Error> {
        self.take().map_err(Into::into)
    }
}

/// Second choice: a `Result` whose error converts into a boxed error (`anyhow::Result<T>`;
/// see [`ErrorBoxed`]).
pub trait ViaResultBoxed {
    /// The success value.
    type Value;
    /// The value, or the error to answer with.
    fn output(&self) -> Result<Self::Value, Error>;
}

impl<T, E: Into<ferrapi_toolkit::server::BoxError>> ViaResultBoxed for &Wrap<Result<T, E>> {
    type Value = T;
    fn output(&self) -> Result<T, Error> {
        self.take().map_err(Error::new)
    }
}

/// First choice for the success value: `(StatusCode, T)` answers `T` with that status, in
/// place of the operation's `status_code` (the document keeps `T` and the declared status,
/// as FastAPI keeps its response model when `response.status_code` is set at run time).
pub trait ViaStatus {
    /// The value.
    type Value;
    /// The value and the status chosen at run time.
    fn split(&self) -> (Self::Value, Option<StatusCode>);
}

impl<T> ViaStatus for &Wrap<(StatusCode, T)> {
    type Value = T;
    fn split(&self) -> (T, Option<StatusCode>) {
        let (status, value) = self.take();
        (value, Some(status))
    }
}

/// Otherwise the value is answered with the operation's status.
pub trait ViaOwnStatus {
    /// The value.
    type Value;
    /// The value, and no status of its own.
    fn split(&self) -> (Self::Value, Option<StatusCode>);
}

impl<T> ViaOwnStatus for Wrap<T> {
    type Value = T;
    fn split(&self) -> (T, Option<StatusCode>) {
        (self.take(), None)
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

/// The response an output became: ready, or still to be read from the disk.
pub trait Settle {
    /// The future of the response.
    type Future: std::future::Future<Output = Result<Response, Error>> + Send;
    /// The response, answering `request` (a file honours its ranges and conditions).
    fn settle(self, request: &ferrapi_toolkit::Request) -> Self::Future;
}

impl Settle for Result<Response, Error> {
    type Future = std::future::Ready<Result<Response, Error>>;
    fn settle(self, _request: &ferrapi_toolkit::Request) -> Self::Future {
        std::future::ready(self)
    }
}

/// A response class's answer (or a returned file): a file is answered against the request.
impl Settle for Answer {
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Response, Error>> + Send + 'static>,
    >;
    fn settle(self, request: &ferrapi_toolkit::Request) -> Self::Future {
        match self {
            Answer::Ready(result) => Box::pin(std::future::ready(result)),
            Answer::File(file) => Box::pin(file.respond(request)),
        }
    }
}

/// The response an output became, settled against the request.
pub fn settle<S: Settle>(output: S, request: &ferrapi_toolkit::Request) -> S::Future {
    output.settle(request)
}

/// Before all: a file answers the request (ranges, conditional requests, `HEAD`), as
/// Starlette's `FileResponse` does.
pub trait ViaFile {
    /// The file, with the status of a `(StatusCode, _)` pair if it came in one.
    fn respond(&self, status: StatusCode, chosen: bool, default: DefaultWith) -> Answer;
}

impl ViaFile for &&Wrap<ferrapi_toolkit::FileResponse> {
    fn respond(&self, status: StatusCode, chosen: bool, _default: DefaultWith) -> Answer {
        let file = self.take();
        Answer::File(if chosen { file.status(status) } else { file })
    }
}

/// First choice: a response class is sent as it is (with the status of a `(StatusCode, _)`
/// pair, if it came in one).
pub trait ViaClass {
    /// The response; `chosen` when `status` came with the value (a `(StatusCode, _)` pair)
    /// rather than from the operation.
    fn respond(
        &self,
        status: StatusCode,
        chosen: bool,
        default: DefaultWith,
    ) -> Result<Response, Error>;
}

impl<T: ResponseClass> ViaClass for &Wrap<T> {
    fn respond(
        &self,
        status: StatusCode,
        chosen: bool,
        _default: DefaultWith,
    ) -> Result<Response, Error> {
        let mut response = self.take().respond_with(status);
        if chosen {
            *response.status_mut() = status;
        }
        Ok(response)
    }
}

/// The response class of `response_class = C`, named by type.
pub struct Class<C>(std::marker::PhantomData<fn() -> C>);

impl<C> std::fmt::Debug for Class<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Class<{}>", std::any::type_name::<C>())
    }
}

impl<C> Class<C> {
    /// The class.
    pub fn new() -> Class<C> {
        Class(std::marker::PhantomData)
    }
}

impl<C> Default for Class<C> {
    fn default() -> Self {
        Class::new()
    }
}

/// With `response_class = C`, first choice: a returned file is sent as it is.
pub trait ClassViaFile {
    /// The file.
    fn respond_as<C>(
        &self,
        class: Class<C>,
        status: StatusCode,
        chosen: bool,
        explicit: bool,
    ) -> Answer;
}

impl ClassViaFile for &&Wrap<ferrapi_toolkit::FileResponse> {
    fn respond_as<C>(&self, _: Class<C>, status: StatusCode, chosen: bool, _: bool) -> Answer {
        let file = self.take();
        Answer::File(if chosen { file.status(status) } else { file })
    }
}

/// With `response_class = C`: a returned response is sent as it is (FastAPI sends a returned
/// `Response` instance as it is, whatever `response_class` says).
pub trait ClassViaResponse {
    /// The response.
    fn respond_as<C>(
        &self,
        class: Class<C>,
        status: StatusCode,
        chosen: bool,
        explicit: bool,
    ) -> Answer;
}

impl<T: ResponseClass> ClassViaResponse for &Wrap<T> {
    fn respond_as<C>(&self, _: Class<C>, status: StatusCode, chosen: bool, _: bool) -> Answer {
        let mut response = self.take().respond_with(status);
        if chosen {
            *response.status_mut() = status;
        }
        Answer::Ready(Ok(response))
    }
}

/// With `response_class = C`: any other value is wrapped in `C`, given the status when the
/// operation declares one (`explicit`) or the value came with one (`chosen`).
pub trait ClassWrap {
    /// The value.
    type Value;
    /// The response.
    fn respond_as<C>(
        &self,
        class: Class<C>,
        status: StatusCode,
        chosen: bool,
        explicit: bool,
    ) -> Answer
    where
        C: ResponseClassFor<Self::Value>;
}

impl<T> ClassWrap for Wrap<T> {
    type Value = T;
    fn respond_as<C>(&self, _: Class<C>, status: StatusCode, chosen: bool, explicit: bool) -> Answer
    where
        C: ResponseClassFor<T>,
    {
        C::wrap(self.take(), (chosen || explicit).then_some(status))
    }
}

/// Second choice, beside a response class: a value of a type ferrapi validates (a model, a
/// list or map of models, a scalar) is written as pydantic writes it, a non-finite float as
/// `null` (FastAPI with a return annotation or a response model).
pub trait ViaTyped {
    /// The response.
    fn respond(
        &self,
        status: StatusCode,
        chosen: bool,
        default: DefaultWith,
    ) -> Result<Response, Error>;
}

impl<T: Validate + Serialize> ViaTyped for &Wrap<T> {
    fn respond(
        &self,
        status: StatusCode,
        _chosen: bool,
        default: DefaultWith,
    ) -> Result<Response, Error> {
        match default {
            Some((class, explicit)) => wrap_default(&self.take(), class, explicit),
            None => serialize(&self.take(), status),
        }
    }
}

/// The app's or router's default response class, with the operation's declared status (or
/// one chosen at run time), when one applies.
pub type DefaultWith = Option<(DefaultClass, Option<StatusCode>)>;

fn wrap_default<T: Serialize + ?Sized>(
    value: &T,
    class: DefaultClass,
    explicit: Option<StatusCode>,
) -> Result<Response, Error> {
    (class.wrap)(serde_json::to_value(value)?, explicit)
}

/// Last choice: any other `Serialize` value is JSON, refusing `NaN` and the infinities (a
/// 500, logged) as FastAPI refuses them in a `dict` (Python's `json.dumps` with
/// `allow_nan=False`) rather than changing them to `null`.
///
/// Implemented for every output, with the bound on the method: an output that is neither a
/// response class nor `Serialize` is one error naming its type ([`ResponseValue`]), not a
/// list of this module's traits.
pub trait ViaSerialize {
    /// The output.
    type Value;
    /// The response.
    fn respond(
        &self,
        status: StatusCode,
        chosen: bool,
        default: DefaultWith,
    ) -> Result<Response, Error>
    where
        Self::Value: ResponseValue;
}

impl<T> ViaSerialize for Wrap<T> {
    type Value = T;
    fn respond(
        &self,
        status: StatusCode,
        _chosen: bool,
        default: DefaultWith,
    ) -> Result<Response, Error>
    where
        T: ResponseValue,
    {
        if let Some((class, explicit)) = default {
            return wrap_default(&super::finite::Finite(&self.take()), class, explicit);
        }
        // One pass: the check rides along the serialisation into the body; a refused float
        // is the 500 (logged) of a body that cannot be serialised.
        serialize(&super::finite::Finite(&self.take()), status)
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
    crate::responses::serialize(value, status)
}

/// `response_model = M`: serialise, validate as `M`, send `M`, shaped by `shape`
/// (`response_model_exclude_unset`…), in the app's or routers' default response class if one
/// is set (as FastAPI hands the model's data to it).
pub fn respond_model<M, T>(
    value: T,
    status: StatusCode,
    shape: &ResponseShape,
    default: DefaultWith,
) -> Result<Response, Error>
where
    M: Validate + Serialize,
    T: Serialize,
{
    let raw = serde_json::to_value(&value)?;
    let mut v = Validator::new();
    let model = v.at("response", |v| M::validate(&raw, v));
    match model {
        Some(model) if !v.has_errors() && shape.is_none() => match default {
            Some((class, explicit)) => wrap_default(&model, class, explicit),
            None => serialize(&model, status),
        },
        Some(model) if !v.has_errors() => {
            let mut out = serde_json::to_value(&model)?;
            shape.apply(&mut out, &raw, M::json_schema, M::by_field_name);
            match default {
                Some((class, explicit)) => (class.wrap)(out, explicit),
                None => serialize(&out, status),
            }
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
