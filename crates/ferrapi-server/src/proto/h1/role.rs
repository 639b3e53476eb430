//! Request heads: httparse into uninitialised header slots, then an `http::Request` head whose
//! URI and header values are zero-copy slices of the frozen read buffer.
//!
//! Framing rules follow RFC 9112 §6 and the smuggling advice of §11: `Content-Length` with
//! `Transfer-Encoding` is rejected (uvicorn with httptools does the same; h11 lets chunked win),
//! differing lengths are rejected, and any transfer coding but one final `chunked` is refused.

use std::cell::RefCell;
use std::mem::MaybeUninit;
use std::ops::Range;

use bytes::{Bytes, BytesMut};
use http::header::{self, HeaderName, HeaderValue};
use http::{HeaderMap, Method, StatusCode, Uri, Version};

use crate::config::Config;

/// Header slots kept on the stack; a configured `max_headers` above it uses the heap.
const STACK_HEADERS: usize = 128;

/// How the request body is framed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyLength {
    /// No body (no `Content-Length`, or `Content-Length: 0`).
    Empty,
    /// `Content-Length: n`, n > 0.
    Known(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// Whether the client wants the connection kept open after this exchange (RFC 9112 §9.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Persist {
    KeepAlive,
    /// `Connection: close`.
    Close,
    /// HTTP/1.0 without `Connection: keep-alive`.
    Http10,
}

/// A parsed, validated request head.
#[derive(Debug)]
pub(crate) struct Head {
    pub(crate) method: Method,
    pub(crate) uri: Uri,
    pub(crate) version: Version,
    pub(crate) headers: HeaderMap,
    pub(crate) body: BodyLength,
    pub(crate) persist: Persist,
    pub(crate) expect_continue: bool,
    /// A `Forwarded` or `X-Forwarded-*` field is present (proxy handling can be skipped
    /// otherwise, without a lookup per request).
    pub(crate) has_proxy_headers: bool,
    /// An `Upgrade` field is present (a possible WebSocket handshake).
    pub(crate) has_upgrade: bool,
}

/// A request the server refuses: the status and a short reason sent as the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HeadError {
    pub(crate) status: StatusCode,
    pub(crate) reason: &'static str,
}

impl HeadError {
    const fn bad(reason: &'static str) -> HeadError {
        HeadError {
            status: StatusCode::BAD_REQUEST,
            reason,
        }
    }
}

const URI_TOO_LONG: HeadError = HeadError {
    status: StatusCode::URI_TOO_LONG,
    reason: "Request target too long",
};
const HEAD_TOO_LARGE: HeadError = HeadError {
    status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    reason: "Request header section too large",
};
const TOO_MANY_HEADERS: HeadError = HeadError {
    status: StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
    reason: "Too many request header fields",
};

/// Bytes allowed in a `Host` value: RFC 3986 `host [":" port]` (reg-name, IPv4, or an IP
/// literal in brackets). A byte table instead of `http::uri::Authority` parsing, which copies
/// the value and costs a few hundred instructions per request.
const HOST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let allowed =
        b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=%:[]";
    let mut i = 0;
    while i < allowed.len() {
        table[allowed[i] as usize] = true;
        i += 1;
    }
    table
};

#[derive(Clone, Copy, Default)]
struct HeaderIndices {
    name: (u32, u32),
    value: (u32, u32),
}

thread_local! {
    // Reused between requests so recording header positions allocates nothing; parsing is
    // synchronous, so one scratch vector per thread is enough.
    static SCRATCH: RefCell<Vec<HeaderIndices>> = const { RefCell::new(Vec::new()) };
}

/// Parses one request head from the front of `buf`.
///
/// Returns `Ok(None)` when more bytes are needed (after checking the size limits against what
/// has arrived), and on success removes the head from `buf`.
pub(crate) fn parse_head(buf: &mut BytesMut, cfg: &Config) -> Result<Option<Head>, HeadError> {
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        parse_with(buf, cfg, &mut scratch)
    })
}

fn parse_with(
    buf: &mut BytesMut,
    cfg: &Config,
    indices: &mut Vec<HeaderIndices>,
) -> Result<Option<Head>, HeadError> {
    indices.clear();
    let mut stack: [MaybeUninit<httparse::Header<'_>>; STACK_HEADERS] =
        [const { MaybeUninit::uninit() }; STACK_HEADERS];
    let mut heap: Vec<MaybeUninit<httparse::Header<'_>>> = Vec::new();
    let slots: &mut [MaybeUninit<httparse::Header<'_>>] = if cfg.max_headers <= STACK_HEADERS {
        &mut stack[..cfg.max_headers]
    } else {
        heap.resize_with(cfg.max_headers, MaybeUninit::uninit);
        &mut heap
    };

    let base = buf.as_ptr() as usize;
    let mut req = httparse::Request::new(&mut []);
    let parsed = httparse::ParserConfig::default().parse_request_with_uninit_headers(
        &mut req,
        &buf[..],
        slots,
    );
    let len = match parsed {
        Ok(httparse::Status::Complete(len)) => len,
        Ok(httparse::Status::Partial) => {
            check_partial(&buf[..], cfg)?;
            return Ok(None);
        }
        Err(err) => return Err(map_parse_error(err, &buf[..])),
    };
    if len > cfg.max_head_size {
        return Err(HEAD_TOO_LARGE);
    }

    let method = match req.method {
        Some("GET") => Method::GET,
        Some("POST") => Method::POST,
        Some(m) => {
            Method::from_bytes(m.as_bytes()).map_err(|_| HeadError::bad("Invalid method"))?
        }
        None => return Err(HeadError::bad("Invalid request line")),
    };
    let path = req.path.ok_or(HeadError::bad("Invalid request line"))?;
    if path.len() > cfg.max_uri_length {
        return Err(URI_TOO_LONG);
    }
    let path_range = offset(base, path.as_bytes());
    let version = match req.version {
        Some(0) => Version::HTTP_10,
        Some(1) => Version::HTTP_11,
        _ => return Err(unsupported_version()),
    };
    for h in req.headers.iter() {
        let (ns, ne) = offset(base, h.name.as_bytes());
        let (vs, ve) = offset(base, h.value);
        indices.push(HeaderIndices {
            name: (ns as u32, ne as u32),
            value: (vs as u32, ve as u32),
        });
    }
    let head = buf.split_to(len).freeze();
    build(head, method, path_range, version, indices)
}

/// Byte range of `part` inside the buffer that starts at address `base`.
fn offset(base: usize, part: &[u8]) -> (usize, usize) {
    let start = part.as_ptr() as usize - base;
    (start, start + part.len())
}

fn check_partial(buf: &[u8], cfg: &Config) -> Result<(), HeadError> {
    // The longest method and version plus two spaces fit in 32 bytes.
    let line_end = buf.iter().position(|&b| b == b'\n');
    match line_end {
        None if buf.len() > cfg.max_uri_length + 32 => Err(URI_TOO_LONG),
        None if buf.len() > cfg.max_head_size => Err(URI_TOO_LONG),
        _ if buf.len() > cfg.max_head_size => Err(HEAD_TOO_LARGE),
        _ => Ok(()),
    }
}

fn unsupported_version() -> HeadError {
    HeadError {
        status: StatusCode::HTTP_VERSION_NOT_SUPPORTED,
        reason: "HTTP version not supported",
    }
}

fn map_parse_error(err: httparse::Error, buf: &[u8]) -> HeadError {
    match err {
        httparse::Error::TooManyHeaders => TOO_MANY_HEADERS,
        httparse::Error::Version if has_version_syntax(buf) => unsupported_version(),
        // Whitespace inside the target (`GET /a b HTTP/1.1`): the line does not parse.
        httparse::Error::Version if line_spaces(buf) > 2 => HeadError::bad("Invalid request line"),
        httparse::Error::Version => HeadError::bad("Invalid HTTP version"),
        httparse::Error::HeaderName => HeadError::bad("Invalid header name"),
        httparse::Error::HeaderValue => HeadError::bad("Invalid header value"),
        httparse::Error::NewLine => HeadError::bad("Invalid line ending"),
        httparse::Error::Token => HeadError::bad("Invalid method"),
        _ => HeadError::bad("Invalid request line"),
    }
}

/// The request line, without its line ending.
fn request_line(buf: &[u8]) -> &[u8] {
    let line_end = buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len());
    let line = &buf[..line_end];
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The spaces in the request line (two in a well-formed one: method, target, version).
fn line_spaces(buf: &[u8]) -> usize {
    request_line(buf).iter().filter(|&&b| b == b' ').count()
}

/// Whether the request line is `METHOD target HTTP/d.d`, well formed but for an unsupported
/// version (→ 505, not 400). A target with whitespace in it is a malformed line (400).
fn has_version_syntax(buf: &[u8]) -> bool {
    if line_spaces(buf) != 2 {
        return false;
    }
    let line = request_line(buf);
    let Some(space) = line.iter().rposition(|&b| b == b' ') else {
        return false;
    };
    let version = &line[space + 1..];
    version.len() == 8
        && version.starts_with(b"HTTP/")
        && version[5].is_ascii_digit()
        && version[6] == b'.'
        && version[7].is_ascii_digit()
}

fn build(
    head: Bytes,
    method: Method,
    path: (usize, usize),
    version: Version,
    indices: &[HeaderIndices],
) -> Result<Option<Head>, HeadError> {
    let uri = parse_target(&method, head.slice(path.0..path.1))?;

    let mut headers = HeaderMap::with_capacity(indices.len());
    let mut content_length: Option<u64> = None;
    let mut coding = TransferCoding::default();
    let mut host_count = 0usize;
    let mut conn_close = false;
    let mut conn_keep_alive = false;
    let mut expect_continue = false;
    let mut has_proxy_headers = false;
    let mut has_upgrade = false;

    for idx in indices {
        let name = HeaderName::from_bytes(&head[range(idx.name)])
            .map_err(|_| HeadError::bad("Invalid header name"))?;
        let raw = &head[range(idx.value)];
        if name == header::CONTENT_LENGTH {
            let len = parse_content_length(raw)?;
            if content_length.is_some_and(|prev| prev != len) {
                return Err(HeadError::bad("Conflicting Content-Length headers"));
            }
            content_length = Some(len);
        } else if name == header::TRANSFER_ENCODING {
            coding.add_field(raw);
        } else if name == header::HOST {
            host_count += 1;
            if host_count > 1 {
                return Err(HeadError::bad("Multiple Host headers"));
            }
            if !raw.iter().all(|&b| HOST_BYTES[usize::from(b)]) {
                return Err(HeadError::bad("Invalid Host header"));
            }
        } else if name == header::CONNECTION {
            for token in tokens(raw) {
                if token.eq_ignore_ascii_case(b"close") {
                    conn_close = true;
                } else if token.eq_ignore_ascii_case(b"keep-alive") {
                    conn_keep_alive = true;
                }
            }
        } else if name == header::EXPECT {
            expect_continue = trim(raw).eq_ignore_ascii_case(b"100-continue");
        } else if name == header::UPGRADE {
            has_upgrade = true;
        } else if name == header::FORWARDED || name.as_str().starts_with("x-forwarded-") {
            has_proxy_headers = true;
        }
        let value = HeaderValue::from_maybe_shared(head.slice(range(idx.value)))
            .map_err(|_| HeadError::bad("Invalid header value"))?;
        headers.append(name, value);
    }

    if version == Version::HTTP_11 && host_count == 0 {
        return Err(HeadError::bad("Missing Host header"));
    }
    let body = if coding.present {
        if version == Version::HTTP_10 {
            return Err(HeadError::bad("Transfer-Encoding in an HTTP/1.0 request"));
        }
        if content_length.is_some() {
            return Err(HeadError::bad(
                "Both Content-Length and Transfer-Encoding present",
            ));
        }
        coding.check()?;
        BodyLength::Chunked
    } else {
        match content_length {
            None | Some(0) => BodyLength::Empty,
            Some(n) => BodyLength::Known(n),
        }
    };
    let persist = match version {
        _ if conn_close => Persist::Close,
        Version::HTTP_11 => Persist::KeepAlive,
        Version::HTTP_10 if conn_keep_alive => Persist::KeepAlive,
        _ => Persist::Http10,
    };
    Ok(Some(Head {
        method,
        uri,
        version,
        headers,
        body,
        persist,
        // RFC 9110 §10.1.1: an HTTP/1.0 request's 100-continue expectation is ignored.
        expect_continue: expect_continue && version == Version::HTTP_11,
        has_proxy_headers,
        has_upgrade,
    }))
}

fn range((start, end): (u32, u32)) -> Range<usize> {
    start as usize..end as usize
}

fn parse_target(method: &Method, target: Bytes) -> Result<Uri, HeadError> {
    let first = target.first().copied();
    let uri =
        Uri::from_maybe_shared(target).map_err(|_| HeadError::bad("Invalid request target"))?;
    match first {
        Some(b'/') => Ok(uri),
        Some(b'*') if method == Method::OPTIONS && uri.path() == "*" => Ok(uri),
        _ if uri.scheme().is_some() => match uri.scheme_str() {
            Some("http") | Some("https") => Ok(uri),
            _ => Err(HeadError::bad("Invalid request target")),
        },
        _ if method == Method::CONNECT && uri.authority().is_some() => Ok(uri),
        _ => Err(HeadError::bad("Invalid request target")),
    }
}

/// `Content-Length` is `1*DIGIT`; a list of identical values is tolerated (RFC 9110 §8.6).
fn parse_content_length(raw: &[u8]) -> Result<u64, HeadError> {
    const INVALID: HeadError = HeadError::bad("Invalid Content-Length header");
    let mut value: Option<u64> = None;
    for item in raw.split(|&b| b == b',') {
        let item = trim(item);
        if item.is_empty() || item.len() > 19 || !item.iter().all(u8::is_ascii_digit) {
            return Err(INVALID);
        }
        let n = item
            .iter()
            .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0'));
        if value.is_some_and(|v| v != n) {
            return Err(HeadError::bad("Conflicting Content-Length headers"));
        }
        value = Some(n);
    }
    value.ok_or(INVALID)
}

/// What the `Transfer-Encoding` fields of a request say, folded over all of them.
#[derive(Clone, Copy, Debug, Default)]
struct TransferCoding {
    present: bool,
    /// The last coding seen is `chunked`.
    ends_chunked: bool,
    /// `chunked` appeared before the last coding (applied twice, or not last).
    chunked_not_last: bool,
    /// A coding other than `chunked` appeared.
    other: bool,
    /// A field had no coding at all.
    empty: bool,
}

impl TransferCoding {
    fn add_field(&mut self, raw: &[u8]) {
        self.present = true;
        let mut any = false;
        for token in tokens(raw) {
            any = true;
            if self.ends_chunked {
                self.chunked_not_last = true;
            }
            self.ends_chunked = token.eq_ignore_ascii_case(b"chunked");
            self.other |= !self.ends_chunked;
        }
        self.empty |= !any;
    }

    /// RFC 9112 §6.3: when `chunked` is not the final coding the length cannot be known (400);
    /// a final `chunked` after codings this server does not implement is 501 (§6.1).
    fn check(self) -> Result<(), HeadError> {
        if self.empty || !self.ends_chunked || self.chunked_not_last {
            return Err(HeadError::bad(
                "Transfer-Encoding must end with a single chunked",
            ));
        }
        if self.other {
            return Err(HeadError {
                status: StatusCode::NOT_IMPLEMENTED,
                reason: "Unsupported Transfer-Encoding",
            });
        }
        Ok(())
    }
}

/// The comma-separated, whitespace-trimmed, non-empty list items of a header value.
fn tokens(raw: &[u8]) -> impl Iterator<Item = &[u8]> {
    raw.split(|&b| b == b',')
        .map(trim)
        .filter(|t| !t.is_empty())
}

fn trim(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// Fuzz entry point: parses `data` as a request head with the default limits; must never
/// panic.
#[cfg(feature = "fuzzing")]
pub fn fuzz_parse_head(data: &[u8]) {
    let cfg = Config::default();
    let mut buf = BytesMut::from(data);
    while let Ok(Some(_)) = parse_head(&mut buf, &cfg) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Option<Head>, HeadError> {
        let mut buf = BytesMut::from(raw.as_bytes());
        parse_head(&mut buf, &Config::default())
    }

    fn status(raw: &str) -> u16 {
        parse(raw).unwrap_err().status.as_u16()
    }

    #[test]
    fn parses_a_simple_get() {
        let head = parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(head.method, Method::GET);
        assert_eq!(head.uri.path(), "/a");
        assert_eq!(head.uri.query(), Some("b=1"));
        assert_eq!(head.headers["x-a"], "1");
        assert_eq!(head.body, BodyLength::Empty);
        assert_eq!(head.persist, Persist::KeepAlive);
    }

    #[test]
    fn partial_head_needs_more() {
        assert!(parse("GET / HTTP/1.1\r\nHost: x\r\n").unwrap().is_none());
    }

    #[test]
    fn framing_rules() {
        assert_eq!(status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            400
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +1\r\n\r\n"),
            400
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            501
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
            400
        );
        assert_eq!(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
        assert_eq!(
            status("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"),
            400
        );
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
            400
        );
        assert_eq!(status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"), 501);
        assert_eq!(
            status("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n"),
            400
        );
        let same = parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(same.body, BodyLength::Known(3));
    }

    #[test]
    fn host_rules() {
        assert_eq!(status("GET / HTTP/1.1\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
        assert!(parse("GET / HTTP/1.0\r\n\r\n").unwrap().is_some());
        assert_eq!(status("GET / HTTP/1.1\r\nHost: user@x\r\n\r\n"), 400);
        assert_eq!(status("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n"), 400);
        assert!(parse("GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n")
            .unwrap()
            .is_some());
        assert!(parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").unwrap().is_some());
    }

    #[test]
    fn versions() {
        assert_eq!(status("GET / HTTP/2.0\r\nHost: x\r\n\r\n"), 505);
        assert_eq!(status("GET / HTTP/1.2\r\nHost: x\r\n\r\n"), 505);
        // Whitespace inside the target is a malformed request line, whatever the version.
        for line in [
            "GET /a b HTTP/1.1",
            "GET /a b HTTP/2.0",
            "GET /a\tb HTTP/1.1",
            "GET  / HTTP/1.1",
            "GET / x HTTP/1.1",
        ] {
            assert_eq!(status(&format!("{line}\r\nHost: x\r\n\r\n")), 400, "{line}");
        }
        assert_eq!(status("GET / FOO/1.1\r\nHost: x\r\n\r\n"), 400);
    }

    #[test]
    fn whitespace_and_folding_are_rejected() {
        assert_eq!(status("GET / HTTP/1.1\r\nHost : x\r\n\r\n"), 400);
        assert_eq!(
            status("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  folded\r\n\r\n"),
            400
        );
        assert_eq!(status("GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n"), 400);
    }
}
