//! [`FileResponse`]: Starlette's `FileResponse`, a file sent from disk with range and
//! conditional request support. What is reproduced and what differs is documented on the type.

use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::BuildHasher;
use std::io::{self, SeekFrom};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::{Bytes, BytesMut};
use ferrapi_server::Body;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC};
use tokio::io::{AsyncReadExt, AsyncSeekExt};

use super::{header_value, InvalidHeader, Response};
use crate::exceptions::Error;
use crate::requests::Request;

/// The size of the chunks the file is read and sent in (Starlette's `chunk_size`).
const CHUNK_SIZE: u64 = 64 * 1024;

/// More ranges than this in one `Range` header and the header is ignored (Starlette's
/// `max_ranges`).
const MAX_RANGES: usize = 100;

/// The last second an HTTP date can name (9999-12-31 23:59:59 UTC), in seconds since the epoch.
const LAST_HTTP_DATE: u64 = 253_402_300_799;

/// The characters Python's `urllib.parse.quote(name)` leaves alone: letters, digits, `_.-~`
/// and `/`.
const FILENAME_SAFE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'_')
    .remove(b'.')
    .remove(b'-')
    .remove(b'~')
    .remove(b'/');

/// The headers a `304 Not Modified` keeps (Starlette's `NotModifiedResponse`, plus
/// `last-modified`).
const NOT_MODIFIED_HEADERS: [HeaderName; 6] = [
    header::CACHE_CONTROL,
    header::CONTENT_LOCATION,
    header::ETAG,
    header::EXPIRES,
    header::LAST_MODIFIED,
    header::VARY,
];

/// A file sent from disk (Starlette's `FileResponse`), with `Range` and conditional request
/// handling.
///
/// Build it with [`new`](FileResponse::new) and the builder methods, then answer with
/// [`respond`](FileResponse::respond):
///
/// ```no_run
/// use ferrapi_toolkit::{Error, FileResponse, Request, Response};
///
/// async fn download(req: Request) -> Result<Response, Error> {
///     FileResponse::new("data/export.csv")
///         .media_type("text/csv")?
///         .filename("export.csv")
///         .content_disposition_type("inline")?
///         .respond(&req)
///         .await
/// }
/// ```
///
/// Reproduced from Starlette: the headers (`accept-ranges: bytes`, `content-length`,
/// `last-modified`, `etag`, a `content-type` guessed from the file name with
/// `application/octet-stream` as fallback and `; charset=utf-8` added to `text/*` types, and
/// `content-disposition` when a download name is given, in its `filename="…"` or
/// `filename*=utf-8''…` form); the body read in 64 KiB chunks; `Range` handling (single ranges
/// as `206` with `content-range`, several as `multipart/byteranges` with overlapping and
/// adjacent ranges merged, suffix and open-ended ranges, ends clamped to the file size, more
/// than 100 ranges ignored, `If-Range` against the ETag or the Last-Modified date); the `416`
/// and `400` answers with Starlette's texts (`Only support bytes range`,
/// `Malformed range header.`, `Range header: range must be requested`,
/// `Range header: start must be less than end`) as plain-text responses (they are answers,
/// not errors, so exception handlers do not see them — as in Starlette); `HEAD` gets the
/// headers and no body; a missing file is an error, so a `500`.
///
/// Differences from Starlette:
///
/// * **The request is an argument.** Ranges and conditional requests depend on the request,
///   which Starlette's response reads from the scope when it is called; here
///   [`FileResponse::respond`] takes the [`Request`] (or
///   [`respond_to`](FileResponse::respond_to) a method and headers). `FileResponse` does not
///   implement the synchronous [`IntoResponse`](super::IntoResponse): it must look at the file
///   first. [`into_response_async`](FileResponse::into_response_async) answers as to a plain
///   `GET`: the whole file, with the configured status.
/// * **Conditional requests are answered here**, not only by static files: for a `GET` or
///   `HEAD` with status 200, an `If-None-Match` naming the ETag (weak comparison, `*`, or a
///   list) or, without `If-None-Match`, an `If-Modified-Since` not older than the file gives
///   `304 Not Modified` with `etag`, `last-modified` and any `cache-control`,
///   `content-location`, `expires` and `vary` header given (Starlette's `StaticFiles` rule).
/// * **Ranges only for `GET`/`HEAD` with status 200** (RFC 9110 §14.2); Starlette answers a
///   range of any method and status with `206`.
/// * **The ETag** is `"<mtime in ns since the epoch, hex>-<size, hex>"` (strong, stable while
///   the file is unchanged, like nginx's; a `-` before the mtime for a file dated before
///   1970), not the MD5 of `"<mtime>-<size>"`; both change when the file's mtime or size
///   changes. `Last-Modified` of a file dated before 1970 (or after 9999) is the nearest date
///   HTTP can name.
/// * **`content-length` is always the real length**; a `content-length` given with
///   [`header`](FileResponse::header) is replaced (Starlette would keep it and send a broken
///   response). The other computed headers (`etag`, `last-modified`, `content-type`,
///   `content-disposition`, `accept-ranges`) yield to a given one, as Starlette's
///   `setdefault`; a given ETag is the one conditional requests are checked against.
/// * **Errors:** the file is examined and opened before the response is returned, so a
///   missing or unreadable file is an `Err` (a `500` through the exception handlers) rather
///   than a response cut short. The error is an [`std::io::Error`] (kind `NotFound` with
///   Starlette's text `File at path … does not exist.`, `InvalidInput` for
///   `… is not a file.`), so a handler can downcast it and answer `404` instead. A file that
///   shrinks while it is sent ends the response early (the connection is closed).
/// * No `stat_result` argument, no `http.response.pathsend`; background tasks are attached to
///   the returned response with [`ResponseExt::with_background`](super::ResponseExt).
/// * The content type comes from `mime_guess`, whose table differs from Python's `mimetypes`
///   for a few extensions.
#[derive(Clone, Debug)]
pub struct FileResponse {
    path: PathBuf,
    status: StatusCode,
    filename: Option<String>,
    media_type: Option<String>,
    disposition_type: String,
    headers: HeaderMap,
}

impl FileResponse {
    /// A `200` response with the file at `path`, its content type guessed from the path.
    pub fn new(path: impl Into<PathBuf>) -> FileResponse {
        FileResponse {
            path: path.into(),
            status: StatusCode::OK,
            filename: None,
            media_type: None,
            disposition_type: "attachment".to_string(),
            headers: HeaderMap::new(),
        }
    }

    /// The path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The name the client should save the file as: adds `content-disposition` (by default
    /// `attachment; filename="<name>"`, or `attachment; filename*=utf-8''<percent-encoded>`
    /// when the name has characters that need quoting). The content type is then guessed from
    /// this name rather than the path.
    pub fn filename(mut self, filename: impl Into<String>) -> FileResponse {
        self.filename = Some(filename.into());
        self
    }

    /// The media type, instead of the guess (`text/*` types get `; charset=utf-8` unless they
    /// name a charset). A value that is not a valid header is an error.
    pub fn media_type(mut self, media_type: &str) -> Result<FileResponse, InvalidHeader> {
        header_value(media_type)?;
        self.media_type = Some(media_type.to_string());
        Ok(self)
    }

    /// The disposition type of `content-disposition` (`attachment` by default, `inline` to let
    /// a browser show the file); used only with a [`filename`](FileResponse::filename). A
    /// value that is not a valid header is an error.
    pub fn content_disposition_type(
        mut self,
        disposition_type: &str,
    ) -> Result<FileResponse, InvalidHeader> {
        header_value(disposition_type)?;
        self.disposition_type = disposition_type.to_string();
        Ok(self)
    }

    /// The status code (200 by default). Ranges and conditional requests are answered only
    /// for 200; any other status always sends the whole file.
    pub fn status(mut self, status: StatusCode) -> FileResponse {
        self.status = status;
        self
    }

    /// Sets a header (replacing one of the same name). A given `etag`, `last-modified`,
    /// `content-type`, `content-disposition` or `accept-ranges` takes the place of the
    /// computed one; `content-length` is always computed.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> FileResponse {
        self.headers.insert(name, value);
        self
    }

    /// Answers `req`: `304` for a fresh conditional request, `206` for ranges, `416`/`400` for
    /// unsatisfiable or malformed ranges, otherwise the whole file; for `HEAD` the same
    /// headers without a body.
    ///
    /// The returned future does not borrow the request. It fails when the file is missing
    /// (`io::ErrorKind::NotFound`), not a regular file (`InvalidInput`) or cannot be read.
    pub fn respond(
        self,
        req: &Request,
    ) -> impl Future<Output = Result<Response, Error>> + Send + 'static {
        self.respond_to(req.method(), req.headers())
    }

    /// As [`respond`](FileResponse::respond), for a request known by its method and headers
    /// only (another layer's request type).
    pub fn respond_to(
        self,
        method: &Method,
        headers: &HeaderMap,
    ) -> impl Future<Output = Result<Response, Error>> + Send + 'static {
        let conditions = Conditions::from_request(method, headers);
        self.run(conditions)
    }

    /// The whole file with the configured status, as the answer to a plain `GET` without
    /// `Range` or conditional headers (the server still sends no body to a `HEAD`). Fails as
    /// [`respond`](FileResponse::respond) does.
    pub async fn into_response_async(self) -> Result<Response, Error> {
        self.run(Conditions::default()).await
    }

    async fn run(self, cond: Conditions) -> Result<Response, Error> {
        let meta = tokio::fs::metadata(&self.path).await.map_err(|err| {
            if err.kind() == io::ErrorKind::NotFound {
                file_error(
                    io::ErrorKind::NotFound,
                    format!("File at path {} does not exist.", self.path.display()),
                )
            } else {
                file_error(
                    err.kind(),
                    format!("File at path {} cannot be read: {err}", self.path.display()),
                )
            }
        })?;
        if !meta.is_file() {
            return Err(file_error(
                io::ErrorKind::InvalidInput,
                format!("File at path {} is not a file.", self.path.display()),
            ));
        }
        let size = meta.len();
        let mtime = meta.modified().unwrap_or(UNIX_EPOCH);
        let headers = self.base_headers(size, mtime)?;

        let negotiable = self.status == StatusCode::OK && cond.get_or_head;
        if negotiable && cond.not_modified(&headers) {
            return Ok(not_modified(&headers));
        }

        let range = cond.range.as_deref().filter(|_| negotiable).filter(|_| {
            cond.if_range
                .as_deref()
                .is_none_or(|v| if_range_matches(v, &headers))
        });
        let ranges = match range.map(|r| parse_range(r, size)) {
            None => Vec::new(),
            Some(Ok(ranges)) => ranges,
            Some(Err(RangeError::Malformed(message))) => {
                return Ok(plain(StatusCode::BAD_REQUEST, message, HeaderMap::new()));
            }
            Some(Err(RangeError::NotSatisfiable)) => {
                let mut extra = HeaderMap::new();
                extra.insert(
                    header::CONTENT_RANGE,
                    content_range_value(&format!("bytes */{size}")),
                );
                return Ok(plain(StatusCode::RANGE_NOT_SATISFIABLE, "", extra));
            }
        };

        match ranges.as_slice() {
            [] => {
                self.send(
                    self.status,
                    headers,
                    vec![Part::File {
                        start: 0,
                        len: size,
                    }],
                    size,
                    cond.head,
                )
                .await
            }
            &[(start, end)] => {
                let mut headers = headers;
                headers.insert(
                    header::CONTENT_RANGE,
                    content_range_value(&format!("bytes {start}-{}/{size}", end - 1)),
                );
                let len = end - start;
                self.send(
                    StatusCode::PARTIAL_CONTENT,
                    headers,
                    vec![Part::File { start, len }],
                    len,
                    cond.head,
                )
                .await
            }
            ranges => {
                let boundary = boundary();
                let part_type = headers
                    .get(header::CONTENT_TYPE)
                    .map(|v| v.as_bytes().to_vec())
                    .unwrap_or_default();
                let mut parts = Vec::with_capacity(ranges.len() * 3 + 1);
                let mut total = 0u64;
                for &(start, end) in ranges {
                    let mut head = BytesMut::new();
                    head.extend_from_slice(b"--");
                    head.extend_from_slice(boundary.as_bytes());
                    head.extend_from_slice(b"\r\nContent-Type: ");
                    head.extend_from_slice(&part_type);
                    head.extend_from_slice(
                        format!(
                            "\r\nContent-Range: bytes {start}-{}/{size}\r\n\r\n",
                            end - 1
                        )
                        .as_bytes(),
                    );
                    total += head.len() as u64 + (end - start) + 2;
                    parts.push(Part::Bytes(head.freeze()));
                    parts.push(Part::File {
                        start,
                        len: end - start,
                    });
                    parts.push(Part::Bytes(Bytes::from_static(b"\r\n")));
                }
                let tail = Bytes::from(format!("--{boundary}--"));
                total += tail.len() as u64;
                parts.push(Part::Bytes(tail));
                let mut headers = headers;
                headers.insert(
                    header::CONTENT_TYPE,
                    header_value(&format!("multipart/byteranges; boundary={boundary}"))?,
                );
                self.send(
                    StatusCode::PARTIAL_CONTENT,
                    headers,
                    parts,
                    total,
                    cond.head,
                )
                .await
            }
        }
    }

    /// The headers of a `200` with the whole file: the given ones, then the computed ones not
    /// given.
    fn base_headers(&self, size: u64, mtime: SystemTime) -> Result<HeaderMap, InvalidHeader> {
        let mut headers = self.headers.clone();
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, self.content_type()?);
        }
        if !headers.contains_key(header::ACCEPT_RANGES) {
            headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
        }
        if let Some(filename) = &self.filename {
            if !headers.contains_key(header::CONTENT_DISPOSITION) {
                let quoted =
                    percent_encoding::utf8_percent_encode(filename, FILENAME_SAFE).to_string();
                let value = if quoted == *filename {
                    format!("{}; filename=\"{filename}\"", self.disposition_type)
                } else {
                    format!("{}; filename*=utf-8''{quoted}", self.disposition_type)
                };
                headers.insert(header::CONTENT_DISPOSITION, header_value(&value)?);
            }
        }
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
        if !headers.contains_key(header::LAST_MODIFIED) {
            // HTTP dates cover 1970 to 9999 (`httpdate` panics outside); a file dated outside
            // gets the nearest one.
            let date = mtime.clamp(UNIX_EPOCH, UNIX_EPOCH + Duration::from_secs(LAST_HTTP_DATE));
            headers.insert(
                header::LAST_MODIFIED,
                header_value(&httpdate::fmt_http_date(date))?,
            );
        }
        if !headers.contains_key(header::ETAG) {
            let mtime = match mtime.duration_since(UNIX_EPOCH) {
                Ok(after) => format!("{:x}", after.as_nanos()),
                Err(before) => format!("-{:x}", before.duration().as_nanos()),
            };
            headers.insert(
                header::ETAG,
                header_value(&format!("\"{mtime}-{size:x}\""))?,
            );
        }
        Ok(headers)
    }

    /// The given media type or the guess, with `; charset=utf-8` for text.
    fn content_type(&self) -> Result<HeaderValue, InvalidHeader> {
        let media_type = match &self.media_type {
            Some(media_type) => media_type.as_str(),
            None => {
                let name = match &self.filename {
                    Some(filename) => Path::new(filename),
                    None => self.path.as_path(),
                };
                mime_guess::from_path(name)
                    .first_raw()
                    .unwrap_or("application/octet-stream")
            }
        };
        if media_type.starts_with("text/") && !media_type.to_ascii_lowercase().contains("charset=")
        {
            header_value(&format!("{media_type}; charset=utf-8"))
        } else {
            header_value(media_type)
        }
    }

    /// Opens the file (unless nothing is to be sent) and builds the response.
    async fn send(
        &self,
        status: StatusCode,
        mut headers: HeaderMap,
        parts: Vec<Part>,
        len: u64,
        head: bool,
    ) -> Result<Response, Error> {
        // The server frames a streamed body by this header, so it goes out with a length
        // rather than chunked.
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        let body = if head || len == 0 {
            Body::empty()
        } else {
            let file = tokio::fs::File::open(&self.path).await.map_err(|err| {
                file_error(
                    err.kind(),
                    format!(
                        "File at path {} cannot be opened: {err}",
                        self.path.display()
                    ),
                )
            })?;
            Body::from_stream(FileStream {
                reader: Some(Reader {
                    file,
                    position: 0,
                    remaining: 0,
                    parts: parts.into_iter(),
                }),
                pending: None,
            })
        };
        let mut response = Response::new(body);
        *response.status_mut() = status;
        *response.headers_mut() = headers;
        Ok(response)
    }
}

fn file_error(kind: io::ErrorKind, message: String) -> Error {
    Error::new(io::Error::new(kind, message))
}

/// A `content-range` value; the text is built from numbers, so it is always valid.
fn content_range_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("bytes */0"))
}

/// A plain-text answer with extra headers (the `400`s and the `416`).
fn plain(status: StatusCode, text: &'static str, extra: HeaderMap) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response.headers_mut().extend(extra);
    response
}

/// A `304 Not Modified` with the validator and caching headers of the full response.
fn not_modified(headers: &HeaderMap) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = StatusCode::NOT_MODIFIED;
    for name in NOT_MODIFIED_HEADERS {
        for value in headers.get_all(&name) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

/// A multipart boundary of 26 hex digits (13 bytes, the size Starlette and browsers use).
/// Unpredictable enough to not occur in a file by chance; not a cryptographic secret.
fn boundary() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    // Each `RandomState` has fresh keys (seeded from the OS once per thread).
    let high = RandomState::new().hash_one((count, now));
    let low = RandomState::new().hash_one((high, count));
    format!("{high:016x}{:010x}", low & 0xff_ffff_ffff)
}

/// What the request asks for, taken from it before anything is awaited.
#[derive(Debug, Default)]
struct Conditions {
    get_or_head: bool,
    head: bool,
    range: Option<String>,
    if_range: Option<String>,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
}

impl Conditions {
    fn from_request(method: &Method, headers: &HeaderMap) -> Conditions {
        let one = |name: HeaderName| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let if_none_match: Vec<String> = headers
            .get_all(header::IF_NONE_MATCH)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        Conditions {
            get_or_head: *method == Method::GET || *method == Method::HEAD,
            head: *method == Method::HEAD,
            range: one(header::RANGE),
            if_range: one(header::IF_RANGE),
            if_none_match: (!if_none_match.is_empty()).then(|| if_none_match.join(",")),
            if_modified_since: one(header::IF_MODIFIED_SINCE),
        }
    }

    /// Whether the client's copy is current: `If-None-Match` names the ETag (weak comparison)
    /// or is `*`; without it, `If-Modified-Since` is not before `Last-Modified`.
    fn not_modified(&self, headers: &HeaderMap) -> bool {
        if let Some(if_none_match) = &self.if_none_match {
            let Some(etag) = header_text(headers, &header::ETAG) else {
                return false;
            };
            let opaque = |tag: &str| -> String { tag.trim().trim_start_matches("W/").to_string() };
            let etag = opaque(etag);
            return if_none_match
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || opaque(tag) == etag);
        }
        let Some(since) = self.if_modified_since.as_deref() else {
            return false;
        };
        let last_modified = header_text(headers, &header::LAST_MODIFIED);
        match (
            httpdate::parse_http_date(since.trim()),
            last_modified.map(|v| httpdate::parse_http_date(v.trim())),
        ) {
            (Ok(since), Some(Ok(last_modified))) => since >= last_modified,
            _ => false,
        }
    }
}

fn header_text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// `If-Range` holds: it equals the (strong) ETag or the Last-Modified date.
fn if_range_matches(value: &str, headers: &HeaderMap) -> bool {
    let value = value.trim();
    let etag = header_text(headers, &header::ETAG).map(str::trim);
    let last_modified = header_text(headers, &header::LAST_MODIFIED).map(str::trim);
    etag.is_some_and(|etag| etag == value && !etag.starts_with("W/"))
        || last_modified.is_some_and(|date| date == value)
}

/// Why a `Range` header cannot be served.
#[derive(Debug, PartialEq, Eq)]
enum RangeError {
    /// `400` with this text.
    Malformed(&'static str),
    /// `416`: a range starts at or after the end of the file.
    NotSatisfiable,
}

/// Parses a `Range` header into sorted, merged `[start, end)` ranges, as Starlette's
/// `_parse_range_header`: parts that are not `start-end`, `start-` or `-suffix` with integers
/// are skipped; an empty result means "send the whole file" (more than 100 ranges).
fn parse_range(header: &str, size: u64) -> Result<Vec<(u64, u64)>, RangeError> {
    let Some((units, spec)) = header.split_once('=') else {
        return Err(RangeError::Malformed("Malformed range header."));
    };
    if !units.trim().eq_ignore_ascii_case("bytes") {
        return Err(RangeError::Malformed("Only support bytes range"));
    }
    if spec.matches(',').count() + 1 > MAX_RANGES {
        return Ok(Vec::new());
    }
    // Python integers are unbounded (and may be negative); i128 with saturation is enough to
    // reach the same verdicts.
    let size_i = i128::from(size);
    let mut ranges: Vec<(i128, i128)> = Vec::new();
    for part in spec.split(',') {
        let part = part.trim();
        if part.is_empty() || part == "-" {
            continue;
        }
        let Some((start, end)) = part.split_once('-') else {
            continue;
        };
        let (start, end) = (start.trim(), end.trim());
        let range = if start.is_empty() {
            let Some(suffix) = parse_int(end) else {
                continue;
            };
            (size_i.saturating_sub(suffix).max(0), size_i)
        } else {
            let Some(first) = parse_int(start) else {
                continue;
            };
            let last = if end.is_empty() {
                size_i
            } else {
                let Some(last) = parse_int(end) else {
                    continue;
                };
                if last < size_i {
                    last + 1
                } else {
                    size_i
                }
            };
            (first, last)
        };
        ranges.push(range);
    }
    if ranges.is_empty() {
        return Err(RangeError::Malformed(
            "Range header: range must be requested",
        ));
    }
    if ranges
        .iter()
        .any(|&(start, _)| !(0 <= start && start < size_i))
    {
        return Err(RangeError::NotSatisfiable);
    }
    if ranges.iter().any(|&(start, end)| start >= end) {
        return Err(RangeError::Malformed(
            "Range header: start must be less than end",
        ));
    }
    // All bounds are now within 0..=size.
    let mut ranges: Vec<(u64, u64)> = ranges
        .into_iter()
        .map(|(start, end)| (start as u64, end as u64))
        .collect();
    if ranges.len() == 1 {
        return Ok(ranges);
    }
    ranges.sort_unstable();
    let mut merged: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            // Overlapping or adjacent (`end` is exclusive).
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    Ok(merged)
}

/// Python's `int(text)` for already-stripped text: an optional sign and decimal digits with
/// single underscores between them; saturating instead of unbounded.
fn parse_int(text: &str) -> Option<i128> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: i128 = 0;
    for b in digits.bytes() {
        match b {
            b'_' => continue,
            b'0'..=b'9' => {
                value = value
                    .saturating_mul(10)
                    .saturating_add(i128::from(b - b'0'));
            }
            _ => return None,
        }
    }
    Some(if negative { -value } else { value })
}

/// A piece of the body: literal bytes (multipart headers) or a span of the file.
#[derive(Debug)]
enum Part {
    Bytes(Bytes),
    File { start: u64, len: u64 },
}

/// Reads the parts in order, the file spans in chunks of at most [`CHUNK_SIZE`].
struct Reader {
    file: tokio::fs::File,
    /// Where the file's cursor is, to seek only when a span starts elsewhere.
    position: u64,
    /// What is left of the current file span.
    remaining: u64,
    parts: std::vec::IntoIter<Part>,
}

impl Reader {
    async fn next(&mut self) -> Option<io::Result<Bytes>> {
        loop {
            if self.remaining > 0 {
                // At most CHUNK_SIZE, so the cast cannot truncate.
                let want = self.remaining.min(CHUNK_SIZE) as usize;
                let mut buf = BytesMut::zeroed(want);
                return Some(match self.file.read(&mut buf).await {
                    Ok(0) => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the file shrank while it was being sent",
                    )),
                    Ok(read) => {
                        buf.truncate(read);
                        self.remaining -= read as u64;
                        self.position += read as u64;
                        Ok(buf.freeze())
                    }
                    Err(err) => Err(err),
                });
            }
            match self.parts.next()? {
                Part::Bytes(bytes) => return Some(Ok(bytes)),
                Part::File { start, len } => {
                    if start != self.position {
                        if let Err(err) = self.file.seek(SeekFrom::Start(start)).await {
                            return Some(Err(err));
                        }
                        self.position = start;
                    }
                    self.remaining = len;
                }
            }
        }
    }
}

type NextChunk = Pin<Box<dyn Future<Output = (Reader, Option<io::Result<Bytes>>)> + Send>>;

/// The body stream: one boxed read at a time, the reader handed back when it finishes. Ends
/// after the first error.
struct FileStream {
    reader: Option<Reader>,
    pending: Option<NextChunk>,
}

impl futures_core::Stream for FileStream {
    type Item = io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let pending = match &mut this.pending {
            Some(pending) => pending,
            None => {
                let Some(mut reader) = this.reader.take() else {
                    return Poll::Ready(None);
                };
                this.pending.insert(Box::pin(async move {
                    let item = reader.next().await;
                    (reader, item)
                }))
            }
        };
        match pending.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready((reader, item)) => {
                this.pending = None;
                if matches!(item, Some(Ok(_))) {
                    this.reader = Some(reader);
                }
                Poll::Ready(item)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_as_starlette_parses_them() {
        assert_eq!(parse_range("bytes=2-5", 20), Ok(vec![(2, 6)]));
        assert_eq!(parse_range("bytes=-5", 20), Ok(vec![(15, 20)]));
        assert_eq!(parse_range("bytes=-50", 20), Ok(vec![(0, 20)]));
        assert_eq!(parse_range("bytes=15-", 20), Ok(vec![(15, 20)]));
        assert_eq!(parse_range("bytes=15-100", 20), Ok(vec![(15, 20)]));
        assert_eq!(
            parse_range(" BYTES = 1-2 , x , 4-5", 20),
            Ok(vec![(1, 3), (4, 6)])
        );
        assert_eq!(
            parse_range("bytes=0-3,2-5,6-7,10-11", 20),
            Ok(vec![(0, 8), (10, 12)])
        );
        assert_eq!(
            parse_range("bytes=10-11,0-1", 20),
            Ok(vec![(0, 2), (10, 12)])
        );
        assert_eq!(parse_range("bytes=1_0-1_1", 20), Ok(vec![(10, 12)]));
        assert_eq!(
            parse_range("bytes=20-", 20),
            Err(RangeError::NotSatisfiable)
        );
        assert_eq!(parse_range("bytes=-0", 20), Err(RangeError::NotSatisfiable));
        assert_eq!(parse_range("bytes=0-1", 0), Err(RangeError::NotSatisfiable));
        assert_eq!(
            parse_range("bytes=99999999999999999999999999999999999999999999-", 20),
            Err(RangeError::NotSatisfiable)
        );
        assert_eq!(
            parse_range("bytes=--5", 20),
            Err(RangeError::NotSatisfiable)
        );
        assert_eq!(
            parse_range("bytes=5-2", 20),
            Err(RangeError::Malformed(
                "Range header: start must be less than end"
            ))
        );
        assert_eq!(
            parse_range("bytes=", 20),
            Err(RangeError::Malformed(
                "Range header: range must be requested"
            ))
        );
        assert_eq!(
            parse_range("bytes=a-b", 20),
            Err(RangeError::Malformed(
                "Range header: range must be requested"
            ))
        );
        assert_eq!(
            parse_range("items=0-1", 20),
            Err(RangeError::Malformed("Only support bytes range"))
        );
        assert_eq!(
            parse_range("bytes 0-1", 20),
            Err(RangeError::Malformed("Malformed range header."))
        );
        let many = format!("bytes={}", vec!["0-0"; 101].join(","));
        assert_eq!(parse_range(&many, 20), Ok(vec![]));
        let hundred = format!("bytes={}", vec!["0-0"; 100].join(","));
        assert_eq!(parse_range(&hundred, 20), Ok(vec![(0, 1)]));
    }

    #[test]
    fn python_int_rules() {
        assert_eq!(parse_int("+7"), Some(7));
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("_1"), None);
        assert_eq!(parse_int("1__0"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("-"), None);
        assert_eq!(parse_int("0x1"), None);
    }

    #[test]
    fn boundaries_differ() {
        let (a, b) = (boundary(), boundary());
        assert_eq!(a.len(), 26);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }
}
