//! How an argument gets its value, decided by its type.
//!
//! An argument without a source attribute (`#[query]`, `#[body]`, `#[depends(…)]`…) is read
//! the way its type says, as FastAPI decides by the annotation's class (`issubclass(annotation,
//! Request)`) and axum by extractor traits: a scalar is a query parameter, a model the body,
//! `State<T>` a value of the application state, `BackgroundTasks` the request's tasks,
//! `SecurityScopes` the scopes of the dependants, `UploadFile` a file of the form, `Request` (an
//! owned copy, for a plain `fn`), `&Request`
//! the request itself, `WebSocket` the socket of a `#[websocket]` operation. A type alias or a
//! re-export under another name is read the same way, and a user type that happens to be
//! called `State` is not mistaken for the framework's.
//!
//! Reading happens in two steps, so that a WebSocket operation keeps its socket until every
//! argument is known to be valid (an invalid handshake is closed with 1008):
//! [`Argument::extract`] reads what the request holds and records validation errors, giving a
//! [`Gathered`] value; [`Complete::complete`] runs only when nothing failed and gives the
//! argument. The second step does not name the argument's type (it follows from the first),
//! so a type that is not an `Argument` is reported once, where it is read.

use ferrapi_toolkit::{Error, Request, UploadFile, WebSocket};

use super::{Context, Failure, SecurityScopes, State};
use crate::background::BackgroundTasks;
use crate::params::{self, ParamKind, ParamSpec};
use crate::validation::Validator;

/// A type an operation or dependency can take as an argument without a source attribute.
///
/// The framework implements it for every parameter type (anything [`Validate`](crate::Validate) with a
/// [`ParamKind`]: scalars, `String`, `Option`, `Vec`, maps, models and enums), and for the
/// values it provides. The macros call it; an application does not.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an argument of a path operation or dependency",
    label = "neither a parameter type nor a value the framework provides",
    note = "parameters are scalars, `String`, `Option`, `Vec`, maps and types deriving \
            `ferrapi::Model` or `ferrapi::Enum`; the framework provides `State<T>`, \
            `BackgroundTasks`, `SecurityScopes`, `UploadFile`, `Request`, `&Request` and (in a \
            `#[websocket]` operation) `WebSocket`; another dependency's value is taken with \
            `#[depends(dependency)]`"
)]
pub trait Argument<'r>: Sized + Send + 'r {
    /// What [`Argument::extract`] yields: the value ([`Ready`]), or (for the socket) a token
    /// that [`Complete::complete`] turns into it.
    type Gathered: Send + 'r;

    /// The parameter the argument reads, from the spec the macro built of its name and
    /// options; `None` when the framework provides the value. `in_dependency`: a dependency's
    /// scalar may be a path parameter of the route that uses it.
    fn declare(spec: ParamSpec, in_dependency: bool) -> Option<ParamSpec>;

    /// Reads the argument for one request: `Ok(None)` after recording validation errors in
    /// `v`, `Err` when the request must end (a missing state value).
    fn extract(
        cx: &'r Context<'r>,
        spec: Option<&ParamSpec>,
        v: &mut Validator,
    ) -> Result<Option<Self::Gathered>, Failure>;
}

/// Where an argument is completed: a `#[websocket]` operation (which owns the socket), or any
/// other dependant.
pub trait Dependant: 'static {}

/// The dependant is a `#[websocket]` operation.
#[derive(Debug)]
pub enum InWebSocket {}

/// The dependant is an HTTP operation or a dependency.
#[derive(Debug)]
pub enum InRequest {}

impl Dependant for InWebSocket {}
impl Dependant for InRequest {}

/// The second step of reading an argument: the value, once every argument of the dependant
/// is valid.
#[diagnostic::on_unimplemented(
    message = "a `WebSocket` argument is taken only by a `#[websocket]` operation",
    label = "not in a `#[websocket]` operation",
    note = "an HTTP operation or a dependency reads the request; a WebSocket operation takes \
            `websocket: WebSocket` itself"
)]
pub trait Complete<'r, D: Dependant>: Sized {
    /// The argument.
    type Value;

    /// The argument, or the failure that ends the request.
    fn complete(self, cx: &'r Context<'r>) -> Result<Self::Value, Failure>;
}

/// An argument whose value is ready when it is read.
#[derive(Debug)]
pub struct Ready<T>(pub T);

impl<'r, T, D: Dependant> Complete<'r, D> for Ready<T> {
    type Value = T;

    fn complete(self, _cx: &'r Context<'r>) -> Result<T, Failure> {
        Ok(self.0)
    }
}

/// The spec of an argument read from the request (the macro declares one for it).
fn declared(spec: Option<&ParamSpec>) -> Result<&ParamSpec, Failure> {
    spec.ok_or(Failure::Invalid(Vec::new()))
}

impl<'r, T: ParamKind + Send + 'r> Argument<'r> for T {
    type Gathered = Ready<T>;

    fn declare(spec: ParamSpec, in_dependency: bool) -> Option<ParamSpec> {
        let spec = spec.infer_from::<T>();
        let spec = if in_dependency {
            spec.maybe_path()
        } else {
            spec
        };
        Some(spec.typed::<T>())
    }

    fn extract(
        cx: &'r Context<'r>,
        spec: Option<&ParamSpec>,
        v: &mut Validator,
    ) -> Result<Option<Ready<T>>, Failure> {
        Ok(params::extract::<T>(cx.inputs(), declared(spec)?, v).map(Ready))
    }
}

/// Implements [`Argument`] for a value that is ready when extracted.
macro_rules! provided {
    ($ty:ty, |$cx:ident| $value:expr) => {
        impl<'r> Argument<'r> for $ty {
            type Gathered = Ready<$ty>;

            fn declare(_spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
                None
            }

            fn extract(
                $cx: &'r Context<'r>,
                _spec: Option<&ParamSpec>,
                _v: &mut Validator,
            ) -> Result<Option<Ready<$ty>>, Failure> {
                Ok(Some(Ready($value)))
            }
        }
    };
}

provided!(&'r Request, |cx| cx.request());
// An owned copy (`Request::head_copy`): what a plain `fn`, run on the thread pool, can take.
provided!(Request, |cx| cx.request().head_copy());
provided!(BackgroundTasks, |cx| cx.background());
provided!(crate::responses::ResponseParts, |cx| cx.response_parts());
provided!(SecurityScopes, |cx| SecurityScopes::from_context(cx));

/// The body as it came ([`RawBody`](crate::params::RawBody)): read by `Inputs::read`, kept by
/// the request.
impl<'r> Argument<'r> for crate::params::RawBody {
    type Gathered = Ready<crate::params::RawBody>;

    fn declare(spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
        Some(crate::params::RawBody::declare(spec))
    }

    fn extract(
        cx: &'r Context<'r>,
        _spec: Option<&ParamSpec>,
        _v: &mut Validator,
    ) -> Result<Option<Ready<crate::params::RawBody>>, Failure> {
        let bytes = cx.request().body_if_read().cloned().unwrap_or_default();
        Ok(Some(Ready(crate::params::RawBody(bytes))))
    }
}

impl<'r, T: Send + Sync + 'static> Argument<'r> for State<T> {
    type Gathered = Ready<State<T>>;

    fn declare(_spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
        None
    }

    fn extract(
        cx: &'r Context<'r>,
        _spec: Option<&ParamSpec>,
        _v: &mut Validator,
    ) -> Result<Option<Ready<State<T>>>, Failure> {
        State::from_context(cx).map(|state| Some(Ready(state)))
    }
}

/// `UploadFile`, `Vec<UploadFile>` and their options: files of the form, as FastAPI takes
/// `file: UploadFile` and `files: list[UploadFile]` without `File()`.
macro_rules! upload {
    ($ty:ty) => {
        impl<'r> Argument<'r> for $ty {
            type Gathered = Ready<$ty>;

            fn declare(spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
                Some(spec.file::<$ty>())
            }

            fn extract(
                cx: &'r Context<'r>,
                spec: Option<&ParamSpec>,
                v: &mut Validator,
            ) -> Result<Option<Ready<$ty>>, Failure> {
                Ok(params::extract_file::<$ty>(cx.inputs(), declared(spec)?, v).map(Ready))
            }
        }
    };
}

upload!(UploadFile);
upload!(Option<UploadFile>);
upload!(Vec<UploadFile>);
upload!(Option<Vec<UploadFile>>);

/// The socket is taken when every argument is valid, so that an invalid handshake can still be
/// closed with 1008 by the operation's pipeline.
impl<'r> Argument<'r> for WebSocket {
    type Gathered = SocketToken;

    fn declare(_spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
        None
    }

    fn extract(
        _cx: &'r Context<'r>,
        _spec: Option<&ParamSpec>,
        _v: &mut Validator,
    ) -> Result<Option<SocketToken>, Failure> {
        Ok(Some(SocketToken(())))
    }
}

/// A WebSocket argument, before the socket is handed over.
#[derive(Debug)]
pub struct SocketToken(());

impl<'r> Complete<'r, InWebSocket> for SocketToken {
    type Value = WebSocket;

    fn complete(self, cx: &'r Context<'r>) -> Result<WebSocket, Failure> {
        cx.take_socket()
            .ok_or_else(|| cx.raise(Error::msg("the operation takes the WebSocket twice")))
    }
}

// What the macros' gathering code calls for arguments.

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
        Some(spec) if !params::is_present(cx.inputs(), spec) => Ok(Some(Ready(default()))),
        _ => T::extract(cx, spec, v),
    }
}

/// An argument's type, probed for its parameter declaration: only where it is read is a type
/// that is not an [`Argument`] reported (once), not here too.
pub struct Declare<T>(std::marker::PhantomData<fn() -> T>);

impl<T> std::fmt::Debug for Declare<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Declare<{}>", std::any::type_name::<T>())
    }
}

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
pub fn param_or<T: crate::validation::Validate>(
    cx: &Context<'_>,
    spec: &ParamSpec,
    v: &mut Validator,
    default: impl FnOnce() -> T,
) -> Option<T> {
    if params::is_present(cx.inputs(), spec) {
        params::extract::<T>(cx.inputs(), spec, v)
    } else {
        Some(default())
    }
}
