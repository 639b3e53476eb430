//! chrono's dates, times and durations (`ferrapi::types::datetime`) against pydantic 2.13:
//! every input of the corpus below, validated by each of the six types, must give what
//! pydantic gives (the value, serialised as pydantic's JSON mode writes it, or the one error
//! with its `type`, `msg`, `input` and `ctx`).
//!
//! The corpus has one line per input: the input (`s"…"` a text, validated both as a text
//! parameter and as a JSON string; otherwise a JSON value), then one column per type, in the
//! order of [`KINDS`]: `=value` (accepted, serialised), `type` (an error without `ctx`),
//! `type:reason` (an error whose `ctx.error` is the reason, see [`reason`]), or `skip`.
//! It was recorded from pydantic with the script at the end of this file.

#![cfg(feature = "chrono")]

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use ferrapi::types::datetime::pydantic::{self, PydanticJson};
use ferrapi::validation::{Validate, Validator};
use serde_json::{json, Value};

/// The columns: pydantic's `AwareDatetime`, `AwareDatetime` converted to UTC, `NaiveDatetime`,
/// `date`, `time` with `tz_constraint="naive"`, `timedelta`.
const KINDS: [&str; 6] = ["aware", "utc", "naive", "date", "time", "timedelta"];

/// speedate's (and pydantic-core's) reasons, by their snake_case names.
fn reason(code: &str) -> &'static str {
    match code {
        "too_short" => "input is too short",
        "extra_characters" => "unexpected extra characters at the end of the input",
        "invalid_char_date_time_sep" => {
            "invalid datetime separator, expected `T`, `t`, `_` or space"
        }
        "invalid_char_date_sep" => "invalid date separator, expected `-`",
        "date_not_exact" => "Timestamp is not an exact date",
        "invalid_char_year" => "invalid character in year",
        "invalid_char_month" => "invalid character in month",
        "invalid_char_day" => "invalid character in day",
        "invalid_char_time_sep" => "invalid time separator, expected `:`",
        "invalid_char_hour" => "invalid character in hour",
        "invalid_char_minute" => "invalid character in minute",
        "invalid_char_second" => "invalid character in second",
        "invalid_char_tz_sign" => "invalid timezone sign",
        "invalid_char_tz_hour" => "invalid timezone hour",
        "invalid_char_tz_minute" => "invalid timezone minute",
        "out_of_range_tz_minute" => "timezone minute value is outside expected range of 0-59",
        "out_of_range_tz" => "timezone offset must be less than 24 hours",
        "out_of_range_month" => "month value is outside expected range of 1-12",
        "out_of_range_day" => "day value is outside expected range",
        "out_of_range_hour" => "hour value is outside expected range of 0-23",
        "out_of_range_minute" => "minute value is outside expected range of 0-59",
        "out_of_range_second" => "second value is outside expected range of 0-59",
        "second_fraction_missing" => "second fraction digits missing after `.`",
        "duration_invalid_number" => "invalid digit in duration",
        "duration_t_repeated" => "`t` character repeated in duration",
        "duration_invalid_fraction" => "quantity fraction invalid in duration",
        "duration_invalid_time_unit" => "quantity invalid in time part of duration",
        "duration_invalid_date_unit" => "quantity invalid in date part of duration",
        "duration_invalid_days" => "\"day\" identifier in duration not correctly formatted",
        "duration_value_too_large" => "a numeric value in the duration is too large",
        "duration_hour_value_too_large" => "durations may not exceed 999,999,999 hours",
        "duration_days_too_large" => "durations may not exceed 999,999,999 days",
        "date_too_small" => "dates before 0000 are not supported as unix timestamps",
        "date_too_large" => "dates after 9999 are not supported as unix timestamps",
        "time_too_large" => "numeric times may not exceed 86,399 seconds",
        "nan" => "NaN values not permitted",
        "time_negative" => "time in seconds should be positive",
        "year_zero" => "year 0 is out of range",
        other => panic!("unknown reason {other}"),
    }
}

/// pydantic's message of an error type: the fixed text, or the text before `, {reason}`.
fn message(kind: &str) -> &'static str {
    match kind {
        "datetime_type" | "datetime_parsing" => "Input should be a valid datetime",
        "datetime_from_date_parsing" => "Input should be a valid datetime or date",
        "date_type" => "Input should be a valid date",
        "date_parsing" => "Input should be a valid date in the format YYYY-MM-DD",
        "date_from_datetime_parsing" => "Input should be a valid date or datetime",
        "date_from_datetime_inexact" => {
            "Datetimes provided to dates should have zero time - e.g. be exact dates"
        }
        "time_type" => "Input should be a valid time",
        "time_parsing" => "Input should be in a valid time format",
        "time_delta_type" | "time_delta_parsing" => "Input should be a valid timedelta",
        "timezone_aware" => "Input should have timezone info",
        "timezone_naive" => "Input should not have timezone info",
        other => panic!("unknown error type {other}"),
    }
}

enum Input<'a> {
    Text(&'a str),
    Json(&'a Value),
}

/// Validates `input` as `T`: the serialised value, or the errors.
fn run<T: Validate + PydanticJson>(input: &Input<'_>) -> Result<String, Vec<Value>> {
    let mut v = Validator::new();
    let value = match input {
        Input::Text(text) => T::validate_str(text, &mut v),
        Input::Json(value) => T::validate(value, &mut v),
    };
    match value {
        Some(value) if !v.has_errors() => Ok(pydantic::Json(&value).to_string()),
        _ => Err(v
            .into_errors()
            .iter()
            .map(|e| serde_json::to_value(e).unwrap())
            .collect()),
    }
}

fn run_kind(kind: &str, input: &Input<'_>) -> Result<String, Vec<Value>> {
    match kind {
        "aware" => run::<DateTime<FixedOffset>>(input),
        "utc" => run::<DateTime<Utc>>(input),
        "naive" => run::<NaiveDateTime>(input),
        "date" => run::<NaiveDate>(input),
        "time" => run::<NaiveTime>(input),
        "timedelta" => run::<TimeDelta>(input),
        other => panic!("unknown kind {other}"),
    }
}

fn expected(expect: &str, echo: &Value) -> Result<String, Vec<Value>> {
    if let Some(value) = expect.strip_prefix('=') {
        return Ok(value.to_string());
    }
    let (kind, code) = match expect.split_once(':') {
        Some((kind, code)) => (kind, Some(code)),
        None => (expect, None),
    };
    let error = match code {
        None => json!({"type": kind, "loc": [], "msg": message(kind), "input": echo}),
        Some(code) => json!({
            "type": kind,
            "loc": [],
            "msg": format!("{}, {}", message(kind), reason(code)),
            "input": echo,
            "ctx": {"error": reason(code)},
        }),
    };
    Err(vec![error])
}

#[test]
fn the_corpus_validates_as_pydantic_does() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for line in CORPUS.lines().filter(|l| !l.is_empty()) {
        let mut columns = line.split('\t');
        let raw = columns.next().unwrap();
        let (text, json): (Option<String>, Value) = match raw.strip_prefix('s') {
            Some(quoted) => {
                let text: String = serde_json::from_str(quoted).unwrap();
                (Some(text.clone()), Value::String(text))
            }
            None => (None, serde_json::from_str(raw).unwrap()),
        };
        for (kind, expect) in KINDS.iter().zip(columns) {
            if expect == "skip" {
                continue;
            }
            let want = expected(expect, &json);
            let mut inputs = vec![Input::Json(&json)];
            if let Some(text) = &text {
                inputs.push(Input::Text(text));
            }
            for input in &inputs {
                checked += 1;
                let got = run_kind(kind, input);
                if got != want {
                    let how = if matches!(input, Input::Text(_)) {
                        "text"
                    } else {
                        "json"
                    };
                    failures.push(format!(
                        "{kind} {how} {raw}:\n  got  {got:?}\n  want {want:?}"
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked > 2500, "{checked} checks");
}

#[test]
fn serialised_as_pydantic_writes_them() {
    let utc: DateTime<Utc> = "2020-01-01T12:00:00.5Z".parse().unwrap();
    assert_eq!(
        pydantic::Json(&utc).to_string(),
        "2020-01-01T12:00:00.500000Z"
    );
    // chrono's own output: three digits.
    assert_eq!(
        serde_json::to_string(&utc).unwrap(),
        r#""2020-01-01T12:00:00.500Z""#
    );
    let fixed: DateTime<FixedOffset> = "2020-01-01T12:00:00-05:30".parse().unwrap();
    assert_eq!(
        pydantic::Json(&fixed).to_string(),
        "2020-01-01T12:00:00-05:30"
    );
    let zero: DateTime<FixedOffset> = "2020-01-01T12:00:00+00:00".parse().unwrap();
    assert_eq!(pydantic::Json(&zero).to_string(), "2020-01-01T12:00:00Z");
    let nanos = NaiveTime::from_hms_nano_opt(1, 2, 3, 123_456_789).unwrap();
    assert_eq!(pydantic::Json(&nanos).to_string(), "01:02:03.123456");
    let date = NaiveDate::from_ymd_opt(33, 2, 3).unwrap();
    assert_eq!(pydantic::Json(&date).to_string(), "0033-02-03");
    let far = NaiveDate::from_ymd_opt(10000, 1, 1).unwrap();
    assert_eq!(pydantic::Json(&far).to_string(), "+10000-01-01");
    for (delta, text) in [
        (
            TimeDelta::seconds(90061) + TimeDelta::microseconds(5),
            "P1DT1H1M1.000005S",
        ),
        (TimeDelta::seconds(-82739), "-PT22H58M59S"),
        (TimeDelta::zero(), "PT0S"),
        (TimeDelta::days(365), "P1Y"),
        (
            TimeDelta::days(366) + TimeDelta::milliseconds(500),
            "P1Y1DT0.5S",
        ),
        (-TimeDelta::microseconds(1), "-PT0.000001S"),
        (TimeDelta::nanoseconds(999), "PT0S"),
        (TimeDelta::hours(2), "PT2H"),
    ] {
        assert_eq!(pydantic::Json(&delta).to_string(), text);
        assert_eq!(
            serde_json::to_value(pydantic::Json(&delta)).unwrap(),
            Value::String(text.to_string())
        );
    }
}

#[test]
fn the_with_modules_round_trip() {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Event {
        #[serde(with = "pydantic")]
        at: DateTime<Utc>,
        #[serde(with = "pydantic")]
        lasts: TimeDelta,
        #[serde(with = "pydantic::option", default)]
        reminder: Option<NaiveTime>,
        #[serde(with = "pydantic::vec", default)]
        days: Vec<NaiveDate>,
    }
    let event: Event = serde_json::from_str(
        r#"{"at": 1577836800.25, "lasts": "1 day, 0:00:01", "days": ["2020-01-01", 0]}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&event).unwrap(),
        r#"{"at":"2020-01-01T00:00:00.250000Z","lasts":"P1DT1S","reminder":null,"days":["2020-01-01","1970-01-01"]}"#
    );
    let error = serde_json::from_str::<Event>(r#"{"at": "nope", "lasts": "PT1S"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("Input should be a valid datetime or date, input is too short"),
        "{error}"
    );
}

#[test]
fn schemas_are_pydantics() {
    let mut g = ferrapi::validation::SchemaGenerator::default();
    let string = |format: &str| json!({"type": "string", "format": format});
    assert_eq!(DateTime::<Utc>::json_schema(&mut g), string("date-time"));
    assert_eq!(
        DateTime::<FixedOffset>::json_schema(&mut g),
        string("date-time")
    );
    assert_eq!(NaiveDateTime::json_schema(&mut g), string("date-time"));
    assert_eq!(NaiveDate::json_schema(&mut g), string("date"));
    assert_eq!(NaiveTime::json_schema(&mut g), string("time"));
    assert_eq!(TimeDelta::json_schema(&mut g), string("duration"));
}

/// Recorded from pydantic 2.13.4 (pydantic-core 2.46.4) by the script at the end of the file.
const CORPUS: &str = r##"
s"2020-01-01T12:00:00"	timezone_aware	timezone_aware	=2020-01-01T12:00:00	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00Z"	=2020-01-01T12:00:00Z	=2020-01-01T12:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01t12:00:00z"	=2020-01-01T12:00:00Z	=2020-01-01T12:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01 12:00:00+01:00"	=2020-01-01T12:00:00+01:00	=2020-01-01T11:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01_12:00:00+0100"	=2020-01-01T12:00:00+01:00	=2020-01-01T11:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00"	timezone_aware	timezone_aware	=2020-01-01T12:00:00	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01T1"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01T"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01T12:00:00.5"	timezone_aware	timezone_aware	=2020-01-01T12:00:00.500000	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00,5"	timezone_aware	timezone_aware	=2020-01-01T12:00:00.500000	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.123"	timezone_aware	timezone_aware	=2020-01-01T12:00:00.123000	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.123456"	timezone_aware	timezone_aware	=2020-01-01T12:00:00.123456	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.1234567"	timezone_aware	timezone_aware	=2020-01-01T12:00:00.123456	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.123456789123Z"	=2020-01-01T12:00:00.123456Z	=2020-01-01T12:00:00.123456Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00."	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:second_fraction_missing	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.Z"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:second_fraction_missing	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:60"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_second	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T24:00:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T23:60:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+24:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_tz	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+23:59"	=2020-01-01T12:00:00+23:59	=2019-12-31T12:01:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00-23:59"	=2020-01-01T12:00:00-23:59	=2020-01-02T11:59:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+23:60"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_tz_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+2"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+02"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+02:"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+02:0"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+0200"	=2020-01-01T12:00:00+02:00	=2020-01-01T10:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+02:00:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:extra_characters	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00 "	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_sign	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s" 2020-01-01T12:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00−01:00"	=2020-01-01T12:00:00-01:00	=2020-01-01T13:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00−"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00x"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_sign	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+00:00"	=2020-01-01T12:00:00Z	=2020-01-01T12:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00-00:00"	=2020-01-01T12:00:00Z	=2020-01-01T12:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+00:30"	=2020-01-01T12:00:00+00:30	=2020-01-01T11:30:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.000001-05:45"	=2020-01-01T12:00:00.000001-05:45	=2020-01-01T17:45:00.000001Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2016-12-31T23:59:60Z"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:out_of_range_second	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01X12:00:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_date_time_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T1a:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:a0"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12-00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_time_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01T12:00:0a"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_second	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.5+01:00"	=2020-01-01T12:00:00.500000+01:00	=2020-01-01T11:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0001-01-01T00:00:00"	timezone_aware	timezone_aware	=0001-01-01T00:00:00	=0001-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0001-01-01T00:00:00+01:00"	=0001-01-01T00:00:00+01:00	skip	timezone_naive	=0001-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0001-01-01T00:00:00-01:00"	=0001-01-01T00:00:00-01:00	=0001-01-01T01:00:00Z	timezone_naive	=0001-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"9999-12-31T23:59:59.999999"	timezone_aware	timezone_aware	=9999-12-31T23:59:59.999999	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"9999-12-31T23:59:59+01:00"	=9999-12-31T23:59:59+01:00	=9999-12-31T22:59:59Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0000-01-01T00:00:00"	timezone_aware	timezone_aware	datetime_parsing:year_zero	date_parsing:year_zero	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0000-01-01T00:00:00Z"	datetime_parsing:year_zero	datetime_parsing:year_zero	timezone_naive	date_parsing:year_zero	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"0000-01-01"	timezone_aware	timezone_aware	datetime_parsing:year_zero	date_parsing:year_zero	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01"	timezone_aware	timezone_aware	=2020-01-01T00:00:00	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-02-29"	timezone_aware	timezone_aware	=2020-02-29T00:00:00	=2020-02-29	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2019-02-29"	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	date_from_datetime_parsing:out_of_range_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1900-02-29"	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	date_from_datetime_parsing:out_of_range_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2000-02-29"	timezone_aware	timezone_aware	=2000-02-29T00:00:00	=2000-02-29	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-04-31"	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	date_from_datetime_parsing:out_of_range_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-13-01"	datetime_from_date_parsing:out_of_range_month	datetime_from_date_parsing:out_of_range_month	datetime_from_date_parsing:out_of_range_month	date_from_datetime_parsing:out_of_range_month	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-00-10"	datetime_from_date_parsing:out_of_range_month	datetime_from_date_parsing:out_of_range_month	datetime_from_date_parsing:out_of_range_month	date_from_datetime_parsing:out_of_range_month	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-00"	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	date_from_datetime_parsing:out_of_range_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-32"	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	datetime_from_date_parsing:out_of_range_day	date_from_datetime_parsing:out_of_range_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-1-01"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-1"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"20200101"	=1970-08-22T19:08:21Z	=1970-08-22T19:08:21Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020/01/01"	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	date_from_datetime_parsing:invalid_char_date_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01x"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_date_time_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01 "	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"x020-01-01"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"2x20-01-01"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"2020-x1-01"	datetime_from_date_parsing:invalid_char_month	datetime_from_date_parsing:invalid_char_month	datetime_from_date_parsing:invalid_char_month	date_from_datetime_parsing:invalid_char_month	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-0x-01"	datetime_from_date_parsing:invalid_char_month	datetime_from_date_parsing:invalid_char_month	datetime_from_date_parsing:invalid_char_month	date_from_datetime_parsing:invalid_char_month	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-x1"	datetime_from_date_parsing:invalid_char_day	datetime_from_date_parsing:invalid_char_day	datetime_from_date_parsing:invalid_char_day	date_from_datetime_parsing:invalid_char_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-0x"	datetime_from_date_parsing:invalid_char_day	datetime_from_date_parsing:invalid_char_day	datetime_from_date_parsing:invalid_char_day	date_from_datetime_parsing:invalid_char_day	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"2020-01-01T00:00:00"	timezone_aware	timezone_aware	=2020-01-01T00:00:00	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T00:00:00Z"	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T00:00:00+01:00"	=2020-01-01T00:00:00+01:00	=2019-12-31T23:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T00:00:00.000001"	timezone_aware	timezone_aware	=2020-01-01T00:00:00.000001	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T00:00"	timezone_aware	timezone_aware	=2020-01-01T00:00:00	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T00:00:00.0000001"	timezone_aware	timezone_aware	=2020-01-01T00:00:00	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"1577836800"	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836801"	=2020-01-01T00:00:01Z	=2020-01-01T00:00:01Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800.0"	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800.5"	=2020-01-01T00:00:00.500000Z	=2020-01-01T00:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800000"	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800123"	=2020-01-01T00:00:00.123000Z	=2020-01-01T00:00:00.123000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800.1234567"	=2020-01-01T00:00:00.123457Z	=2020-01-01T00:00:00.123457Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1577836800."	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s".5"	=1970-01-01T00:00:00.500000Z	=1970-01-01T00:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"1.5e3"	=1970-01-01T00:25:00Z	=1970-01-01T00:25:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"1e10"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"+1577836800"	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"-1"	=1969-12-31T23:59:59Z	=1969-12-31T23:59:59Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"-1.5"	=1969-12-31T23:59:58.500000Z	=1969-12-31T23:59:58.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"0"	=1970-01-01T00:00:00Z	=1970-01-01T00:00:00Z	timezone_naive	=1970-01-01	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"20000000000"	=2603-10-11T11:33:20Z	=2603-10-11T11:33:20Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"20000000001"	=1970-08-20T11:33:20.001000Z	=1970-08-20T11:33:20.001000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"20000000000.5"	=1970-08-20T11:33:20.000500Z	=1970-08-20T11:33:20.000500Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"20000000001.5"	=1970-08-20T11:33:20.001500Z	=1970-08-20T11:33:20.001500Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"-20000000001.5"	=1969-05-14T12:26:39.998500Z	=1969-05-14T12:26:39.998500Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"99999999999999999999"	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	date_from_datetime_parsing:invalid_char_date_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"300000000000000"	datetime_from_date_parsing:date_too_large	datetime_from_date_parsing:date_too_large	datetime_from_date_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"-300000000000000"	datetime_from_date_parsing:date_too_small	datetime_from_date_parsing:date_too_small	datetime_from_date_parsing:date_too_small	date_from_datetime_parsing:date_too_small	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"253402300799"	=1978-01-11T21:31:40.799000Z	=1978-01-11T21:31:40.799000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"253402300800"	=1978-01-11T21:31:40.800000Z	=1978-01-11T21:31:40.800000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"-62167219200"	=1968-01-12T11:19:40.800000Z	=1968-01-12T11:19:40.800000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"-62167219200000"	datetime_parsing:year_zero	datetime_parsing:year_zero	timezone_naive	date_parsing:year_zero	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"9999999999999999.5"	=2286-11-20T17:46:40Z	=2286-11-20T17:46:40Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"-9223372036854775808"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"9223372036854775807"	datetime_from_date_parsing:date_too_large	datetime_from_date_parsing:date_too_large	datetime_from_date_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1.2.3"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"1e"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"1..5"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"+"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:too_short
s"-"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:too_short
s"-.5"	=1969-12-31T23:59:59.500000Z	=1969-12-31T23:59:59.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"inf"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"nan"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"NaN"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"1_000"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"12:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	=12:00:00	=PT12H
s"12:00:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	=12:00:00	=PT12H
s"12:00:00Z"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	timezone_naive	time_delta_parsing:extra_characters
s"12:00:00+01:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	timezone_naive	time_delta_parsing:extra_characters
s"12:00:00.5"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=12:00:00.500000	=PT12H0.5S
s"12:00:00.123456"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=12:00:00.123456	=PT12H0.123456S
s"12:00:00.1234567"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=12:00:00.123456	=PT12H0.123456S
s"12"	=1970-01-01T00:00:12Z	=1970-01-01T00:00:12Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"12:0"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"24:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:out_of_range_hour	=P1D
s"12:60"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:out_of_range_minute	time_delta_parsing:out_of_range_minute
s"12:00:60"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:out_of_range_second	time_delta_parsing:out_of_range_second
s"12:00:00 "	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_tz_sign	time_delta_parsing:extra_characters
s"1200"	=1970-01-01T00:20:00Z	=1970-01-01T00:20:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"12:00:00+24:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:out_of_range_tz	time_delta_parsing:extra_characters
s"12:00:00+01"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_tz_minute	time_delta_parsing:extra_characters
s"12:00:00+01:0"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_tz_minute	time_delta_parsing:extra_characters
s"12:00:00+0160"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:out_of_range_tz_minute	time_delta_parsing:extra_characters
s"12:00:00-"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_tz_hour	time_delta_parsing:extra_characters
s"12:00:00x"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_tz_sign	time_delta_parsing:extra_characters
s"12:00:00."	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:second_fraction_missing	time_delta_parsing:second_fraction_missing
s"12:00:0"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_second	time_delta_parsing:invalid_char_second
s"1a:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"12-00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"00:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	=00:00:00	=PT0S
s"23:59:59.999999"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=23:59:59.999999	=PT23H59M59.999999S
s"12:00:00,5"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=12:00:00.500000	=PT12H0.5S
s"12:00:00z"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	timezone_naive	time_delta_parsing:extra_characters
s"3600"	=1970-01-01T01:00:00Z	=1970-01-01T01:00:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"3600.5"	=1970-01-01T01:00:00.500000Z	=1970-01-01T01:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"P1DT2H"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1DT2H
s"-P1DT2H"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=-P1DT2H
s"+P1D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P1D
s"P1Y2M3W4DT5H6M7.5S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1Y85DT5H6M7.5S
s"PT0.5S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT0.5S
s"PT1,5S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT1.5S
s"P0.5D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT12H
s"P1.5Y"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1Y182DT12H
s"PT1.5H30M"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_fraction
s"P"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:too_short
s"PT"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:too_short
s"P1"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_date_unit
s"P1H"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_date_unit
s"PT1D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_time_unit
s"PT1HT"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_t_repeated
s"PTT"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_t_repeated
s"P1DT"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P1D
s"Px"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"p1d"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"P-1D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"P99999999999D"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_value_too_large
s"P999999999D"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P2739726Y9D
s"P1000000000D"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_days_too_large
s"PT0.0000001S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=PT0S
s"PT1.1234567S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=PT1.123457S
s"1:00:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT1H
s"100:00:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_time_sep	=P4DT4H
s"-12:00:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=-PT12H
s"-12:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=-PT12H
s"12:60:00"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:out_of_range_minute	time_delta_parsing:out_of_range_minute
s"12345"	=1970-01-01T03:25:45Z	=1970-01-01T03:25:45Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_time_sep	time_delta_parsing:invalid_char_hour
s"1 day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1D
s"1 days, 12:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT12H
s"1d12:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT12H
s"2 days 1:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P2DT1H
s"1 day 24:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_hour_value_too_large
s"1 day 23:59:59.5"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT23H59M59.5S
s"1 dayz"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:too_short
s"1 dax"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_days
s"1x"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"x"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s""	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:too_short
s" 1 day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_number
s"1  day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_days
s"1 day, "	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1D
s"1 D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P1D
s"1 DAYS"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1D
s"1 Days"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1D
s"-1 day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=-P1D
s"P1W"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P7D
s"PT36H"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1DT12H
s"-PT1S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=-PT1S
s"PT0S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=PT0S
s"P0D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=PT0S
s"-PT0S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT0S
s"P1M"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P30D
s"PT1.5M"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT1M30S
s"P1.5W"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P10DT12H
s"PT4294967296S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_value_too_large
s"P1.5DT1.5H"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_fraction
s"99999999999:00:00"	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	date_from_datetime_parsing:invalid_char_date_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"23999999999:00:00"	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	date_from_datetime_parsing:invalid_char_date_sep	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2399999999:00:00"	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	datetime_from_date_parsing:invalid_char_date_sep	date_from_datetime_parsing:invalid_char_date_sep	time_parsing:invalid_char_time_sep	=P273972Y219DT23H
s"1:2:3"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_minute
s"01:02:03.1234567"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=01:02:03.123456	=PT1H2M3.123456S
s"1:00:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:extra_characters
s"PT1H1M1.000005S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=PT1H1M1.000005S
s"-PT22H58M59S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=-PT22H58M59S
s"P365D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1Y
s"PT86400S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1D
s"P0.0000001D"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=PT0.00864S
s"10:00:00.000000000001"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	=10:00:00	=PT10H
s"1.E5"	=1970-01-02T03:46:40Z	=1970-01-02T03:46:40Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"1.5e+3"	=1970-01-01T00:25:00Z	=1970-01-01T00:25:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"1.5E3"	=1970-01-01T00:25:00Z	=1970-01-01T00:25:00Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"+.5"	=1970-01-01T00:00:00.500000Z	=1970-01-01T00:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"-.5e1"	=1969-12-31T23:59:55Z	=1969-12-31T23:59:55Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_number
s"1.5e"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_days
s"1.5e3.2"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"0.5e-400"	=1970-01-01T00:00:00Z	=1970-01-01T00:00:00Z	timezone_naive	=1970-01-01	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"1.5e400"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:time_too_large	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"-1.5e400"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:date_too_small	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"1.5e-3"	=1970-01-01T00:00:00.001500Z	=1970-01-01T00:00:00.001500Z	timezone_naive	date_from_datetime_inexact	time_parsing:invalid_char_hour	time_delta_parsing:invalid_char_hour
s"12:00:00−01:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	timezone_naive	time_delta_parsing:extra_characters
s"12:00:00−"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_tz_hour	time_delta_parsing:extra_characters
s"12:00:00−0100"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	timezone_naive	time_delta_parsing:extra_characters
s"12:00:00+01:00x"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:extra_characters	time_delta_parsing:extra_characters
s"12:00:00.5é"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_tz_sign	time_delta_parsing:extra_characters
s"2020-01-01T12:00:00+1:00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00+01-00"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_minute	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"2020-01-01T12:00:00.5-0"	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	datetime_from_date_parsing:extra_characters	date_from_datetime_parsing:invalid_char_tz_hour	time_parsing:invalid_char_time_sep	time_delta_parsing:duration_hour_value_too_large
s"P1DT1H1M1.5S"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT1H1M1.5S
s"P0.5M"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P15D
s"PT0.5H"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT30M
s"P1,5D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=P1DT12H
s"PT1.S"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	=PT1S
s"P.5D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	time_delta_parsing:duration_invalid_number
s"PT1.5"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_time_unit
s"P1DT1.5H2M"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_fraction
s"1 day,12:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT12H
s"1 day, 12:00:00.5"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	=P1DT12H0.5S
s"1 days 100:00:00"	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	datetime_from_date_parsing:invalid_char_year	date_from_datetime_parsing:invalid_char_year	time_parsing:invalid_char_hour	time_delta_parsing:duration_hour_value_too_large
s"1day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P1D
s"1DAY"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:too_short	=P1D
s"1 dAy"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_days
s"+-1 day"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_number
s"--P1D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_number
s"-+P1D"	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	datetime_from_date_parsing:too_short	date_from_datetime_parsing:too_short	time_parsing:invalid_char_hour	time_delta_parsing:duration_invalid_number
0	=1970-01-01T00:00:00Z	=1970-01-01T00:00:00Z	timezone_naive	=1970-01-01	timezone_naive	=PT0S
1	=1970-01-01T00:00:01Z	=1970-01-01T00:00:01Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT1S
-1	=1969-12-31T23:59:59Z	=1969-12-31T23:59:59Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-PT1S
1577836800	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:time_too_large	=P50Y12D
1577836801	=2020-01-01T00:00:01Z	=2020-01-01T00:00:01Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P50Y12DT1S
1577836800.0	=2020-01-01T00:00:00Z	=2020-01-01T00:00:00Z	timezone_naive	=2020-01-01	time_parsing:time_too_large	=P50Y12D
1577836800.5	=2020-01-01T00:00:00.500000Z	=2020-01-01T00:00:00.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P50Y12DT0.5S
1577836800123	=2020-01-01T00:00:00.123000Z	=2020-01-01T00:00:00.123000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P50032Y320DT2M3S
1577836800123.5	=2020-01-01T00:00:00.123500Z	=2020-01-01T00:00:00.123500Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P50032Y320DT2M3.5S
1577836800.1234567	=2020-01-01T00:00:00.123457Z	=2020-01-01T00:00:00.123457Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P50Y12DT0.123457S
1.5	=1970-01-01T00:00:01.500000Z	=1970-01-01T00:00:01.500000Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT1.5S
-1.5	=1969-12-31T23:59:58.500000Z	=1969-12-31T23:59:58.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-PT1.5S
-0.5	=1969-12-31T23:59:59.500000Z	=1969-12-31T23:59:59.500000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-PT0.5S
-0.0	=1970-01-01T00:00:00Z	=1970-01-01T00:00:00Z	timezone_naive	=1970-01-01	timezone_naive	=PT0S
0.5	=1970-01-01T00:00:00.500000Z	=1970-01-01T00:00:00.500000Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT0.5S
3600	=1970-01-01T01:00:00Z	=1970-01-01T01:00:00Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT1H
3600.5	=1970-01-01T01:00:00.500000Z	=1970-01-01T01:00:00.500000Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT1H0.5S
86399	=1970-01-01T23:59:59Z	=1970-01-01T23:59:59Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT23H59M59S
86399.5	=1970-01-01T23:59:59.500000Z	=1970-01-01T23:59:59.500000Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT23H59M59.5S
86399.9999999	=1970-01-02T00:00:00Z	=1970-01-02T00:00:00Z	timezone_naive	=1970-01-02	time_parsing:time_too_large	=P1D
86400	=1970-01-02T00:00:00Z	=1970-01-02T00:00:00Z	timezone_naive	=1970-01-02	time_parsing:time_too_large	=P1D
-86400	=1969-12-31T00:00:00Z	=1969-12-31T00:00:00Z	timezone_naive	=1969-12-31	time_parsing:time_negative	=-P1D
20000000000	=2603-10-11T11:33:20Z	=2603-10-11T11:33:20Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P634Y71DT11H33M20S
20000000001	=1970-08-20T11:33:20.001000Z	=1970-08-20T11:33:20.001000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P634Y71DT11H33M21S
20000000000.5	=2603-10-11T11:33:20.000500Z	=2603-10-11T11:33:20.000500Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P634Y71DT11H33M20.5S
-20000000000.5	=1969-05-14T12:26:39.999500Z	=1969-05-14T12:26:39.999500Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-P634Y71DT11H33M20.5S
-20000000001	=1969-05-14T12:26:39.999000Z	=1969-05-14T12:26:39.999000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-P634Y71DT11H33M21S
253402300799	=1978-01-11T21:31:40.799000Z	=1978-01-11T21:31:40.799000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P8035Y121DT23H59M59S
253402300800	=1978-01-11T21:31:40.800000Z	=1978-01-11T21:31:40.800000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P8035Y122D
253402300799999	=9999-12-31T23:59:59.999000Z	=9999-12-31T23:59:59.999000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
253402300800000	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
-62167219200	=1968-01-12T11:19:40.800000Z	=1968-01-12T11:19:40.800000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_negative	=-P1971Y113D
-62167219200000	datetime_parsing:year_zero	datetime_parsing:year_zero	timezone_naive	date_parsing:year_zero	time_parsing:time_negative	=-P1971309Y215D
-62167219200001	datetime_parsing:date_too_small	datetime_parsing:date_too_small	datetime_parsing:date_too_small	date_from_datetime_parsing:date_too_small	time_parsing:time_negative	=-P1971309Y215DT1S
-62135596800000	=0001-01-01T00:00:00Z	=0001-01-01T00:00:00Z	timezone_naive	=0001-01-01	time_parsing:time_negative	=-P1970306Y310D
9223372036854775807	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	=P1586370Y170DT15H30M7S
-9223372036854775808	datetime_parsing:date_too_small	datetime_parsing:date_too_small	datetime_parsing:date_too_small	date_from_datetime_parsing:date_too_small	time_parsing:time_negative	=-P1586370Y170DT15H30M8S
9223372036854775808	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
18446744073709551615	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
1e+17	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
1e+20	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
-1e+20	datetime_parsing:date_too_small	datetime_parsing:date_too_small	datetime_parsing:date_too_small	date_from_datetime_parsing:date_too_small	time_parsing:time_negative	time_delta_parsing:duration_days_too_large
1e-07	=1970-01-01T00:00:00Z	=1970-01-01T00:00:00Z	timezone_naive	=1970-01-01	timezone_naive	=PT0S
371085174374400	datetime_parsing:date_too_large	datetime_parsing:date_too_large	datetime_parsing:date_too_large	date_from_datetime_parsing:date_too_large	time_parsing:time_too_large	=PT0S
86399999999999	=4707-11-28T23:59:59.999000Z	=4707-11-28T23:59:59.999000Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P2739726Y9DT23H59M59S
86400000000000	=4707-11-29T00:00:00Z	=4707-11-29T00:00:00Z	timezone_naive	=4707-11-29	time_parsing:time_too_large	time_delta_parsing:duration_days_too_large
4294967296	=2106-02-07T06:28:16Z	=2106-02-07T06:28:16Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P136Y70DT6H28M16S
10000000000.0	=2286-11-20T17:46:40Z	=2286-11-20T17:46:40Z	timezone_naive	date_from_datetime_inexact	time_parsing:time_too_large	=P317Y35DT17H46M40S
0.1	=1970-01-01T00:00:00.100000Z	=1970-01-01T00:00:00.100000Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT0.1S
123.456789	=1970-01-01T00:02:03.456789Z	=1970-01-01T00:02:03.456789Z	timezone_naive	date_from_datetime_inexact	timezone_naive	=PT2M3.456789S
true	datetime_type	datetime_type	datetime_type	date_type	time_type	=PT1S
false	datetime_type	datetime_type	datetime_type	date_type	time_type	=PT0S
null	datetime_type	datetime_type	datetime_type	date_type	time_type	time_delta_type
[]	datetime_type	datetime_type	datetime_type	date_type	time_type	time_delta_type
{}	datetime_type	datetime_type	datetime_type	date_type	time_type	time_delta_type
[1]	datetime_type	datetime_type	datetime_type	date_type	time_type	time_delta_type
{"a": 1}	datetime_type	datetime_type	datetime_type	date_type	time_type	time_delta_type
"##;

// The script that records the corpus (`python3 script.py corpus.tsv`, then paste the file
// between the `r##"` quotes above):
//
// """Generates the pydantic corpus of crates/ferrapi/tests/types_datetime.rs."""
// import json
// from datetime import datetime, date, time, timedelta, timezone
// from typing import Annotated
// from pydantic import TypeAdapter, ValidationError, AwareDatetime, NaiveDatetime, AfterValidator
// from pydantic_core import core_schema
//
// class Naive:
//     @classmethod
//     def __get_pydantic_core_schema__(cls, source, handler):
//         return core_schema.time_schema(tz_constraint='naive')
//
// ADAPTERS = {
//     'aware': TypeAdapter(AwareDatetime),
//     'utc': TypeAdapter(Annotated[AwareDatetime, AfterValidator(lambda d: d.astimezone(timezone.utc))]),
//     'naive': TypeAdapter(NaiveDatetime),
//     'date': TypeAdapter(date),
//     'time': TypeAdapter(Annotated[time, Naive]),
//     'timedelta': TypeAdapter(timedelta),
// }
//
// STRINGS = [
//     # datetimes
//     "2020-01-01T12:00:00", "2020-01-01T12:00:00Z", "2020-01-01t12:00:00z", "2020-01-01 12:00:00+01:00",
//     "2020-01-01_12:00:00+0100", "2020-01-01T12:00", "2020-01-01T12", "2020-01-01T1", "2020-01-01T",
//     "2020-01-01T12:00:00.5", "2020-01-01T12:00:00,5", "2020-01-01T12:00:00.123", "2020-01-01T12:00:00.123456",
//     "2020-01-01T12:00:00.1234567", "2020-01-01T12:00:00.123456789123Z", "2020-01-01T12:00:00.",
//     "2020-01-01T12:00:00.Z", "2020-01-01T12:00:60", "2020-01-01T24:00:00", "2020-01-01T23:60:00",
//     "2020-01-01T12:00:00+24:00", "2020-01-01T12:00:00+23:59", "2020-01-01T12:00:00-23:59",
//     "2020-01-01T12:00:00+23:60", "2020-01-01T12:00:00+2", "2020-01-01T12:00:00+02", "2020-01-01T12:00:00+02:",
//     "2020-01-01T12:00:00+02:0", "2020-01-01T12:00:00+0200", "2020-01-01T12:00:00+02:00:00",
//     "2020-01-01T12:00:00 ", " 2020-01-01T12:00:00", "2020-01-01T12:00:00\u221201:00", "2020-01-01T12:00:00\u2212",
//     "2020-01-01T12:00:00x", "2020-01-01T12:00:00+00:00", "2020-01-01T12:00:00-00:00", "2020-01-01T12:00:00+00:30",
//     "2020-01-01T12:00:00.000001-05:45", "2016-12-31T23:59:60Z", "2020-01-01X12:00:00", "2020-01-01T1a:00",
//     "2020-01-01T12:a0", "2020-01-01T12-00", "2020-01-01T12:00:0a", "2020-01-01T12:00:00.5+01:00",
//     "0001-01-01T00:00:00", "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00-01:00", "9999-12-31T23:59:59.999999",
//     "9999-12-31T23:59:59+01:00", "0000-01-01T00:00:00", "0000-01-01T00:00:00Z", "0000-01-01",
//     # dates
//     "2020-01-01", "2020-02-29", "2019-02-29", "1900-02-29", "2000-02-29", "2020-04-31", "2020-13-01",
//     "2020-00-10", "2020-01-00", "2020-01-32", "2020-1-01", "2020-01-1", "20200101", "2020/01/01", "2020-01-01x",
//     "2020-01-01 ", "x020-01-01", "2x20-01-01", "2020-x1-01", "2020-0x-01", "2020-01-x1", "2020-01-0x",
//     "2020-01-01T00:00:00", "2020-01-01T00:00:00Z", "2020-01-01T00:00:00+01:00", "2020-01-01T00:00:00.000001",
//     "2020-01-01T00:00", "2020-01-01T00:00:00.0000001",
//     # numbers as text
//     "1577836800", "1577836801", "1577836800.0", "1577836800.5", "1577836800000", "1577836800123",
//     "1577836800.1234567", "1577836800.", ".5", "1.5e3", "1e10", "+1577836800", "-1", "-1.5", "0",
//     "20000000000", "20000000001", "20000000000.5", "20000000001.5", "-20000000001.5", "99999999999999999999",
//     "300000000000000", "-300000000000000", "253402300799", "253402300800", "-62167219200", "-62167219200000",
//     "9999999999999999.5", "-9223372036854775808", "9223372036854775807", "1.2.3", "1e", "1..5", "+", "-", "-.5",
//     "inf", "nan", "NaN", "1_000",
//     # times
//     "12:00", "12:00:00", "12:00:00Z", "12:00:00+01:00", "12:00:00.5", "12:00:00.123456", "12:00:00.1234567",
//     "12", "12:0", "24:00", "12:60", "12:00:60", "12:00:00 ", "1200", "12:00:00+24:00", "12:00:00+01",
//     "12:00:00+01:0", "12:00:00+0160", "12:00:00-", "12:00:00x", "12:00:00.", "12:00:0", "1a:00", "12-00",
//     "00:00", "23:59:59.999999", "12:00:00,5", "12:00:00z", "3600", "3600.5",
//     # durations
//     "P1DT2H", "-P1DT2H", "+P1D", "P1Y2M3W4DT5H6M7.5S", "PT0.5S", "PT1,5S", "P0.5D", "P1.5Y", "PT1.5H30M", "P", "PT",
//     "P1", "P1H", "PT1D", "PT1HT", "PTT", "P1DT", "Px", "p1d", "P-1D", "P99999999999D", "P999999999D",
//     "P1000000000D", "PT0.0000001S", "PT1.1234567S", "1:00:00", "100:00:00", "-12:00:00", "-12:00", "12:60:00",
//     "12345", "1 day", "1 days, 12:00:00", "1d12:00:00", "2 days 1:00:00", "1 day 24:00:00", "1 day 23:59:59.5",
//     "1 dayz", "1 dax", "1x", "x", "", " 1 day", "1  day", "1 day, ", "1 D", "1 DAYS", "1 Days", "-1 day",
//     "P1W", "PT36H", "-PT1S", "PT0S", "P0D", "-PT0S", "P1M", "PT1.5M", "P1.5W", "PT4294967296S", "P1.5DT1.5H",
//     "99999999999:00:00", "23999999999:00:00", "2399999999:00:00", "1:2:3", "01:02:03.1234567", "1:00:00:00",
//     "PT1H1M1.000005S", "-PT22H58M59S", "P365D", "PT86400S", "P0.0000001D", "10:00:00.000000000001",
//     # number syntax, odd offsets
//     "1.E5", "1.5e+3", "1.5E3", "+.5", "-.5e1", "1.5e", "1.5e3.2", "0.5e-400", "1.5e400", "-1.5e400", "1.5e-3",
//     "12:00:00\u221201:00", "12:00:00\u2212", "12:00:00\u22120100", "12:00:00+01:00x", "12:00:00.5\u00e9",
//     "2020-01-01T12:00:00+1:00", "2020-01-01T12:00:00+01-00", "2020-01-01T12:00:00.5-0", "P1DT1H1M1.5S",
//     "P0.5M", "PT0.5H", "P1,5D", "PT1.S", "P.5D", "PT1.5", "P1DT1.5H2M", "1 day,12:00", "1 day, 12:00:00.5",
//     "1 days 100:00:00", "1day", "1DAY", "1 dAy", "+-1 day", "--P1D", "-+P1D",
// ]
//
// NUMBERS = [0, 1, -1, 1577836800, 1577836801, 1577836800.0, 1577836800.5, 1577836800123, 1577836800123.5,
//     1577836800.1234567, 1.5, -1.5, -0.5, -0.0, 0.5, 3600, 3600.5, 86399, 86399.5, 86399.9999999, 86400, -86400,
//     20000000000, 20000000001, 20000000000.5, -20000000000.5, -20000000001, 253402300799, 253402300800,
//     253402300799999, 253402300800000, -62167219200, -62167219200000, -62167219200001, -62135596800000,
//     9223372036854775807, -9223372036854775808, 9223372036854775808, 18446744073709551615, 1e17, 1e20, -1e20,
//     1e-7, 371085174374400, 86399999999999, 86400000000000, 4294967296, 1e10, 0.1, 123.456789,
//     True, False, None, [], {}, [1], {"a": 1}]
//
// def run(kind, x):
//     ta = ADAPTERS[kind]
//     try:
//         r = ta.validate_python(x)
//         return {"ok": json.loads(ta.dump_json(r))}
//     except OverflowError:
//         return {"skip": "Python cannot hold the UTC value"}
//     except ValidationError as e:
//         errs = e.errors(include_url=False)
//         for err in errs:
//             del err["loc"]
//         return {"err": errs}
//
// REASONS = {
//  "input is too short": "too_short", "unexpected extra characters at the end of the input": "extra_characters",
//  "invalid datetime separator, expected `T`, `t`, `_` or space": "invalid_char_date_time_sep",
//  "invalid date separator, expected `-`": "invalid_char_date_sep", "Timestamp is not an exact date": "date_not_exact",
//  "invalid character in year": "invalid_char_year", "invalid character in month": "invalid_char_month",
//  "invalid character in day": "invalid_char_day", "invalid time separator, expected `:`": "invalid_char_time_sep",
//  "invalid character in hour": "invalid_char_hour", "invalid character in minute": "invalid_char_minute",
//  "invalid character in second": "invalid_char_second", "invalid timezone sign": "invalid_char_tz_sign",
//  "invalid timezone hour": "invalid_char_tz_hour", "invalid timezone minute": "invalid_char_tz_minute",
//  "timezone minute value is outside expected range of 0-59": "out_of_range_tz_minute",
//  "timezone offset must be less than 24 hours": "out_of_range_tz",
//  "month value is outside expected range of 1-12": "out_of_range_month", "day value is outside expected range": "out_of_range_day",
//  "hour value is outside expected range of 0-23": "out_of_range_hour", "minute value is outside expected range of 0-59": "out_of_range_minute",
//  "second value is outside expected range of 0-59": "out_of_range_second", "second fraction digits missing after `.`": "second_fraction_missing",
//  "invalid digit in duration": "duration_invalid_number", "`t` character repeated in duration": "duration_t_repeated",
//  "quantity fraction invalid in duration": "duration_invalid_fraction", "quantity invalid in time part of duration": "duration_invalid_time_unit",
//  "quantity invalid in date part of duration": "duration_invalid_date_unit",
//  "\"day\" identifier in duration not correctly formatted": "duration_invalid_days",
//  "a numeric value in the duration is too large": "duration_value_too_large",
//  "durations may not exceed 999,999,999 hours": "duration_hour_value_too_large",
//  "durations may not exceed 999,999,999 days": "duration_days_too_large",
//  "dates before 0000 are not supported as unix timestamps": "date_too_small",
//  "dates after 9999 are not supported as unix timestamps": "date_too_large",
//  "numeric times may not exceed 86,399 seconds": "time_too_large", "NaN values not permitted": "nan",
//  "time in seconds should be positive": "time_negative", "year 0 is out of range": "year_zero",
// }
// PREFIX = {"datetime_parsing": "Input should be a valid datetime", "datetime_from_date_parsing": "Input should be a valid datetime or date",
//  "date_parsing": "Input should be a valid date in the format YYYY-MM-DD", "date_from_datetime_parsing": "Input should be a valid date or datetime",
//  "time_parsing": "Input should be in a valid time format", "time_delta_parsing": "Input should be a valid timedelta"}
// FIXED = {"datetime_type": "Input should be a valid datetime", "date_type": "Input should be a valid date", "time_type": "Input should be a valid time",
//  "time_delta_type": "Input should be a valid timedelta", "timezone_aware": "Input should have timezone info",
//  "timezone_naive": "Input should not have timezone info",
//  "date_from_datetime_inexact": "Datetimes provided to dates should have zero time - e.g. be exact dates"}
//
// def compact(x, r):
//     if "ok" in r: return "=" + r["ok"]
//     if "skip" in r: return "skip"
//     (e,) = r["err"]
//     assert e["input"] == x or (x != x), (x, e)
//     t = e["type"]
//     if t in FIXED:
//         assert e["msg"] == FIXED[t] and "ctx" not in e, e
//         return t
//     reason = e["ctx"]["error"]
//     assert e["msg"] == PREFIX[t] + ", " + reason, e
//     return t + ":" + REASONS[reason]
//
// import sys
// out = open(sys.argv[1], "w")
// for x in STRINGS + NUMBERS:
//     cols = [json.dumps(x, ensure_ascii=False) if not isinstance(x, str) else "s" + json.dumps(x, ensure_ascii=False)]
//     for kind in ADAPTERS:
//         cols.append(compact(x, run(kind, x)))
//     out.write("\t".join(cols) + "\n")
