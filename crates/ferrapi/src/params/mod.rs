//! Where path operation arguments come from, and how they are read: FastAPI's `Path`, `Query`,
//! `Header`, `Cookie` and `Body`, and its rules for reading the body.
//!
//! The route macros describe each argument with a [`ParamSpec`] (source, name on the wire,
//! constraints) and read it with `extract`; every problem goes to one
//! [`Validator`](crate::Validator), so a
//! request with several bad parameters gets all of them in one 422.
//!
//! Source inference is FastAPI's: a name in the path template is a path parameter; a model
//! (`#[derive(Model)]`, a map, `serde_json::Value`, or a list or option of one) is the body;
//! anything else is a query parameter. Headers are named with underscores turned into hyphens
//! (`x_token` reads `x-token`), repeated query keys and headers fill a `Vec`.
//!
//! Body rules (FastAPI's `get_request_handler`): the body is read once, only when an argument
//! needs it; an empty body is a missing body; a body whose content type is `application/json`
//! or `*/*+json` is parsed as JSON (a decode error is a 422 `json_invalid` with the message and
//! position of Python's `json` module; bytes that are not UTF-8 are FastAPI's 400 "There was an
//! error parsing the body"; a UTF-8 byte order mark is skipped, as Python does); any other body is
//! handed to validation as text, so a model gets `model_attributes_type` (a 422, not a 415),
//! as FastAPI with its default `strict_content_type` answers; with `strict_content_type(false)`
//! on the app, a router or the operation, a body without any content type is parsed as JSON.
//! With one body argument the body *is* that argument; with several, or with `#[body(embed)]`, it is an object keyed by their
//! names.

use crate::validation::Validate;

mod default;
mod extract;
mod file;
mod inputs;
mod model;
mod pyjson;
mod raw;
mod spec;

#[doc(hidden)]
pub use extract::{extract, is_present};
#[doc(hidden)]
pub use file::extract_file;
pub use file::FromFile;
#[doc(hidden)]
pub use inputs::Inputs;
pub use raw::RawBody;
pub use spec::ParamSpec;

#[doc(hidden)]
pub use default::{DefaultHidden, DefaultJson, DefaultViaSerialize};

/// Where an argument is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// A `{name}` of the path template.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
    /// The request body (JSON).
    Body,
    /// A field of a form body (urlencoded or multipart): FastAPI's `Form()`.
    Form,
    /// A file of a multipart body: FastAPI's `File()` / `UploadFile`.
    File,
}

impl Source {
    /// The first item of an error's `loc`.
    pub fn loc(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Body | Source::Form | Source::File => "body",
        }
    }
}

/// Whether a type is read from the body when its source is not given (FastAPI's rule: models
/// are bodies, scalars are query parameters): [`Validate::IS_MODEL`], for every type that
/// implements [`Validate`]. The route macros name this trait, so a type that cannot be an
/// argument is one error naming it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a path operation argument",
    note = "derive `ferrapi::Model` for a struct read from the body, `ferrapi::Enum` for an enum, or implement `ferrapi::validation::Validate` for a type of your own; scalars, `String`, `Option`, `Vec`, maps and the types of `ferrapi::types` work as they are"
)]
pub trait ParamKind: Validate {}

impl<T: Validate> ParamKind for T {}
