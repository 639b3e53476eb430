//! `rust_decimal::Decimal` as pydantic's `Decimal` (feature `rust_decimal`).
//!
//! # Reproduced
//!
//! * **Strings** are read as pydantic reads them: surrounding whitespace is trimmed, every
//!   `_` is dropped (`"1_000"`, `"_1"`), then Python's `Decimal` grammar: an optional sign,
//!   digits with an optional point (`"1."`, `".5"`), an optional exponent (`"1e3"`,
//!   `"1E-7"`). `NaN`, `sNaN`, `Inf` and `Infinity` (any case, signed) are `finite_number`
//!   (`Input should be a finite number`), anything else is `decimal_parsing` (`Input should be
//!   a valid decimal`).
//! * **JSON numbers**: integers exactly; floats as `Decimal(str(x))`, with Python's shortest
//!   `repr` (`0.1` is `0.1`, `100.0` keeps one decimal place, `1e-07` is `1E-7`). `true`,
//!   `false`, `null`, arrays and objects are `decimal_type`.
//! * **Constraints**, in pydantic-core's order: `max_digits` (`decimal_max_digits`),
//!   `decimal_places` (`decimal_max_places`), both (`decimal_whole_digits`), counted on the
//!   normalised value (trailing zeros dropped, as pydantic does); then `multiple_of`, `le`,
//!   `lt`, `ge`, `gt` compared exactly in decimal. A bound is shown as `str(Decimal(bound))`
//!   (`gt = 1` is `1`, `gt = 1.0` is `1.0`, `le = 1e-7` is `1E-7`) and its `ctx` is what
//!   FastAPI's `jsonable_encoder` makes of that `Decimal` (an integer when it has no
//!   fraction digits, else a float).
//! * **Serialisation**: pydantic writes a `Decimal` as the string `str(d)` (`"1.50"`,
//!   `"1E-7"`, `"0.00000"`). rust_decimal's own `Serialize` (its `serde-str` feature) writes
//!   `"0.0000001"` for `1E-7`; use [`as_python_str`] (`#[serde(with =
//!   "ferrapi::types::decimal::as_python_str")]`) for pydantic's text. Both parse back.
//! * **Schema** (validation mode): `{"anyOf": [{"type": "number"}, {"type": "string",
//!   "pattern": …}]}`, bounds on the number branch as floats, and `max_digits` /
//!   `decimal_places` folded into the pattern exactly as pydantic writes it.
//!
//! # Differs
//!
//! * rust_decimal holds 96 bits of coefficient and at most 28 decimal places, and no positive
//!   exponent. `"1E+3"` is stored as `1000` and so serialised `"1000"` (pydantic: `"1E+3"`);
//!   a float of 1e16 or more (`1e+20`) likewise loses its exponent form. A value beyond the
//!   range (more than 29 significant digits, or more than 28 decimal places once trailing
//!   zeros are dropped, `"1e-30"`) is `decimal_parsing`, where pydantic accepts it.
//! * Only ASCII digits are digits (Python's `Decimal` also reads other Unicode decimal digits,
//!   `"١٢"`).
//! * FastAPI's document has two schemas for a model with a `Decimal` used in responses
//!   (serialization mode: the string branch alone, and `Model-Input` / `Model-Output` when the
//!   model is also a request body); ferrapi writes the validation-mode schema everywhere.
//! * A `multiple_of` whose quotient has more than 28 digits is a 500 in pydantic (Python's
//!   decimal context); ferrapi computes it.

use rust_decimal::Decimal;
use serde_json::{json, Number, Value};

use crate::validation::schema::decimal_pattern;
use crate::validation::{
    ctx, text_input, ConstraintKind, ConstraintTarget, Constraints, SchemaGenerator, Validate,
    Validator,
};

/// The largest coefficient rust_decimal holds (2^96 - 1).
const MAX_MANTISSA: u128 = (1u128 << 96) - 1;

/// rust_decimal's largest scale.
const MAX_SCALE: i64 = 28;

/// A finite decimal as Python holds it: sign, coefficient digits and exponent.
#[derive(Clone, Debug, PartialEq)]
struct PyDecimal {
    negative: bool,
    /// ASCII digits, without leading zeros (`"0"` for zero).
    coefficient: String,
    exponent: i64,
}

enum Parsed {
    Finite(PyDecimal),
    NotFinite,
    Invalid,
}

impl PyDecimal {
    fn new(negative: bool, digits: &str, exponent: i64) -> PyDecimal {
        let trimmed = digits.trim_start_matches('0');
        PyDecimal {
            negative,
            coefficient: if trimmed.is_empty() {
                "0".to_string()
            } else {
                trimmed.to_string()
            },
            exponent,
        }
    }

    /// `Decimal(repr(x))`: Python's shortest `repr` of a float, positional for exponents
    /// from -4 to 15 (with a `.0` when integral), scientific otherwise.
    fn from_f64(x: f64) -> PyDecimal {
        let text = format!("{:e}", x.abs());
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let exp10: i64 = exp.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let n = digits.len() as i64;
        let negative = x.is_sign_negative();
        if (-4..16).contains(&exp10) && exp10 >= n - 1 {
            // `100.0`: the digits, the zeros up to the point, one decimal zero.
            let zeros = "0".repeat((exp10 - (n - 1)) as usize + 1);
            PyDecimal::new(negative, &format!("{digits}{zeros}"), -1)
        } else {
            PyDecimal::new(negative, &digits, exp10 - (n - 1))
        }
    }

    fn from_decimal(d: &Decimal) -> PyDecimal {
        PyDecimal::new(
            d.is_sign_negative(),
            &d.mantissa().unsigned_abs().to_string(),
            -i64::from(d.scale()),
        )
    }

    /// The value rust_decimal can hold, if it can.
    fn to_decimal(&self) -> Option<Decimal> {
        let mut coefficient = self.coefficient.clone();
        let mut exponent = self.exponent;
        if coefficient == "0" {
            let scale = (-exponent).clamp(0, MAX_SCALE) as u32;
            let mut zero = Decimal::new(0, scale);
            zero.set_sign_negative(self.negative);
            return Some(zero);
        }
        while exponent < -MAX_SCALE && coefficient.ends_with('0') {
            coefficient.pop();
            exponent += 1;
        }
        if exponent < -MAX_SCALE {
            return None;
        }
        if exponent > 0 {
            if coefficient.len() as i64 + exponent > 29 {
                return None;
            }
            coefficient.push_str(&"0".repeat(exponent as usize));
            exponent = 0;
        }
        if coefficient.len() > 29 {
            return None;
        }
        let mantissa: u128 = coefficient.parse().ok()?;
        if mantissa > MAX_MANTISSA {
            return None;
        }
        let signed = if self.negative {
            -(mantissa as i128)
        } else {
            mantissa as i128
        };
        Decimal::try_from_i128_with_scale(signed, (-exponent) as u32).ok()
    }

    /// Python's `str(Decimal)`.
    fn to_python_string(&self) -> String {
        let coefficient = &self.coefficient;
        let len = coefficient.len() as i64;
        let leftdigits = self.exponent + len;
        let dotplace = if self.exponent <= 0 && leftdigits > -6 {
            leftdigits
        } else {
            1
        };
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        if dotplace <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-dotplace) as usize));
            out.push_str(coefficient);
        } else if dotplace >= len {
            out.push_str(coefficient);
            out.push_str(&"0".repeat((dotplace - len) as usize));
        } else {
            out.push_str(&coefficient[..dotplace as usize]);
            out.push('.');
            out.push_str(&coefficient[dotplace as usize..]);
        }
        if leftdigits != dotplace {
            out.push_str(&format!("E{:+}", leftdigits - dotplace));
        }
        out
    }

    /// What FastAPI's `jsonable_encoder` makes of this `Decimal`: an integer when the
    /// exponent is not negative, else a float.
    fn to_jsonable(&self) -> Value {
        let text = self.to_python_string();
        if self.exponent >= 0 {
            let digits = format!(
                "{}{}{}",
                if self.negative { "-" } else { "" },
                self.coefficient,
                "0".repeat(self.exponent.min(400) as usize)
            );
            if let Ok(i) = digits.parse::<i64>() {
                return Value::from(i);
            }
            if let Ok(u) = digits.parse::<u64>() {
                return Value::from(u);
            }
        }
        text.parse::<f64>()
            .ok()
            .and_then(Number::from_f64)
            .map_or(Value::Null, Value::Number)
    }
}

/// Reads `text` as pydantic reads a string into a `Decimal`.
fn parse_text(text: &str) -> Parsed {
    // Python's `str.strip()`: Unicode whitespace and the separators U+001C..U+001F.
    let trimmed =
        text.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c));
    let cleaned: String;
    let body = if trimmed.contains('_') {
        cleaned = trimmed.replace('_', "");
        cleaned.as_str()
    } else {
        trimmed
    };
    let (negative, unsigned) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let lower = unsigned.to_ascii_lowercase();
    if lower == "inf" || lower == "infinity" {
        return Parsed::NotFinite;
    }
    for nan in ["snan", "nan"] {
        if let Some(payload) = lower.strip_prefix(nan) {
            if payload.bytes().all(|b| b.is_ascii_digit()) {
                return Parsed::NotFinite;
            }
        }
    }
    let bytes = unsigned.as_bytes();
    let mut i = 0;
    let mut digits = String::new();
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        digits.push(bytes[i] as char);
        i += 1;
    }
    let mut fraction = 0i64;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            digits.push(bytes[i] as char);
            fraction += 1;
            i += 1;
        }
    }
    if digits.is_empty() {
        return Parsed::Invalid;
    }
    let mut exponent = 0i64;
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        let exp_negative = match bytes.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            exponent = exponent
                .saturating_mul(10)
                .saturating_add(i64::from(bytes[i] - b'0'));
            i += 1;
        }
        if i == start {
            return Parsed::Invalid;
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if i != bytes.len() {
        return Parsed::Invalid;
    }
    Parsed::Finite(PyDecimal::new(
        negative,
        &digits,
        exponent.saturating_sub(fraction),
    ))
}

fn parsing_error(v: &mut Validator, input: Value) {
    v.error(
        "decimal_parsing",
        "Input should be a valid decimal",
        input,
        None,
    );
}

fn from_parsed(
    parsed: Parsed,
    input: impl FnOnce() -> Value,
    v: &mut Validator,
) -> Option<Decimal> {
    match parsed {
        Parsed::Finite(py) => match py.to_decimal() {
            Some(d) => Some(d),
            None => {
                parsing_error(v, input());
                None
            }
        },
        Parsed::NotFinite => {
            v.error(
                "finite_number",
                "Input should be a finite number",
                input(),
                None,
            );
            None
        }
        Parsed::Invalid => {
            parsing_error(v, input());
            None
        }
    }
}

/// A bound (`gt`, `multiple_of`…) as pydantic holds it on a `Decimal` field.
struct Bound {
    /// The bound, when rust_decimal can hold it.
    exact: Option<Decimal>,
    /// The bound as a float, to compare with when it cannot.
    approx: f64,
    /// `str(Decimal(bound))`.
    shown: String,
    /// The `ctx` value FastAPI writes.
    ctx: Value,
}

impl Bound {
    fn new(n: &Number) -> Bound {
        let py = if let Some(i) = n.as_i64() {
            PyDecimal::new(i < 0, &i.unsigned_abs().to_string(), 0)
        } else if let Some(u) = n.as_u64() {
            PyDecimal::new(false, &u.to_string(), 0)
        } else {
            PyDecimal::from_f64(n.as_f64().unwrap_or(0.0))
        };
        Bound {
            exact: py.to_decimal(),
            approx: n.as_f64().unwrap_or(0.0),
            shown: py.to_python_string(),
            ctx: py.to_jsonable(),
        }
    }

    /// `value` compared with the bound.
    fn cmp(&self, value: &Decimal) -> Option<std::cmp::Ordering> {
        match &self.exact {
            Some(bound) => Some(value.cmp(bound)),
            None => to_f64(value).partial_cmp(&self.approx),
        }
    }
}

fn to_f64(d: &Decimal) -> f64 {
    d.to_string().parse().unwrap_or(f64::NAN)
}

/// Digits in total and digits after the point of `d` normalised, as pydantic-core counts
/// them.
fn digits_and_decimals(d: &Decimal) -> (u64, u64) {
    let normal = d.normalize();
    let mantissa = normal.mantissa().unsigned_abs();
    let len = if mantissa == 0 {
        1
    } else {
        mantissa.to_string().len() as u64
    };
    let decimals = u64::from(normal.scale());
    (len.max(decimals), decimals)
}

fn plural(n: impl Into<u64>) -> &'static str {
    if n.into() == 1 {
        ""
    } else {
        "s"
    }
}

/// Checks the constraints on a validated decimal in pydantic-core's order, recording at most
/// one error.
fn check(
    value: &Decimal,
    c: &Constraints,
    input: impl FnOnce() -> Value,
    v: &mut Validator,
) -> bool {
    if c.max_digits.is_some() || c.decimal_places.is_some() {
        let (digits, decimals) = digits_and_decimals(value);
        if let Some(max) = c.max_digits {
            if digits > u64::from(max) {
                v.error(
                    "decimal_max_digits",
                    format!(
                        "Decimal input should have no more than {max} digit{} in total",
                        plural(max)
                    ),
                    input(),
                    ctx([("max_digits", Value::from(max))]),
                );
                return false;
            }
        }
        if let Some(places) = c.decimal_places {
            if decimals > u64::from(places) {
                v.error(
                    "decimal_max_places",
                    format!(
                        "Decimal input should have no more than {places} decimal place{}",
                        plural(places)
                    ),
                    input(),
                    ctx([("decimal_places", Value::from(places))]),
                );
                return false;
            }
            if let Some(max) = c.max_digits {
                let whole = max.saturating_sub(places);
                if digits.saturating_sub(decimals) > u64::from(whole) {
                    v.error(
                        "decimal_whole_digits",
                        format!(
                            "Decimal input should have no more than {whole} digit{} before the \
                             decimal point",
                            plural(whole)
                        ),
                        input(),
                        ctx([("whole_digits", Value::from(whole))]),
                    );
                    return false;
                }
            }
        }
    }
    if let Some(step) = &c.multiple_of {
        let step = Bound::new(step);
        let multiple = match &step.exact {
            Some(s) if !s.is_zero() => value.checked_rem(*s).is_none_or(|r| r.is_zero()),
            Some(_) => true,
            None => true,
        };
        if !multiple {
            v.error(
                "multiple_of",
                format!("Input should be a multiple of {}", step.shown),
                input(),
                ctx([("multiple_of", step.ctx)]),
            );
            return false;
        }
    }
    use std::cmp::Ordering::{Equal, Greater, Less};
    /// A bound, its error type, its `ctx` key, the message's words, the orderings that hold.
    type Check<'a> = (
        &'a Option<Number>,
        &'static str,
        &'static str,
        &'static str,
        &'static [std::cmp::Ordering],
    );
    let checks: [Check<'_>; 4] = [
        (
            &c.le,
            "less_than_equal",
            "le",
            "less than or equal to",
            &[Less, Equal],
        ),
        (&c.lt, "less_than", "lt", "less than", &[Less]),
        (
            &c.ge,
            "greater_than_equal",
            "ge",
            "greater than or equal to",
            &[Greater, Equal],
        ),
        (&c.gt, "greater_than", "gt", "greater than", &[Greater]),
    ];
    for (bound, kind, key, words, holds) in checks {
        let Some(bound) = bound else { continue };
        let bound = Bound::new(bound);
        if !bound.cmp(value).is_some_and(|o| holds.contains(&o)) {
            v.error(
                kind,
                format!("Input should be {words} {}", bound.shown),
                input(),
                ctx([(key, bound.ctx)]),
            );
            return false;
        }
    }
    true
}

#[diagnostic::do_not_recommend]
impl Validate for Decimal {
    const KIND: ConstraintKind = ConstraintKind::Decimal;

    /// The value as a float: [`Constraints::check`] compares bounds approximately and does not
    /// see `max_digits` / `decimal_places`; a field or parameter checks them exactly through
    /// `validate_constrained`.
    fn target(&self) -> ConstraintTarget<'_> {
        ConstraintTarget::Float(to_f64(self))
    }

    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"anyOf": [
            {"type": "number"},
            {"type": "string", "pattern": decimal_pattern(None, None)}
        ]})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Decimal> {
        match input {
            Value::String(text) => from_parsed(parse_text(text), || input.clone(), v),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Some(Decimal::from(i))
                } else if let Some(u) = n.as_u64() {
                    Some(Decimal::from(u))
                } else {
                    let py = PyDecimal::from_f64(n.as_f64().unwrap_or(0.0));
                    from_parsed(Parsed::Finite(py), || input.clone(), v)
                }
            }
            _ => {
                v.error(
                    "decimal_type",
                    "Decimal input should be an integer, float, string or Decimal object",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Decimal> {
        from_parsed(parse_text(input), || text_input(input), v)
    }

    fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Decimal> {
        let value = Decimal::validate(input, v)?;
        check(&value, c, || input.clone(), v).then_some(value)
    }

    fn validate_str_constrained(
        input: &str,
        c: &Constraints,
        v: &mut Validator,
    ) -> Option<Decimal> {
        let value = Decimal::validate_str(input, v)?;
        check(&value, c, || text_input(input), v).then_some(value)
    }
}

/// Python's `str(Decimal)` of `d`: what pydantic writes for a `Decimal` in JSON mode
/// (`"1.50"`, `"1E-7"`, `"0.00000"`, `"-0"`).
pub fn to_python_string(d: &Decimal) -> String {
    PyDecimal::from_decimal(d).to_python_string()
}

/// What FastAPI's `jsonable_encoder` makes of `d` (a handler returning a plain dict with a
/// `Decimal` in it): a JSON integer when `d` has no decimal places, else a float (`1.50` is
/// `1.5`). An integer beyond `u64` is written as a float (Python writes every digit;
/// `serde_json` numbers stop at 64 bits).
pub fn to_jsonable(d: &Decimal) -> Value {
    PyDecimal::from_decimal(d).to_jsonable()
}

/// `#[serde(with = "ferrapi::types::decimal::as_python_str")]`: a `Decimal` written as
/// pydantic writes it in JSON mode ([`to_python_string`]) and read from a string or a number.
pub mod as_python_str {
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `d` as Python's `str(Decimal)`.
    pub fn serialize<S: Serializer>(d: &Decimal, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::to_python_string(d))
    }

    /// Reads a decimal from a string (`"1E-7"` included) or a JSON number.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let mut v = crate::validation::Validator::new();
        <Decimal as crate::validation::Validate>::validate(&value, &mut v)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid decimal: {value}")))
    }

    /// The same for an `Option<Decimal>` (`None` is `null`).
    pub mod option {
        use rust_decimal::Decimal;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `Some(d)` as Python's `str(Decimal)`, `None` as `null`.
        pub fn serialize<S: Serializer>(
            d: &Option<Decimal>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => super::serialize(d, serializer),
                None => serializer.serialize_none(),
            }
        }

        /// Reads `null` or a decimal.
        pub fn deserialize<'de, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<Decimal>, D::Error> {
            let value = Option::<serde_json::Value>::deserialize(deserializer)?;
            match value {
                None | Some(serde_json::Value::Null) => Ok(None),
                Some(value) => {
                    let mut v = crate::validation::Validator::new();
                    <Decimal as crate::validation::Validate>::validate(&value, &mut v)
                        .map(Some)
                        .ok_or_else(|| {
                            serde::de::Error::custom(format!("invalid decimal: {value}"))
                        })
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn py(text: &str) -> String {
        match parse_text(text) {
            Parsed::Finite(d) => d.to_python_string(),
            Parsed::NotFinite => "not finite".into(),
            Parsed::Invalid => "invalid".into(),
        }
    }

    #[test]
    fn strings_read_and_print_as_python() {
        for (text, shown) in [
            ("1.50", "1.50"),
            (" 1.5 ", "1.5"),
            ("1e3", "1E+3"),
            ("1_000", "1000"),
            ("_1", "1"),
            ("+5", "5"),
            ("-0", "-0"),
            ("-0.0", "-0.0"),
            ("1.", "1"),
            (".5", "0.5"),
            ("1e-30", "1E-30"),
            ("0E-5", "0.00000"),
            ("0.1e1", "1"),
            ("0.1e+2", "1E+1"),
            ("00012.300", "12.300"),
            ("1e-7", "1E-7"),
            ("0.000001", "0.000001"),
            ("NaN", "not finite"),
            ("-Infinity", "not finite"),
            ("sNaN12", "not finite"),
            ("", "invalid"),
            ("_", "invalid"),
            ("1e", "invalid"),
            ("+.e1", "invalid"),
            ("1 0", "invalid"),
            ("0x10", "invalid"),
            ("\u{1c}7\u{1f}", "7"),
            ("\u{200b}7", "invalid"),
        ] {
            assert_eq!(py(text), shown, "{text:?}");
        }
    }

    #[test]
    fn floats_are_decimal_of_repr() {
        for (x, shown) in [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100.0"),
            (1e20, "1E+20"),
            (1e-7, "1E-7"),
            (1e15, "1000000000000000.0"),
            (1e16, "1E+16"),
            (0.0001, "0.0001"),
            (0.00001, "0.00001"),
            (-0.0, "-0.0"),
            (123456.789, "123456.789"),
        ] {
            assert_eq!(PyDecimal::from_f64(x).to_python_string(), shown, "{x}");
        }
    }
}
