//! Response encoding: the status line, default headers (`date`, `server`) before the app's,
//! and the framing the server chooses (length, chunked, or until close).
//!
//! The server owns framing and persistence: an app's `Transfer-Encoding` and `Connection` are
//! dropped (an app's `Connection: close` still closes the connection), `Content-Length` is
//! written from the body when the body knows its length, and `connection: close` or
//! `keep-alive` is written from what the server will actually do. Header names go out lower-case (as
//! `http` stores them, and as uvicorn writes them). `http::HeaderValue` cannot hold CR or LF,
//! so no header injection is possible through a value.

use http::header::{self, HeaderMap};
use http::StatusCode;

use crate::config::Config;
use crate::proto::date;

/// How the response body is delimited on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// No body is sent (HEAD, 1xx, 204, 304). `content_length`, when set, is written as the
    /// length of the representation the request would otherwise have returned.
    NoBody { content_length: Option<u64> },
    /// `Content-Length: n` and exactly n bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`.
    Chunked,
    /// The body ends when the connection closes (HTTP/1.0 and an unknown length).
    UntilClose,
}

/// The `Connection` header the server adds, if the app set none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ConnHeader {
    None,
    Close,
    KeepAlive,
    /// `101 Switching Protocols`.
    Upgrade,
}

/// What the server needs to know of an app's response headers, found in one pass (a
/// `HeaderMap` lookup hashes the name; comparing standard names is an integer compare, and a
/// response rarely has more than a few headers).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ResponseMeta {
    pub(crate) has_date: bool,
    pub(crate) has_server: bool,
    /// A `Connection` header with the `close` token.
    pub(crate) close: bool,
    /// The app's `Content-Length`, if present and valid.
    pub(crate) content_length: Option<u64>,
}

impl ResponseMeta {
    pub(crate) fn scan(headers: &HeaderMap) -> ResponseMeta {
        let mut meta = ResponseMeta::default();
        for (name, value) in headers {
            if name == header::DATE {
                meta.has_date = true;
            } else if name == header::SERVER {
                meta.has_server = true;
            } else if name == header::CONTENT_LENGTH {
                meta.content_length = value.to_str().ok().and_then(|v| v.trim().parse().ok());
            } else if name == header::CONNECTION {
                meta.close |= value
                    .as_bytes()
                    .split(|&b| b == b',')
                    .any(|t| t.trim_ascii().eq_ignore_ascii_case(b"close"));
            }
        }
        meta
    }
}

/// Writes a response head into `dst`.
pub(crate) fn head(
    dst: &mut Vec<u8>,
    status: StatusCode,
    headers: &HeaderMap,
    meta: ResponseMeta,
    framing: Framing,
    conn: ConnHeader,
    cfg: &Config,
) {
    dst.reserve(128 + headers.len() * 32);
    status_line(dst, status);
    if cfg.date_header && !meta.has_date {
        date::extend_header_line(dst);
    }
    if let Some(server) = &cfg.server_header {
        if !meta.has_server {
            dst.extend_from_slice(b"server: ");
            dst.extend_from_slice(server.as_bytes());
            dst.extend_from_slice(b"\r\n");
        }
    }
    for (name, value) in &cfg.default_headers {
        if !headers.contains_key(name) {
            dst.extend_from_slice(name.as_str().as_bytes());
            dst.extend_from_slice(b": ");
            dst.extend_from_slice(value.as_bytes());
            dst.extend_from_slice(b"\r\n");
        }
    }
    for (name, value) in headers {
        if name == header::CONTENT_LENGTH
            || name == header::TRANSFER_ENCODING
            || name == header::CONNECTION
        {
            continue;
        }
        dst.extend_from_slice(name.as_str().as_bytes());
        dst.extend_from_slice(b": ");
        dst.extend_from_slice(value.as_bytes());
        dst.extend_from_slice(b"\r\n");
    }
    match framing {
        Framing::Length(n)
        | Framing::NoBody {
            content_length: Some(n),
        } => {
            dst.extend_from_slice(b"content-length: ");
            dst.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
            dst.extend_from_slice(b"\r\n");
        }
        Framing::Chunked => dst.extend_from_slice(b"transfer-encoding: chunked\r\n"),
        Framing::NoBody {
            content_length: None,
        }
        | Framing::UntilClose => {}
    }
    match conn {
        ConnHeader::Close => dst.extend_from_slice(b"connection: close\r\n"),
        ConnHeader::KeepAlive => dst.extend_from_slice(b"connection: keep-alive\r\n"),
        ConnHeader::Upgrade => dst.extend_from_slice(b"connection: upgrade\r\n"),
        ConnHeader::None => {}
    }
    dst.extend_from_slice(b"\r\n");
}

fn status_line(dst: &mut Vec<u8>, status: StatusCode) {
    if status == StatusCode::OK {
        dst.extend_from_slice(b"HTTP/1.1 200 OK\r\n");
        return;
    }
    dst.extend_from_slice(b"HTTP/1.1 ");
    dst.extend_from_slice(status.as_str().as_bytes());
    dst.push(b' ');
    dst.extend_from_slice(status.canonical_reason().unwrap_or("").as_bytes());
    dst.extend_from_slice(b"\r\n");
}

/// Writes the size line of one chunk of `len` bytes.
pub(crate) fn chunk_header(dst: &mut Vec<u8>, len: usize) {
    let mut hex = [0u8; 16];
    let mut i = hex.len();
    let mut n = len;
    loop {
        i -= 1;
        hex[i] = b"0123456789abcdef"[n & 0xf];
        n >>= 4;
        if n == 0 {
            break;
        }
    }
    dst.extend_from_slice(&hex[i..]);
    dst.extend_from_slice(b"\r\n");
}

/// The CRLF that ends one chunk's data.
pub(crate) const CHUNK_END: &[u8] = b"\r\n";

/// The last chunk, with no trailers.
pub(crate) const LAST_CHUNK: &[u8] = b"0\r\n\r\n";

/// The interim response sent when an app first reads a body sent with `Expect: 100-continue`.
pub(crate) const CONTINUE: &[u8] = b"HTTP/1.1 100 Continue\r\n\r\n";

/// Writes a complete plain-text error response that closes the connection.
pub(crate) fn error(dst: &mut Vec<u8>, status: StatusCode, reason: &str, cfg: &Config) {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    head(
        dst,
        status,
        &headers,
        ResponseMeta::default(),
        Framing::Length(reason.len() as u64),
        ConnHeader::Close,
        cfg,
    );
    dst.extend_from_slice(reason.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_lower_hex() {
        for (len, want) in [
            (0, "0\r\n"),
            (10, "a\r\n"),
            (4096, "1000\r\n"),
            (255, "ff\r\n"),
        ] {
            let mut out = Vec::new();
            chunk_header(&mut out, len);
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn head_puts_defaults_first_and_owns_framing() {
        let cfg = Config::default();
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        headers.insert(header::TRANSFER_ENCODING, "gzip".parse().unwrap());
        let mut out = Vec::new();
        let meta = ResponseMeta::scan(&headers);
        head(
            &mut out,
            StatusCode::OK,
            &headers,
            meta,
            Framing::Length(2),
            ConnHeader::None,
            &cfg,
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\ndate: "), "{text}");
        assert!(
            text.contains(
                "\r\nserver: ferrapi\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\n"
            ),
            "{text}"
        );
        assert!(!text.contains("gzip"));
    }
}
