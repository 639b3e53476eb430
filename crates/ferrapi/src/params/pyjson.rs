//! Where and why Python's `json` module rejects a document, so that a body `serde_json` cannot
//! parse gets FastAPI's `json_invalid` error word for word: `ctx.error` is the message of
//! CPython's `json.JSONDecodeError` and `loc[1]` its position, in characters.
//!
//! This walks the text as CPython's C scanner (`Modules/_json.c`) does, and only to find the
//! first error: bodies are parsed by `serde_json`, this runs when that fails. The messages
//! are those of CPython 3.13 and later, which name a trailing comma ("Illegal trailing comma
//! before end of object" at the comma) where 3.12 and earlier say "Expecting property name
//! enclosed in double quotes" (object) or "Expecting value" (array) at the closing bracket.
//! Apart from that rewording it agreed with CPython 3.11's `json.loads` on 35,000 randomly
//! mutated documents (strings, escapes, surrogate pairs, numbers, nesting, truncation).
//!
//! Python accepts a few documents `serde_json` rejects (`NaN`, `Infinity`, numbers beyond
//! `f64`, unpaired surrogate escapes, nesting deeper than 128); for those [`decode_error`]
//! finds no error and the caller falls back to its own wording.

/// The message and character position of the first error CPython's `json.loads` reports for
/// `text`, or `None` if Python would accept it.
pub(crate) fn decode_error(text: &str) -> Option<(&'static str, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let scanner = Scanner { s: &chars };
    let start = scanner.skip_ws(0);
    let end = match scanner.value(start) {
        Ok(end) => end,
        Err(err) => return Some(err),
    };
    let end = scanner.skip_ws(end);
    (end != chars.len()).then_some(("Extra data", end))
}

type Scan = Result<usize, (&'static str, usize)>;

struct Scanner<'a> {
    s: &'a [char],
}

impl Scanner<'_> {
    fn at(&self, idx: usize) -> Option<char> {
        self.s.get(idx).copied()
    }

    fn skip_ws(&self, mut idx: usize) -> usize {
        while matches!(self.at(idx), Some(' ' | '\t' | '\n' | '\r')) {
            idx += 1;
        }
        idx
    }

    fn literal(&self, idx: usize, word: &str) -> bool {
        word.chars()
            .enumerate()
            .all(|(i, c)| self.at(idx + i) == Some(c))
    }

    /// `scan_once_unicode`: one value starting at `idx`; its end.
    fn value(&self, idx: usize) -> Scan {
        let expecting = Err(("Expecting value", idx));
        match self.at(idx) {
            None => expecting,
            Some('"') => self.string(idx + 1),
            Some('{') => self.object(idx + 1),
            Some('[') => self.array(idx + 1),
            Some('n') if self.literal(idx, "null") => Ok(idx + 4),
            Some('t') if self.literal(idx, "true") => Ok(idx + 4),
            Some('f') if self.literal(idx, "false") => Ok(idx + 5),
            Some('N') if self.literal(idx, "NaN") => Ok(idx + 3),
            Some('I') if self.literal(idx, "Infinity") => Ok(idx + 8),
            Some('-') if self.literal(idx + 1, "Infinity") => Ok(idx + 9),
            Some(_) => self.number(idx).map_or(expecting, Ok),
        }
    }

    /// `_match_number_unicode`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
    fn number(&self, start: usize) -> Option<usize> {
        let digit = |i: usize| self.at(i).is_some_and(|c| c.is_ascii_digit());
        let mut idx = start;
        if self.at(idx) == Some('-') {
            idx += 1;
        }
        match self.at(idx) {
            Some('0') => idx += 1,
            Some('1'..='9') => {
                idx += 1;
                while digit(idx) {
                    idx += 1;
                }
            }
            _ => return None,
        }
        if self.at(idx) == Some('.') && digit(idx + 1) {
            idx += 2;
            while digit(idx) {
                idx += 1;
            }
        }
        if matches!(self.at(idx), Some('e' | 'E')) {
            let mut exp = idx + 1;
            if matches!(self.at(exp), Some('-' | '+')) {
                exp += 1;
            }
            if digit(exp) {
                while digit(exp) {
                    exp += 1;
                }
                idx = exp;
            }
        }
        Some(idx)
    }

    /// `scanstring_unicode`, strict: the string whose opening quote is at `end - 1`.
    fn string(&self, mut end: usize) -> Scan {
        let begin = end - 1;
        let unterminated = ("Unterminated string starting at", begin);
        let len = self.s.len();
        loop {
            let mut next = end;
            let mut c = None;
            while next < len {
                let ch = self.s[next];
                if ch == '"' || ch == '\\' {
                    c = Some(ch);
                    break;
                }
                if (ch as u32) <= 0x1f {
                    return Err(("Invalid control character at", next));
                }
                next += 1;
            }
            match c {
                None => return Err(unterminated),
                Some('"') => return Ok(next + 1),
                Some(_) => {}
            }
            // A backslash at `next`.
            next += 1;
            let Some(esc) = self.at(next) else {
                return Err(unterminated);
            };
            if esc != 'u' {
                end = next + 1;
                if !matches!(esc, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't') {
                    return Err(("Invalid \\escape", end - 2));
                }
                continue;
            }
            next += 1;
            end = next + 4;
            if end >= len {
                return Err(("Invalid \\uXXXX escape", next - 1));
            }
            let Some(unit) = self.hex4(next) else {
                return Err(("Invalid \\uXXXX escape", end - 5));
            };
            next = end;
            // A high surrogate followed by `\u`: the second half is read (and must be hex).
            if (0xd800..=0xdbff).contains(&unit)
                && end + 6 < len
                && self.at(next) == Some('\\')
                && self.at(next + 1) == Some('u')
            {
                end += 6;
                let Some(low) = self.hex4(next + 2) else {
                    return Err(("Invalid \\uXXXX escape", end - 5));
                };
                if !(0xdc00..=0xdfff).contains(&low) {
                    end -= 6;
                }
            }
        }
    }

    fn hex4(&self, idx: usize) -> Option<u32> {
        (0..4).try_fold(0u32, |acc, i| {
            let digit = self.at(idx + i)?.to_digit(16)?;
            Some(acc * 16 + digit)
        })
    }

    /// `_parse_object_unicode`: the object whose `{` is at `idx - 1`.
    fn object(&self, idx: usize) -> Scan {
        let mut idx = self.skip_ws(idx);
        if self.at(idx) == Some('}') {
            return Ok(idx + 1);
        }
        loop {
            if self.at(idx) != Some('"') {
                return Err(("Expecting property name enclosed in double quotes", idx));
            }
            idx = self.skip_ws(self.string(idx + 1)?);
            if self.at(idx) != Some(':') {
                return Err(("Expecting ':' delimiter", idx));
            }
            idx = self.skip_ws(self.value(self.skip_ws(idx + 1))?);
            match self.at(idx) {
                Some('}') => return Ok(idx + 1),
                Some(',') => {
                    let comma = idx;
                    idx = self.skip_ws(idx + 1);
                    if self.at(idx) == Some('}') {
                        return Err(("Illegal trailing comma before end of object", comma));
                    }
                }
                _ => return Err(("Expecting ',' delimiter", idx)),
            }
        }
    }

    /// `_parse_array_unicode`: the array whose `[` is at `idx - 1`.
    fn array(&self, idx: usize) -> Scan {
        let mut idx = self.skip_ws(idx);
        if self.at(idx) == Some(']') {
            return Ok(idx + 1);
        }
        loop {
            idx = self.skip_ws(self.value(idx)?);
            match self.at(idx) {
                Some(']') => return Ok(idx + 1),
                Some(',') => {
                    let comma = idx;
                    idx = self.skip_ws(idx + 1);
                    if self.at(idx) == Some(']') {
                        return Err(("Illegal trailing comma before end of array", comma));
                    }
                }
                _ => return Err(("Expecting ',' delimiter", idx)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::decode_error;

    /// CPython's answers (`json.loads(text)` → `JSONDecodeError.msg`, `.pos`).
    #[test]
    fn errors_are_cpythons() {
        let cases: &[(&str, Option<(&str, usize)>)] = &[
            (
                r#"{"a": [1, 2.5e3, -0, true, null, "x\n\u00e9\ud834\udd20"]}"#,
                None,
            ),
            ("NaN", None),
            ("[-Infinity, Infinity]", None),
            ("", Some(("Expecting value", 0))),
            ("   ", Some(("Expecting value", 3))),
            (
                "{",
                Some(("Expecting property name enclosed in double quotes", 1)),
            ),
            ("[", Some(("Expecting value", 1))),
            (r#"{"name": "#, Some(("Expecting value", 9))),
            (r#"{"a" 1}"#, Some(("Expecting ':' delimiter", 5))),
            (r#"{"a": 1 "b": 2}"#, Some(("Expecting ',' delimiter", 8))),
            ("[1, 2", Some(("Expecting ',' delimiter", 5))),
            ("[1 2]", Some(("Expecting ',' delimiter", 3))),
            (
                r#"{"a": 1,}"#,
                Some(("Illegal trailing comma before end of object", 7)),
            ),
            (
                "[1, 2 , ]",
                Some(("Illegal trailing comma before end of array", 6)),
            ),
            (
                "{'a': 1}",
                Some(("Expecting property name enclosed in double quotes", 1)),
            ),
            ("[01]", Some(("Expecting ',' delimiter", 2))),
            ("[1.]", Some(("Expecting ',' delimiter", 2))),
            ("[1e]", Some(("Expecting ',' delimiter", 2))),
            ("[-]", Some(("Expecting value", 1))),
            ("[.5]", Some(("Expecting value", 1))),
            ("tru", Some(("Expecting value", 0))),
            ("1 2", Some(("Extra data", 2))),
            ("{} x", Some(("Extra data", 3))),
            ("\"abc", Some(("Unterminated string starting at", 0))),
            ("[\"a\\", Some(("Unterminated string starting at", 1))),
            ("\"a\tb\"", Some(("Invalid control character at", 2))),
            ("\"a\\qb\"", Some(("Invalid \\escape", 2))),
            ("\"\\u12\"", Some(("Invalid \\uXXXX escape", 2))),
            ("\"\\u12x4\"", Some(("Invalid \\uXXXX escape", 2))),
            ("\"\\ud834\\uzzzz\"", Some(("Invalid \\uXXXX escape", 8))),
            ("[\"é\", ü]", Some(("Expecting value", 6))),
        ];
        for (text, expected) in cases {
            assert_eq!(decode_error(text), *expected, "{text:?}");
        }
    }
}
