//! `url::Url` as pydantic's `AnyUrl`, and [`HttpUrl`] as its `HttpUrl` (feature `url`).
//!
//! # Reproduced
//!
//! * pydantic-core parses URLs with the same `url` crate (2.5), so what is accepted and how it
//!   is normalised are the same: the scheme and host lowercased, default ports dropped,
//!   `.`/`..` segments resolved, spaces percent-encoded, IDNA hosts punycoded, a `/` path
//!   added to a bare host (`http://EXAMPLE.com` is `http://example.com/`), surrounding
//!   spaces and control characters trimmed, tabs and newlines removed.
//! * A text that does not parse is `url_parsing`, `Input should be a valid URL, {error}`,
//!   with `ctx` `{"error": …}`, the `url` crate's own words (`relative URL without a base`,
//!   `empty host`, `invalid port number`…; `input is empty` for `""`, pydantic-core's own
//!   check). A JSON value that is not a
//!   string is `url_type` (`URL input should be a string or URL`).
//! * [`HttpUrl`]: the input may have at most 2083 bytes (`url_too_long`, `URL should have at
//!   most 2083 characters`, `ctx` `{"max_length": 2083}`, checked before parsing, as pydantic
//!   measures it: the UTF-8 length of the input), and the scheme must be `http` or `https`
//!   (`url_scheme`, `URL scheme should be 'http' or 'https'`, `ctx` `{"expected_schemes":
//!   "'http' or 'https'"}`).
//! * **Serialisation**: the normalised text (`Url`'s own `Serialize`, and [`HttpUrl`]'s).
//! * **Schema**: `{"type": "string", "format": "uri", "minLength": 1}`, with `"maxLength":
//!   2083` for [`HttpUrl`], in both modes.
//!
//! # Differs
//!
//! Nothing known for these two types. pydantic's other URL types (`AnyHttpUrl`,
//! `PostgresDsn`, multi-host URLs…) have no counterpart.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{json, Value};
use url::Url;

use crate::validation::{ctx, text_input, SchemaGenerator, Validate, Validator};

/// pydantic's `HttpUrl` maximum length.
const HTTP_URL_MAX_LENGTH: usize = 2083;

/// `Url::parse`, with pydantic-core's own error for an empty text.
fn parse_url(text: &str) -> Result<Url, String> {
    if text.is_empty() {
        return Err("input is empty".to_string());
    }
    Url::parse(text).map_err(|e| e.to_string())
}

fn parse(text: &str, input: impl FnOnce() -> Value, v: &mut Validator) -> Option<Url> {
    match parse_url(text) {
        Ok(url) => Some(url),
        Err(error) => {
            v.error(
                "url_parsing",
                format!("Input should be a valid URL, {error}"),
                input(),
                ctx([("error", Value::String(error))]),
            );
            None
        }
    }
}

fn type_error(v: &mut Validator, input: &Value) {
    v.error(
        "url_type",
        "URL input should be a string or URL",
        input.clone(),
        None,
    );
}

#[diagnostic::do_not_recommend]
impl Validate for Url {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "uri", "minLength": 1})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Url> {
        match input {
            Value::String(text) => parse(text, || input.clone(), v),
            _ => {
                type_error(v, input);
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Url> {
        parse(input, || text_input(input), v)
    }
}

/// An absolute `http` or `https` URL of at most 2083 bytes: pydantic's `HttpUrl`.
///
/// Derefs to [`Url`]; serialised (and displayed) as the normalised URL, as pydantic writes it
/// (`http://example.com/` for `http://EXAMPLE.com`).
///
/// ```
/// use ferrapi::types::HttpUrl;
///
/// let url: HttpUrl = "https://Example.com:443/a/../b".parse().unwrap();
/// assert_eq!(url.as_str(), "https://example.com/b");
/// assert!("ftp://example.com".parse::<HttpUrl>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HttpUrl(Url);

impl HttpUrl {
    /// Checks `url` is `http` or `https` and at most 2083 bytes once serialised.
    pub fn new(url: Url) -> Result<HttpUrl, HttpUrlError> {
        if url.as_str().len() > HTTP_URL_MAX_LENGTH {
            return Err(HttpUrlError::TooLong);
        }
        if !matches!(url.scheme(), "http" | "https") {
            return Err(HttpUrlError::Scheme);
        }
        Ok(HttpUrl(url))
    }

    /// The normalised URL.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The [`Url`] inside.
    pub fn into_url(self) -> Url {
        self.0
    }

    /// Validates `text` with pydantic's rules and errors.
    fn validate_text(text: &str, input: impl Fn() -> Value, v: &mut Validator) -> Option<HttpUrl> {
        if text.len() > HTTP_URL_MAX_LENGTH {
            v.error(
                "url_too_long",
                format!("URL should have at most {HTTP_URL_MAX_LENGTH} characters"),
                input(),
                ctx([("max_length", Value::from(HTTP_URL_MAX_LENGTH))]),
            );
            return None;
        }
        let url = parse(text, &input, v)?;
        if !matches!(url.scheme(), "http" | "https") {
            v.error(
                "url_scheme",
                "URL scheme should be 'http' or 'https'",
                input(),
                ctx([("expected_schemes", Value::from("'http' or 'https'"))]),
            );
            return None;
        }
        Some(HttpUrl(url))
    }
}

/// Why a text or [`Url`] is not an [`HttpUrl`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpUrlError {
    /// The text does not parse as a URL: the `url` crate's reason (or `input is empty`).
    Parse(String),
    /// Longer than 2083 bytes.
    TooLong,
    /// Neither `http` nor `https`.
    Scheme,
}

impl fmt::Display for HttpUrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpUrlError::Parse(e) => write!(f, "Input should be a valid URL, {e}"),
            HttpUrlError::TooLong => write!(
                f,
                "URL should have at most {HTTP_URL_MAX_LENGTH} characters"
            ),
            HttpUrlError::Scheme => f.write_str("URL scheme should be 'http' or 'https'"),
        }
    }
}

impl std::error::Error for HttpUrlError {}

impl FromStr for HttpUrl {
    type Err = HttpUrlError;

    fn from_str(text: &str) -> Result<HttpUrl, HttpUrlError> {
        if text.len() > HTTP_URL_MAX_LENGTH {
            return Err(HttpUrlError::TooLong);
        }
        HttpUrl::new(parse_url(text).map_err(HttpUrlError::Parse)?)
    }
}

impl Deref for HttpUrl {
    type Target = Url;

    fn deref(&self) -> &Url {
        &self.0
    }
}

impl AsRef<str> for HttpUrl {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl From<HttpUrl> for Url {
    fn from(url: HttpUrl) -> Url {
        url.0
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpUrl({:?})", self.0.as_str())
    }
}

impl Serialize for HttpUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<HttpUrl, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[diagnostic::do_not_recommend]
impl Validate for HttpUrl {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "uri", "minLength": 1, "maxLength": 2083})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<HttpUrl> {
        match input {
            Value::String(text) => HttpUrl::validate_text(text, || input.clone(), v),
            _ => {
                type_error(v, input);
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<HttpUrl> {
        HttpUrl::validate_text(input, || text_input(input), v)
    }
}
