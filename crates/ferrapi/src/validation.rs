//! Validation with FastAPI's (pydantic v2's) error shapes.
//!
//! Every value a path operation receives (path, query, header and cookie parameters, bodies,
//! form fields) goes through [`Validate`]: it converts the input with pydantic's lax rules
//! (`"3.25"` is a float, `"yes"` is `true`) and reports each problem as an [`ErrorDetail`] at its
//! location (`["query", "ids", 1]`, `["body", "sub", "x"]`). Problems are collected, never
//! fail-fast: one request gets every error at once, as FastAPI answers:
//!
//! ```json
//! {"detail":[{"type":"int_parsing","loc":["query","n"],
//!             "msg":"Input should be a valid integer, unable to parse string as an integer",
//!             "input":"abc"}]}
//! ```
//!
//! Inputs are JSON values ([`serde_json::Value`]); parameters that arrive as text (path,
//! query, headers, cookies, form fields) are validated from their text with
//! [`Validate::validate_str`], which does not allocate for the common scalar types.
//!
//! Constraints (`gt`, `ge`, `lt`, `le`, `multiple_of`, `min_length`, `max_length`, `pattern`)
//! are declared with [`Constraints`] and applied with [`Constraints::validate`] (or
//! `validate_str`, `validate_many`), which validates the type and checks the constraints in
//! pydantic's order, with pydantic's error types, messages and `ctx`. Every type a parameter
//! or field can have implements [`Validate`], constraints included, so one call serves every case:
//!
//! ```
//! use ferrapi::validation::{Constraints, Validator};
//!
//! let ge1 = Constraints::new().ge(1);
//! let mut v = Validator::new();
//! let id: Option<u32> = v.at("path", |v| v.at("item_id", |v| ge1.validate_str("0", v)));
//! assert!(id.is_none());
//! assert_eq!(
//!     serde_json::to_string(&v.into_errors()).unwrap(),
//!     r#"[{"type":"greater_than_equal","loc":["path","item_id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]"#
//! );
//! ```
//!
//! The rules are pydantic 2.13's lax ("python") mode, the mode FastAPI 0.165 validates both text
//! parameters and parsed JSON bodies in; `tests/validation.rs` replays about two thousand cases
//! recorded from pydantic (`tests/py/pydantic_cases.py` regenerates them).
//!
//! # Types: what is reproduced
//!
//! * **Integers** (`int`): JSON integers; JSON floats when integral and strictly inside `i64`'s
//!   range (`int_from_float` for `4.5`, `int_parsing_size` beyond); `true`/`false` as 1/0;
//!   strings by pydantic-core's rules: surrounding Unicode whitespace, a leading `+`, leading
//!   zeros, a `.0…` suffix and single underscores between digits are accepted (`" 42 "`,
//!   `"+5"`, `"007"`, `"4.00"`, `"1_000"`), anything else is `int_parsing` (`"4.5"`, `"1e3"`,
//!   `"0x10"`, `""`); a string whose leading run of digits is longer than 4300 characters is
//!   `int_parsing_size`. Everything else is `int_type`.
//! * **Floats** (`float`): JSON numbers, `true`/`false`, and strings parsed like Rust's
//!   `f64::from_str` after trimming (`"1e3"`, `"inf"`, `"nan"`, `".5"`), or with single
//!   underscores removed (`"1_000.5"`); otherwise `float_parsing` for strings and `float_type`.
//!   Infinities and NaN are accepted, as pydantic's default `allow_inf_nan=True` does.
//! * **Booleans**: `true`/`false`; the strings `0/1/f/t/n/y/no/yes/off/on/false/true`
//!   (ASCII case-insensitive, not trimmed); the numbers 0 and 1 (also `0.0`, `1.0`). Other
//!   strings and integral numbers are `bool_parsing`, everything else `bool_type`.
//! * **Strings**: JSON strings only; numbers are not coerced (`string_type`).
//! * **Lists** (`list_type` unless a JSON array), errors at each item's index; **dicts**
//!   (`dict_type` unless a JSON object: `HashMap`, `BTreeMap`, or `IndexMap` to keep the
//!   input's order as a Python dict does), errors at each value's key; `Option` (`null` is
//!   `None`, an absent value is `None`), `Box` and [`serde_json::Value`] (anything).
//! * The error's `input` is the raw text for text inputs and the JSON value for JSON inputs.
//!
//! # Types: what differs
//!
//! * pydantic's `int` is unbounded; Rust's integer types are not. A value outside the type's
//!   range is reported as the constraint pydantic would report for the implied bound:
//!   `u8` with `300` is `less_than_equal` with `{"le": 255}`, with `-1` `greater_than_equal`
//!   with `{"ge": 0}`, and an `i64` with `"99999999999999999999"` is `less_than_equal` with
//!   `{"le": 9223372036854775807}`. Declared constraints are checked first, then these bounds.
//!   `f32` likewise reports `{"le": 3.4028234663852886e38}` for finite values beyond its range.
//! * JSON integers beyond `u64`/`i64` reach validation as floats (`serde_json` without
//!   `arbitrary_precision`), so `100000000000000000000` in a body is `int_parsing_size` where
//!   pydantic (whose JSON parser keeps big integers) would accept it.
//! * A text integer of 39 digits or more saturates at `i128`'s range: comparisons stay exact,
//!   but `multiple_of` is not checked for it (its implied bound fails it anyway).
//! * Dict keys are strings or integers ([`MapKey`]); pydantic's other key types (floats, enums,
//!   tuples…) have no counterpart. Integer keys are validated from their text as pydantic does
//!   (`" 1 "` and `"01"` are `1`), with its key errors at `[…, key, "[key]"]`.
//! * Python inputs JSON cannot express (a `bytes` or `tuple` object, a `set`) have no
//!   counterpart: the types that stand for them ([`crate::types`]) read their JSON forms.
//! * A single text value validated as a `Vec` ([`Validate::validate_str`]) is `list_type`, as
//!   in pydantic; repeated parameters go through [`Validate::validate_many`], which FastAPI's
//!   list parameters correspond to (no value at all is `missing`, as in FastAPI).
//! * Body floats are echoed as `serde_json` parsed them; without its `float_roundtrip` feature
//!   that parse is not always correctly rounded (Python's is), so a long float's last digit can
//!   differ in `input`.
//!
//! # Constraints: what is reproduced
//!
//! * **Numbers** are checked in pydantic-core's order, `multiple_of`, `le`, `lt`, `ge`, `gt`, and
//!   only the first failure is reported. The field's type decides the rendering, exactly as in
//!   pydantic: on an integer field bounds are integers (`gt=0.0` becomes `{"gt": 0}`), on a float
//!   field they are floats (`gt=0` becomes `{"gt": 0.0}`) and the message prints them as Rust's
//!   `f64` `Display` does (`0`, `0.5`, `100000000000000000000`, `0.0000001`).
//! * A float `multiple_of` uses pydantic-core's absolute tolerance: `x` passes when
//!   `|x - round(x / m) * m| <= 1e-9`. NaN fails every bound and passes `multiple_of`.
//! * **Strings** are checked `min_length`, `max_length`, `pattern`, one error at most; length
//!   counts characters (code points), not bytes; the pattern is compiled by the `regex` crate
//!   (pydantic-core's default `rust-regex` engine) and searched, not fully matched.
//! * **Lists** longer than `max_length` report only `too_long` (pydantic stops before the item
//!   errors); `min_length` is checked after the items, only when they all validated. **Dicts**
//!   validate their items first, then check `min_length` and `max_length`.
//!
//! # Constraints: what differs
//!
//! * pydantic rejects a constraint that does not apply to the type (`gt` on a `str`, a
//!   non-integer `gt` on an `int`) when the model is built. [`Constraints::check`] cannot fail
//!   at build time, so it ignores inapplicable constraints; call [`Constraints::applies_to`] once
//!   (at startup or from a derive) to get pydantic's refusal. A non-integer bound on an integer
//!   field is compared and rendered as a float.
//! * `multiple_of = 0` on an integer field is never violated (pydantic-core panics, which
//!   FastAPI turns into a 500).
//! * Bounds are [`serde_json::Number`]s, so they are finite: `gt=float("inf")` has no
//!   equivalent.
//! * Constraints on the items of a list or a set (`list[Annotated[int, Gt(0)]]`) are
//!   [`Constraints::items`]; constraints on dict values have no counterpart yet.

mod constraints;
#[doc(hidden)]
pub mod model;
mod scalars;
pub mod schema;
#[doc(hidden)]
pub mod union;

use std::borrow::Cow;
use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

pub use scalars::MapKey;
pub use schema::SchemaGenerator;

pub use constraints::{
    BoundValue, ConstraintError, ConstraintKind, ConstraintTarget, Constraints, Pattern,
};

/// One step of an error location: a key (`"query"`, a field name) or a list index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocItem {
    /// A key: the source (`path`, `query`, `header`, `cookie`, `body`), a parameter or a field.
    Key(Cow<'static, str>),
    /// A position in a list.
    Index(usize),
}

impl From<&'static str> for LocItem {
    fn from(key: &'static str) -> LocItem {
        LocItem::Key(Cow::Borrowed(key))
    }
}

impl From<String> for LocItem {
    fn from(key: String) -> LocItem {
        LocItem::Key(Cow::Owned(key))
    }
}

impl From<usize> for LocItem {
    fn from(index: usize) -> LocItem {
        LocItem::Index(index)
    }
}

impl Serialize for LocItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            LocItem::Key(key) => serializer.serialize_str(key),
            LocItem::Index(index) => serializer.serialize_u64(*index as u64),
        }
    }
}

/// One validation problem, serialised as pydantic serialises it for FastAPI:
/// `{"type", "loc", "msg", "input", "ctx"?}`.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorDetail {
    /// pydantic's error type (`missing`, `int_parsing`, `string_too_short`…).
    pub kind: Cow<'static, str>,
    /// Where: source first, then parameter or field names and list indexes.
    pub loc: Vec<LocItem>,
    /// The human-readable message, pydantic's text.
    pub msg: String,
    /// The input that failed (`null` for a missing value).
    pub input: Value,
    /// Extra context (`{"min_length": 2}`), when pydantic gives one.
    pub ctx: Option<Map<String, Value>>,
}

impl Serialize for ErrorDetail {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(if self.ctx.is_some() { 5 } else { 4 }))?;
        map.serialize_entry("type", &self.kind)?;
        map.serialize_entry("loc", &self.loc)?;
        map.serialize_entry("msg", &self.msg)?;
        map.serialize_entry("input", &self.input)?;
        if let Some(ctx) = &self.ctx {
            map.serialize_entry("ctx", ctx)?;
        }
        map.end()
    }
}

impl fmt::Display for ErrorDetail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc: Vec<String> = self
            .loc
            .iter()
            .map(|l| match l {
                LocItem::Key(k) => k.to_string(),
                LocItem::Index(i) => i.to_string(),
            })
            .collect();
        write!(f, "{}: {} [type={}]", loc.join("."), self.msg, self.kind)
    }
}

/// Collects errors while a value is validated, and knows where in the input it is.
#[derive(Debug, Default)]
pub struct Validator {
    loc: LocStack,
    errors: Vec<ErrorDetail>,
}

/// The current location: inline up to four levels (a request's parameters are two deep), so
/// validating a request that has no errors allocates nothing for it. A heap `Vec` cost one
/// allocation per request, about 350 instructions with glibc's allocator (callgrind).
#[derive(Debug)]
enum LocStack {
    Inline(usize, [LocItem; LOC_INLINE]),
    Heap(Vec<LocItem>),
}

const LOC_INLINE: usize = 4;

impl Default for LocStack {
    fn default() -> LocStack {
        LocStack::Inline(0, std::array::from_fn(|_| LocItem::Index(0)))
    }
}

impl LocStack {
    fn push(&mut self, item: LocItem) {
        match self {
            LocStack::Inline(len, items) if *len < LOC_INLINE => {
                items[*len] = item;
                *len += 1;
            }
            LocStack::Inline(len, items) => {
                let mut heap: Vec<LocItem> = items[..*len]
                    .iter_mut()
                    .map(|i| std::mem::replace(i, LocItem::Index(0)))
                    .collect();
                heap.push(item);
                *self = LocStack::Heap(heap);
            }
            LocStack::Heap(items) => items.push(item),
        }
    }

    fn pop(&mut self) {
        match self {
            LocStack::Inline(len, items) => {
                if *len > 0 {
                    *len -= 1;
                    items[*len] = LocItem::Index(0);
                }
            }
            LocStack::Heap(items) => {
                items.pop();
            }
        }
    }

    fn len(&self) -> usize {
        self.as_slice().len()
    }

    fn as_slice(&self) -> &[LocItem] {
        match self {
            LocStack::Inline(len, items) => &items[..*len],
            LocStack::Heap(items) => items,
        }
    }
}

impl Validator {
    /// A validator at the root, with no errors.
    pub fn new() -> Validator {
        Validator::default()
    }

    /// Runs `f` one level deeper, at `item` (a field name or a list index).
    pub fn at<R>(&mut self, item: impl Into<LocItem>, f: impl FnOnce(&mut Validator) -> R) -> R {
        self.loc.push(item.into());
        let out = f(self);
        self.loc.pop();
        out
    }

    /// Runs `f` one level deeper, at the key `key` (a dict key, a dynamic field name), copying
    /// the key only if `f` records an error. While `f` runs, [`Validator::loc`] shows a
    /// placeholder at that level; the recorded errors get the key.
    pub fn at_key<R>(&mut self, key: &str, f: impl FnOnce(&mut Validator) -> R) -> R {
        let depth = self.loc.len();
        let before = self.errors.len();
        self.loc.push(LocItem::Key(Cow::Borrowed("")));
        let out = f(self);
        self.loc.pop();
        if self.errors.len() > before {
            let key = LocItem::Key(Cow::Owned(key.to_owned()));
            for error in &mut self.errors[before..] {
                if error.loc.len() > depth && error.loc[..depth] == *self.loc.as_slice() {
                    error.loc[depth] = key.clone();
                }
            }
        }
        out
    }

    /// The current location.
    pub fn loc(&self) -> &[LocItem] {
        self.loc.as_slice()
    }

    /// Records an error at the current location.
    pub fn error(
        &mut self,
        kind: impl Into<Cow<'static, str>>,
        msg: impl Into<String>,
        input: Value,
        ctx: Option<Map<String, Value>>,
    ) {
        self.errors.push(ErrorDetail {
            kind: kind.into(),
            loc: self.loc.as_slice().to_vec(),
            msg: msg.into(),
            input,
            ctx,
        });
    }

    /// Records pydantic's `missing` error (`Field required`, input `null`) at the current
    /// location.
    pub fn missing(&mut self) {
        self.error("missing", "Field required", Value::Null, None);
    }

    /// Sets the `input` of the errors recorded since there were `start` of them (a model's
    /// missing fields echo the model's whole input, as pydantic's do).
    pub(crate) fn set_input_since(&mut self, start: usize, input: &Value) {
        for error in self.errors.iter_mut().skip(start) {
            error.input = input.clone();
        }
    }

    /// Rewrites the locations of the errors recorded since there were `start` of them (a
    /// parameter model's header fields are reported at their header names).
    pub(crate) fn rewrite_since(&mut self, start: usize, mut f: impl FnMut(&mut Vec<LocItem>)) {
        for error in self.errors.iter_mut().skip(start) {
            f(&mut error.loc);
        }
    }

    /// Adds errors found elsewhere (their locations are kept as they are).
    pub fn extend(&mut self, errors: impl IntoIterator<Item = ErrorDetail>) {
        self.errors.extend(errors);
    }

    /// Drops the errors recorded since there were `count` of them (a smart-mode union forgets
    /// its members' errors once one of them matched).
    pub fn truncate_errors(&mut self, count: usize) {
        self.errors.truncate(count);
    }

    /// Removes and returns the errors recorded since there were `count` of them.
    pub fn take_errors_since(&mut self, count: usize) -> Vec<ErrorDetail> {
        self.errors.split_off(count.min(self.errors.len()))
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The number of errors so far (to tell whether a step added any).
    pub fn error_count(&self) -> usize {
        self.errors.len()
    }

    /// The errors, in the order found.
    pub fn into_errors(self) -> Vec<ErrorDetail> {
        self.errors
    }
}

/// A type that can be validated from request input with pydantic's rules: the one trait a type
/// implements to be a parameter, a body, a form field or a model field.
///
/// Implemented for the integer and float types, `bool`, `String`, `Option<T>`, `Vec<T>`,
/// maps with string or integer keys ([`MapKey`]), `serde_json::Value`, the types of
/// [`crate::types`], and by `#[derive(Model)]` (objects, and unions on enums with data) and
/// `#[derive(Enum)]` (enums).
///
/// A type of your own needs `validate` (from a JSON value), usually `validate_str` (from the
/// text of a path, query, header, cookie or form value) and `json_schema`; everything else has
/// a default. The "Types" section of the framework guide (`docs/framework.md`) shows a `Slug`
/// newtype end to end.
///
/// Constraints (`gt`, `max_length`…) are checked through [`Validate::KIND`] (which ones apply)
/// and [`Validate::target`] (what they see of a value); the `validate_*_constrained` methods
/// validate and check in pydantic's order, and the defaults validate first, then check.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be validated from request input",
    note = "derive `ferrapi::Model` for a struct, `ferrapi::Enum` for an enum, or implement `ferrapi::validation::Validate` for a type of your own; see the \"Types\" table in the framework guide for the types supported as they are"
)]
pub trait Validate: Sized {
    /// Which constraints apply. The default, [`ConstraintKind::Unconstrained`], accepts none
    /// (a model, an enum, a UUID).
    const KIND: ConstraintKind = ConstraintKind::Unconstrained;

    /// Whether the type is read from the body when an argument names no source (FastAPI's
    /// rule: models, maps and JSON values are bodies, everything else is a query parameter).
    const IS_MODEL: bool = false;

    /// A `#[derive(Model)]` struct's fields, so that it can be a parameter model (FastAPI's
    /// `Annotated[Model, Query()]`, and the same for headers, cookies and forms); `None` for
    /// every other type.
    const MODEL_FIELDS: Option<&'static [model::ModelField]> = None;

    /// Rewrites this type's JSON (as it serialises) from the fields' keys to their Rust names:
    /// `response_model_by_alias = false`. A model renames its own keys and its fields' values;
    /// containers (`Option`, `Vec`, maps, `Box`…) pass it to their items. The default, for
    /// every type without named fields, changes nothing.
    fn by_field_name(value: &mut Value) {
        let _ = value;
    }

    /// What the constraints see of this value. The default sees nothing to check.
    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Unconstrained
    }

    /// Validates a JSON value and checks the constraints.
    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self> {
        let value = Self::validate(input, v)?;
        c.check(&value, input, v).then_some(value)
    }

    /// Validates a text value and checks the constraints.
    fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<Self> {
        let value = Self::validate_str(input, v)?;
        c.check_str(&value, input, v).then_some(value)
    }

    /// Validates a repeated text parameter and checks the constraints. The default takes the
    /// last value, as [`Validate::validate_many`] does.
    fn validate_many_constrained(
        inputs: &[&str],
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<Self> {
        match inputs.last() {
            Some(last) => Self::validate_str_constrained(last, c, v),
            None => Self::missing(v),
        }
    }
    /// Validates a JSON value. Returns `None` after recording at least one error.
    fn validate(input: &Value, v: &mut Validator) -> Option<Self>;

    /// Validates a text input (a path, query, header, cookie or form value). The default
    /// wraps it in a JSON string; scalar types parse it directly.
    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        Self::validate(&Value::String(input.to_string()), v)
    }

    /// The value when the input is absent: `None` for `Option`, otherwise a `missing` error.
    fn missing(v: &mut Validator) -> Option<Self> {
        v.missing();
        None
    }

    /// Whether the type is a list (`Vec<T>`): repeated query keys and headers fill it.
    const IS_LIST: bool = false;

    /// Whether the value may be absent (`Option<T>`): not required in the schema.
    const IS_OPTIONAL: bool = false;

    /// The JSON Schema of the type, as pydantic writes it for the same annotation (a model or
    /// an enum is a component, referenced). Any value (`{}`) by default.
    fn json_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
        let _ = g;
        Value::Object(Map::new())
    }

    /// How closely a value this type validated from `input` matched it, for pydantic's smart-mode
    /// unions (an untagged `#[derive(Model)]` enum): the member that matched best wins, an
    /// exact match at once. The default is a lax match, or, for a model, a strict one that
    /// counts the fields the input set (pydantic prefers the model that sets the most).
    fn union_match(input: &Value) -> UnionMatch {
        match (Self::MODEL_FIELDS, input.as_object()) {
            (Some(fields), Some(object)) => UnionMatch {
                exactness: Exactness::Strict,
                fields_set: Some(fields.iter().filter(|f| object.contains_key(f.key)).count()),
            },
            _ => UnionMatch::LAX,
        }
    }

    /// The name pydantic gives this type in the `loc` of a smart-mode union's errors (`int`,
    /// `str`, `list[int]`, a model's name). The default is the type's name without its path.
    fn union_label() -> Cow<'static, str> {
        let name = std::any::type_name::<Self>();
        let name = name.split('<').next().unwrap_or(name);
        Cow::Borrowed(name.rsplit("::").next().unwrap_or(name))
    }

    /// Validates every text value of a repeated parameter (`?ids=1&ids=2`). The default takes
    /// the last value, as FastAPI does for a non-list parameter.
    fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Self> {
        match inputs.last() {
            Some(last) => Self::validate_str(last, v),
            None => Self::missing(v),
        }
    }
}

/// How exactly a union member matched its input (pydantic-core's `Exactness`): lax (a
/// conversion, `"5"` for an `int`), strict (`5` for a `float`), exact (`5` for an `int`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exactness {
    /// A conversion of the input's type.
    Lax,
    /// No conversion, but not the input's own type.
    Strict,
    /// The input's own type.
    Exact,
}

/// How well a smart-mode union's member matched: see [`Validate::union_match`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UnionMatch {
    /// How exactly the value matched.
    pub exactness: Exactness,
    /// For a model, how many of its fields the input set.
    pub fields_set: Option<usize>,
}

impl UnionMatch {
    /// A lax match without fields.
    pub const LAX: UnionMatch = UnionMatch::of(Exactness::Lax);
    /// A strict match without fields.
    pub const STRICT: UnionMatch = UnionMatch::of(Exactness::Strict);
    /// An exact match without fields.
    pub const EXACT: UnionMatch = UnionMatch::of(Exactness::Exact);

    /// A match of this exactness, without fields.
    pub const fn of(exactness: Exactness) -> UnionMatch {
        UnionMatch {
            exactness,
            fields_set: None,
        }
    }

    /// Whether `self` beats `best`, as pydantic-core decides: the model that set more fields,
    /// else the more exact match; on a tie the earlier member stays.
    pub fn beats(&self, best: &UnionMatch) -> bool {
        match (best.fields_set, self.fields_set) {
            (Some(current), Some(new)) if current != new => current < new,
            _ => best.exactness < self.exactness,
        }
    }
}

/// The `Value` an error echoes for a text input.
pub(crate) fn text_input(input: &str) -> Value {
    Value::String(input.to_string())
}

/// A validator's assertion failure: pydantic's `assertion_error` (`"Assertion failed, {msg}"`)
/// where any other error a validator returns is a `value_error` (`"Value error, {msg}"`), as a
/// Python validator's `assert` and `raise ValueError` are.
///
/// ```
/// use ferrapi::validation::AssertionFailed;
///
/// fn positive(n: i64) -> Result<i64, AssertionFailed> {
///     if n > 0 { Ok(n) } else { Err(AssertionFailed::new("must be positive")) }
/// }
/// assert_eq!(positive(0).unwrap_err().to_string(), "must be positive");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssertionFailed(pub String);

impl AssertionFailed {
    /// An assertion failure with this message.
    pub fn new(msg: impl Into<String>) -> AssertionFailed {
        AssertionFailed(msg.into())
    }
}

impl fmt::Display for AssertionFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AssertionFailed {}

/// Builds a `ctx` map from pairs.
pub fn ctx<const N: usize>(pairs: [(&str, Value); N]) -> Option<Map<String, Value>> {
    Some(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}
