//! pydantic's `bytes`: [`ByteString`] (a model field, a response), and `bytes::Bytes` (an
//! argument).
//!
//! * A JSON string is its UTF-8 bytes; a text value (path, query, header, cookie, form field)
//!   likewise. Anything else is `bytes_type` ("Input should be a valid bytes").
//! * `min_length`/`max_length` count bytes: `bytes_too_short` ("Data should have at least 2
//!   bytes"), `bytes_too_long`, each with its bound in `ctx`.
//! * Schema: FastAPI's for `bytes`, `{"type": "string", "contentMediaType":
//!   "application/octet-stream"}` (pydantic alone writes `"format": "binary"`; FastAPI
//!   replaces it in every position).
//! * [`ByteString`] serialises as a JSON string, the bytes read as UTF-8, as pydantic does in
//!   JSON mode; bytes that are not UTF-8 fail to serialise, as in pydantic (FastAPI answers
//!   500). `bytes::Bytes` has no JSON `Serialize` of its own: use `ByteString` in responses.
//! * As a file argument (`#[file] file: Bytes`, FastAPI's `file: Annotated[bytes, File()]`)
//!   either type is the uploaded file's content; a plain form field of that name is read as
//!   its text's bytes, as FastAPI does.
//!
//! `Vec<u8>` is *not* `bytes`: it is `list[int]`, a JSON array of integers 0 to 255, through
//! the generic `Vec<T>` (a file argument of type `Vec<u8>` is the content, though).

use std::fmt;
use std::ops::Deref;

use bytes::Bytes;
use serde::de::{self, Deserialize, Deserializer, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::validation::{
    ConstraintKind, ConstraintTarget, Constraints, SchemaGenerator, Validate, Validator,
};

/// pydantic's `bytes`: bytes received as text (a JSON string, a parameter's value) or a file's
/// content, serialised back as a UTF-8 string.
///
/// ```
/// use ferrapi::types::ByteString;
/// use ferrapi::validation::{Validate, Validator};
///
/// let mut v = Validator::new();
/// let data = ByteString::validate(&serde_json::json!("héllo"), &mut v).unwrap();
/// assert_eq!(data.len(), 6);
/// assert_eq!(serde_json::to_string(&data).unwrap(), r#""héllo""#);
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ByteString(Bytes);

impl ByteString {
    /// Bytes from anything `Bytes` can be made from (`Vec<u8>`, `String`, `&'static [u8]`).
    pub fn new(bytes: impl Into<Bytes>) -> ByteString {
        ByteString(bytes.into())
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, as the `bytes` crate's `Bytes` (no copy).
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The bytes as text, when they are UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(&self.0).ok()
    }
}

impl fmt::Debug for ByteString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl Deref for ByteString {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for ByteString {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for ByteString {
    fn from(bytes: Bytes) -> ByteString {
        ByteString(bytes)
    }
}

impl From<Vec<u8>> for ByteString {
    fn from(bytes: Vec<u8>) -> ByteString {
        ByteString(bytes.into())
    }
}

impl From<String> for ByteString {
    fn from(text: String) -> ByteString {
        ByteString(text.into())
    }
}

impl From<&str> for ByteString {
    fn from(text: &str) -> ByteString {
        ByteString(Bytes::copy_from_slice(text.as_bytes()))
    }
}

impl From<ByteString> for Bytes {
    fn from(bytes: ByteString) -> Bytes {
        bytes.0
    }
}

impl Serialize for ByteString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(&self.0) {
            Ok(text) => serializer.serialize_str(text),
            // pydantic-core's words for the same failure.
            Err(e) => Err(serde::ser::Error::custom(format_args!(
                "invalid utf-8 sequence of {} bytes from index {}",
                e.error_len().unwrap_or(1),
                e.valid_up_to()
            ))),
        }
    }
}

/// Reads a string's UTF-8 bytes, or raw bytes (the inverse of the `Serialize`, plus binary
/// formats).
impl<'de> Deserialize<'de> for ByteString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ByteString, D::Error> {
        struct BytesVisitor;

        impl Visitor<'_> for BytesVisitor {
            type Value = ByteString;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or bytes")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<ByteString, E> {
                Ok(ByteString::from(text))
            }

            fn visit_string<E: de::Error>(self, text: String) -> Result<ByteString, E> {
                Ok(ByteString::from(text))
            }

            fn visit_bytes<E: de::Error>(self, bytes: &[u8]) -> Result<ByteString, E> {
                Ok(ByteString(Bytes::copy_from_slice(bytes)))
            }

            fn visit_byte_buf<E: de::Error>(self, bytes: Vec<u8>) -> Result<ByteString, E> {
                Ok(ByteString::from(bytes))
            }
        }

        deserializer.deserialize_string(BytesVisitor)
    }
}

fn bytes_type_error(input: &Value, v: &mut Validator) {
    v.error(
        "bytes_type",
        "Input should be a valid bytes",
        input.clone(),
        None,
    );
}

/// The bytes of a JSON value, checked.
fn from_value(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Bytes> {
    let Value::String(text) = input else {
        bytes_type_error(input, v);
        return None;
    };
    c.check_bytes(text.len(), || input.clone(), v)
        .then(|| Bytes::copy_from_slice(text.as_bytes()))
}

/// The bytes of a text value, checked.
fn from_text(input: &str, c: &Constraints, v: &mut Validator) -> Option<Bytes> {
    c.check_bytes(input.len(), || Value::String(input.to_owned()), v)
        .then(|| Bytes::copy_from_slice(input.as_bytes()))
}

/// FastAPI's schema of `bytes`.
fn schema() -> Value {
    json!({"type": "string", "contentMediaType": "application/octet-stream"})
}

macro_rules! bytes_impls {
    ($($t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl Validate for $t {
            const KIND: ConstraintKind = ConstraintKind::Bytes;

            fn json_schema(_g: &mut SchemaGenerator) -> Value {
                schema()
            }

            fn target(&self) -> ConstraintTarget<'_> {
                // Lengths are checked while validating (`validate_*_constrained`).
                ConstraintTarget::Unconstrained
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<$t> {
                from_value(input, &Constraints::new(), v).map(Into::into)
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<$t> {
                from_text(input, &Constraints::new(), v).map(Into::into)
            }

            fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<$t> {
                from_value(input, c, v).map(Into::into)
            }

            fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<$t> {
                from_text(input, c, v).map(Into::into)
            }
        }
    )*};
}

bytes_impls!(ByteString, Bytes);
