//! `uuid::Uuid` as pydantic's `UUID` (feature `uuid`, on by default).
//!
//! pydantic-core parses UUIDs with the same `uuid` crate, so the accepted forms are the same:
//! hyphenated, simple (32 hex digits), braced (`{…}`) and URN (`urn:uuid:…`), in either case;
//! nothing is trimmed. A string that does not parse is `uuid_parsing`, whose message ends
//! with the reason as the `uuid` release pydantic-core 2.46 links words it (`invalid
//! character: found `n` at 1`, positions counted from 1; newer `uuid` releases count from 0
//! and word lengths differently, so [`reason`] reproduces the older wording); anything else
//! is `uuid_type`. Serialised hyphenated and lowercase (`Uuid`'s `Serialize`, pydantic's JSON
//! mode); the schema is `{"type": "string", "format": "uuid"}`.

use serde_json::{json, Value};
use uuid::Uuid;

use crate::validation::{ctx, text_input, SchemaGenerator, Validate, Validator};

/// Why `text` is not a UUID, worded as pydantic-core's `uuid` (1.x before 1.11) words it: the
/// first character that is neither a hex digit nor `-` (after a `{…}` or `urn:uuid:` wrapper,
/// at its 1-based position in the whole text), else a length or group count, else the first
/// group of the wrong length.
fn reason(text: &str) -> String {
    let (inner, offset, simple) = if text.len() >= 2 && text.starts_with('{') && text.ends_with('}')
    {
        (&text[1..text.len() - 1], 1, false)
    } else if let Some(rest) = text.strip_prefix("urn:uuid:") {
        (rest, "urn:uuid:".len(), false)
    } else {
        (text, 0, true)
    };
    let mut hyphens = 0;
    let mut bounds = [0usize; 4];
    for (index, c) in inner.char_indices() {
        if c == '-' {
            if hyphens < 4 {
                bounds[hyphens] = index;
            }
            hyphens += 1;
        } else if !c.is_ascii_hexdigit() {
            return format!("invalid character: found `{c}` at {}", index + offset + 1);
        }
    }
    if hyphens == 0 && simple {
        return format!(
            "invalid length: expected length 32 for simple format, found {}",
            text.len()
        );
    }
    if hyphens != 4 {
        return format!("invalid group count: expected 5, found {}", hyphens + 1);
    }
    const STARTS: [usize; 5] = [0, 9, 14, 19, 24];
    const LENGTHS: [usize; 5] = [8, 4, 4, 4, 12];
    for group in 0..4 {
        if bounds[group] != STARTS[group + 1] - 1 {
            return format!(
                "invalid group length in group {group}: expected {}, found {}",
                LENGTHS[group],
                bounds[group] - STARTS[group]
            );
        }
    }
    format!(
        "invalid group length in group 4: expected 12, found {}",
        text.len() - STARTS[4]
    )
}

fn parse(text: &str, input: impl FnOnce() -> Value, v: &mut Validator) -> Option<Uuid> {
    match Uuid::parse_str(text) {
        Ok(uuid) => Some(uuid),
        Err(_) => {
            let reason = reason(text);
            v.error(
                "uuid_parsing",
                format!("Input should be a valid UUID, {reason}"),
                input(),
                ctx([("error", Value::String(reason))]),
            );
            None
        }
    }
}

#[diagnostic::do_not_recommend]
impl Validate for Uuid {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "uuid"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Uuid> {
        match input {
            Value::String(text) => parse(text, || input.clone(), v),
            _ => {
                v.error(
                    "uuid_type",
                    "UUID input should be a string, bytes or UUID object",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Uuid> {
        parse(input, || text_input(input), v)
    }
}
