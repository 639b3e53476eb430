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
//! or `*/*+json` is parsed as JSON (a decode error is a 422 `json_invalid` with the message and
//! position of Python's `json` module; bytes that are not UTF-8 are FastAPI's 400 "There was an
//! error parsing the body"; a UTF-8 byte order mark is skipped, as Python does); any other body is
//! handed to validation as text, so a model gets `model_attributes_type` (a 422, not a 415),
//! as FastAPI with its default `strict_content_type` answers. With one body argument the body
//! *is* that argument; with several, or with `#[body(embed)]`, it is an object keyed by their
//! names.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use ferrapi_toolkit::{Error, Request};
use serde_json::Value;

use crate::validation::{BoundValue, Constrained, Constraints, LocItem, Validate, Validator};

mod default;
mod pyjson;

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
/// are bodies, scalars are query parameters).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a path operation argument",
    note = "derive `ferrapi::Model` for a struct read from the body, `ferrapi::Enum` for a string enum; scalars, `String`, `Option`, `Vec` and maps work as they are"
)]
pub trait ParamKind: Validate + Constrained {
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

impl<K, T, S> ParamKind for HashMap<K, T, S>
where
    HashMap<K, T, S>: Validate + Constrained,
{
    const IS_MODEL: bool = true;
}

impl<K, T> ParamKind for BTreeMap<K, T>
where
    BTreeMap<K, T>: Validate + Constrained,
{
    const IS_MODEL: bool = true;
}

impl<K, T, S> ParamKind for indexmap::IndexMap<K, T, S>
where
    indexmap::IndexMap<K, T, S>: Validate + Constrained,
{
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
    /// A dependency's inferred scalar: a path parameter when the route's path has its name
    /// (a dependency does not know the path it will serve).
    maybe_path: bool,
    /// A file argument that wants the content in memory (`Bytes`), not the upload.
    read_content: bool,
    constraints: Constraints,
    title: Option<Cow<'static, str>>,
    description: Option<Cow<'static, str>>,
    /// The type's JSON Schema, for the OpenAPI document.
    schema: Option<fn(&mut crate::validation::SchemaGenerator) -> Value>,
    /// Whether the type may be absent (`Option`).
    optional: bool,
    /// The default value as JSON, when there is one (and it serialises).
    default: Option<fn() -> Option<Value>>,
    /// A `format` for the schema (`"password"`).
    format: Option<&'static str>,
}

impl ParamSpec {
    /// An argument read from `source` under `name`.
    pub fn new(source: Source, name: &'static str) -> ParamSpec {
        ParamSpec {
            source,
            name: Cow::Borrowed(name),
            header: header_name(name, true),
            embed: false,
            maybe_path: false,
            read_content: false,
            constraints: Constraints::default(),
            title: None,
            description: None,
            schema: None,
            optional: false,
            default: None,
            format: None,
        }
    }

    /// The argument's type, for the document: its schema and whether it may be absent.
    pub fn typed<T: Validate>(mut self) -> ParamSpec {
        self.schema = Some(T::json_schema);
        self.optional = T::IS_OPTIONAL;
        self
    }

    /// The default value, as JSON (`None` when it does not serialise), for the document.
    pub fn default_value(mut self, default: fn() -> Option<Value>) -> ParamSpec {
        self.default = Some(default);
        self
    }

    /// A `format` in the schema (`format = "password"`): documentation only.
    pub fn format(mut self, format: &'static str) -> ParamSpec {
        self.format = Some(format);
        self
    }

    /// The JSON Schema of the argument's type (before constraints and title).
    pub fn schema(&self, g: &mut crate::validation::SchemaGenerator) -> Value {
        match self.schema {
            Some(schema) => schema(g),
            None => Value::Object(Default::default()),
        }
    }

    /// Whether the argument must be sent: no default and not an `Option`.
    pub fn is_required(&self) -> bool {
        self.default.is_none() && !self.optional
    }

    /// The default as JSON, if there is one.
    pub fn default_json(&self) -> Option<Value> {
        self.default.and_then(|d| d())
    }

    /// The schema `format`, if one was given.
    pub fn format_text(&self) -> Option<&'static str> {
        self.format
    }

    /// Whether a body argument is embedded under its name.
    pub fn is_embedded(&self) -> bool {
        self.embed
    }

    /// Whether it is a dependency's inferred argument that is a path parameter when the path
    /// has its name.
    pub fn is_maybe_path(&self) -> bool {
        self.maybe_path
    }

    /// The name on the wire (a header's with underscores converted).
    pub fn wire_name(&self) -> &str {
        self.wire()
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

    /// For a dependency's argument whose source was inferred: a path parameter when the
    /// matched route has one of its name (FastAPI decides by the path of the operation using the
    /// dependency), a query parameter otherwise.
    pub fn maybe_path(mut self) -> ParamSpec {
        self.maybe_path = self.source == Source::Query;
        self
    }

    /// The source for `req`: a `maybe_path` query argument is a path parameter when the route
    /// has one of its name.
    fn source_in(&self, req: &Request) -> Source {
        if self.maybe_path && req.path_param(&self.name).is_some() {
            Source::Path
        } else {
            self.source
        }
    }

    /// Reads a body argument from the field of its name even when it is the only one
    /// (`Body(embed=True)`).
    pub fn embed(mut self) -> ParamSpec {
        self.embed = true;
        self
    }

    /// A file argument of type `T` (`UploadFile`, `Bytes`, `Vec<u8>`, or an `Option` of one).
    pub fn file<T: FromFile>(mut self) -> ParamSpec {
        self.source = Source::File;
        self.read_content = T::READ_CONTENT;
        self.optional = T::OPTIONAL;
        self.schema = Some(file_schema);
        self
    }

    /// Whether a header argument's underscores become hyphens (on by default).
    pub fn convert_underscores(mut self, convert: bool) -> ParamSpec {
        self.header = header_name(&self.name, convert);
        self
    }

    /// A title (`Path(title=…)`): documentation only, for the OpenAPI document; it changes
    /// nothing in how the argument is read.
    pub fn title(mut self, title: impl Into<Cow<'static, str>>) -> ParamSpec {
        self.title = Some(title.into());
        self
    }

    /// A description (`Query(description=…)`): documentation only, like [`ParamSpec::title`].
    pub fn description(mut self, description: impl Into<Cow<'static, str>>) -> ParamSpec {
        self.description = Some(description.into());
        self
    }

    /// The title, if one was given.
    pub fn title_text(&self) -> Option<&str> {
        self.title.as_deref()
    }

    /// The description, if one was given.
    pub fn description_text(&self) -> Option<&str> {
        self.description.as_deref()
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

#[doc(hidden)]
/// The request, with its body read and parsed when an argument needs it. It borrows the
/// request rather than owning it: moving a request into it cost a copy of the whole request
/// per call (callgrind).
///
/// It is kept small (the form's parts are boxed, and only forms have them) because it lives in
/// every operation's future across its awaits.
#[derive(Debug)]
pub struct Inputs<'a> {
    req: &'a Request,
    /// The body, when an argument read it (boxed: most operations have none).
    body: Option<Box<BodyInput>>,
    /// Arguments read from the body: with more than one, the body is keyed by their names.
    body_args: usize,
    /// A JSON decode error is reported once, whatever the number of body arguments.
    body_error_reported: std::sync::atomic::AtomicBool,
    /// What a form body holds, when an argument is a form field or a file.
    form: Option<Box<FormInputs>>,
}

/// The parts of a form body the arguments read.
#[derive(Debug, Default)]
struct FormInputs {
    /// The text fields, in order.
    fields: Vec<(String, String)>,
    /// The uploads of a multipart body, taken by the arguments that want them.
    uploads: std::sync::Mutex<Vec<(String, Option<ferrapi_toolkit::UploadFile>)>>,
    /// The content of the uploads that `Bytes` arguments want.
    contents: Vec<(String, bytes::Bytes)>,
}

#[derive(Debug)]
enum BodyInput {
    NotRead,
    Missing,
    Json(Value),
    Text(Value),
    Invalid(crate::validation::ErrorDetail),
}

impl<'a> Inputs<'a> {
    /// Reads the body if one of `specs` needs it. Errors reading it (too large, too slow, cut
    /// short) carry their own status.
    pub async fn read(req: &'a mut Request, specs: &[ParamSpec]) -> Result<Inputs<'a>, Error> {
        let body_args = specs.iter().filter(|s| s.source == Source::Body).count();
        let form_args = specs
            .iter()
            .any(|s| matches!(s.source, Source::Form | Source::File));
        if form_args {
            // Boxed: reading a form is a large future (multipart parsing, spooling uploads),
            // and inline it would be carried by every operation's future, form or not.
            return Box::pin(Self::read_form(req, specs)).await;
        }
        if body_args == 0 {
            return Ok(Inputs::from_request(req));
        }
        // Boxed for the same reason: reading a body is a future most operations never await.
        Box::pin(Self::read_body(req, body_args)).await
    }

    async fn read_body(req: &'a mut Request, body_args: usize) -> Result<Inputs<'a>, Error> {
        let bytes = req.body().await?;
        let body = parse_body(req, &bytes)?;
        let req: &'a Request = req;
        Ok(Inputs {
            body: Some(Box::new(body)),
            body_args,
            ..Inputs::from_request(req)
        })
    }

    /// FastAPI reads a form when any argument is a form field or a file; a body that is not a
    /// form gives an empty one (every such argument then reports `missing`).
    async fn read_form(req: &'a mut Request, specs: &[ParamSpec]) -> Result<Inputs<'a>, Error> {
        let mut form = FormInputs::default();
        let uploads = form.uploads.get_mut().unwrap_or_else(|e| e.into_inner());
        for (name, value) in req.form().await? {
            match value {
                ferrapi_toolkit::FormValue::Text(text) => form.fields.push((name, text)),
                ferrapi_toolkit::FormValue::File(file) => {
                    let wanted = specs
                        .iter()
                        .any(|s| s.source == Source::File && s.read_content && s.name == name);
                    if wanted {
                        let content = file.read().await.map_err(Error::new)?;
                        form.contents.push((name.clone(), content));
                    }
                    uploads.push((name, Some(*file)));
                }
            }
        }
        let req: &'a Request = req;
        Ok(Inputs {
            form: Some(Box::new(form)),
            ..Inputs::from_request(req)
        })
    }

    /// The request alone, with no body (a WebSocket handshake, an app-scoped dependency).
    pub fn from_request(req: &'a Request) -> Inputs<'a> {
        Inputs {
            req,
            body: None,
            body_args: 0,
            body_error_reported: std::sync::atomic::AtomicBool::new(false),
            form: None,
        }
    }

    /// The values of a form field, in order.
    fn form_values(&self, name: &str) -> Vec<&str> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        form.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Takes the first upload named `name` not yet taken.
    pub fn take_upload(&self, name: &str) -> Option<ferrapi_toolkit::UploadFile> {
        let mut uploads = self.form.as_ref()?.uploads.lock().ok()?;
        uploads
            .iter_mut()
            .find(|(k, f)| k == name && f.is_some())
            .and_then(|(_, f)| f.take())
    }

    /// Whether an upload named `name` is there: its content was read, or it is not taken yet.
    fn has_upload(&self, name: &str) -> bool {
        self.form.as_ref().is_some_and(|form| {
            form.contents.iter().any(|(k, _)| k == name)
                || form
                    .uploads
                    .lock()
                    .is_ok_and(|u| u.iter().any(|(k, f)| k == name && f.is_some()))
        })
    }

    /// The content of the upload named `name`, when an argument asked for it.
    pub fn upload_content(&self, name: &str) -> Option<bytes::Bytes> {
        self.form
            .as_ref()?
            .contents
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, c)| c.clone())
    }

    /// The request.
    pub fn request(&self) -> &Request {
        self.req
    }

    fn body(&self) -> &BodyInput {
        self.body.as_deref().unwrap_or(&BodyInput::NotRead)
    }

    /// The parsed body, when it was JSON.
    pub fn body_json(&self) -> Option<&Value> {
        match self.body() {
            BodyInput::Json(v) => Some(v),
            _ => None,
        }
    }
}

fn parse_body(req: &Request, bytes: &[u8]) -> Result<BodyInput, Error> {
    if bytes.is_empty() {
        return Ok(BodyInput::Missing);
    }
    if !is_json(req.header("content-type")) {
        return Ok(BodyInput::Text(Value::String(
            String::from_utf8_lossy(bytes).into_owned(),
        )));
    }
    // Python's `json.loads` reads bytes as UTF-8, without a byte order mark if there is one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => Ok(BodyInput::Json(value)),
        // Bytes that are not UTF-8 never reach the JSON parser in FastAPI: decoding fails
        // first, and that is its 400.
        Err(_) if std::str::from_utf8(bytes).is_err() => Err(crate::HTTPException::new(
            http::StatusCode::BAD_REQUEST,
            "There was an error parsing the body",
        )
        .into()),
        Err(err) => Ok(BodyInput::Invalid(json_invalid(bytes, &err))),
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

/// FastAPI's `json_invalid` error: the message and position (in characters) of Python's
/// `json` module for the same fault ([`pyjson`]). The few documents Python accepts and
/// `serde_json` does not (`NaN`, numbers beyond `f64`, unpaired surrogates, nesting deeper than
/// 128) are reported as "Expecting value" where `serde_json` stopped.
fn json_invalid(bytes: &[u8], err: &serde_json::Error) -> crate::validation::ErrorDetail {
    let text = String::from_utf8_lossy(bytes);
    let (python, offset) = pyjson::decode_error(&text)
        .unwrap_or_else(|| ("Expecting value", serde_offset(&text, err)));
    crate::validation::ErrorDetail {
        kind: Cow::Borrowed("json_invalid"),
        loc: vec![LocItem::from("body"), LocItem::Index(offset)],
        msg: "JSON decode error".to_string(),
        input: Value::Object(Default::default()),
        ctx: crate::validation::ctx([("error", Value::String(python.to_string()))]),
    }
}

/// The character offset of `serde_json`'s error position.
fn serde_offset(text: &str, err: &serde_json::Error) -> usize {
    if err.is_eof() {
        return text.chars().count();
    }
    // serde_json reports 1-based line and column (in bytes) of the offending character.
    let mut offset = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i + 1 == err.line() {
            let column = err.column().saturating_sub(1).min(line.len());
            return offset + line.get(..column).map_or(0, |l| l.chars().count());
        }
        offset += line.chars().count() + 1;
    }
    offset
}

#[doc(hidden)]
/// Whether the argument's input is present (to decide whether its default applies).
pub fn is_present(inputs: &Inputs<'_>, spec: &ParamSpec) -> bool {
    let req = inputs.req;
    match spec.source_in(req) {
        Source::Path => req.path_param(spec.wire()).is_some(),
        Source::Query => req.query_params().contains_key(spec.wire()),
        Source::Header => req.headers().contains_key(spec.wire()),
        Source::Cookie => req.cookie(spec.wire()).is_some(),
        Source::Form => !inputs.form_values(spec.wire()).is_empty(),
        Source::File => inputs.has_upload(spec.wire()),
        Source::Body => match inputs.body() {
            BodyInput::NotRead | BodyInput::Missing => false,
            BodyInput::Json(Value::Object(map)) if embedded(inputs, spec) => {
                map.contains_key(spec.wire())
            }
            BodyInput::Json(_) | BodyInput::Text(_) if embedded(inputs, spec) => false,
            _ => true,
        },
    }
}

fn embedded(inputs: &Inputs<'_>, spec: &ParamSpec) -> bool {
    spec.embed || inputs.body_args > 1
}

#[doc(hidden)]
/// Reads and validates one argument; problems go to `v` at `[source, name, …]`.
pub fn extract<T: Validate + Constrained>(
    inputs: &Inputs<'_>,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    let req = inputs.req;
    let wire = spec.wire();
    match spec.source_in(req) {
        Source::Path => v.at(Source::Path.loc(), |v| {
            v.at_key(wire, |v| match req.path_param(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Query => v.at(Source::Query.loc(), |v| {
            v.at_key(wire, |v| {
                if T::IS_LIST {
                    let values: Vec<&str> = req.query_params().get_all(wire).collect();
                    many::<T>(&values, spec, v)
                } else {
                    // The last value wins, as in FastAPI; no list to build.
                    match req.query_params().get(wire) {
                        Some(text) => checked_str::<T>(text, spec, v),
                        None => T::missing(v),
                    }
                }
            })
        }),
        Source::Header => v.at(Source::Header.loc(), |v| {
            v.at_key(wire, |v| {
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
            v.at_key(wire, |v| match req.cookie(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Form => v.at(Source::Form.loc(), |v| {
            v.at_key(wire, |v| {
                let values = inputs.form_values(wire);
                many::<T>(&values, spec, v)
            })
        }),
        Source::File => v.at(Source::File.loc(), |v| {
            v.at_key(wire, |v| {
                // A file argument declared with a validated type (`String`…): FastAPI reads
                // the upload as that type; here it is a form field of that name.
                let values = inputs.form_values(wire);
                many::<T>(&values, spec, v)
            })
        }),
        Source::Body => v.at(Source::Body.loc(), |v| {
            if let BodyInput::Invalid(err) = inputs.body() {
                if !inputs
                    .body_error_reported
                    .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    v.extend([err.clone()]);
                }
                return None;
            }
            if embedded(inputs, spec) {
                v.at_key(wire, |v| match inputs.body() {
                    BodyInput::Json(Value::Object(map)) => match map.get(wire) {
                        Some(value) => checked_json::<T>(value, spec, v),
                        None => T::missing(v),
                    },
                    _ => T::missing(v),
                })
            } else {
                match inputs.body() {
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

/// A file's schema (FastAPI 0.129 and later: a string of `application/octet-stream`).
fn file_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"type": "string", "contentMediaType": "application/octet-stream"})
}

/// A type a file argument can be: the upload itself, or its content.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a file argument",
    note = "a file argument is `UploadFile`, `Bytes`, `Vec<u8>`, or an `Option` of one"
)]
pub trait FromFile: Sized {
    /// Whether the content is read into memory before the operation runs.
    const READ_CONTENT: bool = false;

    /// Whether the file may be absent.
    const OPTIONAL: bool = false;

    /// Takes the file named `name` from the inputs; `None` after recording an error.
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self>;
}

impl FromFile for ferrapi_toolkit::UploadFile {
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        match inputs.take_upload(name) {
            Some(file) => Some(file),
            None => {
                v.missing();
                None
            }
        }
    }
}

impl FromFile for bytes::Bytes {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        match inputs.upload_content(name) {
            Some(content) => Some(content),
            None => {
                v.missing();
                None
            }
        }
    }
}

impl FromFile for Vec<u8> {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take(inputs, name, v).map(|b| b.to_vec())
    }
}

impl<T: FromFile> FromFile for Option<T> {
    const READ_CONTENT: bool = T::READ_CONTENT;
    const OPTIONAL: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        if inputs.has_upload(name) {
            T::take(inputs, name, v).map(Some)
        } else {
            Some(None)
        }
    }
}

#[doc(hidden)]
/// Reads one file argument; problems go to `v` at `["body", name]`.
pub fn extract_file<T: FromFile>(
    inputs: &Inputs<'_>,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    v.at(Source::File.loc(), |v| {
        v.at_key(spec.wire(), |v| T::take(inputs, spec.wire(), v))
    })
}
