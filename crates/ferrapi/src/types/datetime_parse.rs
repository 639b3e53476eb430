//! The parser of dates, times, datetimes and durations pydantic-core 2.46 uses (`speedate`
//! 0.17), reproduced rule for rule with the configuration pydantic gives it: fractions of a
//! second beyond six digits are truncated, Unix timestamps are seconds up to 2e10 in magnitude
//! and milliseconds above, and a timestamp is UTC. The errors are speedate's, worded as it
//! words them (they become the `error` in pydantic's `ctx`).
//!
//! Pure and allocation-free; [`super::datetime`] and [`super::duration`] turn the results into
//! chrono values and pydantic's errors.

/// Why a text or number is not a date, time, datetime or duration: speedate's `ParseError`,
/// plus the few reasons pydantic-core adds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParseError {
    TooShort,
    ExtraCharacters,
    InvalidCharDateTimeSep,
    InvalidCharDateSep,
    DateNotExact,
    InvalidCharYear,
    InvalidCharMonth,
    InvalidCharDay,
    InvalidCharTimeSep,
    InvalidCharHour,
    InvalidCharMinute,
    InvalidCharSecond,
    InvalidCharTzSign,
    InvalidCharTzHour,
    InvalidCharTzMinute,
    OutOfRangeTzMinute,
    OutOfRangeTz,
    OutOfRangeMonth,
    OutOfRangeDay,
    OutOfRangeHour,
    OutOfRangeMinute,
    OutOfRangeSecond,
    SecondFractionMissing,
    DurationInvalidNumber,
    DurationTRepeated,
    DurationInvalidFraction,
    DurationInvalidTimeUnit,
    DurationInvalidDateUnit,
    DurationInvalidDays,
    DurationValueTooLarge,
    DurationHourValueTooLarge,
    DurationDaysTooLarge,
    DateTooSmall,
    DateTooLarge,
    TimeTooLarge,
    /// pydantic-core's own: a NaN number.
    NaN,
    /// pydantic-core's own: a negative number as a time.
    TimeNegative,
    /// pydantic-core's own (Python's `datetime` refuses year 0).
    YearZero,
}

impl ParseError {
    /// The words pydantic puts in `ctx.error` and at the end of the message.
    pub(crate) fn message(self) -> &'static str {
        use ParseError::*;
        match self {
            TooShort => "input is too short",
            ExtraCharacters => "unexpected extra characters at the end of the input",
            InvalidCharDateTimeSep => "invalid datetime separator, expected `T`, `t`, `_` or space",
            InvalidCharDateSep => "invalid date separator, expected `-`",
            DateNotExact => "Timestamp is not an exact date",
            InvalidCharYear => "invalid character in year",
            InvalidCharMonth => "invalid character in month",
            InvalidCharDay => "invalid character in day",
            InvalidCharTimeSep => "invalid time separator, expected `:`",
            InvalidCharHour => "invalid character in hour",
            InvalidCharMinute => "invalid character in minute",
            InvalidCharSecond => "invalid character in second",
            InvalidCharTzSign => "invalid timezone sign",
            InvalidCharTzHour => "invalid timezone hour",
            InvalidCharTzMinute => "invalid timezone minute",
            OutOfRangeTzMinute => "timezone minute value is outside expected range of 0-59",
            OutOfRangeTz => "timezone offset must be less than 24 hours",
            OutOfRangeMonth => "month value is outside expected range of 1-12",
            OutOfRangeDay => "day value is outside expected range",
            OutOfRangeHour => "hour value is outside expected range of 0-23",
            OutOfRangeMinute => "minute value is outside expected range of 0-59",
            OutOfRangeSecond => "second value is outside expected range of 0-59",
            SecondFractionMissing => "second fraction digits missing after `.`",
            DurationInvalidNumber => "invalid digit in duration",
            DurationTRepeated => "`t` character repeated in duration",
            DurationInvalidFraction => "quantity fraction invalid in duration",
            DurationInvalidTimeUnit => "quantity invalid in time part of duration",
            DurationInvalidDateUnit => "quantity invalid in date part of duration",
            DurationInvalidDays => "\"day\" identifier in duration not correctly formatted",
            DurationValueTooLarge => "a numeric value in the duration is too large",
            DurationHourValueTooLarge => "durations may not exceed 999,999,999 hours",
            DurationDaysTooLarge => "durations may not exceed 999,999,999 days",
            DateTooSmall => "dates before 0000 are not supported as unix timestamps",
            DateTooLarge => "dates after 9999 are not supported as unix timestamps",
            TimeTooLarge => "numeric times may not exceed 86,399 seconds",
            NaN => "NaN values not permitted",
            TimeNegative => "time in seconds should be positive",
            YearZero => "year 0 is out of range",
        }
    }
}

type Result<T> = std::result::Result<T, ParseError>;

/// A calendar date, `0000-01-01` to `9999-12-31`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

/// A time of day with an optional UTC offset in seconds (`|offset| < 86400`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Time {
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub microsecond: u32,
    pub tz_offset: Option<i32>,
}

impl Time {
    /// Midnight with no offset.
    const MIDNIGHT: Time = Time {
        hour: 0,
        minute: 0,
        second: 0,
        microsecond: 0,
        tz_offset: None,
    };

    /// Whether the time part is zero (what makes a datetime an "exact date").
    pub(crate) fn is_midnight(&self) -> bool {
        self.hour == 0 && self.minute == 0 && self.second == 0 && self.microsecond == 0
    }
}

/// A date and a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DateTime {
    pub date: Date,
    pub time: Time,
}

/// A duration as sign and magnitude, normalised (`second < 86400`, `microsecond < 10⁶`,
/// `day <= 999_999_999`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Duration {
    pub positive: bool,
    pub day: u32,
    pub second: u32,
    pub microsecond: u32,
}

/// Above this magnitude a timestamp is in milliseconds (2e10 s is 2603-10-11).
const MS_WATERSHED: i64 = 20_000_000_000;
/// 9999-12-31T23:59:59 as a Unix timestamp.
const UNIX_9999: i64 = 253_402_300_799;
/// 0000-01-01T00:00:00 as a Unix timestamp.
const UNIX_0000: i64 = -62_167_219_200;

fn digit(bytes: &[u8], index: usize, error: ParseError) -> Result<u8> {
    match bytes.get(index) {
        Some(c) if c.is_ascii_digit() => Ok(c - b'0'),
        _ => Err(error),
    }
}

fn is_leap_year(year: u16) -> bool {
    if year % 100 == 0 {
        year % 400 == 0
    } else {
        year % 4 == 0
    }
}

fn intervening_leap_years(delta_years: i64) -> i64 {
    if delta_years == 0 {
        0
    } else {
        (delta_years - 1) / 4 - (delta_years - 1) / 100 + (delta_years - 1) / 400 + 1
    }
}

impl Date {
    /// `YYYY-MM-DD` at the start of `bytes`; what follows is not looked at.
    fn parse_partial(bytes: &[u8]) -> Result<Date> {
        if bytes.len() < 10 {
            return Err(ParseError::TooShort);
        }
        let mut year: u16 = 0;
        for i in 0..4 {
            year = year * 10 + digit(bytes, i, ParseError::InvalidCharYear)? as u16;
        }
        if bytes[4] != b'-' {
            return Err(ParseError::InvalidCharDateSep);
        }
        let month = digit(bytes, 5, ParseError::InvalidCharMonth)? * 10
            + digit(bytes, 6, ParseError::InvalidCharMonth)?;
        if bytes[7] != b'-' {
            return Err(ParseError::InvalidCharDateSep);
        }
        let day = digit(bytes, 8, ParseError::InvalidCharDay)? * 10
            + digit(bytes, 9, ParseError::InvalidCharDay)?;
        let max_days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if is_leap_year(year) => 29,
            2 => 28,
            _ => return Err(ParseError::OutOfRangeMonth),
        };
        if day < 1 || day > max_days {
            return Err(ParseError::OutOfRangeDay);
        }
        Ok(Date { year, month, day })
    }

    /// Exactly `YYYY-MM-DD`.
    pub(crate) fn parse_rfc3339(bytes: &[u8]) -> Result<Date> {
        let date = Date::parse_partial(bytes)?;
        if bytes.len() > 10 {
            return Err(ParseError::ExtraCharacters);
        }
        Ok(date)
    }

    /// `YYYY-MM-DD`, or an integer timestamp that is exactly midnight (speedate's
    /// `Date::parse_bytes`).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Date> {
        match Date::parse_rfc3339(bytes) {
            Ok(date) => Ok(date),
            Err(error) => match parse_int(bytes) {
                Ok(int) => {
                    let (seconds, micros) = timestamp_watershed(int)?;
                    let (date, remaining) = Date::from_timestamp_calc(seconds)?;
                    if remaining != 0 || micros != 0 {
                        return Err(ParseError::DateNotExact);
                    }
                    Ok(date)
                }
                Err(_) => Err(error),
            },
        }
    }

    /// The date of a timestamp in seconds, and the seconds since its midnight.
    fn from_timestamp_calc(timestamp: i64) -> Result<(Date, u32)> {
        if timestamp < UNIX_0000 {
            return Err(ParseError::DateTooSmall);
        }
        if timestamp > UNIX_9999 {
            return Err(ParseError::DateTooLarge);
        }
        let delta_days = (timestamp - UNIX_0000) / 86_400;
        let delta_years = delta_days / 365;
        let leap_years = intervening_leap_years(delta_years);
        let mut ordinal_day = (delta_days % 365 - leap_years + 1) as i16;
        let mut year = delta_years as u16;
        let mut leap_year = is_leap_year(year);
        while ordinal_day < 1 {
            year -= 1;
            leap_year = is_leap_year(year);
            ordinal_day += if leap_year { 366 } else { 365 };
        }
        let lengths: [i16; 12] = [
            31,
            if leap_year { 29 } else { 28 },
            31,
            30,
            31,
            30,
            31,
            31,
            30,
            31,
            30,
            31,
        ];
        let mut month = 1u8;
        let mut day = ordinal_day;
        for length in lengths {
            if day <= length {
                break;
            }
            day -= length;
            month += 1;
        }
        Ok((
            Date {
                year,
                month,
                day: day as u8,
            },
            timestamp.rem_euclid(86_400) as u32,
        ))
    }
}

/// speedate's integer parser: an optional sign and ASCII digits, no overflow. On failure,
/// the byte that stopped it (`None` for an empty input).
fn parse_int_detail(bytes: &[u8]) -> std::result::Result<i64, Option<u8>> {
    let (neg, first, rest) = match bytes {
        [b'-', first, rest @ ..] => (true, *first, rest),
        [b'+', first, rest @ ..] | [first, rest @ ..] => (false, *first, rest),
        [] => return Err(None),
    };
    if !first.is_ascii_digit() {
        return Err(Some(first));
    }
    let mut value = (first - b'0') as i64;
    for &c in rest {
        if !c.is_ascii_digit() {
            return Err(Some(c));
        }
        value = value.wrapping_mul(10).wrapping_add((c - b'0') as i64);
        if value < 0 {
            return Err(Some(c));
        }
    }
    Ok(if neg { -value } else { value })
}

fn parse_int(bytes: &[u8]) -> std::result::Result<i64, ()> {
    parse_int_detail(bytes).map_err(|_| ())
}

/// A number as speedate reads one: an integer, or a float when the integer stops at a `.`.
enum IntFloat {
    Int(i64),
    Float(f64),
    Err,
}

fn parse_number(bytes: &[u8]) -> IntFloat {
    match parse_int_detail(bytes) {
        Ok(int) => IntFloat::Int(int),
        Err(Some(b'.')) => match std::str::from_utf8(bytes).ok().and_then(float_syntax) {
            Some(float) => IntFloat::Float(float),
            None => IntFloat::Err,
        },
        Err(_) => IntFloat::Err,
    }
}

/// A decimal float in lexical's standard syntax (`[+-]digits[.digits][e[+-]digits]`, either
/// side of the point may be empty but not both); no `inf`, `nan` or underscores.
fn float_syntax(text: &str) -> Option<f64> {
    let bytes = text.as_bytes();
    let mut i = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let int_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    let mut digits = i - int_start;
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        digits += i - start;
    }
    if digits == 0 {
        return None;
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != bytes.len() {
        return None;
    }
    text.parse().ok()
}

/// Seconds and microseconds of a timestamp in seconds, or in milliseconds above the watershed.
fn timestamp_watershed(timestamp: i64) -> Result<(i64, u32)> {
    let abs = timestamp.checked_abs().ok_or(ParseError::DateTooSmall)?;
    if abs <= MS_WATERSHED {
        return Ok((timestamp, 0));
    }
    let mut seconds = timestamp / 1_000;
    let mut micros = ((timestamp % 1_000) * 1_000) as i32;
    if micros < 0 {
        seconds -= 1;
        micros += 1_000_000;
    }
    Ok((seconds, micros as u32))
}

/// The time at the start of a time value: `HH:MM[:SS[.f…]]`, and the position after it.
fn parse_pure_time(bytes: &[u8], offset: usize) -> Result<(Time, usize)> {
    if bytes.len() < offset + 5 {
        return Err(ParseError::TooShort);
    }
    let hour = digit(bytes, offset, ParseError::InvalidCharHour)? * 10
        + digit(bytes, offset + 1, ParseError::InvalidCharHour)?;
    if bytes[offset + 2] != b':' {
        return Err(ParseError::InvalidCharTimeSep);
    }
    let minute = digit(bytes, offset + 3, ParseError::InvalidCharMinute)? * 10
        + digit(bytes, offset + 4, ParseError::InvalidCharMinute)?;
    if hour > 23 {
        return Err(ParseError::OutOfRangeHour);
    }
    if minute > 59 {
        return Err(ParseError::OutOfRangeMinute);
    }
    let mut length = 5;
    let mut second = 0;
    let mut microsecond = 0u32;
    if bytes.get(offset + 5) == Some(&b':') {
        second = digit(bytes, offset + 6, ParseError::InvalidCharSecond)? * 10
            + digit(bytes, offset + 7, ParseError::InvalidCharSecond)?;
        if second > 59 {
            return Err(ParseError::OutOfRangeSecond);
        }
        length = 8;
        if matches!(bytes.get(offset + 8), Some(b'.' | b',')) {
            length = 9;
            let mut i = 0;
            while let Some(c) = bytes
                .get(offset + length + i)
                .filter(|c| c.is_ascii_digit())
            {
                if i < 6 {
                    microsecond = microsecond * 10 + (c - b'0') as u32;
                }
                i += 1;
            }
            if i == 0 {
                return Err(ParseError::SecondFractionMissing);
            }
            if i < 6 {
                microsecond *= 10u32.pow(6 - i as u32);
            }
            length += i;
        }
    }
    Ok((
        Time {
            hour,
            minute,
            second,
            microsecond,
            tz_offset: None,
        },
        offset + length,
    ))
}

impl Time {
    /// A time from `offset` to the end of `bytes`: `HH:MM[:SS[.f…]]` then `Z`, `z`, `±HH:MM`,
    /// `±HHMM` (the sign may be U+2212) or nothing.
    pub(crate) fn parse_at(bytes: &[u8], offset: usize) -> Result<Time> {
        let (mut time, mut position) = parse_pure_time(bytes, offset)?;
        if let Some(&next) = bytes.get(position) {
            position += 1;
            if next == b'Z' || next == b'z' {
                time.tz_offset = Some(0);
            } else {
                let sign = match next {
                    b'+' => 1,
                    b'-' => -1,
                    0xE2 => {
                        if bytes.get(position) != Some(&0x88)
                            || bytes.get(position + 1) != Some(&0x92)
                        {
                            return Err(ParseError::InvalidCharTzSign);
                        }
                        position += 2;
                        -1
                    }
                    _ => return Err(ParseError::InvalidCharTzSign),
                };
                let h1 = digit(bytes, position, ParseError::InvalidCharTzHour)? as i32;
                let h2 = digit(bytes, position + 1, ParseError::InvalidCharTzHour)? as i32;
                let m1 = match bytes.get(position + 2) {
                    Some(b':') => {
                        position += 3;
                        digit(bytes, position, ParseError::InvalidCharTzMinute)? as i32
                    }
                    Some(c) if c.is_ascii_digit() => {
                        position += 2;
                        (c - b'0') as i32
                    }
                    _ => return Err(ParseError::InvalidCharTzMinute),
                };
                let m2 = digit(bytes, position + 1, ParseError::InvalidCharTzMinute)? as i32;
                let minute_seconds = m1 * 600 + m2 * 60;
                if minute_seconds >= 3600 {
                    return Err(ParseError::OutOfRangeTzMinute);
                }
                let offset = sign * (h1 * 36_000 + h2 * 3_600 + minute_seconds);
                if offset.abs() >= 24 * 3600 {
                    return Err(ParseError::OutOfRangeTz);
                }
                time.tz_offset = Some(offset);
                position += 2;
            }
        }
        if bytes.len() > position {
            return Err(ParseError::ExtraCharacters);
        }
        Ok(time)
    }

    /// pydantic's `time` from a text.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Time> {
        Time::parse_at(bytes, 0)
    }

    /// A time from seconds since midnight, in UTC.
    fn from_timestamp(second: u32, microsecond: u32) -> Result<Time> {
        let mut second = second;
        let mut microsecond = microsecond;
        if microsecond >= 1_000_000 {
            second = second
                .checked_add(microsecond / 1_000_000)
                .ok_or(ParseError::TimeTooLarge)?;
            microsecond %= 1_000_000;
        }
        if second >= 86_400 {
            return Err(ParseError::TimeTooLarge);
        }
        Ok(Time {
            hour: (second / 3600) as u8,
            minute: ((second % 3600) / 60) as u8,
            second: (second % 60) as u8,
            microsecond,
            tz_offset: Some(0),
        })
    }

    /// pydantic's `time` from an integer (seconds since midnight, UTC).
    pub(crate) fn from_int(seconds: i64) -> Result<Time> {
        Time::from_int_micros(seconds, 0)
    }

    fn from_int_micros(seconds: i64, micros: u32) -> Result<Time> {
        if seconds < 0 {
            return Err(ParseError::TimeNegative);
        }
        Time::from_timestamp(u32::try_from(seconds).unwrap_or(u32::MAX), micros)
    }

    /// pydantic's `time` from a float.
    pub(crate) fn from_float(seconds: f64) -> Result<Time> {
        if seconds.is_nan() {
            return Err(ParseError::NaN);
        }
        let micros = seconds.fract().abs() * 1_000_000.0;
        Time::from_int_micros(seconds.floor() as i64, micros.round() as u32)
    }
}

impl DateTime {
    /// `YYYY-MM-DD`, a separator (`T`, `t`, `_`, space) and a time.
    fn parse_rfc3339(bytes: &[u8]) -> Result<DateTime> {
        let date = Date::parse_partial(bytes)?;
        if !matches!(bytes.get(10), Some(b'T' | b't' | b' ' | b'_')) {
            return Err(ParseError::InvalidCharDateTimeSep);
        }
        let time = Time::parse_at(bytes, 11)?;
        Ok(DateTime { date, time })
    }

    /// A datetime text, or a number text as a timestamp (speedate's `parse_bytes`).
    pub(crate) fn parse(bytes: &[u8]) -> Result<DateTime> {
        match DateTime::parse_rfc3339(bytes) {
            Ok(dt) => Ok(dt),
            Err(error) => match parse_number(bytes) {
                IntFloat::Int(int) => DateTime::from_timestamp(int, 0),
                IntFloat::Float(float) => {
                    let normalized = if float.abs() > MS_WATERSHED as f64 {
                        float / 1_000.0
                    } else {
                        float
                    };
                    let seconds = normalized.floor() as i64;
                    let micros = ((normalized - seconds as f64) * 1_000_000.0).round() as u32;
                    DateTime::from_timestamp(seconds, micros)
                }
                IntFloat::Err => Err(error),
            },
        }
    }

    /// pydantic's lax `datetime` from a text: a datetime, else a date at midnight (naive);
    /// failing both, the *date* parser's reason (pydantic's `datetime_from_date_parsing`).
    pub(crate) fn parse_lax(bytes: &[u8]) -> Result<DateTime> {
        match DateTime::parse(bytes) {
            Ok(dt) => Ok(dt),
            Err(_) => Date::parse(bytes).map(|date| DateTime {
                date,
                time: Time::MIDNIGHT,
            }),
        }
    }

    /// A timestamp (seconds, or milliseconds above the watershed) plus microseconds, in UTC.
    pub(crate) fn from_timestamp(timestamp: i64, microsecond: u32) -> Result<DateTime> {
        let (mut second, extra) = timestamp_watershed(timestamp)?;
        let mut micros = microsecond
            .checked_add(extra)
            .ok_or(ParseError::TimeTooLarge)?;
        if micros >= 1_000_000 {
            second = second
                .checked_add(micros as i64 / 1_000_000)
                .ok_or(ParseError::TimeTooLarge)?;
            micros %= 1_000_000;
        }
        let (date, time_second) = Date::from_timestamp_calc(second)?;
        Ok(DateTime {
            date,
            time: Time::from_timestamp(time_second, micros)?,
        })
    }

    /// pydantic's `datetime` from a float timestamp.
    pub(crate) fn from_float(timestamp: f64) -> Result<DateTime> {
        if timestamp.is_nan() {
            return Err(ParseError::NaN);
        }
        let micros = if timestamp.abs() <= MS_WATERSHED as f64 {
            timestamp.fract().abs() * 1_000_000.0
        } else {
            timestamp.fract().abs() * 1_000.0
        };
        DateTime::from_timestamp(timestamp.floor() as i64, micros.round() as u32)
    }
}

macro_rules! checked {
    ($a:ident + $b:expr) => {
        $a.checked_add($b)
            .ok_or(ParseError::DurationValueTooLarge)?
    };
    ($a:ident * $b:expr) => {
        $a.checked_mul($b)
            .ok_or(ParseError::DurationValueTooLarge)?
    };
}

impl Duration {
    /// A normalised duration (carries microseconds into seconds and seconds into days).
    pub(crate) fn new(positive: bool, day: u32, second: u32, microsecond: u32) -> Result<Duration> {
        let mut d = Duration {
            positive,
            day,
            second,
            microsecond,
        };
        d.normalize()?;
        Ok(d)
    }

    fn normalize(&mut self) -> Result<()> {
        if self.microsecond >= 1_000_000 {
            self.second = self
                .second
                .checked_add(self.microsecond / 1_000_000)
                .ok_or(ParseError::DurationValueTooLarge)?;
            self.microsecond %= 1_000_000;
        }
        if self.second >= 86_400 {
            self.day = self
                .day
                .checked_add(self.second / 86_400)
                .ok_or(ParseError::DurationValueTooLarge)?;
            self.second %= 86_400;
        }
        if self.day > 999_999_999 {
            Err(ParseError::DurationDaysTooLarge)
        } else {
            Ok(())
        }
    }

    /// pydantic's `timedelta` from a text: ISO 8601 (`P1DT2H`), `[-+]HH:MM[:SS[.f]]`, or
    /// `N day[s][,] [HH:MM[:SS[.f]]]`.
    pub(crate) fn parse(bytes: &[u8]) -> Result<Duration> {
        let (positive, bytes) = match bytes {
            [b'-', rest @ ..] => (false, rest),
            [b'+', rest @ ..] => (true, rest),
            rest => (true, rest),
        };
        let mut d = match bytes {
            [] => return Err(ParseError::TooShort),
            [b'P', iso @ ..] => Duration::parse_iso(iso)?,
            _ => {
                if bytes.iter().any(|&c| c == b'd' || c == b'D') || bytes.len() < 5 {
                    Duration::parse_days_time(bytes)?
                } else {
                    Duration::parse_time(bytes)?
                }
            }
        };
        d.positive = positive;
        d.normalize()?;
        Ok(d)
    }

    fn parse_iso(bytes: &[u8]) -> Result<Duration> {
        let mut got_t = false;
        let mut last_had_fraction = false;
        let mut position = 0;
        let mut day: u32 = 0;
        let mut second: u32 = 0;
        let mut microsecond: u32 = 0;
        while let Some(&c) = bytes.get(position) {
            if c == b'T' {
                if got_t {
                    return Err(ParseError::DurationTRepeated);
                }
                got_t = true;
            } else {
                let (value, fraction, offset) = parse_number_frac(&bytes[position..], c)?;
                if last_had_fraction {
                    return Err(ParseError::DurationInvalidFraction);
                }
                if fraction.is_some() {
                    last_had_fraction = true;
                }
                position += offset;
                if got_t {
                    let mult: u32 = match bytes.get(position) {
                        Some(b'H') => 3600,
                        Some(b'M') => 60,
                        Some(b'S') => 1,
                        _ => return Err(ParseError::DurationInvalidTimeUnit),
                    };
                    let add = checked!(mult * value);
                    second = checked!(second + add);
                    if let Some(fraction) = fraction {
                        let extra = fraction * mult as f64;
                        let full = extra.trunc();
                        second = checked!(second + full as u32);
                        let micro = ((extra - full) * 1_000_000.0).round() as u32;
                        microsecond = checked!(microsecond + micro);
                    }
                } else {
                    let mult: u32 = match bytes.get(position) {
                        Some(b'Y') => 365,
                        Some(b'M') => 30,
                        Some(b'W') => 7,
                        Some(b'D') => 1,
                        _ => return Err(ParseError::DurationInvalidDateUnit),
                    };
                    let add = checked!(value * mult);
                    day = checked!(day + add);
                    if let Some(fraction) = fraction {
                        let extra_days = fraction * mult as f64;
                        let full_days = extra_days.trunc();
                        day = checked!(day + full_days as u32);
                        let extra_seconds = (extra_days - full_days) * 86_400.0;
                        let full_seconds = extra_seconds.trunc();
                        second = checked!(second + full_seconds as u32);
                        microsecond = microsecond.wrapping_add(
                            ((extra_seconds - full_seconds) * 1_000_000.0).round() as u32,
                        );
                    }
                }
            }
            position += 1;
        }
        if position < 2 {
            return Err(ParseError::TooShort);
        }
        Ok(Duration {
            positive: true,
            day,
            second,
            microsecond,
        })
    }

    fn parse_days_time(bytes: &[u8]) -> Result<Duration> {
        let (day, position) = match bytes.first() {
            Some(&c) => parse_duration_number(bytes, c)?,
            None => return Err(ParseError::TooShort),
        };
        let remaining = match bytes.get(position..) {
            Some([b' ', b'd' | b'D', rest @ ..]) | Some([b'd' | b'D', rest @ ..]) => rest,
            _ => return Err(ParseError::DurationInvalidDays),
        };
        let remaining = match remaining {
            [b'a', b'y', b's', rest @ ..]
            | [b'a', b'y', rest @ ..]
            | [b'A', b'Y', b'S', rest @ ..]
            | [b'A', b'Y', rest @ ..] => rest,
            [b'a' | b'A', ..] => return Err(ParseError::DurationInvalidDays),
            rest => rest,
        };
        let remaining = match remaining {
            [b',', b' ', rest @ ..] | [b',', rest @ ..] | [b' ', rest @ ..] => rest,
            rest => rest,
        };
        if remaining.is_empty() {
            return Ok(Duration {
                positive: true,
                day,
                second: 0,
                microsecond: 0,
            });
        }
        let t = Duration::parse_time(remaining)?;
        if t.day > 0 {
            return Err(ParseError::DurationHourValueTooLarge);
        }
        Ok(Duration {
            positive: true,
            day,
            second: t.second,
            microsecond: t.microsecond,
        })
    }

    fn parse_time(bytes: &[u8]) -> Result<Duration> {
        if bytes.len() < 5 {
            return Err(ParseError::TooShort);
        }
        const HOUR_NUMERIC_LIMIT: i64 = 24 * 10i64.pow(8);
        let Some(colon) = bytes.iter().position(|&c| c == b':') else {
            return Err(ParseError::InvalidCharHour);
        };
        let (hour_part, mut remaining) = (&bytes[..colon], &bytes[colon + 1..]);
        if hour_part.len() > 10 {
            return Err(ParseError::DurationHourValueTooLarge);
        }
        let mut hour: i64 = 0;
        for &c in hour_part {
            let h = c.wrapping_sub(b'0');
            if h > 9 {
                return Err(ParseError::InvalidCharHour);
            }
            hour = hour * 10 + h as i64;
        }
        if hour > HOUR_NUMERIC_LIMIT {
            return Err(ParseError::DurationHourValueTooLarge);
        }
        let mut buffer = *b"00:00:00.000000";
        if 3 + remaining.len() > buffer.len() {
            // pydantic's `microseconds_precision="truncate"`.
            remaining = &remaining[..buffer.len() - 3];
        }
        let buffer = &mut buffer[..3 + remaining.len()];
        buffer[3..].copy_from_slice(remaining);
        let (t, position) = parse_pure_time(buffer, 0)?;
        if buffer.len() > position {
            return Err(ParseError::ExtraCharacters);
        }
        let day = hour as u32 / 24;
        let hour = hour % 24;
        Ok(Duration {
            positive: true,
            day,
            second: t.minute as u32 * 60 + t.second as u32 + hour as u32 * 3_600,
            microsecond: t.microsecond,
        })
    }

    /// pydantic's `timedelta` from an integer number of seconds.
    pub(crate) fn from_int(total_seconds: i64) -> Result<Duration> {
        let positive = total_seconds >= 0;
        let total = total_seconds.unsigned_abs();
        // pydantic-core's `as u32`: the day count wraps.
        Duration::new(
            positive,
            (total / 86_400) as u32,
            (total % 86_400) as u32,
            0,
        )
    }

    /// pydantic's `timedelta` from a float number of seconds.
    pub(crate) fn from_float(total_seconds: f64) -> Result<Duration> {
        if total_seconds.is_nan() {
            return Err(ParseError::NaN);
        }
        let positive = total_seconds >= 0.0;
        let total = total_seconds.abs();
        let microsecond = total.fract() * 1_000_000.0;
        let day = (total / 86_400.0) as u32;
        let second = (total as u64 % 86_400) as u32;
        Duration::new(positive, day, second, microsecond.round() as u32)
    }
}

fn parse_duration_number(bytes: &[u8], first: u8) -> Result<(u32, usize)> {
    if !first.is_ascii_digit() {
        return Err(ParseError::DurationInvalidNumber);
    }
    let mut value = (first - b'0') as u32;
    let mut position = 1;
    while let Some(c) = bytes.get(position).filter(|c| c.is_ascii_digit()) {
        value = checked!(value * 10);
        value = checked!(value + (c - b'0') as u32);
        position += 1;
    }
    Ok((value, position))
}

fn parse_number_frac(bytes: &[u8], first: u8) -> Result<(u32, Option<f64>, usize)> {
    let (value, mut position) = parse_duration_number(bytes, first)?;
    if matches!(bytes.get(position), Some(b'.' | b',')) {
        let mut decimal = 0f64;
        let mut denominator = 1f64;
        loop {
            position += 1;
            match bytes.get(position) {
                Some(c) if c.is_ascii_digit() => {
                    decimal = decimal * 10.0 + (c - b'0') as f64;
                    denominator *= 10.0;
                }
                _ => return Ok((value, Some(decimal / denominator), position)),
            }
        }
    }
    Ok((value, None, position))
}
