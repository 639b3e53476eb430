//! [`Constraints`]: pydantic-core's constraint checks, error types,
//! messages, `ctx` and order. The rules reproduced and the deliberate differences are listed in
//! the parent module's documentation ("Constraints").

use std::cmp::Ordering;
use std::fmt;

use regex::Regex;
use serde_json::{Number, Value};

use super::{Validate, Validator};

/// pydantic-core's tolerance for a float `multiple_of`.
const FLOAT_MULTIPLE_OF_TOLERANCE: f64 = 1e-9;

/// A compiled `pattern` constraint: the `regex` crate's [`Regex`] and the text it was written
/// as (echoed in `ctx` and the message).
#[derive(Clone, Debug)]
pub struct Pattern {
    regex: Regex,
}

impl Pattern {
    /// Compiles `source` with the `regex` crate's defaults, as pydantic-core does. Look-around
    /// and back-references are refused, as pydantic refuses them.
    pub fn new(source: &str) -> Result<Pattern, regex::Error> {
        Ok(Pattern {
            regex: Regex::new(source)?,
        })
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        self.regex.as_str()
    }

    /// Whether the pattern occurs anywhere in `text` (a search, like `re.search`).
    pub fn is_match(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// The compiled expression.
    pub fn regex(&self) -> &Regex {
        &self.regex
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.as_str() == other.as_str()
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number usable as a bound or `multiple_of` in the [`Constraints`] builder: every integer
/// type, `f32`, `f64` and [`Number`].
pub trait BoundValue {
    /// The bound as a JSON number.
    ///
    /// # Panics
    ///
    /// For a NaN or infinite float, which a JSON number cannot hold.
    fn into_number(self) -> Number;
}

macro_rules! bound_value_int {
    ($($t:ty),*) => {$(
        impl BoundValue for $t {
            fn into_number(self) -> Number {
                Number::from(self)
            }
        }
    )*};
}
bound_value_int!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl BoundValue for f64 {
    fn into_number(self) -> Number {
        Number::from_f64(self).expect("constraint bounds must be finite numbers")
    }
}

impl BoundValue for f32 {
    fn into_number(self) -> Number {
        f64::from(self).into_number()
    }
}

impl BoundValue for Number {
    fn into_number(self) -> Number {
        self
    }
}

/// The constraints declared on one field or parameter (`Query(gt=0, max_length=3)`).
///
/// Build them once (a `static` `LazyLock`, or at route registration) since a pattern is
/// compiled when set:
///
/// ```
/// use ferrapi::validation::{Constraints, Validator};
///
/// let c = Constraints::new().min_length(2).max_length(3).pattern("^a");
/// let mut v = Validator::new();
/// let name: Option<String> = c.validate_str("b", &mut v);
/// assert!(name.is_none());
/// assert_eq!(v.into_errors()[0].msg, "String should have at least 2 characters");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// `gt`: the value must be greater.
    pub gt: Option<Number>,
    /// `ge`: the value must be greater or equal.
    pub ge: Option<Number>,
    /// `lt`: the value must be less.
    pub lt: Option<Number>,
    /// `le`: the value must be less or equal.
    pub le: Option<Number>,
    /// `multiple_of`: the value must be a multiple (floats within 1e-9).
    pub multiple_of: Option<Number>,
    /// `min_length`: characters of a string, items of a list or dict.
    pub min_length: Option<usize>,
    /// `max_length`: characters of a string, items of a list or dict.
    pub max_length: Option<usize>,
    /// `pattern`: a regular expression a string must contain a match of.
    pub pattern: Option<Pattern>,
    /// The constraints of each item of a list or set (pydantic's
    /// `list[Annotated[int, Gt(0)]]`, `conlist(conint(gt=0))`), checked per item with the
    /// item's index in `loc`.
    pub items: Option<Box<Constraints>>,
    /// `max_digits`: digits in total of a decimal (trailing zeros of the fraction and a
    /// zero before the point not counted).
    pub max_digits: Option<u32>,
    /// `decimal_places`: digits after the point of a decimal (trailing zeros not counted).
    pub decimal_places: Option<u32>,
}

impl Constraints {
    /// No constraints.
    pub fn new() -> Constraints {
        Constraints::default()
    }

    /// Sets `gt`.
    pub fn gt(mut self, bound: impl BoundValue) -> Constraints {
        self.gt = Some(bound.into_number());
        self
    }

    /// Sets `ge`.
    pub fn ge(mut self, bound: impl BoundValue) -> Constraints {
        self.ge = Some(bound.into_number());
        self
    }

    /// Sets `lt`.
    pub fn lt(mut self, bound: impl BoundValue) -> Constraints {
        self.lt = Some(bound.into_number());
        self
    }

    /// Sets `le`.
    pub fn le(mut self, bound: impl BoundValue) -> Constraints {
        self.le = Some(bound.into_number());
        self
    }

    /// Sets `multiple_of`.
    pub fn multiple_of(mut self, step: impl BoundValue) -> Constraints {
        self.multiple_of = Some(step.into_number());
        self
    }

    /// Sets `min_length`.
    pub fn min_length(mut self, min: usize) -> Constraints {
        self.min_length = Some(min);
        self
    }

    /// Sets `max_length`.
    pub fn max_length(mut self, max: usize) -> Constraints {
        self.max_length = Some(max);
        self
    }

    /// Sets `max_digits` (decimals only).
    pub fn max_digits(mut self, max: u32) -> Constraints {
        self.max_digits = Some(max);
        self
    }

    /// Sets `decimal_places` (decimals only).
    pub fn decimal_places(mut self, places: u32) -> Constraints {
        self.decimal_places = Some(places);
        self
    }

    /// Sets `pattern`, compiling it.
    ///
    /// # Panics
    ///
    /// When `source` is not a valid pattern; use [`Constraints::try_pattern`] or
    /// [`Pattern::new`] to get the error instead (a derive can check the literal at compile
    /// time).
    pub fn pattern(self, source: &str) -> Constraints {
        match self.try_pattern(source) {
            Ok(c) => c,
            Err(e) => panic!("invalid `pattern` constraint {source:?}: {e}"),
        }
    }

    /// Sets `pattern`, or returns the compile error.
    pub fn try_pattern(mut self, source: &str) -> Result<Constraints, regex::Error> {
        self.pattern = Some(Pattern::new(source)?);
        Ok(self)
    }

    /// Sets the constraints of each item of a list or set (`#[field(items(gt = 0))]`).
    pub fn items(mut self, items: Constraints) -> Constraints {
        self.items = Some(Box::new(items));
        self
    }

    /// The constraints of each item, if any were set.
    pub fn item_constraints(&self) -> Option<&Constraints> {
        self.items.as_deref()
    }

    /// Sets an already compiled `pattern`.
    pub fn with_pattern(mut self, pattern: Pattern) -> Constraints {
        self.pattern = Some(pattern);
        self
    }

    /// Whether no constraint is set.
    pub fn is_empty(&self) -> bool {
        self.gt.is_none()
            && self.ge.is_none()
            && self.lt.is_none()
            && self.le.is_none()
            && self.multiple_of.is_none()
            && self.min_length.is_none()
            && self.max_length.is_none()
            && self.pattern.is_none()
            && self.items.is_none()
            && self.max_digits.is_none()
            && self.decimal_places.is_none()
    }

    /// Whether every constraint set applies to `T`, with pydantic's refusal otherwise
    /// (pydantic raises it when the model is defined; [`Constraints::check`] would silently
    /// ignore the constraint).
    pub fn applies_to<T: Validate>(&self) -> Result<(), ConstraintError> {
        let kind = T::KIND;
        let numeric = [
            ("gt", &self.gt),
            ("ge", &self.ge),
            ("lt", &self.lt),
            ("le", &self.le),
            ("multiple_of", &self.multiple_of),
        ];
        for (name, bound) in numeric {
            let Some(bound) = bound else { continue };
            match kind {
                ConstraintKind::Int if int_bound(bound).is_none() => {
                    return Err(ConstraintError::new(
                        name,
                        format!("'{name}' must be coercible to an integer"),
                    ));
                }
                ConstraintKind::Int | ConstraintKind::Float | ConstraintKind::Decimal => {}
                _ => return Err(ConstraintError::not_applicable(name, kind)),
            }
        }
        let lengths = [
            ("min_length", self.min_length.is_some()),
            ("max_length", self.max_length.is_some()),
        ];
        for (name, set) in lengths {
            if set
                && !matches!(
                    kind,
                    ConstraintKind::Str
                        | ConstraintKind::List
                        | ConstraintKind::Dict
                        | ConstraintKind::Bytes
                )
            {
                return Err(ConstraintError::not_applicable(name, kind));
            }
        }
        if self.pattern.is_some() && kind != ConstraintKind::Str {
            return Err(ConstraintError::not_applicable("pattern", kind));
        }
        if self.items.is_some() && kind != ConstraintKind::List {
            return Err(ConstraintError::not_applicable("items", kind));
        }
        let digits = [
            ("max_digits", self.max_digits.is_some()),
            ("decimal_places", self.decimal_places.is_some()),
        ];
        for (name, set) in digits {
            if set && kind != ConstraintKind::Decimal {
                return Err(ConstraintError::not_applicable(name, kind));
            }
        }
        Ok(())
    }

    /// Checks an already validated value against the constraints, recording at most one error
    /// at the current location with `input` echoed. Returns whether the value passed.
    ///
    /// Prefer [`Constraints::validate`], which also gets pydantic's order for lists (a list
    /// over `max_length` reports only `too_long`) and for the implied bounds of fixed-width
    /// integers.
    pub fn check<C: Validate>(&self, value: &C, input: &Value, v: &mut Validator) -> bool {
        self.check_target(value.target(), || input.clone(), v)
    }

    /// [`Constraints::check`] for a value that arrived as text (path, query, header, cookie,
    /// form): the error echoes `input` as a string. Allocates only when it records an error.
    pub fn check_str<C: Validate>(&self, value: &C, input: &str, v: &mut Validator) -> bool {
        self.check_target(value.target(), || Value::String(input.to_owned()), v)
    }

    /// Validates a JSON value as `T` and then checks the constraints, in pydantic's order.
    /// This is what a field with constraints should call.
    pub fn validate<T: Validate>(&self, input: &Value, v: &mut Validator) -> Option<T> {
        T::validate_constrained(input, self, v)
    }

    /// Validates a text value as `T` and then checks the constraints, in pydantic's order.
    pub fn validate_str<T: Validate>(&self, input: &str, v: &mut Validator) -> Option<T> {
        T::validate_str_constrained(input, self, v)
    }

    /// Validates the text values of a repeated parameter as `T` (see
    /// [`Validate::validate_many`]) and then checks the constraints, in pydantic's order.
    pub fn validate_many<T: Validate>(&self, inputs: &[&str], v: &mut Validator) -> Option<T> {
        T::validate_many_constrained(inputs, self, v)
    }

    /// The shared check: `input` builds the echoed input, only when an error is recorded.
    pub(crate) fn check_target(
        &self,
        target: ConstraintTarget<'_>,
        input: impl Fn() -> Value,
        v: &mut Validator,
    ) -> bool {
        match target {
            ConstraintTarget::Int(value) => self.check_int(value, true, &input, v),
            ConstraintTarget::Float(value) => self.check_float(value, &input, v),
            ConstraintTarget::Str(text) => self.check_text(text, &input, v),
            ConstraintTarget::List(len) => {
                self.check_max_items("List", len, &input, v)
                    && self.check_min_items("List", len, &input, v)
            }
            ConstraintTarget::Dict(len) => {
                self.check_min_items("Dictionary", len, &input, v)
                    && self.check_max_items("Dictionary", len, &input, v)
            }
            ConstraintTarget::Unconstrained => true,
        }
    }

    /// The numeric checks of an integer field. `exact` is false for a value saturated at the
    /// ends of `i128` (a text integer of 39 or more digits): its remainder is unknown, so
    /// `multiple_of` is skipped, while comparisons against any bound stay right.
    pub(crate) fn check_int(
        &self,
        value: i128,
        exact: bool,
        input: impl FnOnce() -> Value,
        v: &mut Validator,
    ) -> bool {
        if let Some(step) = &self.multiple_of {
            match int_bound(step) {
                Some(step) => {
                    if exact && step != 0 && value.wrapping_rem(step) != 0 {
                        multiple_of_error(v, int_number(step), step.to_string(), input());
                        return false;
                    }
                }
                None => {
                    if let Some(step) = step.as_f64() {
                        if !float_is_multiple(value as f64, step) {
                            multiple_of_error(v, step.into_number(), step.to_string(), input());
                            return false;
                        }
                    }
                }
            }
        }
        let checks = [
            (&self.le, Comparison::Le),
            (&self.lt, Comparison::Lt),
            (&self.ge, Comparison::Ge),
            (&self.gt, Comparison::Gt),
        ];
        for (bound, comparison) in checks {
            let Some(bound) = bound else { continue };
            let failed = match int_bound(bound) {
                Some(bound) => {
                    if comparison.holds(value.cmp(&bound)) {
                        None
                    } else {
                        Some((int_number(bound), bound.to_string()))
                    }
                }
                None => {
                    let bound = bound.as_f64().unwrap_or(f64::NAN);
                    if comparison.holds_partial((value as f64).partial_cmp(&bound)) {
                        None
                    } else {
                        Some((bound.into_number(), bound.to_string()))
                    }
                }
            };
            if let Some((ctx_value, shown)) = failed {
                comparison.error(v, ctx_value, &shown, input());
                return false;
            }
        }
        true
    }

    /// The numeric checks of a float field.
    pub(crate) fn check_float(
        &self,
        value: f64,
        input: impl FnOnce() -> Value,
        v: &mut Validator,
    ) -> bool {
        if let Some(step) = self.multiple_of.as_ref().and_then(Number::as_f64) {
            if !float_is_multiple(value, step) {
                multiple_of_error(v, step.into_number(), step.to_string(), input());
                return false;
            }
        }
        let checks = [
            (&self.le, Comparison::Le),
            (&self.lt, Comparison::Lt),
            (&self.ge, Comparison::Ge),
            (&self.gt, Comparison::Gt),
        ];
        for (bound, comparison) in checks {
            let Some(bound) = bound.as_ref().and_then(Number::as_f64) else {
                continue;
            };
            if !comparison.holds_partial(value.partial_cmp(&bound)) {
                comparison.error(v, bound.into_number(), &bound.to_string(), input());
                return false;
            }
        }
        true
    }

    /// The string checks: `min_length`, `max_length`, `pattern`.
    fn check_text(&self, text: &str, input: impl Fn() -> Value, v: &mut Validator) -> bool {
        if (self.min_length.is_some() || self.max_length.is_some())
            && !self.check_length(text.chars().count(), &STRING_LENGTH, &input, v)
        {
            return false;
        }
        if let Some(pattern) = &self.pattern {
            if !pattern.is_match(text) {
                v.error(
                    "string_pattern_mismatch",
                    format!("String should match pattern '{}'", pattern.as_str()),
                    input(),
                    super::ctx([("pattern", Value::from(pattern.as_str()))]),
                );
                return false;
            }
        }
        true
    }

    /// `too_short` for a list (`field_type` "List") or dict ("Dictionary") of `len` items.
    pub(crate) fn check_min_items(
        &self,
        field_type: &'static str,
        len: usize,
        input: &impl Fn() -> Value,
        v: &mut Validator,
    ) -> bool {
        match self.min_length {
            Some(min) if len < min => {
                v.error(
                    "too_short",
                    format!(
                        "{field_type} should have at least {min} item{} after validation, not {len}",
                        plural(min)
                    ),
                    input(),
                    super::ctx([
                        ("field_type", Value::from(field_type)),
                        ("min_length", Value::from(min)),
                        ("actual_length", Value::from(len)),
                    ]),
                );
                false
            }
            _ => true,
        }
    }

    /// `too_long` for a list or dict of `len` items.
    pub(crate) fn check_max_items(
        &self,
        field_type: &'static str,
        len: usize,
        input: &impl Fn() -> Value,
        v: &mut Validator,
    ) -> bool {
        self.check_too_long(field_type, len, Some(len), input, v)
    }

    /// A set's `too_long`: pydantic-core checks a set's size each time an item is added and
    /// stops at the first item too many, so the length is unknown (`actual_length: null`,
    /// "not more"). Returns whether `len` is within `max_length`.
    pub(crate) fn check_set_growth(
        &self,
        field_type: &'static str,
        len: usize,
        input: &impl Fn() -> Value,
        v: &mut Validator,
    ) -> bool {
        self.check_too_long(field_type, len, None, input, v)
    }

    /// `too_long` when `len` is over `max_length`, naming the actual length if it is known.
    fn check_too_long(
        &self,
        field_type: &'static str,
        len: usize,
        actual: Option<usize>,
        input: &impl Fn() -> Value,
        v: &mut Validator,
    ) -> bool {
        match self.max_length {
            Some(max) if len > max => {
                let not = actual.map_or_else(|| "more".to_string(), |n| n.to_string());
                v.error(
                    "too_long",
                    format!(
                        "{field_type} should have at most {max} item{} after validation, not {not}",
                        plural(max)
                    ),
                    input(),
                    super::ctx([
                        ("field_type", Value::from(field_type)),
                        ("max_length", Value::from(max)),
                        ("actual_length", actual.map_or(Value::Null, Value::from)),
                    ]),
                );
                false
            }
            _ => true,
        }
    }

    /// pydantic's `bytes` lengths, counted in bytes: `bytes_too_short`, then `bytes_too_long`.
    pub(crate) fn check_bytes(
        &self,
        len: usize,
        input: impl FnOnce() -> Value,
        v: &mut Validator,
    ) -> bool {
        self.check_length(len, &BYTES_LENGTH, input, v)
    }

    /// `min_length` then `max_length` of a string or bytes, worded by `words`; at most one
    /// error.
    fn check_length(
        &self,
        len: usize,
        words: &LengthWords,
        input: impl FnOnce() -> Value,
        v: &mut Validator,
    ) -> bool {
        let (kind, bound, key, relation) = match (self.min_length, self.max_length) {
            (Some(min), _) if len < min => (words.too_short, min, "min_length", "at least"),
            (_, Some(max)) if len > max => (words.too_long, max, "max_length", "at most"),
            _ => return true,
        };
        v.error(
            kind,
            format!(
                "{} should have {relation} {bound} {}{}",
                words.what,
                words.unit,
                plural(bound)
            ),
            input(),
            super::ctx([(key, Value::from(bound))]),
        );
        false
    }
}

/// pydantic's `expected_plural`.
/// How a length error is worded: its types, the value's name and the unit counted.
struct LengthWords {
    too_short: &'static str,
    too_long: &'static str,
    what: &'static str,
    unit: &'static str,
}

/// `String should have at least 2 characters`.
const STRING_LENGTH: LengthWords = LengthWords {
    too_short: "string_too_short",
    too_long: "string_too_long",
    what: "String",
    unit: "character",
};

/// `Data should have at most 3 bytes`.
const BYTES_LENGTH: LengthWords = LengthWords {
    too_short: "bytes_too_short",
    too_long: "bytes_too_long",
    what: "Data",
    unit: "byte",
};

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A bound as an integer, the way pydantic-core coerces an integer field's bounds: integers
/// as they are, floats only when integral and strictly inside `i64`'s range.
fn int_bound(bound: &Number) -> Option<i128> {
    if let Some(i) = bound.as_i64() {
        return Some(i128::from(i));
    }
    if let Some(u) = bound.as_u64() {
        return Some(i128::from(u));
    }
    let f = bound.as_f64()?;
    if f.fract() == 0.0 && (i64::MIN as f64) < f && f < (i64::MAX as f64) {
        Some(f as i128)
    } else {
        None
    }
}

/// An integer bound as a JSON number (bounds always come from `i64`/`u64` values).
pub(crate) fn int_number(value: i128) -> Number {
    if let Ok(i) = i64::try_from(value) {
        Number::from(i)
    } else if let Ok(u) = u64::try_from(value) {
        Number::from(u)
    } else {
        (value as f64).into_number()
    }
}

/// pydantic-core's float `multiple_of`: absolute tolerance around the nearest multiple.
fn float_is_multiple(value: f64, step: f64) -> bool {
    let nearest = (value / step).round();
    // NaN (a NaN value, an infinite value, a zero step) compares false: it passes, as in
    // pydantic-core.
    let diff = (value - nearest * step).abs();
    diff.partial_cmp(&FLOAT_MULTIPLE_OF_TOLERANCE) != Some(Ordering::Greater)
}

fn multiple_of_error(v: &mut Validator, step: Number, shown: String, input: Value) {
    v.error(
        "multiple_of",
        format!("Input should be a multiple of {shown}"),
        input,
        super::ctx([("multiple_of", Value::Number(step))]),
    );
}

/// One of the four bounds.
#[derive(Clone, Copy)]
pub(crate) enum Comparison {
    Le,
    Lt,
    Ge,
    Gt,
}

impl Comparison {
    /// Whether `value.cmp(bound)` satisfies the bound.
    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Comparison::Le => ordering != Ordering::Greater,
            Comparison::Lt => ordering == Ordering::Less,
            Comparison::Ge => ordering != Ordering::Less,
            Comparison::Gt => ordering == Ordering::Greater,
        }
    }

    /// [`Comparison::holds`] for floats: an unordered comparison (NaN) never holds.
    fn holds_partial(self, ordering: Option<Ordering>) -> bool {
        ordering.is_some_and(|o| self.holds(o))
    }

    /// Records the bound's error; `shown` is the bound as the message prints it.
    pub(crate) fn error(self, v: &mut Validator, bound: Number, shown: &str, input: Value) {
        let (kind, key, words) = match self {
            Comparison::Le => ("less_than_equal", "le", "less than or equal to"),
            Comparison::Lt => ("less_than", "lt", "less than"),
            Comparison::Ge => ("greater_than_equal", "ge", "greater than or equal to"),
            Comparison::Gt => ("greater_than", "gt", "greater than"),
        };
        v.error(
            kind,
            format!("Input should be {words} {shown}"),
            input,
            super::ctx([(key, Value::Number(bound))]),
        );
    }
}

/// What a constraint sees of a validated value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConstraintTarget<'a> {
    /// An integer field's value: bounds are integers.
    Int(i128),
    /// A float field's value: bounds are floats.
    Float(f64),
    /// A string: `min_length`, `max_length` (in characters) and `pattern`.
    Str(&'a str),
    /// A list of this many items: `min_length`, `max_length`.
    List(usize),
    /// A dict of this many items: `min_length`, `max_length`.
    Dict(usize),
    /// Nothing to check (an absent optional value).
    Unconstrained,
}

/// Which constraints a type accepts (see [`Constraints::applies_to`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// Integers (and `bool`): integer bounds and `multiple_of`.
    Int,
    /// Floats: bounds and `multiple_of`.
    Float,
    /// Strings: `min_length`, `max_length`, `pattern`.
    Str,
    /// Lists: `min_length`, `max_length`.
    List,
    /// Dicts: `min_length`, `max_length`.
    Dict,
    /// Bytes: `min_length`, `max_length`, counted in bytes.
    Bytes,
    /// Decimals: bounds, `multiple_of`, `max_digits`, `decimal_places`.
    Decimal,
    /// No constraint applies (models, enums, any JSON value).
    Unconstrained,
}

impl ConstraintKind {
    fn describe(self) -> &'static str {
        match self {
            ConstraintKind::Int => "an integer",
            ConstraintKind::Float => "a float",
            ConstraintKind::Str => "a string",
            ConstraintKind::List => "a list",
            ConstraintKind::Dict => "a dict",
            ConstraintKind::Bytes => "bytes",
            ConstraintKind::Decimal => "a decimal",
            ConstraintKind::Unconstrained => "this type",
        }
    }
}

/// A constraint that cannot apply to a type (pydantic refuses it when the model is defined).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintError {
    constraint: &'static str,
    message: String,
}

impl ConstraintError {
    fn new(constraint: &'static str, message: String) -> ConstraintError {
        ConstraintError {
            constraint,
            message,
        }
    }

    fn not_applicable(constraint: &'static str, kind: ConstraintKind) -> ConstraintError {
        ConstraintError::new(
            constraint,
            format!(
                "Unable to apply constraint '{constraint}' to {}",
                kind.describe()
            ),
        )
    }

    /// The constraint's name (`gt`, `pattern`…).
    pub fn constraint(&self) -> &'static str {
        self.constraint
    }
}

impl fmt::Display for ConstraintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConstraintError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_multiple_of_matches_pydantic_core() {
        assert!(float_is_multiple(0.3, 0.1));
        assert!(float_is_multiple(0.7, 0.1));
        assert!(float_is_multiple(-9.0, 3.0));
        assert!(!float_is_multiple(1.25, 0.5));
        assert!(!float_is_multiple(1e10 + 0.05, 0.1));
        assert!(float_is_multiple(f64::NAN, 2.0));
        assert!(float_is_multiple(f64::INFINITY, 2.0));
        assert!(float_is_multiple(5.0, 0.0));
    }

    #[test]
    fn int_bounds_coerce_like_pydantic() {
        assert_eq!(int_bound(&Number::from(3)), Some(3));
        assert_eq!(
            int_bound(&Number::from(u64::MAX)),
            Some(i128::from(u64::MAX))
        );
        assert_eq!(int_bound(&0.0f64.into_number()), Some(0));
        assert_eq!(int_bound(&(-0.0f64).into_number()), Some(0));
        assert_eq!(int_bound(&0.5f64.into_number()), None);
        assert_eq!(int_bound(&1e20f64.into_number()), None);
    }
}
