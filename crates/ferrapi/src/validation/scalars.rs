//! [`Validate`] for the standard types, with pydantic v2's lax
//! ("python") mode rules. The rules reproduced and the deliberate differences are listed in the
//! parent module's documentation ("Types").

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hash};
use std::num::{
    NonZeroI128, NonZeroI16, NonZeroI32, NonZeroI64, NonZeroI8, NonZeroIsize, NonZeroU128,
    NonZeroU16, NonZeroU32, NonZeroU64, NonZeroU8, NonZeroUsize,
};

use indexmap::IndexMap;

use serde_json::{Map, Value};

use super::constraints::{int_number, Comparison};
use super::{
    text_input, BoundValue, ConstraintKind, ConstraintTarget, Constraints, Validate, Validator,
};

/// pydantic's (CPython's) limit on the length of an integer's text.
const MAX_INT_TEXT_LEN: usize = 4300;

/// Float text with underscores this short is cleaned on the stack.
const FLOAT_TEXT_STACK_LEN: usize = 64;

/// An integer as pydantic sees it before any Rust type narrows it. Values beyond `i128`
/// saturate and are marked inexact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WideInt {
    value: i128,
    exact: bool,
}

impl WideInt {
    fn exact(value: i128) -> WideInt {
        WideInt { value, exact: true }
    }
}

/// Why a value is not an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum IntError {
    Type,
    Parsing,
    ParsingSize,
    FromFloat,
    FiniteNumber,
}

impl IntError {
    fn record(self, input: Value, v: &mut Validator) {
        let (kind, msg) = match self {
            IntError::Type => ("int_type", "Input should be a valid integer"),
            IntError::Parsing => (
                "int_parsing",
                "Input should be a valid integer, unable to parse string as an integer",
            ),
            IntError::ParsingSize => (
                "int_parsing_size",
                "Unable to parse input string as an integer, exceeded maximum size",
            ),
            IntError::FromFloat => (
                "int_from_float",
                "Input should be a valid integer, got a number with a fractional part",
            ),
            IntError::FiniteNumber => ("finite_number", "Input should be a finite number"),
        };
        v.error(kind, msg, input, None);
    }
}

/// Accumulates decimal digits (already checked to be ASCII digits), saturating beyond `i128`.
fn accumulate(negative: bool, digits: impl Iterator<Item = u8>) -> WideInt {
    let mut magnitude: i128 = 0;
    let mut exact = true;
    for d in digits {
        if exact {
            match magnitude
                .checked_mul(10)
                .and_then(|m| m.checked_add(i128::from(d - b'0')))
            {
                Some(m) => magnitude = m,
                None => exact = false,
            }
        }
    }
    match (exact, negative) {
        (true, false) => WideInt::exact(magnitude),
        (true, true) => WideInt::exact(-magnitude),
        (false, false) => WideInt {
            value: i128::MAX,
            exact: false,
        },
        (false, true) => WideInt {
            value: i128::MIN,
            exact: false,
        },
    }
}

/// pydantic-core's `str_as_int`: first the text as a strict JSON integer (whose digit run may
/// not exceed 4300 characters), then a cleaned-up version of it.
fn int_from_text(raw: &str) -> Result<WideInt, IntError> {
    let bytes = raw.as_bytes();
    let sign = usize::from(bytes.first() == Some(&b'-'));
    let run = bytes[sign..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    if run > 0 {
        if bytes[sign] != b'0' {
            if sign + run > MAX_INT_TEXT_LEN {
                return Err(IntError::ParsingSize);
            }
            if sign + run == bytes.len() {
                return Ok(accumulate(sign == 1, bytes[sign..].iter().copied()));
            }
        } else if sign + 1 == bytes.len() {
            return Ok(WideInt::exact(0));
        }
    }
    clean_int_text(raw).ok_or(IntError::Parsing)
}

/// pydantic-core's `clean_int_str` followed by a strict JSON integer parse of the result.
fn clean_int_text(raw: &str) -> Option<WideInt> {
    let mut s = raw.trim();
    if let Some(rest) = s.strip_prefix('+') {
        if rest.starts_with('-') {
            return None;
        }
        s = rest;
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        if rest.starts_with('-') || rest.starts_with('+') {
            return None;
        }
        negative = true;
        s = rest;
    }
    s = strip_leading_zeros(s)?;
    if let Some(dot) = s.find('.') {
        let decimals = &s[dot + 1..];
        if !decimals.is_empty() && decimals.bytes().all(|b| b == b'0') {
            s = &s[..dot];
        }
    }
    let underscores =
        !s.starts_with('_') && !s.ends_with('_') && s.contains('_') && !s.contains("__");
    if !underscores && raw.len() == s.len() {
        return None;
    }
    let sign: &[u8] = if negative { b"-" } else { b"" };
    let candidate = sign
        .iter()
        .chain(s.as_bytes())
        .copied()
        .filter(|&b| !(underscores && b == b'_'));
    strict_json_int(candidate)
}

/// pydantic-core's `strip_leading_zeros`: drops leading zeros (and underscores among them),
/// keeping the zero before a `.` and the last character of an all-zero string.
fn strip_leading_zeros(s: &str) -> Option<&str> {
    let mut chars = s.char_indices();
    match chars.next() {
        Some((_, '0')) => {}
        Some((_, '1'..='9' | '-')) => return Some(s),
        _ => return None,
    }
    for (i, c) in chars {
        match c {
            '0' | '_' => {}
            '1'..='9' | '-' => return Some(&s[i..]),
            // The previous character is an ASCII `0` or `_`.
            '.' => return Some(&s[i - 1..]),
            _ => return None,
        }
    }
    Some(&s[s.len() - 1..])
}

/// A strict JSON integer (`-?(0|[1-9][0-9]*)`) of at most 4300 characters.
fn strict_json_int(text: impl Iterator<Item = u8> + Clone) -> Option<WideInt> {
    let mut len = 0usize;
    let mut it = text.clone();
    let mut first = it.next()?;
    len += 1;
    let negative = first == b'-';
    if negative {
        first = it.next()?;
        len += 1;
    }
    match first {
        b'0' => return it.next().is_none().then_some(WideInt::exact(0)),
        b'1'..=b'9' => {}
        _ => return None,
    }
    for b in it {
        if !b.is_ascii_digit() {
            return None;
        }
        len += 1;
    }
    if len > MAX_INT_TEXT_LEN {
        return None;
    }
    Some(accumulate(negative, text.skip(usize::from(negative))))
}

/// pydantic-core's `float_as_int`.
fn int_from_float(f: f64) -> Result<WideInt, IntError> {
    if !f.is_finite() {
        Err(IntError::FiniteNumber)
    } else if f % 1.0 != 0.0 {
        Err(IntError::FromFloat)
    } else if (i64::MIN as f64) < f && f < (i64::MAX as f64) {
        Ok(WideInt::exact(f as i128))
    } else {
        Err(IntError::ParsingSize)
    }
}

/// An integer from a JSON value, python lax mode.
fn int_from_value(input: &Value) -> Result<WideInt, IntError> {
    match input {
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(WideInt::exact(i128::from(i)))
            } else if let Some(u) = n.as_u64() {
                Ok(WideInt::exact(i128::from(u)))
            } else {
                int_from_float(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::Bool(b) => Ok(WideInt::exact(i128::from(*b))),
        Value::String(s) => int_from_text(s),
        _ => Err(IntError::Type),
    }
}

/// Narrows to a Rust integer type, reporting its implied bounds.
fn narrow_int<T: TryFrom<i128>>(
    wide: WideInt,
    min: i128,
    max: i128,
    input: impl FnOnce() -> Value,
    v: &mut Validator,
) -> Option<T> {
    if wide.value > max {
        Comparison::Le.error(v, int_number(max), &max.to_string(), input());
        return None;
    }
    if wide.value < min {
        Comparison::Ge.error(v, int_number(min), &min.to_string(), input());
        return None;
    }
    T::try_from(wide.value).ok()
}

macro_rules! int_impls {
    ($($t:ty),*) => {$(
        impl Validate for $t {
            fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
                serde_json::json!({"type": "integer"})
            }

            fn union_match(input: &Value) -> crate::validation::UnionMatch {
                int_union_match(input)
            }

            fn union_label() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed("int")
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<$t> {
                match int_from_value(input) {
                    Ok(wide) => {
                        narrow_int(wide, <$t>::MIN as i128, <$t>::MAX as i128, || input.clone(), v)
                    }
                    Err(e) => {
                        e.record(input.clone(), v);
                        None
                    }
                }
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<$t> {
                match int_from_text(input) {
                    Ok(wide) => narrow_int(
                        wide,
                        <$t>::MIN as i128,
                        <$t>::MAX as i128,
                        || text_input(input),
                        v,
                    ),
                    Err(e) => {
                        e.record(text_input(input), v);
                        None
                    }
                }
            }

            const KIND: ConstraintKind = ConstraintKind::Int;

            fn target(&self) -> ConstraintTarget<'_> {
                ConstraintTarget::Int(*self as i128)
            }

            fn validate_constrained(
                input: &Value,
                c: &Constraints,
                v: &mut Validator,
            ) -> Option<$t> {
                let wide = match int_from_value(input) {
                    Ok(wide) => wide,
                    Err(e) => {
                        e.record(input.clone(), v);
                        return None;
                    }
                };
                if !c.check_int(wide.value, wide.exact, || input.clone(), v) {
                    return None;
                }
                narrow_int(wide, <$t>::MIN as i128, <$t>::MAX as i128, || input.clone(), v)
            }

            fn validate_str_constrained(
                input: &str,
                c: &Constraints,
                v: &mut Validator,
            ) -> Option<$t> {
                let wide = match int_from_text(input) {
                    Ok(wide) => wide,
                    Err(e) => {
                        e.record(text_input(input), v);
                        return None;
                    }
                };
                if !c.check_int(wide.value, wide.exact, || text_input(input), v) {
                    return None;
                }
                narrow_int(wide, <$t>::MIN as i128, <$t>::MAX as i128, || text_input(input), v)
            }
}
    )*};
}

int_impls!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// An integer validated from JSON with the declared constraints, then the implied bounds
/// `[min, max]` (reported as `ge`/`le`, as for the fixed-width types): what a type narrower
/// than its integer (`NonZeroU32`: `[1, u32::MAX]`) builds on.
fn int_within(
    input: &Value,
    c: &Constraints,
    min: i128,
    max: i128,
    v: &mut Validator,
) -> Option<i128> {
    let wide = match int_from_value(input) {
        Ok(wide) => wide,
        Err(e) => {
            e.record(input.clone(), v);
            return None;
        }
    };
    if !c.check_int(wide.value, wide.exact, || input.clone(), v) {
        return None;
    }
    narrow_int(wide, min, max, || input.clone(), v)
}

/// [`int_within`] for a text value.
fn int_within_str(
    input: &str,
    c: &Constraints,
    min: i128,
    max: i128,
    v: &mut Validator,
) -> Option<i128> {
    let wide = match int_from_text(input) {
        Ok(wide) => wide,
        Err(e) => {
            e.record(text_input(input), v);
            return None;
        }
    };
    if !c.check_int(wide.value, wide.exact, || text_input(input), v) {
        return None;
    }
    narrow_int(wide, min, max, || text_input(input), v)
}

/// pydantic's message for a signed `NonZero*` given 0: what pydantic reports for
/// `Annotated[int, AfterValidator(f)]` when `f` raises `ValueError("Input should not be zero")`
/// (FastAPI renders the exception in `ctx` as `{}`).
fn non_zero_error(input: Value, v: &mut Validator) {
    let mut ctx = Map::new();
    ctx.insert("error".to_string(), Value::Object(Map::new()));
    v.error(
        "value_error",
        "Value error, Input should not be zero",
        input,
        Some(ctx),
    );
}

/// `NonZero*` integers: pydantic's `int` narrowed to the type's range without 0. Unsigned ones
/// have the implied bounds `[1, MAX]` (0 is `greater_than_equal` with `{"ge": 1}`, as
/// `conint(ge=1)` reports it); signed ones have their type's bounds, and 0 is a
/// `value_error` ([`non_zero_error`]). `NonZeroU128`'s upper bound is `i128::MAX`.
macro_rules! non_zero_impls {
    ($($t:ty => $int:ty, $min:expr;)*) => {$(
        #[diagnostic::do_not_recommend]
        impl Validate for $t {
            fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
                serde_json::json!({"type": "integer"})
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<$t> {
                Self::validate_constrained(input, &Constraints::new(), v)
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<$t> {
                Self::validate_str_constrained(input, &Constraints::new(), v)
            }

            const KIND: ConstraintKind = ConstraintKind::Int;

            fn target(&self) -> ConstraintTarget<'_> {
                ConstraintTarget::Int(self.get() as i128)
            }

            fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<$t> {
                let value = int_within(input, c, $min, <$int>::MAX as i128, v)?;
                match <$t>::new(value as $int) {
                    Some(value) => Some(value),
                    None => {
                        non_zero_error(input.clone(), v);
                        None
                    }
                }
            }

            fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<$t> {
                let value = int_within_str(input, c, $min, <$int>::MAX as i128, v)?;
                match <$t>::new(value as $int) {
                    Some(value) => Some(value),
                    None => {
                        non_zero_error(text_input(input), v);
                        None
                    }
                }
            }
        }
    )*};
}

non_zero_impls! {
    NonZeroU8 => u8, 1;
    NonZeroU16 => u16, 1;
    NonZeroU32 => u32, 1;
    NonZeroU64 => u64, 1;
    NonZeroUsize => usize, 1;
    NonZeroI8 => i8, i8::MIN as i128;
    NonZeroI16 => i16, i16::MIN as i128;
    NonZeroI32 => i32, i32::MIN as i128;
    NonZeroI64 => i64, i64::MIN as i128;
    NonZeroIsize => isize, isize::MIN as i128;
    NonZeroI128 => i128, i128::MIN;
}

#[diagnostic::do_not_recommend]
impl Validate for NonZeroU128 {
    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "integer"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<NonZeroU128> {
        Self::validate_constrained(input, &Constraints::new(), v)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<NonZeroU128> {
        Self::validate_str_constrained(input, &Constraints::new(), v)
    }

    const KIND: ConstraintKind = ConstraintKind::Int;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Int(i128::try_from(self.get()).unwrap_or(i128::MAX))
    }

    fn validate_constrained(
        input: &Value,
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<NonZeroU128> {
        let value = int_within(input, c, 1, i128::MAX, v)?;
        NonZeroU128::new(value as u128)
    }

    fn validate_str_constrained(
        input: &str,
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<NonZeroU128> {
        let value = int_within_str(input, c, 1, i128::MAX, v)?;
        NonZeroU128::new(value as u128)
    }
}

/// Why a value is not a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FloatError {
    Type,
    Parsing,
}

impl FloatError {
    fn record(self, input: Value, v: &mut Validator) {
        let (kind, msg) = match self {
            FloatError::Type => ("float_type", "Input should be a valid number"),
            FloatError::Parsing => (
                "float_parsing",
                "Input should be a valid number, unable to parse string as a number",
            ),
        };
        v.error(kind, msg, input, None);
    }
}

/// pydantic-core's `str_as_float`: the trimmed text, else the untrimmed text without its
/// single underscores.
fn float_from_text(raw: &str) -> Result<f64, FloatError> {
    if let Ok(f) = raw.trim().parse::<f64>() {
        return Ok(f);
    }
    if raw.starts_with('_') || raw.ends_with('_') || !raw.contains('_') || raw.contains("__") {
        return Err(FloatError::Parsing);
    }
    let parsed = if raw.len() <= FLOAT_TEXT_STACK_LEN {
        let mut buf = [0u8; FLOAT_TEXT_STACK_LEN];
        let mut len = 0;
        for b in raw.bytes().filter(|&b| b != b'_') {
            buf[len] = b;
            len += 1;
        }
        // Removing ASCII bytes from UTF-8 leaves UTF-8.
        std::str::from_utf8(&buf[..len])
            .ok()
            .and_then(|s| s.parse().ok())
    } else {
        raw.replace('_', "").parse().ok()
    };
    parsed.ok_or(FloatError::Parsing)
}

/// An integer read with pydantic's lax rules from a JSON value (`2`, `2.0`, `"2"`, `true`), for
/// the integer enums; `None` when it is not one, or does not fit.
pub fn lax_int(input: &Value) -> Option<i64> {
    int_from_value(input)
        .ok()
        .filter(|w| w.exact)
        .and_then(|w| i64::try_from(w.value).ok())
}

/// [`lax_int`] from text.
pub fn lax_int_str(input: &str) -> Option<i64> {
    int_from_text(input)
        .ok()
        .filter(|w| w.exact)
        .and_then(|w| i64::try_from(w.value).ok())
}

/// A float from a JSON value, python lax mode.
fn float_from_value(input: &Value) -> Result<f64, FloatError> {
    match input {
        Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
        Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
        Value::String(s) => float_from_text(s),
        _ => Err(FloatError::Type),
    }
}

/// Narrows to `f32`, reporting its implied bounds for finite values beyond them.
fn narrow_f32(value: f64, input: impl FnOnce() -> Value, v: &mut Validator) -> Option<f32> {
    let narrow = value as f32;
    if narrow.is_infinite() && value.is_finite() {
        let max = f64::from(f32::MAX);
        if value > 0.0 {
            Comparison::Le.error(v, max.into_number(), &max.to_string(), input());
        } else {
            Comparison::Ge.error(v, (-max).into_number(), &(-max).to_string(), input());
        }
        return None;
    }
    Some(narrow)
}

impl Validate for f64 {
    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "number"})
    }

    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        float_union_match(input)
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("float")
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<f64> {
        float_from_value(input)
            .map_err(|e| e.record(input.clone(), v))
            .ok()
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<f64> {
        float_from_text(input)
            .map_err(|e| e.record(text_input(input), v))
            .ok()
    }

    const KIND: ConstraintKind = ConstraintKind::Float;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Float(*self)
    }
}

impl Validate for f32 {
    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "number"})
    }

    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        float_union_match(input)
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("float")
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<f32> {
        let value = f64::validate(input, v)?;
        narrow_f32(value, || input.clone(), v)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<f32> {
        let value = f64::validate_str(input, v)?;
        narrow_f32(value, || text_input(input), v)
    }

    const KIND: ConstraintKind = ConstraintKind::Float;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Float(f64::from(*self))
    }

    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<f32> {
        let value = f64::validate(input, v)?;
        if !c.check_float(value, || input.clone(), v) {
            return None;
        }
        narrow_f32(value, || input.clone(), v)
    }

    fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<f32> {
        let value = f64::validate_str(input, v)?;
        if !c.check_float(value, || text_input(input), v) {
            return None;
        }
        narrow_f32(value, || text_input(input), v)
    }
}

/// Why a value is not a boolean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BoolError {
    Type,
    Parsing,
}

impl BoolError {
    fn record(self, input: Value, v: &mut Validator) {
        let (kind, msg) = match self {
            BoolError::Type => ("bool_type", "Input should be a valid boolean"),
            BoolError::Parsing => (
                "bool_parsing",
                "Input should be a valid boolean, unable to interpret input",
            ),
        };
        v.error(kind, msg, input, None);
    }
}

/// pydantic-core's `str_as_bool`: exact words, ASCII case-insensitive, not trimmed.
fn bool_from_text(s: &str) -> Result<bool, BoolError> {
    const FALSE: [&str; 5] = ["f", "n", "no", "off", "false"];
    const TRUE: [&str; 5] = ["t", "y", "on", "yes", "true"];
    if s == "0" || FALSE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        Ok(false)
    } else if s == "1" || TRUE.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        Ok(true)
    } else {
        Err(BoolError::Parsing)
    }
}

/// pydantic-core's `int_as_bool`.
fn bool_from_int(i: i64) -> Result<bool, BoolError> {
    match i {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err(BoolError::Parsing),
    }
}

/// A boolean from a JSON value, python lax mode.
fn bool_from_value(input: &Value) -> Result<bool, BoolError> {
    match input {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                bool_from_int(i)
            } else if n.is_u64() {
                // Beyond `i64`: pydantic cannot read it as a machine integer.
                Err(BoolError::Type)
            } else {
                match int_from_float(n.as_f64().unwrap_or(f64::NAN)) {
                    Ok(wide) => bool_from_int(wide.value as i64),
                    Err(_) => Err(BoolError::Type),
                }
            }
        }
        Value::String(s) => bool_from_text(s),
        _ => Err(BoolError::Type),
    }
}

impl Validate for bool {
    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        exact_if(input.is_boolean())
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("bool")
    }

    const KIND: ConstraintKind = ConstraintKind::Int;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Int(i128::from(*self))
    }

    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "boolean"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<bool> {
        bool_from_value(input)
            .map_err(|e| e.record(input.clone(), v))
            .ok()
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<bool> {
        bool_from_text(input)
            .map_err(|e| e.record(text_input(input), v))
            .ok()
    }
}

impl Validate for String {
    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        exact_if(input.is_string())
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("str")
    }

    const KIND: ConstraintKind = ConstraintKind::Str;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Str(self)
    }

    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "string"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<String> {
        match input {
            Value::String(s) => Some(s.clone()),
            _ => {
                v.error(
                    "string_type",
                    "Input should be a valid string",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, _v: &mut Validator) -> Option<String> {
        Some(input.to_owned())
    }
}

impl Validate for Value {
    const IS_MODEL: bool = true;

    fn validate(input: &Value, _v: &mut Validator) -> Option<Value> {
        Some(input.clone())
    }

    fn validate_str(input: &str, _v: &mut Validator) -> Option<Value> {
        Some(text_input(input))
    }
}

impl<T: Validate> Validate for Option<T> {
    fn by_field_name(value: &mut Value) {
        if !value.is_null() {
            T::by_field_name(value);
        }
    }

    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        if input.is_null() {
            crate::validation::UnionMatch::EXACT
        } else {
            T::union_match(input)
        }
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        T::union_label()
    }

    const IS_OPTIONAL: bool = true;
    const MODEL_FIELDS: Option<&'static [super::model::ModelField]> = T::MODEL_FIELDS;

    fn json_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
        match T::json_schema(g) {
            // A union already (a `Decimal`'s number-or-string): pydantic flattens `null` into it.
            Value::Object(mut object) if object.len() == 1 && object.contains_key("anyOf") => {
                if let Some(Value::Array(branches)) = object.get_mut("anyOf") {
                    branches.push(serde_json::json!({"type": "null"}));
                }
                Value::Object(object)
            }
            inner => serde_json::json!({"anyOf": [inner, {"type": "null"}]}),
        }
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Option<T>> {
        match input {
            Value::Null => Some(None),
            _ => T::validate(input, v).map(Some),
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Option<T>> {
        T::validate_str(input, v).map(Some)
    }

    fn missing(_v: &mut Validator) -> Option<Option<T>> {
        Some(None)
    }

    const IS_LIST: bool = T::IS_LIST;
    const IS_MODEL: bool = T::IS_MODEL;

    fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Option<T>> {
        if inputs.is_empty() {
            Some(None)
        } else {
            T::validate_many(inputs, v).map(Some)
        }
    }

    const KIND: ConstraintKind = T::KIND;

    fn target(&self) -> ConstraintTarget<'_> {
        match self {
            Some(value) => value.target(),
            None => ConstraintTarget::Unconstrained,
        }
    }

    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self>
    where
        Self: Validate,
    {
        match input {
            Value::Null => Some(None),
            _ => T::validate_constrained(input, c, v).map(Some),
        }
    }

    fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<Self>
    where
        Self: Validate,
    {
        T::validate_str_constrained(input, c, v).map(Some)
    }

    fn validate_many_constrained(
        inputs: &[&str],
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<Self>
    where
        Self: Validate,
    {
        if inputs.is_empty() {
            Some(None)
        } else {
            T::validate_many_constrained(inputs, c, v).map(Some)
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn by_field_name(value: &mut Value) {
        T::by_field_name(value);
    }

    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        T::union_match(input)
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        T::union_label()
    }

    fn json_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
        T::json_schema(g)
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Box<T>> {
        T::validate(input, v).map(Box::new)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Box<T>> {
        T::validate_str(input, v).map(Box::new)
    }

    fn missing(v: &mut Validator) -> Option<Box<T>> {
        T::missing(v).map(Box::new)
    }

    const IS_LIST: bool = T::IS_LIST;
    const IS_MODEL: bool = T::IS_MODEL;

    fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Box<T>> {
        T::validate_many(inputs, v).map(Box::new)
    }

    const KIND: ConstraintKind = T::KIND;

    fn target(&self) -> ConstraintTarget<'_> {
        (**self).target()
    }

    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self>
    where
        Self: Validate,
    {
        T::validate_constrained(input, c, v).map(Box::new)
    }

    fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<Self>
    where
        Self: Validate,
    {
        T::validate_str_constrained(input, c, v).map(Box::new)
    }

    fn validate_many_constrained(
        inputs: &[&str],
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<Self>
    where
        Self: Validate,
    {
        T::validate_many_constrained(inputs, c, v).map(Box::new)
    }
}

/// Validates one item of a list or set: with the items' constraints when there are any
/// (`list[Annotated[int, Gt(0)]]`).
fn validate_item<T: Validate>(
    item: &Value,
    items: Option<&Constraints>,
    v: &mut Validator,
) -> Option<T> {
    match items {
        Some(c) => T::validate_constrained(item, c, v),
        None => T::validate(item, v),
    }
}

/// [`validate_item`] for a text value (one of a repeated parameter's).
fn validate_text_item<T: Validate>(
    item: &str,
    items: Option<&Constraints>,
    v: &mut Validator,
) -> Option<T> {
    match items {
        Some(c) => T::validate_str_constrained(item, c, v),
        None => T::validate_str(item, v),
    }
}

/// Validates the items of a JSON array, each at its index; `None` if any failed.
fn validate_items<T: Validate>(
    items: &[Value],
    c: Option<&Constraints>,
    v: &mut Validator,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match v.at(i, |v| validate_item::<T>(item, c, v)) {
            Some(value) if ok => out.push(value),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// Validates text values, each at its index; `None` if any failed.
fn validate_text_items<T: Validate>(
    inputs: &[&str],
    c: Option<&Constraints>,
    v: &mut Validator,
) -> Option<Vec<T>> {
    let mut out = Vec::with_capacity(inputs.len());
    let mut ok = true;
    for (i, item) in inputs.iter().enumerate() {
        match v.at(i, |v| validate_text_item::<T>(item, c, v)) {
            Some(value) if ok => out.push(value),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// The JSON list FastAPI echoes for a repeated text parameter.
fn text_list(inputs: &[&str]) -> Value {
    Value::Array(inputs.iter().map(|s| text_input(s)).collect())
}

fn list_type_error(input: &Value, v: &mut Validator) {
    v.error(
        "list_type",
        "Input should be a valid list",
        input.clone(),
        None,
    );
}

fn dict_type_error(input: &Value, v: &mut Validator) {
    v.error(
        "dict_type",
        "Input should be a valid dictionary",
        input.clone(),
        None,
    );
}

impl<T: Validate> Validate for Vec<T> {
    fn by_field_name(value: &mut Value) {
        if let Value::Array(items) = value {
            items.iter_mut().for_each(T::by_field_name);
        }
    }

    fn union_match(input: &Value) -> crate::validation::UnionMatch {
        if input.is_array() {
            crate::validation::UnionMatch::STRICT
        } else {
            crate::validation::UnionMatch::LAX
        }
    }

    fn union_label() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Owned(format!("list[{}]", T::union_label()))
    }

    fn json_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"type": "array", "items": T::json_schema(g)})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Vec<T>> {
        match input {
            Value::Array(items) => validate_items(items, None, v),
            _ => {
                list_type_error(input, v);
                None
            }
        }
    }

    const IS_LIST: bool = true;
    const IS_MODEL: bool = T::IS_MODEL;

    fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Vec<T>> {
        if inputs.is_empty() {
            return Self::missing(v);
        }
        validate_text_items(inputs, None, v)
    }

    const KIND: ConstraintKind = ConstraintKind::List;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::List(self.len())
    }

    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Vec<T>> {
        let Value::Array(items) = input else {
            list_type_error(input, v);
            return None;
        };
        let echo = || input.clone();
        if !c.check_max_items("List", items.len(), &echo, v) {
            return None;
        }
        let out = validate_items(items, c.item_constraints(), v)?;
        c.check_min_items("List", out.len(), &echo, v)
            .then_some(out)
    }

    fn validate_many_constrained(
        inputs: &[&str],
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<Vec<T>> {
        if inputs.is_empty() {
            return Self::missing(v);
        }
        let echo = || text_list(inputs);
        if !c.check_max_items("List", inputs.len(), &echo, v) {
            return None;
        }
        let out = validate_text_items(inputs, c.item_constraints(), v)?;
        c.check_min_items("List", out.len(), &echo, v)
            .then_some(out)
    }
}

/// A type a dict key can have: `String` (any key), or an integer type (`dict[int, float]`),
/// whose keys are validated from their text, errors at `[…, key, "[key]"]` as in pydantic.
pub trait MapKey: Sized {
    /// Validates one key of a JSON object.
    fn validate_key(key: &str, v: &mut Validator) -> Option<Self>;
}

impl MapKey for String {
    fn validate_key(key: &str, _v: &mut Validator) -> Option<String> {
        Some(key.to_owned())
    }
}

macro_rules! int_keys {
    ($($t:ty),*) => {$(
        impl MapKey for $t {
            fn validate_key(key: &str, v: &mut Validator) -> Option<$t> {
                v.at("[key]", |v| <$t>::validate_str(key, v))
            }
        }
    )*};
}

int_keys!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

/// Validates the entries of a JSON object, each at its key, into any map.
fn validate_entries<K: MapKey, T: Validate, M: FromIterator<(K, T)>>(
    input: &Value,
    v: &mut Validator,
) -> Option<M> {
    let Value::Object(entries) = input else {
        dict_type_error(input, v);
        return None;
    };
    collect_entries(entries, v)
}

/// Each entry's key then its value, both checked (pydantic reports both); keys that become
/// equal once converted (`"1"`, `"01"`) keep the first one's place and the last one's value,
/// as a Python dict does.
fn collect_entries<K: MapKey, T: Validate, M: FromIterator<(K, T)>>(
    entries: &Map<String, Value>,
    v: &mut Validator,
) -> Option<M> {
    let mut ok = true;
    let mut out = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let entry = v.at_key(key, |v| {
            let key = K::validate_key(key, v);
            let value = T::validate(value, v);
            key.zip(value)
        });
        match entry {
            Some(entry) if ok => out.push(entry),
            Some(_) => {}
            None => ok = false,
        }
    }
    ok.then(|| out.into_iter().collect())
}

/// A dict's checks, after its items validated; the length is the output's (integer keys that
/// collide once converted count once, as pydantic counts them).
fn validate_entries_constrained<K: MapKey, T: Validate, M: FromIterator<(K, T)>>(
    input: &Value,
    c: &Constraints,
    len: impl Fn(&M) -> usize,
    v: &mut Validator,
) -> Option<M> {
    let Value::Object(entries) = input else {
        dict_type_error(input, v);
        return None;
    };
    let out = collect_entries(entries, v)?;
    let echo = || input.clone();
    let len = len(&out);
    (c.check_min_items("Dictionary", len, &echo, v)
        && c.check_max_items("Dictionary", len, &echo, v))
    .then_some(out)
}

macro_rules! map_impls {
    ($( [$($g:tt)*] $map:ty; )*) => {$(
        impl<$($g)*> Validate for $map {
            const IS_MODEL: bool = true;

            fn by_field_name(value: &mut Value) {
                if let Value::Object(entries) = value {
                    entries.values_mut().for_each(T::by_field_name);
                }
            }

            fn union_match(input: &Value) -> crate::validation::UnionMatch {
                if input.is_object() {
                    crate::validation::UnionMatch::STRICT
                } else {
                    crate::validation::UnionMatch::LAX
                }
            }

            fn union_label() -> std::borrow::Cow<'static, str> {
                let key = if std::any::type_name::<K>().ends_with("String") { "str" } else { "int" };
                std::borrow::Cow::Owned(format!("dict[{key},{}]", T::union_label()))
            }

            fn json_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
                serde_json::json!({"additionalProperties": T::json_schema(g), "type": "object"})
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
                validate_entries(input, v)
            }

            const KIND: ConstraintKind = ConstraintKind::Dict;

            fn target(&self) -> ConstraintTarget<'_> {
                ConstraintTarget::Dict(self.len())
            }

            fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self> {
                validate_entries_constrained(input, c, |m: &Self| m.len(), v)
            }
}
    )*};
}

map_impls! {
    [K: MapKey + Eq + Hash, T: Validate, S: BuildHasher + Default] HashMap<K, T, S>;
    [K: MapKey + Ord, T: Validate] BTreeMap<K, T>;
    [K: MapKey + Eq + Hash, T: Validate, S: BuildHasher + Default] IndexMap<K, T, S>;
}

/// An integer's match in a smart-mode union: exact for a JSON integer, lax otherwise (a bool,
/// an integral float, a string).
fn int_union_match(input: &Value) -> crate::validation::UnionMatch {
    exact_if(matches!(input, Value::Number(n) if !n.is_f64()))
}

/// A float's match in a smart-mode union: exact for a JSON float, strict for an integer, lax
/// otherwise.
fn float_union_match(input: &Value) -> crate::validation::UnionMatch {
    match input {
        Value::Number(n) if n.is_f64() => crate::validation::UnionMatch::EXACT,
        Value::Number(_) => crate::validation::UnionMatch::STRICT,
        _ => crate::validation::UnionMatch::LAX,
    }
}

/// Exact when `exact`, else lax.
fn exact_if(exact: bool) -> crate::validation::UnionMatch {
    if exact {
        crate::validation::UnionMatch::EXACT
    } else {
        crate::validation::UnionMatch::LAX
    }
}

/// A JSON object (`dict[str, Any]`): any object, its values as they are.
impl Validate for Map<String, Value> {
    const IS_MODEL: bool = true;

    fn json_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
        serde_json::json!({"additionalProperties": true, "type": "object"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        match input {
            Value::Object(entries) => Some(entries.clone()),
            _ => {
                dict_type_error(input, v);
                None
            }
        }
    }

    const KIND: ConstraintKind = ConstraintKind::Dict;

    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Dict(self.len())
    }
}
