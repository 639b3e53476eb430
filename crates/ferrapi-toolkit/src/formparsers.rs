//! Form bodies: Starlette's `FormParser` and `MultiPartParser`, behind
//! [`Request::form`](crate::Request::form).
//!
//! Both parsers read the request body **as a stream**: an urlencoded body is split on `&` as
//! the chunks arrive, and a `multipart/form-data` body is parsed by [`multer`], text parts
//! kept in memory and file parts written to an [`UploadFile`] (in memory up to 1 MiB, then a
//! temporary file, see [`uploads`](crate::uploads)). Any other content type gives an empty
//! [`FormData`] without reading the body, as in Starlette.
//!
//! # Limits
//!
//! [`FormLimits`] holds Starlette's defaults; every violation is an [`HTTPException`] whose
//! detail is Starlette's text:
//!
//! | limit | default | status and detail |
//! |---|---|---|
//! | [`max_fields`](FormLimits::max_fields) (non-file parts, urlencoded pairs) | 1000 | 400 `Too many fields. Maximum number of fields is {n}.` |
//! | [`max_files`](FormLimits::max_files) (parts with a `filename`) | 1000 | 400 `Too many files. Maximum number of files is {n}.` |
//! | [`max_part_size`](FormLimits::max_part_size), multipart text part | 1 MiB | 400 `Part exceeded maximum size of {n/1024}KB.` |
//! | [`max_part_size`](FormLimits::max_part_size), urlencoded name + value | 1 MiB | 400 `Field exceeded maximum size of {n/1024}KB.` |
//! | [`max_body_size`](FormLimits::max_body_size) (whole body; not in Starlette's `form()`) | none | 413 `Content Too Large` |
//! | [`spool_max_size`](FormLimits::spool_max_size) (memory per upload before disk) | 1 MiB | — |
//!
//! Malformed multipart bodies are 400 as well: `Missing boundary in multipart.`, `The
//! Content-Disposition header field "name" must be provided.`, and `Invalid multipart data:
//! {reason}` (Starlette says only `Invalid multipart data.`; here the parser's reason
//! follows, e.g. `incomplete multipart stream`). Errors of the body itself keep their status
//! (413 over the server's limit, 408 too slow, 400 cut short).
//!
//! ```
//! use ferrapi_toolkit::testclient::TestClient;
//! use ferrapi_toolkit::{Application, Error, Method, PlainText, Request, Route};
//!
//! async fn login(mut req: Request) -> Result<PlainText<String>, Error> {
//!     let form = req.form().await?;
//!     Ok(PlainText(format!("{:?}", form.get_text("user"))))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = Application::new().route(Route::new("/login", login).methods([Method::POST]));
//! let client = TestClient::new(app);
//! let response = client.post("/login").form(&[("user", "ann b")]).send().await;
//! assert_eq!(response.text(), r#"Some("ann b")"#);
//! # }
//! ```
//!
//! # Differences from Starlette
//!
//! - Urlencoded bytes are decoded as UTF-8 (invalid sequences become U+FFFD), as browsers
//!   encode them; Starlette decodes raw bytes as Latin-1, so an unescaped `é` arrives as `Ã©`.
//! - Text parts are decoded with the body's `charset` only for UTF-8 (the default) and
//!   Latin-1; otherwise UTF-8, falling back to Latin-1 for invalid UTF-8 as Starlette does.
//! - `filename*=UTF-8''...` (RFC 5987) is used when a part has no plain `filename`;
//!   python-multipart ignores it (RFC 7578 forbids it), which makes such a part a text field.
//! - The form is not cached on the request: a second `form()` is `Stream consumed` unless the
//!   body was read whole with [`Request::body`](crate::Request::body) first.
//! - A whole-body limit can be set per call ([`FormLimits::max_body_size`]).

use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use ferrapi_server::{Body, BodyError, BoxError};
use futures_core::Stream;
use http::header::{self, HeaderMap};
use http::StatusCode;

use crate::body_limit::{Limit, Limited, TooLarge};
use crate::exceptions::{body_error, Error, HTTPException};
pub use crate::uploads::UploadFile;
use crate::uploads::DEFAULT_SPOOL_MAX_SIZE;

/// Limits on a form body (Starlette's `request.form(max_files=, max_fields=,
/// max_part_size=)`), with Starlette's defaults.
///
/// ```
/// use ferrapi_toolkit::formparsers::FormLimits;
///
/// let limits = FormLimits::new().max_fields(10).max_part_size(64 * 1024).max_body_size(1 << 20);
/// assert_eq!(limits.max_files, 1000);
/// assert_eq!(limits.max_fields, 10);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FormLimits {
    /// Most file parts (default 1000).
    pub max_files: usize,
    /// Most non-file parts or urlencoded pairs (default 1000).
    pub max_fields: usize,
    /// Largest non-file part, or urlencoded name plus value, in bytes (default 1 MiB).
    pub max_part_size: usize,
    /// Largest whole body in bytes (default none; the server's own limit still applies).
    pub max_body_size: Option<u64>,
    /// Bytes of an upload kept in memory before it rolls to a temporary file (default 1 MiB).
    pub spool_max_size: usize,
}

impl Default for FormLimits {
    fn default() -> FormLimits {
        FormLimits {
            max_files: 1000,
            max_fields: 1000,
            max_part_size: 1024 * 1024,
            max_body_size: None,
            spool_max_size: DEFAULT_SPOOL_MAX_SIZE,
        }
    }
}

impl FormLimits {
    /// Starlette's defaults.
    pub fn new() -> FormLimits {
        FormLimits::default()
    }

    /// Sets the most file parts.
    pub fn max_files(mut self, n: usize) -> FormLimits {
        self.max_files = n;
        self
    }

    /// Sets the most non-file parts (or urlencoded pairs).
    pub fn max_fields(mut self, n: usize) -> FormLimits {
        self.max_fields = n;
        self
    }

    /// Sets the largest non-file part, in bytes.
    pub fn max_part_size(mut self, bytes: usize) -> FormLimits {
        self.max_part_size = bytes;
        self
    }

    /// Sets the largest whole body, in bytes (413 beyond).
    pub fn max_body_size(mut self, bytes: u64) -> FormLimits {
        self.max_body_size = Some(bytes);
        self
    }

    /// Sets how many bytes of an upload stay in memory before it rolls to disk.
    pub fn spool_max_size(mut self, bytes: usize) -> FormLimits {
        self.spool_max_size = bytes;
        self
    }
}

/// One value of a form: text, or an uploaded file.
#[derive(Debug)]
pub enum FormValue {
    /// A text field.
    Text(String),
    /// A file part (boxed: an upload is much larger than a string).
    File(Box<UploadFile>),
}

impl FormValue {
    /// The text, if this is a text field.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FormValue::Text(text) => Some(text),
            FormValue::File(_) => None,
        }
    }

    /// The upload, if this is a file part.
    pub fn as_file(&self) -> Option<&UploadFile> {
        match self {
            FormValue::File(file) => Some(file),
            FormValue::Text(_) => None,
        }
    }
}

/// A parsed form: an immutable ordered multi-map of field name to [`FormValue`] (Starlette's
/// `FormData`). [`get`](FormData::get) gives the last value of a name, as Starlette's
/// `form[name]`; [`get_all`](FormData::get_all) gives every value in order.
#[derive(Debug, Default)]
pub struct FormData {
    items: Vec<(String, FormValue)>,
}

impl FormData {
    /// A form from pairs, in order.
    pub fn from_items(items: Vec<(String, FormValue)>) -> FormData {
        FormData { items }
    }

    /// The last value of `name`.
    pub fn get(&self, name: &str) -> Option<&FormValue> {
        self.items
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The last value of `name` if it is text.
    pub fn get_text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(FormValue::as_text)
    }

    /// The last value of `name` if it is a file.
    pub fn get_file(&self, name: &str) -> Option<&UploadFile> {
        self.get(name).and_then(FormValue::as_file)
    }

    /// Every value of `name`, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a FormValue> + 'a {
        self.items
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Whether `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.items.iter().any(|(k, _)| k == name)
    }

    /// Every pair, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FormValue)> {
        self.items.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the form has no pairs.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Closes every upload now (deleting their temporary files), as Starlette's
    /// `await form.close()`. Dropping the form does the same.
    pub async fn close(&self) {
        for (_, value) in &self.items {
            if let FormValue::File(file) = value {
                file.close().await;
            }
        }
    }
}

impl IntoIterator for FormData {
    type Item = (String, FormValue);
    type IntoIter = std::vec::IntoIter<(String, FormValue)>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Whether the `Content-Type` is one of the two form types (anything else gives an empty
/// form without reading the body).
pub(crate) fn is_form(headers: &HeaderMap) -> bool {
    form_kind(headers).is_some()
}

fn form_kind(headers: &HeaderMap) -> Option<(bool, Vec<(String, String)>)> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .map(|v| latin1(v.as_bytes()))
        .unwrap_or_default();
    let (media_type, params) = parse_options_header(&content_type);
    match media_type.as_str() {
        "multipart/form-data" => Some((true, params)),
        "application/x-www-form-urlencoded" => Some((false, params)),
        _ => None,
    }
}

/// Parses a form body by the `Content-Type` in `headers`: urlencoded, multipart, or else an
/// empty form (the body is then dropped unread).
pub async fn parse_form(
    headers: &HeaderMap,
    body: Body,
    limits: &FormLimits,
) -> Result<FormData, Error> {
    let Some((multipart, params)) = form_kind(headers) else {
        return Ok(FormData::default());
    };
    if let (Some(max), Some(length)) = (limits.max_body_size, content_length(headers)) {
        if length > max {
            return Err(too_large());
        }
    }
    // The declared length was checked above, with this answer; the stream counts the rest.
    let limit = Limit::new(limits.max_body_size.unwrap_or(u64::MAX), None);
    let body = Limited::new(body, Arc::new(limit));
    if multipart {
        let boundary = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("boundary"))
            .map(|(_, v)| v.clone())
            .filter(|b| !b.is_empty())
            .ok_or_else(|| bad_request("Missing boundary in multipart."))?;
        let latin1_charset = params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("charset"))
            .is_some_and(|(_, c)| {
                matches!(
                    c.to_ascii_lowercase().as_str(),
                    "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1"
                )
            });
        parse_multipart(body, boundary, latin1_charset, limits).await
    } else {
        parse_urlencoded(body, limits).await
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

async fn parse_urlencoded(mut body: Limited, limits: &FormLimits) -> Result<FormData, Error> {
    let mut parser = UrlencodedParser {
        limits,
        current: Vec::new(),
        has_equals: false,
        fields: 0,
        items: Vec::new(),
    };
    while let Some(chunk) = next_chunk(&mut body).await {
        let chunk = chunk.map_err(stream_error)?;
        let mut rest = &chunk[..];
        while let Some(i) = rest.iter().position(|&b| b == b'&') {
            parser.extend(&rest[..i])?;
            parser.end_field()?;
            rest = &rest[i + 1..];
        }
        parser.extend(rest)?;
    }
    parser.end_field()?;
    Ok(FormData::from_items(parser.items))
}

struct UrlencodedParser<'a> {
    limits: &'a FormLimits,
    current: Vec<u8>,
    has_equals: bool,
    fields: usize,
    items: Vec<(String, FormValue)>,
}

impl UrlencodedParser<'_> {
    fn extend(&mut self, piece: &[u8]) -> Result<(), Error> {
        let equals = !self.has_equals && piece.contains(&b'=');
        // Starlette counts the name and value bytes, not the `=`.
        let size = self.current.len() + piece.len() - usize::from(self.has_equals || equals);
        if size > self.limits.max_part_size {
            return Err(bad_request(format!(
                "Field exceeded maximum size of {}KB.",
                self.limits.max_part_size / 1024
            )));
        }
        self.has_equals |= equals;
        self.current.extend_from_slice(piece);
        Ok(())
    }

    fn end_field(&mut self) -> Result<(), Error> {
        if self.current.is_empty() {
            return Ok(());
        }
        self.fields += 1;
        if self.fields > self.limits.max_fields {
            return Err(too_many_fields(self.limits.max_fields));
        }
        let field = std::mem::take(&mut self.current);
        self.has_equals = false;
        let (name, value) = match field.iter().position(|&b| b == b'=') {
            Some(i) => (&field[..i], &field[i + 1..]),
            None => (&field[..], &b""[..]),
        };
        self.items
            .push((unquote_plus(name), FormValue::Text(unquote_plus(value))));
        Ok(())
    }
}

fn unquote_plus(bytes: &[u8]) -> String {
    let replaced: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&replaced)
        .decode_utf8_lossy()
        .into_owned()
}

async fn parse_multipart(
    body: Limited,
    boundary: String,
    latin1_charset: bool,
    limits: &FormLimits,
) -> Result<FormData, Error> {
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut items = Vec::new();
    let (mut files, mut fields) = (0usize, 0usize);
    while let Some(mut field) = multipart.next_field().await.map_err(multer_error)? {
        let headers = field.headers().clone();
        let disposition = headers
            .get(header::CONTENT_DISPOSITION)
            .map(|v| v.as_bytes().to_vec())
            .unwrap_or_default();
        let disposition = ContentDisposition::parse(&disposition, latin1_charset);
        let Some(name) = disposition.name else {
            return Err(bad_request(
                "The Content-Disposition header field \"name\" must be provided.",
            ));
        };
        if let Some(filename) = disposition.filename {
            files += 1;
            if files > limits.max_files {
                return Err(bad_request(format!(
                    "Too many files. Maximum number of files is {}.",
                    limits.max_files
                )));
            }
            let file =
                UploadFile::with_spool_max_size(Some(filename), headers, limits.spool_max_size);
            while let Some(chunk) = field.chunk().await.map_err(multer_error)? {
                file.write(&chunk).await?;
            }
            file.seek(0).await?;
            items.push((name, FormValue::File(Box::new(file))));
        } else {
            fields += 1;
            if fields > limits.max_fields {
                return Err(too_many_fields(limits.max_fields));
            }
            let mut data = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multer_error)? {
                if data.len() + chunk.len() > limits.max_part_size {
                    return Err(bad_request(format!(
                        "Part exceeded maximum size of {}KB.",
                        limits.max_part_size / 1024
                    )));
                }
                data.extend_from_slice(&chunk);
            }
            items.push((name, FormValue::Text(decode(&data, latin1_charset))));
        }
    }
    Ok(FormData::from_items(items))
}

/// Starlette's `_user_safe_decode`: the charset (UTF-8 unless Latin-1 was given), and Latin-1
/// when the bytes are not valid in it.
fn decode(bytes: &[u8], latin1_charset: bool) -> String {
    if latin1_charset {
        return latin1(bytes);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => latin1(bytes),
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The `name` and `filename` of a part's `Content-Disposition`.
struct ContentDisposition {
    name: Option<String>,
    filename: Option<String>,
}

impl ContentDisposition {
    fn parse(value: &[u8], latin1_charset: bool) -> ContentDisposition {
        let value = latin1(value);
        let (_, params) = parse_options_header(&value);
        let get = |key: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v.as_str())
        };
        // Header bytes were read as Latin-1; give the text back its real encoding.
        let redecode = |v: &str| {
            let bytes: Vec<u8> = v.chars().map(|c| c as u32 as u8).collect();
            decode(&bytes, latin1_charset)
        };
        let name = get("name").map(redecode);
        let filename = get("filename")
            .map(|f| {
                let f = redecode(f);
                // python-multipart's workaround for IE6, which sends the full path.
                if f.get(1..3) == Some(":\\") || f.starts_with("\\\\") {
                    f.rsplit('\\').next().unwrap_or_default().to_string()
                } else {
                    f
                }
            })
            .or_else(|| get("filename*").and_then(decode_ext_value));
        ContentDisposition { name, filename }
    }
}

/// An RFC 5987 `charset'language'percent-encoded` value (UTF-8 or Latin-1).
fn decode_ext_value(value: &str) -> Option<String> {
    let mut parts = value.splitn(3, '\'');
    let charset = parts.next()?.to_ascii_lowercase();
    let _language = parts.next()?;
    let encoded = parts.next()?;
    let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
    match charset.as_str() {
        "utf-8" => String::from_utf8(bytes).ok(),
        "iso-8859-1" => Some(latin1(&bytes)),
        _ => None,
    }
}

/// python-multipart's `parse_options_header`: the lowercased value before the first `;`,
/// and the `key=value` parameters (quotes removed; `;` inside quotes kept).
fn parse_options_header(value: &str) -> (String, Vec<(String, String)>) {
    let mut segments = split_params(value).into_iter();
    let media_type = segments
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let params = segments
        .filter_map(|segment| {
            let (key, val) = segment.split_once('=')?;
            let (key, mut val) = (key.trim(), val.trim());
            let quoted = val.len() >= 2 && val.starts_with('"') && val.ends_with('"');
            if quoted {
                val = &val[1..val.len() - 1];
                return Some((
                    key.to_string(),
                    val.replace("\\\\", "\\").replace("\\\"", "\""),
                ));
            }
            Some((key.to_string(), val.to_string()))
        })
        .collect();
    (media_type, params)
}

/// Splits on `;` outside double quotes (Python's `email.message._parseparam`).
fn split_params(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in value.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                out.push(&value[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&value[start..]);
    out
}

fn bad_request(detail: impl Into<std::borrow::Cow<'static, str>>) -> Error {
    HTTPException::new(StatusCode::BAD_REQUEST)
        .with_detail(detail)
        .into()
}

fn too_many_fields(max: usize) -> Error {
    bad_request(format!(
        "Too many fields. Maximum number of fields is {max}."
    ))
}

fn too_large() -> Error {
    HTTPException::new(StatusCode::PAYLOAD_TOO_LARGE)
        .with_detail("Content Too Large")
        .into()
}

fn multer_error(err: multer::Error) -> Error {
    match err {
        multer::Error::StreamReadFailed(inner) => stream_error(inner),
        other => bad_request(format!("Invalid multipart data: {other}")),
    }
}

/// An error of the body stream: over [`FormLimits::max_body_size`], or the server's
/// [`BodyError`] with the status `Request::body` gives it.
fn stream_error(err: BoxError) -> Error {
    if err.is::<TooLarge>() {
        return too_large();
    }
    match err.downcast::<BodyError>() {
        Ok(err) => body_error(*err),
        Err(other) => Error::new(other),
    }
}

async fn next_chunk(body: &mut Limited) -> Option<Result<Bytes, BoxError>> {
    std::future::poll_fn(|cx| Pin::new(&mut *body).poll_next(cx)).await
}
