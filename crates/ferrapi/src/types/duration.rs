//! `chrono::TimeDelta` as pydantic's `timedelta` (feature `chrono`, on by default).
//!
//! The accepted forms and the errors are listed in [`super::datetime`]'s documentation
//! ("Durations"); the schema is `{"type": "string", "format": "duration"}`. chrono has no
//! `Serialize` for `TimeDelta`: write it with
//! `#[serde(with = "ferrapi::types::datetime::pydantic")]`, which gives pydantic's ISO 8601.

use chrono::TimeDelta;
use serde_json::{json, Value};

use super::datetime::{parse_error, Input, Number};
use super::datetime_parse::{Duration, ParseError};
use crate::validation::{SchemaGenerator, Validate, Validator};

fn time_delta(d: Duration) -> Option<TimeDelta> {
    let magnitude = TimeDelta::new(
        i64::from(d.day) * 86_400 + i64::from(d.second),
        d.microsecond * 1_000,
    )?;
    Some(if d.positive { magnitude } else { -magnitude })
}

/// pydantic's lax `timedelta`.
fn validate(input: Input<'_>, v: &mut Validator) -> Option<TimeDelta> {
    let parsed = match input {
        Input::Text(text) => Duration::parse(text.as_bytes()),
        Input::Json(Value::String(text)) => Duration::parse(text.as_bytes()),
        // A Python `bool` is an `int`: `true` is one second.
        Input::Json(Value::Bool(b)) => Duration::from_int(i64::from(*b)),
        Input::Json(value) => match Number::of(value) {
            Some(Number::Int(int)) => Duration::from_int(int),
            Some(Number::BigInt) => Err(ParseError::DurationDaysTooLarge),
            Some(Number::Float(float)) => Duration::from_float(float),
            None => {
                v.error(
                    "time_delta_type",
                    "Input should be a valid timedelta",
                    input.echo(),
                    None,
                );
                return None;
            }
        },
    };
    match parsed {
        Ok(d) => time_delta(d),
        Err(error) => {
            parse_error(
                v,
                "time_delta_parsing",
                "Input should be a valid timedelta",
                error,
                input,
            );
            None
        }
    }
}

#[diagnostic::do_not_recommend]
impl Validate for TimeDelta {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "duration"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<TimeDelta> {
        validate(Input::Json(input), v)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<TimeDelta> {
        validate(Input::Text(input), v)
    }
}
