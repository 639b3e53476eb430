//! How one argument is read: its source, its name on the wire, its constraints and what the
//! document shows of it (FastAPI's `Param` / `FieldInfo`).

use std::borrow::Cow;

use ferrapi_toolkit::Request;
use serde_json::Value;

use super::file::file_schema;
use super::{FromFile, ParamKind, Source};
use crate::validation::{BoundValue, Constraints, Validate};

/// How one argument is read: its source, its name on the wire, and its constraints.
#[derive(Clone, Debug)]
pub struct ParamSpec {
    pub(super) source: Source,
    pub(super) name: Cow<'static, str>,
    header: Cow<'static, str>,
    pub(super) embed: bool,
    /// A dependency's inferred scalar: a path parameter when the route's path has its name
    /// (a dependency does not know the path it will serve).
    maybe_path: bool,
    /// A file argument that wants the content in memory (`Bytes`), not the upload.
    pub(super) read_content: bool,
    pub(super) constraints: Constraints,
    title: Option<Cow<'static, str>>,
    description: Option<Cow<'static, str>>,
    /// The type's JSON Schema, for the OpenAPI document.
    schema: Option<fn(&mut crate::validation::SchemaGenerator) -> Value>,
    /// Whether the type may be absent (`Option`).
    optional: bool,
    /// Whether the type is a list (`Vec<T>`): FastAPI keeps its empty form values.
    pub(super) list: bool,
    /// `examples=[…]`: in the parameter's (or body's) schema.
    examples: Option<Value>,
    /// `openapi_examples={…}`: named examples beside the schema.
    openapi_examples: Option<Value>,
    /// `deprecated=True`.
    deprecated: bool,
    /// `include_in_schema=False` hides the parameter from the document.
    hidden: bool,
    /// The body as it came ([`RawBody`](crate::params::RawBody)): read, never parsed, not
    /// documented.
    pub(super) raw: bool,
    /// A parameter model's fields (a `#[derive(Model)]` struct read from the query, headers,
    /// cookies or a form).
    pub(super) model_fields: Option<&'static [crate::validation::model::ModelField]>,
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
            list: false,
            examples: None,
            openapi_examples: None,
            deprecated: false,
            hidden: false,
            raw: false,
            model_fields: None,
            default: None,
            format: None,
        }
    }

    /// The argument's type, for the document: its schema and whether it may be absent.
    pub fn typed<T: Validate>(mut self) -> ParamSpec {
        self.schema = Some(T::json_schema);
        self.optional = T::IS_OPTIONAL;
        self.list = T::IS_LIST;
        self.model_fields = T::MODEL_FIELDS;
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

    /// The fields of a parameter model (a model read from the query, headers, cookies or a
    /// form), each documented as its own parameter.
    pub fn param_model_fields(&self) -> Option<&'static [crate::validation::model::ModelField]> {
        match self.source {
            Source::Query | Source::Header | Source::Cookie | Source::Form => self.model_fields,
            _ => None,
        }
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
    pub(super) fn source_in(&self, req: &Request) -> Source {
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
        self.list = T::LIST;
        self.schema = Some(match (T::LIST, T::OPTIONAL) {
            (false, false) => file_schema,
            (true, false) => super::file::files_schema,
            (false, true) => super::file::optional_file_schema,
            (true, true) => super::file::optional_files_schema,
        });
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

    /// Examples of the value (`Query(examples=[…])`), written into its schema: documentation
    /// only.
    pub fn examples(mut self, examples: Value) -> ParamSpec {
        self.examples = Some(examples);
        self
    }

    /// Named examples (`Body(openapi_examples={…})`): an object of OpenAPI Example objects
    /// (`summary`, `description`, `value`), beside the schema. Documentation only.
    pub fn openapi_examples(mut self, examples: Value) -> ParamSpec {
        self.openapi_examples = Some(examples);
        self
    }

    /// Marks the argument deprecated in the document (`Query(deprecated=True)`); it is still
    /// read.
    pub fn deprecated(mut self, deprecated: bool) -> ParamSpec {
        self.deprecated = deprecated;
        self
    }

    /// Leaves the parameter out of the document when `false` (`Query(include_in_schema=False)`);
    /// it is still read, and the operation still documents its 422.
    pub fn include_in_schema(mut self, include: bool) -> ParamSpec {
        self.hidden = !include;
        self
    }

    /// The body as it came, read but not parsed ([`RawBody`](crate::params::RawBody)).
    pub fn raw_body(mut self) -> ParamSpec {
        self.source = Source::Body;
        self.raw = true;
        self.hidden = true;
        self
    }

    /// Whether it is the body as it came.
    pub fn is_raw_body(&self) -> bool {
        self.raw
    }

    /// Whether the parameter is in the document.
    pub fn is_in_schema(&self) -> bool {
        !self.hidden
    }

    /// The schema examples, if any.
    pub fn examples_value(&self) -> Option<&Value> {
        self.examples.as_ref()
    }

    /// The named examples, if any.
    pub fn openapi_examples_value(&self) -> Option<&Value> {
        self.openapi_examples.as_ref()
    }

    /// Whether the argument is deprecated.
    pub fn is_deprecated(&self) -> bool {
        self.deprecated
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
    pub(super) fn wire(&self) -> &str {
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
