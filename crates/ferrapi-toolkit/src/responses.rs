//! Responses: Starlette's `responses.py`.
//!
//! A response is an [`http::Response`] with the server's [`Body`]; the types here build one
//! with Starlette's defaults, and [`IntoResponse`] lets an endpoint return any of them (or a
//! string, bytes, a status code, a `(StatusCode, T)` pair…).
//!
//! | Starlette | ferrapi-toolkit | default `content-type` |
//! |---|---|---|
//! | `Response(content, media_type=…)` | [`Response`] / [`bytes::Bytes`] | none / `application/octet-stream` |
//! | `PlainTextResponse` | [`PlainText`] or `String` / `&str` | `text/plain; charset=utf-8` |
//! | `HTMLResponse` | [`Html`] | `text/html; charset=utf-8` |
//! | `JSONResponse` | [`Json`] | `application/json` |
//! | `RedirectResponse` (307) | [`Redirect`] | none |
//! | `StreamingResponse` | [`Streaming`] | as given |
//! | `FileResponse` | [`FileResponse`] | guessed from the name |
//!
//! Every response built here has a `content-length` unless it streams (Starlette's rule), and
//! header values are checked: a value with CR, LF or another control character is an error
//! ([`InvalidHeader`]), never written.

mod file;
pub use file::FileResponse;

use std::fmt;

use bytes::Bytes;
use ferrapi_server::Body;
use http::header::{self, HeaderName, HeaderValue};
use http::StatusCode;
use serde::Serialize;

/// The toolkit's response type: an `http::Response` with the server's [`Body`].
pub type Response = http::Response<Body>;

/// Turns a value into a [`Response`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be turned into a response",
    note = "return a `Response`, `String`, `&'static str`, `Bytes`, `Html`, `Json`, `PlainText`, `Redirect`, `Streaming`, `FileResponse`, a `StatusCode`, or a `(StatusCode, T)` pair"
)]
pub trait IntoResponse {
    /// Builds the response.
    fn into_response(self) -> Response;
}

impl IntoResponse for Response {
    fn into_response(self) -> Response {
        self
    }
}

impl IntoResponse for () {
    fn into_response(self) -> Response {
        Response::default()
    }
}

impl IntoResponse for StatusCode {
    fn into_response(self) -> Response {
        let mut response = Response::default();
        *response.status_mut() = self;
        response
    }
}

impl<T: IntoResponse> IntoResponse for (StatusCode, T) {
    fn into_response(self) -> Response {
        let mut response = self.1.into_response();
        *response.status_mut() = self.0;
        response
    }
}

impl IntoResponse for &'static str {
    fn into_response(self) -> Response {
        PlainText(self).into_response()
    }
}

impl IntoResponse for String {
    fn into_response(self) -> Response {
        PlainText(self).into_response()
    }
}

impl IntoResponse for Bytes {
    fn into_response(self) -> Response {
        with_type(Body::from(self), "application/octet-stream")
    }
}

impl IntoResponse for Vec<u8> {
    fn into_response(self) -> Response {
        Bytes::from(self).into_response()
    }
}

fn with_type(body: Body, content_type: &'static str) -> Response {
    let mut response = Response::new(body);
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A `text/plain; charset=utf-8` response (Starlette's `PlainTextResponse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainText<T = String>(pub T);

impl<T: Into<Body>> IntoResponse for PlainText<T> {
    fn into_response(self) -> Response {
        with_type(self.0.into(), "text/plain; charset=utf-8")
    }
}

/// A `text/html; charset=utf-8` response (Starlette's `HTMLResponse`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Html<T = String>(pub T);

impl<T: Into<Body>> IntoResponse for Html<T> {
    fn into_response(self) -> Response {
        with_type(self.0.into(), "text/html; charset=utf-8")
    }
}

/// An `application/json` response (Starlette's `JSONResponse`): compact separators, UTF-8 kept
/// as is. A value that cannot be serialised (a map with non-string keys, say) is a 500, as
/// Starlette's `allow_nan=False` makes NaN one; `serde_json` writes NaN as `null`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Json<T = serde_json::Value>(pub T);

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        // Sized once: growing from empty took three allocations for a typical small body.
        let mut bytes = Vec::with_capacity(256);
        match serde_json::to_writer(&mut bytes, &self.0) {
            Ok(()) => with_type(Body::from(bytes), "application/json"),
            Err(err) => {
                tracing::error!(error = %err, "response could not be serialised to JSON");
                let mut response = PlainText("Internal Server Error").into_response();
                *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                response
            }
        }
    }
}

/// A redirect (Starlette's `RedirectResponse`): `307 Temporary Redirect` unless told otherwise,
/// with the URL percent-quoted as Starlette quotes it (so it can never break the header).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    location: HeaderValue,
    status: StatusCode,
}

/// The characters Starlette's `quote(url, safe=":/%#?=@[]!$&'()*+,;")` leaves alone, plus the
/// unreserved ones.
const LOCATION_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

impl Redirect {
    /// A `307` redirect to `url`.
    pub fn to(url: &str) -> Redirect {
        let quoted = percent_encoding::utf8_percent_encode(url, LOCATION_ESCAPE).to_string();
        Redirect {
            // Every byte outside visible ASCII is percent-encoded above.
            location: HeaderValue::from_str(&quoted).expect("quoted URL is a valid header"),
            status: StatusCode::TEMPORARY_REDIRECT,
        }
    }

    /// The same redirect with another status (301, 302, 303, 308…).
    pub fn with_status(mut self, status: StatusCode) -> Redirect {
        self.status = status;
        self
    }

    /// The `location` header value.
    pub fn location(&self) -> &str {
        self.location.to_str().unwrap_or_default()
    }
}

impl IntoResponse for Redirect {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(header::LOCATION, self.location);
        response
    }
}

/// A response whose body comes from a stream (Starlette's `StreamingResponse`): sent chunked,
/// with no `content-length`. The stream is dropped when the client disconnects.
pub struct Streaming {
    body: Body,
    content_type: Option<HeaderValue>,
}

impl Streaming {
    /// Streams the items of `stream`, each a chunk of the body. An `Err` item ends the response
    /// abruptly (the client sees a truncated body), as an exception in a Starlette stream does.
    pub fn new<S, B, E>(stream: S) -> Streaming
    where
        S: futures_core::Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<ferrapi_server::BoxError> + 'static,
    {
        Streaming {
            body: Body::from_stream(stream),
            content_type: None,
        }
    }

    /// Streams the items of a blocking iterator, each pulled on the thread pool (Starlette's
    /// `iterate_in_threadpool`).
    pub fn from_blocking_iter<I>(iter: I) -> Streaming
    where
        I: Iterator + Send + 'static,
        I::Item: Into<Bytes> + Send + 'static,
    {
        Streaming::new(crate::concurrency::iterate_in_threadpool(iter))
    }

    /// Sets the media type (`text/event-stream`, `text/csv`…). A value that is not a valid
    /// header is an error.
    pub fn media_type(mut self, media_type: &str) -> Result<Streaming, InvalidHeader> {
        self.content_type = Some(header_value(media_type)?);
        Ok(self)
    }
}

impl fmt::Debug for Streaming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Streaming")
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}

impl IntoResponse for Streaming {
    fn into_response(self) -> Response {
        let mut response = Response::new(self.body);
        if let Some(content_type) = self.content_type {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, content_type);
        }
        response
    }
}

/// A header name or value that cannot be written (a CR, LF or other control character, or a
/// name with forbidden characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidHeader {
    what: String,
}

impl fmt::Display for InvalidHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid header {}", self.what)
    }
}

impl std::error::Error for InvalidHeader {}

fn header_value(value: &str) -> Result<HeaderValue, InvalidHeader> {
    HeaderValue::from_str(value).map_err(|_| InvalidHeader {
        what: format!("value {value:?}"),
    })
}

/// `SameSite` attribute of a cookie.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SameSite {
    /// `SameSite=lax` (Starlette's default).
    #[default]
    Lax,
    /// `SameSite=strict`.
    Strict,
    /// `SameSite=none` (needs `secure`).
    None,
}

/// A cookie to set, with every attribute of Starlette's `set_cookie` and its defaults
/// (`path="/"`, `samesite="lax"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cookie {
    name: String,
    value: String,
    max_age: Option<i64>,
    expires: Option<std::time::SystemTime>,
    path: Option<String>,
    domain: Option<String>,
    secure: bool,
    http_only: bool,
    same_site: Option<SameSite>,
    partitioned: bool,
}

impl Cookie {
    /// A cookie `name=value` with Starlette's defaults.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Cookie {
        Cookie {
            name: name.into(),
            value: value.into(),
            max_age: None,
            expires: None,
            path: Some("/".to_string()),
            domain: None,
            secure: false,
            http_only: false,
            same_site: Some(SameSite::Lax),
            partitioned: false,
        }
    }

    /// `Max-Age` in seconds.
    pub fn max_age(mut self, seconds: i64) -> Cookie {
        self.max_age = Some(seconds);
        self
    }

    /// `expires`, rendered as an HTTP date.
    pub fn expires(mut self, at: std::time::SystemTime) -> Cookie {
        self.expires = Some(at);
        self
    }

    /// `Path` (`None` leaves it out).
    pub fn path(mut self, path: Option<&str>) -> Cookie {
        self.path = path.map(str::to_string);
        self
    }

    /// `Domain`.
    pub fn domain(mut self, domain: impl Into<String>) -> Cookie {
        self.domain = Some(domain.into());
        self
    }

    /// `Secure`.
    pub fn secure(mut self, secure: bool) -> Cookie {
        self.secure = secure;
        self
    }

    /// `HttpOnly`.
    pub fn http_only(mut self, http_only: bool) -> Cookie {
        self.http_only = http_only;
        self
    }

    /// `SameSite` (`None` leaves the attribute out).
    pub fn same_site(mut self, same_site: Option<SameSite>) -> Cookie {
        self.same_site = same_site;
        self
    }

    /// `Partitioned` (CHIPS).
    pub fn partitioned(mut self, partitioned: bool) -> Cookie {
        self.partitioned = partitioned;
        self
    }

    /// The `Set-Cookie` value, attributes in the order Python's `http.cookies` writes them
    /// (the order Starlette's responses have).
    pub fn to_header(&self) -> Result<HeaderValue, InvalidHeader> {
        let valid_name = !self.name.is_empty()
            && self
                .name
                .bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b));
        if !valid_name {
            return Err(InvalidHeader {
                what: format!("cookie name {:?}", self.name),
            });
        }
        let mut out = format!("{}={}", self.name, quote_cookie_value(&self.value));
        if let Some(domain) = &self.domain {
            out.push_str("; Domain=");
            out.push_str(domain);
        }
        if let Some(at) = self.expires {
            out.push_str("; expires=");
            out.push_str(&httpdate::fmt_http_date(clamp_http_date(at)));
        }
        if self.http_only {
            out.push_str("; HttpOnly");
        }
        if let Some(age) = self.max_age {
            out.push_str(&format!("; Max-Age={age}"));
        }
        if self.partitioned {
            out.push_str("; Partitioned");
        }
        if let Some(path) = &self.path {
            out.push_str("; Path=");
            out.push_str(path);
        }
        if let Some(same_site) = self.same_site {
            out.push_str(match same_site {
                SameSite::Lax => "; SameSite=lax",
                SameSite::Strict => "; SameSite=strict",
                SameSite::None => "; SameSite=none",
            });
        }
        if self.secure {
            out.push_str("; Secure");
        }
        header_value(&out)
    }
}

/// HTTP dates run from 1970 to the end of 9999; `httpdate` panics outside that range.
fn clamp_http_date(at: std::time::SystemTime) -> std::time::SystemTime {
    const LAST: std::time::Duration = std::time::Duration::from_secs(253_402_300_799);
    match at.duration_since(std::time::UNIX_EPOCH) {
        Err(_) => std::time::UNIX_EPOCH,
        Ok(since) if since > LAST => std::time::UNIX_EPOCH + LAST,
        Ok(_) => at,
    }
}

/// Python's `http.cookies` quoting: a value with characters outside its legal set is put in
/// double quotes, with `\"`, `\\` and octal escapes for the other first 256 code points
/// (space and `()/<=>?@[]{}` stay as they are inside the quotes); control characters thus never
/// reach the header. An empty value is quoted too (`a=""`), as Python writes it.
fn quote_cookie_value(value: &str) -> String {
    let legal = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~:".contains(c);
    if !value.is_empty() && value.chars().all(legal) {
        return value.to_string();
    }
    let unescaped = |c: char| legal(c) || " ()/<=>?@[]{}".contains(c);
    let mut out = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if unescaped(c) || u32::from(c) > 255 => out.push(c),
            c => out.push_str(&format!("\\{:03o}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// Starlette's response methods on any [`Response`]: cookies, checked headers and background
/// tasks.
pub trait ResponseExt: Sized {
    /// Adds a `Set-Cookie` header.
    fn set_cookie(&mut self, cookie: Cookie) -> Result<(), InvalidHeader>;

    /// Expires a cookie (`Max-Age=0` and an `expires` in the past), with the path and domain
    /// it was set with.
    fn delete_cookie(
        &mut self,
        name: &str,
        path: Option<&str>,
        domain: Option<&str>,
    ) -> Result<(), InvalidHeader>;

    /// Sets a header from text, refusing values that could break the response (CR, LF, other
    /// control characters) and invalid names.
    fn try_header(&mut self, name: &str, value: &str) -> Result<(), InvalidHeader>;

    /// Runs `tasks` after the response has been sent.
    fn with_background(self, tasks: crate::background::BackgroundTasks) -> Self;
}

impl ResponseExt for Response {
    fn set_cookie(&mut self, cookie: Cookie) -> Result<(), InvalidHeader> {
        let value = cookie.to_header()?;
        self.headers_mut().append(header::SET_COOKIE, value);
        Ok(())
    }

    fn delete_cookie(
        &mut self,
        name: &str,
        path: Option<&str>,
        domain: Option<&str>,
    ) -> Result<(), InvalidHeader> {
        let mut cookie = Cookie::new(name, "")
            .max_age(0)
            .expires(std::time::UNIX_EPOCH)
            .path(path.or(Some("/")));
        if let Some(domain) = domain {
            cookie = cookie.domain(domain);
        }
        self.set_cookie(cookie)
    }

    fn try_header(&mut self, name: &str, value: &str) -> Result<(), InvalidHeader> {
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| InvalidHeader {
            what: format!("name {name:?}"),
        })?;
        let value = header_value(value)?;
        self.headers_mut().insert(name, value);
        Ok(())
    }

    fn with_background(mut self, tasks: crate::background::BackgroundTasks) -> Self {
        tasks.attach(&mut self);
        self
    }
}
