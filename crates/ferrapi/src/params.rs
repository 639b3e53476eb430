//! Where path operation arguments come from, and how they are read: FastAPI's `Path`, `Query`,
//! `Header`, `Cookie` and `Body`, and its rules for reading the body.
//!
//! The route macros describe each argument with a [`ParamSpec`] (source, name on the wire,
//! constraints) and call [`extract`] for it; every problem goes to one [`Validator`], so a
//! request with several bad parameters gets all of them in one 422.
//!
//! Source inference is FastAPI's: a name in the path template is a path parameter; a model
//! (`#[derive(Model)]`, a map, `serde_json::Value`, or a list or option of one) is the body;
//! anything else is a query parameter. Headers are named with underscores turned into hyphens
//! (`x_token` reads `x-token`), repeated query keys and headers fill a `Vec`.
//!
//! Body rules (FastAPI's `get_request_handler`): the body is read once, only when an argument
//! needs it; an empty body is a missing body; a body whose content type is `application/json`
//! or `*/*+json` is parsed as JSON (a decode error is a 422 `json_invalid`); any other body is
//! handed to validation as text, so a model gets `model_attributes_type` (a 422, not a 415),
//! as FastAPI with its default `strict_content_type` answers. With one body argument the body
//! *is* that argument; with several, or with `#[body(embed)]`, it is an object keyed by their
//! names.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use ferrapi_toolkit::{Error, Request};
use serde_json::Value;

use crate::validation::{BoundValue, Constrained, Constraints, LocItem, Validate, Validator};

/// Where an argument is read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
}

impl Source {
    /// The first item of an error's `loc`.
    pub fn loc(self) -> &'static str {
        match self {
            Source::Path => "path",
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Body => "body",
        }
    }
}

/// Whether a type is read from the body when its source is not given (FastAPI's rule: models
/// are bodies, scalars are query parameters).
pub trait ParamKind {
    /// `true` for models, maps and JSON values (and lists or options of them).
    const IS_MODEL: bool = false;
}

macro_rules! scalar_kind {
    ($($t:ty),*) => { $(impl ParamKind for $t {})* };
}

scalar_kind!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize, f32, f64, bool, String);

impl<T: ParamKind> ParamKind for Option<T> {
    const IS_MODEL: bool = T::IS_MODEL;
}

impl<T: ParamKind> ParamKind for Vec<T> {
    const IS_MODEL: bool = T::IS_MODEL;
}

impl<T> ParamKind for HashMap<String, T> {
    const IS_MODEL: bool = true;
}

impl<T> ParamKind for BTreeMap<String, T> {
    const IS_MODEL: bool = true;
}

impl ParamKind for Value {
    const IS_MODEL: bool = true;
}

/// How one argument is read: its source, its name on the wire, and its constraints.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    source: Source,
    name: Cow<'static, str>,
    header: Cow<'static, str>,
    embed: bool,
    constraints: Constraints,
}

impl ParamSpec {
    /// An argument read from `source` under `name`.
    pub fn new(source: Source, name: &'static str) -> ParamSpec {
        ParamSpec {
            source,
            name: Cow::Borrowed(name),
            header: header_name(name, true),
            embed: false,
            constraints: Constraints::default(),
        }
    }

    /// Takes the source from the type when none was given: the body for models, the query
    /// string for the rest.
    pub fn infer_from<T: ParamKind>(mut self) -> ParamSpec {
        self.source = if T::IS_MODEL {
            Source::Body
        } else {
            Source::Query
        };
        self
    }

    /// Reads a body argument from the field of its name even when it is the only one
    /// (`Body(embed=True)`).
    pub fn embed(mut self) -> ParamSpec {
        self.embed = true;
        self
    }

    /// Whether a header argument's underscores become hyphens (on by default).
    pub fn convert_underscores(mut self, convert: bool) -> ParamSpec {
        self.header = header_name(&self.name, convert);
        self
    }

    /// The source.
    pub fn source(&self) -> Source {
        self.source
    }

    /// The name on the wire (for a header, before underscores are converted).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The constraints.
    pub fn constraints(&self) -> &Constraints {
        &self.constraints
    }

    /// Replaces the constraints.
    pub fn with_constraints(mut self, constraints: Constraints) -> ParamSpec {
        self.constraints = constraints;
        self
    }

    /// `gt`: the value must be greater.
    pub fn gt(mut self, bound: impl BoundValue) -> ParamSpec {
        self.constraints = self.constraints.gt(bound);
        self
    }

    /// `ge`: the value must be greater or equal.
    pub fn ge(mut self, bound: impl BoundValue) -> ParamSpec {
        self.constraints = self.constraints.ge(bound);
        self
    }

    /// `lt`: the value must be less.
    pub fn lt(mut self, bound: impl BoundValue) -> ParamSpec {
        self.constraints = self.constraints.lt(bound);
        self
    }

    /// `le`: the value must be less or equal.
    pub fn le(mut self, bound: impl BoundValue) -> ParamSpec {
        self.constraints = self.constraints.le(bound);
        self
    }

    /// `multiple_of`.
    pub fn multiple_of(mut self, step: impl BoundValue) -> ParamSpec {
        self.constraints = self.constraints.multiple_of(step);
        self
    }

    /// `min_length` (characters of a string, items of a list).
    pub fn min_length(mut self, min: usize) -> ParamSpec {
        self.constraints = self.constraints.min_length(min);
        self
    }

    /// `max_length`.
    pub fn max_length(mut self, max: usize) -> ParamSpec {
        self.constraints = self.constraints.max_length(max);
        self
    }

    /// `pattern` (a regular expression searched in the string).
    ///
    /// # Panics
    /// If the pattern does not compile (when the operation is first called).
    pub fn pattern(mut self, pattern: &str) -> ParamSpec {
        self.constraints = self.constraints.pattern(pattern);
        self
    }

    /// The name the value is found under, and reported under in errors.
    fn wire(&self) -> &str {
        match self.source {
            Source::Header => &self.header,
            _ => &self.name,
        }
    }
}

fn header_name(name: &str, convert: bool) -> Cow<'static, str> {
    let name = if convert {
        name.replace('_', "-")
    } else {
        name.to_string()
    };
    Cow::Owned(name.to_ascii_lowercase())
}

/// The request, with its body read and parsed when an argument needs it.
#[derive(Debug)]
pub struct Inputs {
    req: Request,
    body: BodyInput,
    /// Arguments read from the body: with more than one, the body is keyed by their names.
    body_args: usize,
    /// A JSON decode error is reported once, whatever the number of body arguments.
    body_error_reported: Cell<bool>,
}

#[derive(Debug)]
enum BodyInput {
    NotRead,
    Missing,
    Json(Value),
    Text(Value),
    Invalid(crate::validation::ErrorDetail),
}

impl Inputs {
    /// Reads the body if one of `specs` needs it. Errors reading it (too large, too slow, cut
    /// short) carry their own status.
    pub async fn read(mut req: Request, specs: &[ParamSpec]) -> Result<Inputs, Error> {
        let body_args = specs.iter().filter(|s| s.source == Source::Body).count();
        let body = if body_args == 0 {
            BodyInput::NotRead
        } else {
            let bytes = req.body().await?;
            parse_body(&req, &bytes)
        };
        Ok(Inputs {
            req,
            body,
            body_args,
            body_error_reported: Cell::new(false),
        })
    }

    /// The request.
    pub fn request(&self) -> &Request {
        &self.req
    }

    /// The parsed body, when it was JSON.
    pub fn body_json(&self) -> Option<&Value> {
        match &self.body {
            BodyInput::Json(v) => Some(v),
            _ => None,
        }
    }
}

fn parse_body(req: &Request, bytes: &[u8]) -> BodyInput {
    if bytes.is_empty() {
        return BodyInput::Missing;
    }
    if is_json(req.header("content-type")) {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(value) => BodyInput::Json(value),
            Err(err) => BodyInput::Invalid(json_invalid(bytes, &err)),
        }
    } else {
        BodyInput::Text(Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// `application/json` or any `*/*+json`, parameters ignored.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some((_, sub)) => sub == "json" || sub.ends_with("+json"),
        None => false,
    }
}

/// FastAPI's `json_invalid` error: the position is a character offset into the body and the
/// message is Python's `json` module's wording for the same fault.
fn json_invalid(bytes: &[u8], err: &serde_json::Error) -> crate::validation::ErrorDetail {
    let text = String::from_utf8_lossy(bytes);
    let offset = if err.is_eof() {
        text.chars().count()
    } else {
        // serde_json reports 1-based line and column (in bytes) of the offending character.
        let mut offset = 0;
        for (i, line) in text.split('\n').enumerate() {
            if i + 1 == err.line() {
                let column = err.column().saturating_sub(1).min(line.len());
                offset += line[..column].chars().count();
                break;
            }
            offset += line.chars().count() + 1;
        }
        offset
    };
    let message = err.to_string();
    let python = if message.starts_with("trailing characters") {
        "Extra data"
    } else if message.starts_with("key must be a string") {
        "Expecting property name enclosed in double quotes"
    } else if message.starts_with("EOF while parsing a string") {
        "Unterminated string starting at"
    } else if message.starts_with("expected `,` or `}`")
        || message.starts_with("expected `,` or `]`")
    {
        "Expecting ',' delimiter"
    } else if message.starts_with("expected `:`") {
        "Expecting ':' delimiter"
    } else if message.starts_with("invalid escape") {
        "Invalid \\escape"
    } else if message.starts_with("control character") {
        "Invalid control character at"
    } else {
        "Expecting value"
    };
    crate::validation::ErrorDetail {
        kind: Cow::Borrowed("json_invalid"),
        loc: vec![LocItem::from("body"), LocItem::Index(offset)],
        msg: "JSON decode error".to_string(),
        input: Value::Object(Default::default()),
        ctx: crate::validation::ctx([("error", Value::String(python.to_string()))]),
    }
}

/// Whether the argument's input is present (to decide whether its default applies).
pub fn is_present(inputs: &Inputs, spec: &ParamSpec) -> bool {
    let req = &inputs.req;
    match spec.source {
        Source::Path => req.path_param(spec.wire()).is_some(),
        Source::Query => req.query_params().contains_key(spec.wire()),
        Source::Header => req.headers().contains_key(spec.wire()),
        Source::Cookie => req.cookie(spec.wire()).is_some(),
        Source::Body => match &inputs.body {
            BodyInput::NotRead | BodyInput::Missing => false,
            BodyInput::Json(Value::Object(map)) if embedded(inputs, spec) => {
                map.contains_key(spec.wire())
            }
            BodyInput::Json(_) | BodyInput::Text(_) if embedded(inputs, spec) => false,
            _ => true,
        },
    }
}

fn embedded(inputs: &Inputs, spec: &ParamSpec) -> bool {
    spec.embed || inputs.body_args > 1
}

/// Reads and validates one argument; problems go to `v` at `[source, name, …]`.
pub fn extract<T: Validate + Constrained>(
    inputs: &Inputs,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    let req = &inputs.req;
    let wire = spec.wire();
    match spec.source {
        Source::Path => v.at(Source::Path.loc(), |v| {
            v.at(wire.to_string(), |v| match req.path_param(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Query => v.at(Source::Query.loc(), |v| {
            v.at(wire.to_string(), |v| {
                let values: Vec<&str> = req.query_params().get_all(wire).collect();
                many::<T>(&values, spec, v)
            })
        }),
        Source::Header => v.at(Source::Header.loc(), |v| {
            v.at(wire.to_string(), |v| {
                let values: Vec<&str> = req
                    .headers()
                    .get_all(wire)
                    .iter()
                    .filter_map(|h| h.to_str().ok())
                    .collect();
                many::<T>(&values, spec, v)
            })
        }),
        Source::Cookie => v.at(Source::Cookie.loc(), |v| {
            v.at(wire.to_string(), |v| match req.cookie(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Body => v.at(Source::Body.loc(), |v| {
            if let BodyInput::Invalid(err) = &inputs.body {
                if !inputs.body_error_reported.replace(true) {
                    v.extend([err.clone()]);
                }
                return None;
            }
            if embedded(inputs, spec) {
                v.at(wire.to_string(), |v| match &inputs.body {
                    BodyInput::Json(Value::Object(map)) => match map.get(wire) {
                        Some(value) => checked_json::<T>(value, spec, v),
                        None => T::missing(v),
                    },
                    _ => T::missing(v),
                })
            } else {
                match &inputs.body {
                    BodyInput::Json(value) | BodyInput::Text(value) => {
                        checked_json::<T>(value, spec, v)
                    }
                    _ => T::missing(v),
                }
            }
        }),
    }
}

fn many<T: Validate + Constrained>(
    values: &[&str],
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    if values.is_empty() {
        return T::missing(v);
    }
    spec.constraints.validate_many::<T>(values, v)
}

fn checked_str<T: Validate + Constrained>(
    text: &str,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    spec.constraints.validate_str::<T>(text, v)
}

fn checked_json<T: Validate + Constrained>(
    input: &Value,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    spec.constraints.validate::<T>(input, v)
}
