//! chrono's dates, times and datetimes as pydantic's `datetime`, `date` and `time` (feature
//! `chrono`, on by default), and [`pydantic`], the serde `with` module that writes them (and
//! [`chrono::TimeDelta`]) exactly as pydantic's JSON mode does.
//!
//! | pydantic                     | Rust                        | Schema `format` |
//! |------------------------------|-----------------------------|-----------------|
//! | `AwareDatetime`              | `DateTime<FixedOffset>`     | `date-time`     |
//! | `AwareDatetime`, then UTC    | `DateTime<Utc>`             | `date-time`     |
//! | `NaiveDatetime`              | `NaiveDateTime`             | `date-time`     |
//! | `date`                       | `NaiveDate`                 | `date`          |
//! | `time` (naive: `tz_constraint="naive"`) | `NaiveTime`      | `time`          |
//! | `timedelta`                  | `TimeDelta`                 | `duration`      |
//!
//! Every schema is `{"type": "string", "format": …}`, as pydantic writes it.
//!
//! # What is reproduced
//!
//! The inputs pydantic 2.13 (pydantic-core 2.46, speedate 0.17) accepts in lax mode, the mode
//! FastAPI validates parameters and bodies in, with its errors' `type`, `msg`, `input` and
//! `ctx` (`ctx.error` is speedate's reason, the end of the message):
//!
//! * **Texts** (parameters, form fields, JSON strings): `YYYY-MM-DD`, a separator (`T`, `t`,
//!   `_` or a space), `HH:MM`, optionally `:SS` and a fraction after `.` or `,` (digits beyond
//!   the sixth are dropped, not rounded), then `Z`, `z`, `±HH:MM`, `±HHMM` (the sign may be
//!   U+2212 `−`) or nothing; offsets below 24 hours. Nothing is trimmed; leap seconds (`:60`)
//!   are refused. A datetime may also be a bare date (midnight, naive) or a number written as
//!   text (`"1577836800"`, `"1577836800.5"`, `"1.5e3"`): a Unix timestamp.
//! * **Timestamps** (JSON numbers and numeric texts): seconds when their magnitude is at most
//!   2×10¹⁰, else milliseconds; fractional parts kept to the microsecond (rounded); UTC;
//!   within years 0000–9999 (`dates before 0000…`/`dates after 9999 are not supported as unix
//!   timestamps`). pydantic's quirks are kept: a float above the watershed whose integer part is
//!   not (`20000000000.5`) is read as seconds, as pydantic reads it.
//! * **Errors of a datetime**: a text that is neither a datetime nor a date is
//!   `datetime_from_date_parsing`, whose reason is the *date* parser's (`"2020-01-01T25:00"`
//!   gives `unexpected extra characters at the end of the input`, as in pydantic); a number out
//!   of range is `datetime_parsing`; year 0 is `datetime_parsing` (`year 0 is out of range`);
//!   `true`, `null`, lists and objects are `datetime_type`.
//! * **Dates** accept `YYYY-MM-DD`, and any datetime (text or timestamp) whose time is exactly
//!   midnight, whatever its offset; otherwise `date_from_datetime_inexact`. A text that is not a
//!   datetime either is `date_from_datetime_parsing` with the *datetime* parser's reason; year 0
//!   is `date_parsing`; non-numbers `date_type`.
//! * **Times** accept `HH:MM[:SS[.ffffff]]` and an offset (texts only, no numeric texts:
//!   `time_parsing`), and numbers of seconds since midnight (below 86400, `time in seconds should
//!   be positive` under 0), which pydantic makes UTC; `time_type` otherwise.
//! * **Durations** ([`TimeDelta`](chrono::TimeDelta)): ISO 8601 (`P1Y2M3W4DT5H6M7.5S`, a
//!   year being 365 days and a month 30, one fractional quantity, last), `[±]HH:MM[:SS[.f]]`
//!   with any number of hours, `N day[s][,] [HH:MM:SS]`, a leading `-` or `+`; numbers of
//!   seconds (`true` is one second, as in Python); up to 999,999,999 days; errors are
//!   `time_delta_parsing` with speedate's reasons, or `time_delta_type`.
//! * `NaN` is `… NaN values not permitted` for every type (only a Python caller can send one).
//! * `tests/types_datetime.rs` replays 317 inputs recorded from pydantic through all six types
//!   (texts both as parameters and as JSON strings: 3,460 checks); the integration test
//!   `tests/tests/types_datetime.rs` compares every position with FastAPI's answers, byte for
//!   byte.
//!
//! # Choices where pydantic has no such type
//!
//! * `DateTime<FixedOffset>` is pydantic's `AwareDatetime`: a naive input (`"2020-01-01T12:00"`,
//!   a bare date) is `timezone_aware` (`Input should have timezone info`). Timestamps are UTC.
//! * `DateTime<Utc>` is the same, converted to UTC: `"12:00:00+01:00"` is `11:00:00Z`. Naive
//!   inputs are `timezone_aware`, not assumed UTC.
//! * `NaiveDateTime` is pydantic's `NaiveDatetime`: an input with an offset, and any timestamp
//!   (pydantic makes them UTC), is `timezone_naive` (`Input should not have timezone info`).
//! * `NaiveTime` is pydantic's `time` with `tz_constraint="naive"`: an offset, or a number (UTC
//!   in pydantic), is `timezone_naive`. chrono has no time of day with an offset; pydantic's
//!   plain `time` (which keeps one) has no counterpart.
//! * pydantic's plain `datetime` keeps whichever it gets; a Rust field is one or the other, so
//!   there is no exact counterpart: pick `DateTime<FixedOffset>` or `NaiveDateTime`.
//!
//! # What differs
//!
//! * Constraints (`gt`, `ge`, `lt`, `le` on dates, pydantic's `PastDate`, `FutureDatetime`…)
//!   are not supported: these types take no [`Constraints`](crate::validation::Constraints).
//! * `DateTime<Utc>` accepts an aware datetime whose UTC value falls in year 0
//!   (`"0001-01-01T00:00:00+01:00"` is `0000-12-31T23:00:00Z`); Python's `datetime` cannot hold
//!   it, so a FastAPI app converting to UTC fails there (a 500).
//! * JSON numbers beyond `u64` reach validation as floats (see [`crate::validation`]), so their
//!   `input` is echoed as a float where pydantic echoes the integer; the error is the same.
//!
//! # Serialising: chrono's serde output and pydantic's
//!
//! A path operation's answer is serialised with the type's `Serialize`. chrono's writes what
//! pydantic writes except in these cases, and [`pydantic`] (`#[serde(with = …)]`) writes
//! pydantic's in every case:
//!
//! * **Fractions of a second**: chrono writes the fewest of 3, 6 or 9 digits
//!   (`12:00:00.500`), pydantic always 6 when there is a fraction (`12:00:00.500000`). The
//!   values differ whenever the microseconds are a non-zero multiple of 1000: any `.5`, any
//!   millisecond timestamp. Nanoseconds (not produced by validation) are truncated to
//!   microseconds by [`pydantic`], written by chrono.
//! * **`TimeDelta`** has no `Serialize` in chrono at all: [`pydantic`] writes ISO 8601 as
//!   pydantic does (`P1DT1H1M1.000005S`, `-PT22H58M59S`, `PT0S`, days beyond 365 as years:
//!   `P1Y`).
//! * UTC (`DateTime<Utc>`, or a zero offset) is `Z` in both; other offsets `+HH:MM` in both;
//!   `NaiveDate` is identical.
//! * FastAPI serialises a dict returned without a response model with its `jsonable_encoder`,
//!   not pydantic: `isoformat()` (UTC as `+00:00`, not `Z`) and a `timedelta` as float
//!   seconds (`90061.000005`). Neither chrono nor [`pydantic`] writes that; return a model (as
//!   FastAPI's `response_model` does) to get pydantic's output.
//! * Outside years 0–9999 (not produced by validation; pydantic cannot hold them) [`pydantic`]
//!   writes chrono's signed years (`+10000-01-01`).
//!
//! ```
//! use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
//! use ferrapi::types::datetime::pydantic;
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! struct Event {
//!     #[serde(with = "pydantic")]
//!     at: DateTime<Utc>,
//!     #[serde(with = "pydantic")]
//!     lasts: TimeDelta,
//!     #[serde(with = "pydantic::option")]
//!     reminder: Option<NaiveTime>,
//! }
//!
//! let event = Event {
//!     at: "2020-01-01T12:00:00.5Z".parse().unwrap(),
//!     lasts: TimeDelta::seconds(90061) + TimeDelta::microseconds(5),
//!     reminder: Some(NaiveTime::from_hms_milli_opt(9, 30, 0, 250).unwrap()),
//! };
//! assert_eq!(
//!     serde_json::to_string(&event).unwrap(),
//!     r#"{"at":"2020-01-01T12:00:00.500000Z","lasts":"P1DT1H1M1.000005S","reminder":"09:30:00.250000"}"#
//! );
//! // Outside a struct: `pydantic::Json(&value)` serialises (and displays) one value.
//! assert_eq!(pydantic::Json(&event.at).to_string(), "2020-01-01T12:00:00.500000Z");
//! ```

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde_json::{json, Value};

use super::datetime_parse::{self as parse, ParseError};
use crate::validation::{ctx, SchemaGenerator, Validate, Validator};

/// Where a value comes from: a text parameter, or a JSON value (echoed as it is).
#[derive(Clone, Copy)]
pub(crate) enum Input<'a> {
    Text(&'a str),
    Json(&'a Value),
}

impl Input<'_> {
    /// The `input` an error echoes.
    pub(crate) fn echo(self) -> Value {
        match self {
            Input::Text(text) => Value::String(text.to_string()),
            Input::Json(value) => value.clone(),
        }
    }
}

/// A JSON number as pydantic sees it (a Python `int` or `float`), or something else.
pub(crate) enum Number {
    Int(i64),
    /// An integer beyond `i64` (a Python `int` too big for pydantic-core's `i64`).
    BigInt,
    Float(f64),
}

impl Number {
    pub(crate) fn of(value: &Value) -> Option<Number> {
        let Value::Number(n) = value else { return None };
        Some(if let Some(i) = n.as_i64() {
            Number::Int(i)
        } else if n.is_u64() {
            Number::BigInt
        } else {
            Number::Float(n.as_f64().unwrap_or(f64::NAN))
        })
    }
}

/// Records `{kind}` with `"{prefix}, {reason}"` and `ctx.error`.
pub(crate) fn parse_error(
    v: &mut Validator,
    kind: &'static str,
    prefix: &str,
    error: ParseError,
    input: Input<'_>,
) {
    let reason = error.message();
    v.error(
        kind,
        format!("{prefix}, {reason}"),
        input.echo(),
        ctx([("error", Value::String(reason.to_string()))]),
    );
}

/// How a datetime failed: pydantic's error type and speedate's reason.
enum DtError {
    Type,
    Parsing(ParseError),
    FromDateParsing(ParseError),
}

/// pydantic's lax `datetime`, before its timezone constraint.
fn lax_datetime(input: Input<'_>) -> Result<parse::DateTime, DtError> {
    let text = match input {
        Input::Text(text) => text,
        Input::Json(Value::String(text)) => text,
        Input::Json(value) => {
            return match Number::of(value) {
                Some(Number::Int(int)) => parse::DateTime::from_timestamp(int, 0),
                Some(Number::BigInt) => Err(ParseError::DateTooLarge),
                Some(Number::Float(float)) => parse::DateTime::from_float(float),
                None => return Err(DtError::Type),
            }
            .map_err(DtError::Parsing);
        }
    };
    parse::DateTime::parse_lax(text.as_bytes()).map_err(DtError::FromDateParsing)
}

/// Validates pydantic's `datetime` with a timezone constraint (`Some(true)` aware, `Some(false)`
/// naive) and converts it.
fn validate_datetime<T>(
    input: Input<'_>,
    aware: bool,
    v: &mut Validator,
    convert: impl FnOnce(parse::DateTime) -> Option<T>,
) -> Option<T> {
    let dt = match lax_datetime(input) {
        Ok(dt) => dt,
        Err(DtError::Type) => {
            v.error(
                "datetime_type",
                "Input should be a valid datetime",
                input.echo(),
                None,
            );
            return None;
        }
        Err(DtError::Parsing(error)) => {
            parse_error(
                v,
                "datetime_parsing",
                "Input should be a valid datetime",
                error,
                input,
            );
            return None;
        }
        Err(DtError::FromDateParsing(error)) => {
            parse_error(
                v,
                "datetime_from_date_parsing",
                "Input should be a valid datetime or date",
                error,
                input,
            );
            return None;
        }
    };
    match (aware, dt.time.tz_offset.is_some()) {
        (true, false) => {
            v.error(
                "timezone_aware",
                "Input should have timezone info",
                input.echo(),
                None,
            );
            return None;
        }
        (false, true) => {
            v.error(
                "timezone_naive",
                "Input should not have timezone info",
                input.echo(),
                None,
            );
            return None;
        }
        _ => {}
    }
    if dt.date.year == 0 {
        parse_error(
            v,
            "datetime_parsing",
            "Input should be a valid datetime",
            ParseError::YearZero,
            input,
        );
        return None;
    }
    convert(dt)
}

fn naive_date(date: parse::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
}

fn naive_time(time: parse::Time) -> Option<NaiveTime> {
    NaiveTime::from_hms_micro_opt(
        time.hour.into(),
        time.minute.into(),
        time.second.into(),
        time.microsecond,
    )
}

fn naive_datetime(dt: parse::DateTime) -> Option<NaiveDateTime> {
    Some(naive_date(dt.date)?.and_time(naive_time(dt.time)?))
}

fn aware_datetime(dt: parse::DateTime) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(dt.time.tz_offset?)?;
    naive_datetime(dt)?.and_local_timezone(offset).single()
}

fn date_time_schema() -> Value {
    json!({"type": "string", "format": "date-time"})
}

#[diagnostic::do_not_recommend]
impl Validate for DateTime<FixedOffset> {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        date_time_schema()
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Json(input), true, v, aware_datetime)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Text(input), true, v, aware_datetime)
    }
}

fn utc_datetime(dt: parse::DateTime) -> Option<DateTime<Utc>> {
    Some(aware_datetime(dt)?.with_timezone(&Utc))
}

#[diagnostic::do_not_recommend]
impl Validate for DateTime<Utc> {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        date_time_schema()
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Json(input), true, v, utc_datetime)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Text(input), true, v, utc_datetime)
    }
}

#[diagnostic::do_not_recommend]
impl Validate for NaiveDateTime {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        date_time_schema()
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Json(input), false, v, naive_datetime)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        validate_datetime(Input::Text(input), false, v, naive_datetime)
    }
}

/// pydantic's lax `date`.
fn validate_date(input: Input<'_>, v: &mut Validator) -> Option<NaiveDate> {
    let parsed = match input {
        Input::Text(text) => date_from_text(text),
        Input::Json(Value::String(text)) => date_from_text(text),
        Input::Json(value) => match Number::of(value) {
            Some(Number::Int(int)) => exact_date(parse::DateTime::from_timestamp(int, 0)),
            Some(Number::BigInt) => exact_date(Err(ParseError::DateTooLarge)),
            Some(Number::Float(float)) => exact_date(parse::DateTime::from_float(float)),
            None => {
                v.error(
                    "date_type",
                    "Input should be a valid date",
                    input.echo(),
                    None,
                );
                return None;
            }
        },
    };
    match parsed {
        Ok(date) if date.year == 0 => {
            parse_error(
                v,
                "date_parsing",
                "Input should be a valid date in the format YYYY-MM-DD",
                ParseError::YearZero,
                input,
            );
            None
        }
        Ok(date) => naive_date(date),
        Err(None) => {
            v.error(
                "date_from_datetime_inexact",
                "Datetimes provided to dates should have zero time - e.g. be exact dates",
                input.echo(),
                None,
            );
            None
        }
        Err(Some(error)) => {
            parse_error(
                v,
                "date_from_datetime_parsing",
                "Input should be a valid date or datetime",
                error,
                input,
            );
            None
        }
    }
}

/// A date from a text: `YYYY-MM-DD`, else a datetime at exactly midnight. `Err(None)` is a
/// datetime that is not midnight, `Err(Some(_))` the datetime parser's reason.
fn date_from_text(text: &str) -> Result<parse::Date, Option<ParseError>> {
    match parse::Date::parse(text.as_bytes()) {
        Ok(date) => Ok(date),
        Err(_) => exact_date(parse::DateTime::parse(text.as_bytes())),
    }
}

fn exact_date(dt: Result<parse::DateTime, ParseError>) -> Result<parse::Date, Option<ParseError>> {
    match dt {
        Ok(dt) if dt.time.is_midnight() => Ok(dt.date),
        Ok(_) => Err(None),
        Err(error) => Err(Some(error)),
    }
}

#[diagnostic::do_not_recommend]
impl Validate for NaiveDate {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "date"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        validate_date(Input::Json(input), v)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        validate_date(Input::Text(input), v)
    }
}

/// pydantic's lax `time` with `tz_constraint="naive"`.
fn validate_time(input: Input<'_>, v: &mut Validator) -> Option<NaiveTime> {
    let parsed = match input {
        Input::Text(text) => parse::Time::parse(text.as_bytes()),
        Input::Json(Value::String(text)) => parse::Time::parse(text.as_bytes()),
        Input::Json(value) => match Number::of(value) {
            Some(Number::Int(int)) => parse::Time::from_int(int),
            Some(Number::BigInt) => Err(ParseError::TimeTooLarge),
            Some(Number::Float(float)) => parse::Time::from_float(float),
            None => {
                v.error(
                    "time_type",
                    "Input should be a valid time",
                    input.echo(),
                    None,
                );
                return None;
            }
        },
    };
    match parsed {
        Ok(time) if time.tz_offset.is_some() => {
            v.error(
                "timezone_naive",
                "Input should not have timezone info",
                input.echo(),
                None,
            );
            None
        }
        Ok(time) => naive_time(time),
        Err(error) => {
            parse_error(
                v,
                "time_parsing",
                "Input should be in a valid time format",
                error,
                input,
            );
            None
        }
    }
}

#[diagnostic::do_not_recommend]
impl Validate for NaiveTime {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "time"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        validate_time(Input::Json(input), v)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        validate_time(Input::Text(input), v)
    }
}

/// The serde `with` module that writes chrono's values as pydantic's JSON mode writes
/// `datetime`, `date`, `time` and `timedelta` (see the [module documentation](super) for where
/// chrono's own output differs): `#[serde(with = "ferrapi::types::datetime::pydantic")]` on a
/// field of any type implementing [`PydanticJson`](pydantic::PydanticJson), `pydantic::option`
/// on an `Option` of one, `pydantic::vec` on a `Vec`.
///
/// Deserialising (when the struct also derives `Deserialize`) validates the value as the
/// type's [`Validate`] does, numbers included, and fails with pydantic's message.
pub mod pydantic {
    use std::fmt::{self, Write};

    use chrono::{
        DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
        TimeZone, Timelike,
    };
    use serde::de::{Deserialize, Deserializer, Error as _};
    use serde::ser::{Serialize, Serializer};

    use crate::validation::{Validate, Validator};

    mod sealed {
        pub trait Sealed {}
    }

    /// A chrono type pydantic has a counterpart of: `DateTime<Utc>`, `DateTime<FixedOffset>`,
    /// `NaiveDateTime`, `NaiveDate`, `NaiveTime` and `TimeDelta`. Sealed.
    pub trait PydanticJson: sealed::Sealed {
        /// Writes the value as pydantic's JSON mode writes it (without the quotes).
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    }

    fn write_year(f: &mut fmt::Formatter<'_>, year: i32) -> fmt::Result {
        if (0..=9999).contains(&year) {
            write!(f, "{year:04}")
        } else {
            write!(f, "{year:+05}")
        }
    }

    fn write_date(f: &mut fmt::Formatter<'_>, date: &NaiveDate) -> fmt::Result {
        write_year(f, date.year())?;
        write!(f, "-{:02}-{:02}", date.month(), date.day())
    }

    fn write_time(f: &mut fmt::Formatter<'_>, time: &NaiveTime) -> fmt::Result {
        // A leap second (nanoseconds beyond 10⁹) is written `:60`, as chrono writes it.
        let nanos = time.nanosecond();
        let second = time.second() + nanos / 1_000_000_000;
        write!(f, "{:02}:{:02}:{:02}", time.hour(), time.minute(), second)?;
        let micros = nanos % 1_000_000_000 / 1_000;
        if micros != 0 {
            write!(f, ".{micros:06}")?;
        }
        Ok(())
    }

    fn write_offset(f: &mut fmt::Formatter<'_>, offset: FixedOffset) -> fmt::Result {
        let seconds = offset.local_minus_utc();
        if seconds == 0 {
            return f.write_char('Z');
        }
        let sign = if seconds < 0 { '-' } else { '+' };
        let abs = seconds.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
        if abs % 60 != 0 {
            write!(f, ":{:02}", abs % 60)?;
        }
        Ok(())
    }

    impl sealed::Sealed for NaiveDate {}
    impl PydanticJson for NaiveDate {
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_date(f, self)
        }
    }

    impl sealed::Sealed for NaiveTime {}
    impl PydanticJson for NaiveTime {
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_time(f, self)
        }
    }

    impl sealed::Sealed for NaiveDateTime {}
    impl PydanticJson for NaiveDateTime {
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write_date(f, &self.date())?;
            f.write_char('T')?;
            write_time(f, &self.time())
        }
    }

    impl<Tz: TimeZone> sealed::Sealed for DateTime<Tz> {}
    impl<Tz: TimeZone> PydanticJson for DateTime<Tz> {
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.naive_local().fmt_pydantic(f)?;
            write_offset(f, self.offset().fix())
        }
    }

    impl sealed::Sealed for TimeDelta {}
    impl PydanticJson for TimeDelta {
        fn fmt_pydantic(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            // Sign and magnitude in microseconds (nanoseconds truncated towards zero).
            let micros = i128::from(self.num_seconds()) * 1_000_000
                + i128::from(self.subsec_nanos() / 1_000);
            if micros < 0 {
                f.write_char('-')?;
            }
            let micros = micros.unsigned_abs();
            let day = micros / 86_400_000_000;
            let second = micros / 1_000_000 % 86_400;
            let micro = micros % 1_000_000;
            f.write_char('P')?;
            if day != 0 {
                if day / 365 != 0 {
                    write!(f, "{}Y", day / 365)?;
                }
                if day % 365 != 0 {
                    write!(f, "{}D", day % 365)?;
                }
            }
            if second != 0 || micro != 0 {
                f.write_char('T')?;
                let (hour, minute, sec) = (second / 3600, second % 3600 / 60, second % 60);
                if hour != 0 {
                    write!(f, "{hour}H")?;
                }
                if minute != 0 {
                    write!(f, "{minute}M")?;
                }
                if sec != 0 || micro != 0 {
                    write!(f, "{sec}")?;
                    if micro != 0 {
                        let digits = format!("{micro:06}");
                        write!(f, ".{}", digits.trim_end_matches('0'))?;
                    }
                    f.write_char('S')?;
                }
            }
            if day == 0 && second == 0 && micro == 0 {
                f.write_str("T0S")?;
            }
            Ok(())
        }
    }

    /// One value, displayed and serialised as pydantic writes it:
    /// `serde_json::json!({"at": pydantic::Json(&at)})`.
    #[derive(Clone, Copy, Debug)]
    pub struct Json<'a, T: ?Sized>(pub &'a T);

    impl<T: PydanticJson + ?Sized> fmt::Display for Json<'_, T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.fmt_pydantic(f)
        }
    }

    impl<T: PydanticJson + ?Sized> Serialize for Json<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    /// Serialises `value` as pydantic does (for `#[serde(with = …)]`).
    pub fn serialize<T: PydanticJson, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&Json(value))
    }

    /// Deserialises any JSON value pydantic would accept for the type (for
    /// `#[serde(with = …)]`), with the type's [`Validate`] rules.
    pub fn deserialize<'de, T: PydanticJson + Validate, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let mut v = Validator::new();
        match T::validate(&value, &mut v) {
            Some(value) => Ok(value),
            None => Err(D::Error::custom(
                v.into_errors()
                    .first()
                    .map_or_else(|| "invalid value".to_string(), |e| e.msg.clone()),
            )),
        }
    }

    /// The same for a `Vec` (a JSON array):
    /// `#[serde(with = "ferrapi::types::datetime::pydantic::vec")]`.
    pub mod vec {
        use serde::de::{Deserialize, Deserializer, Error as _};
        use serde::ser::Serializer;

        use super::{Json, PydanticJson};
        use crate::validation::{Validate, Validator};

        /// Serialises each value as pydantic does.
        pub fn serialize<T: PydanticJson, S: Serializer>(
            values: &[T],
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            serializer.collect_seq(values.iter().map(Json))
        }

        /// Deserialises an array as `Vec<T>`'s [`Validate`] does.
        pub fn deserialize<'de, T: PydanticJson + Validate, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Vec<T>, D::Error> {
            let value = serde_json::Value::deserialize(deserializer)?;
            let mut v = Validator::new();
            match Vec::<T>::validate(&value, &mut v) {
                Some(values) => Ok(values),
                None => Err(D::Error::custom(
                    v.into_errors()
                        .first()
                        .map_or_else(|| "invalid value".to_string(), |e| e.msg.clone()),
                )),
            }
        }
    }

    /// The same for an `Option` (`None` is `null`):
    /// `#[serde(with = "ferrapi::types::datetime::pydantic::option")]`.
    pub mod option {
        use serde::de::{Deserialize, Deserializer, Error as _};
        use serde::ser::Serializer;

        use super::{Json, PydanticJson};
        use crate::validation::{Validate, Validator};

        /// Serialises `Some(value)` as pydantic does, `None` as `null`.
        pub fn serialize<T: PydanticJson, S: Serializer>(
            value: &Option<T>,
            serializer: S,
        ) -> Result<S::Ok, S::Error> {
            match value {
                Some(value) => serializer.serialize_some(&Json(value)),
                None => serializer.serialize_none(),
            }
        }

        /// Deserialises `null` as `None`, anything else as the type's [`Validate`] does.
        pub fn deserialize<'de, T: PydanticJson + Validate, D: Deserializer<'de>>(
            deserializer: D,
        ) -> Result<Option<T>, D::Error> {
            let value = serde_json::Value::deserialize(deserializer)?;
            if value.is_null() {
                return Ok(None);
            }
            let mut v = Validator::new();
            match T::validate(&value, &mut v) {
                Some(value) => Ok(Some(value)),
                None => Err(D::Error::custom(
                    v.into_errors()
                        .first()
                        .map_or_else(|| "invalid value".to_string(), |e| e.msg.clone()),
                )),
            }
        }
    }
}
