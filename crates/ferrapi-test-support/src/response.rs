//! The response parser, free of I/O: the clients in [`conn`](crate::conn) and
//! [`blocking`](crate::blocking) fill a buffer and hand it to a [`ResponseReader`], which takes
//! one whole response from its front when all of it has arrived.
//!
//! Bytes stay in the buffer until a response is complete, so a response cut short by the
//! connection closing is reported with every byte of it that arrived
//! ([`ReadFail::Truncated`]).

use std::ops::Range;

use crate::find;

/// One response as read off the wire.
#[derive(Clone, Debug, Default)]
pub struct RawResponse {
    /// The version of the status line (always `HTTP/1.1`: the parser rejects any other).
    pub version: String,
    /// The status code.
    pub status: u16,
    /// The reason phrase (may be empty).
    pub reason: String,
    /// Header fields in wire order; names lower-cased, values without surrounding blanks.
    pub headers: Vec<(String, String)>,
    /// The head as received, from the status line to the blank line that ends it, included.
    pub raw_head: String,
    /// The body, with its framing removed (see [`parse_raw`] for the one exception).
    pub body: Vec<u8>,
    /// The data size of every chunk, when the body was chunked.
    pub chunks: Option<Vec<usize>>,
    /// The trailer fields of a chunked body; names lower-cased.
    pub trailers: Vec<(String, String)>,
    /// The body was delimited by the connection closing.
    pub until_close: bool,
}

impl RawResponse {
    /// The value of header `name` (any case); panics if the header appears more than once,
    /// so a test never checks one of two values by accident (use [`RawResponse::all`] there).
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        let mut values = self.headers.iter().filter(|(k, _)| *k == name);
        let first = values.next().map(|(_, v)| v.as_str());
        assert!(
            values.next().is_none(),
            "header {name} appears more than once in {}",
            self.raw_head
        );
        first
    }

    /// Every value of header `name` (any case), in wire order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether header `name` (any case) is present.
    pub fn has(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.headers.iter().any(|(k, _)| *k == name)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// Whether the response says the connection closes after it (`connection: close`).
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    /// Asserts the shape of a server-generated error response: the status, a short
    /// `text/plain; charset=utf-8` body with a matching `content-length`, `connection: close`.
    pub fn assert_error(&self, status: u16) {
        assert_eq!(self.status, status, "unexpected status: {self:?}");
        assert_eq!(
            self.header("content-type"),
            Some("text/plain; charset=utf-8"),
            "{self:?}"
        );
        assert_eq!(self.header("connection"), Some("close"), "{self:?}");
        assert!(
            !self.body.is_empty() && self.body.len() < 200,
            "error body should be short text: {self:?}"
        );
        assert!(std::str::from_utf8(&self.body).is_ok(), "{self:?}");
        assert_eq!(
            self.header("content-length"),
            Some(self.body.len().to_string().as_str()),
            "{self:?}"
        );
        assert!(!self.has("transfer-encoding"), "{self:?}");
    }
}

/// Why a response could not be read.
#[derive(Debug)]
pub enum ReadFail {
    /// The connection closed (or reset) before the first byte of a response.
    Closed,
    /// The connection ended in the middle of a response; the bytes of it read so far.
    Truncated(Vec<u8>),
    /// The bytes are not a valid HTTP/1.1 response; what is wrong with them.
    Malformed(String),
}

fn malformed(why: impl Into<String>) -> ReadFail {
    ReadFail::Malformed(why.into())
}

/// Parses the response head at the front of `buf`: the head (with an empty body) and the
/// length of the head in bytes, or `None` while the blank line that ends it has not arrived.
pub fn parse_head(buf: &[u8]) -> Result<Option<(RawResponse, usize)>, ReadFail> {
    let Some(pos) = find(buf, b"\r\n\r\n") else {
        return Ok(None);
    };
    let end = pos + 4;
    let raw_head = String::from_utf8(buf[..end].to_vec())
        .map_err(|_| malformed("response head is not UTF-8"))?;
    let mut lines = raw_head[..pos].split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default().to_owned();
    let status: u16 = parts
        .next()
        .and_then(|s| (s.len() == 3).then_some(s))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| malformed(format!("bad status line {status_line:?}")))?;
    let reason = parts.next().unwrap_or_default().to_owned();
    if version != "HTTP/1.1" {
        return Err(malformed(format!(
            "bad version in status line {status_line:?}"
        )));
    }
    let mut headers = Vec::new();
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(malformed(format!("bad header line {line:?}")));
        };
        if name.is_empty() || name.contains([' ', '\t', '\r', '\n']) {
            return Err(malformed(format!("bad header name {line:?}")));
        }
        if value.contains(['\r', '\n']) {
            return Err(malformed(format!("bad header value {line:?}")));
        }
        headers.push((
            name.to_ascii_lowercase(),
            value.trim_matches([' ', '\t']).to_owned(),
        ));
    }
    let head = RawResponse {
        version,
        status,
        reason,
        headers,
        raw_head,
        ..RawResponse::default()
    };
    Ok(Some((head, end)))
}

/// How the body of a response is delimited (RFC 9112 §6.3, as a client sees it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// No body: a response to HEAD, `1xx`, `204` or `304`.
    Empty,
    Length(usize),
    Chunked,
    UntilClose,
}

fn framing(head: &RawResponse, head_request: bool) -> Result<Framing, ReadFail> {
    let status = head.status;
    if head_request || (100..200).contains(&status) || status == 204 || status == 304 {
        return Ok(Framing::Empty);
    }
    let te = head.all("transfer-encoding");
    if !te.is_empty() {
        if te.len() != 1 || !te[0].eq_ignore_ascii_case("chunked") {
            return Err(malformed(format!(
                "unexpected transfer-encoding in {}",
                head.raw_head
            )));
        }
        if head.has("content-length") {
            return Err(malformed(format!(
                "both content-length and transfer-encoding in {}",
                head.raw_head
            )));
        }
        return Ok(Framing::Chunked);
    }
    match head.header("content-length") {
        Some(cl) => cl
            .parse()
            .map(Framing::Length)
            .map_err(|_| malformed(format!("bad content-length {cl:?}"))),
        None => Ok(Framing::UntilClose),
    }
}

/// One piece of a chunked body, as [`parse_chunk`] finds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Chunk {
    /// A whole data chunk: its data is `buf[data]`; the next chunk starts at `next`.
    Data {
        /// Where the chunk's data lies in the buffer.
        data: Range<usize>,
        /// Where the next chunk starts.
        next: usize,
    },
    /// The last (zero-size) chunk and the trailer section after it; the body ends at `next`.
    Last {
        /// The trailer fields; names lower-cased, values trimmed.
        trailers: Vec<(String, String)>,
        /// Where the body ends.
        next: usize,
    },
    /// The chunk has not wholly arrived; `data` is the part of its data that has (empty while
    /// the size line, or the trailer section of the last chunk, is incomplete).
    Incomplete {
        /// Where the arrived part of the chunk's data lies in the buffer.
        data: Range<usize>,
    },
}

/// The line starting at `at` (without its CRLF) and where the next line starts.
fn line(buf: &[u8], at: usize) -> Result<Option<(&str, usize)>, ReadFail> {
    let Some(len) = find(&buf[at..], b"\r\n") else {
        return Ok(None);
    };
    let text =
        std::str::from_utf8(&buf[at..at + len]).map_err(|_| malformed("chunk line not UTF-8"))?;
    Ok(Some((text, at + len + 2)))
}

/// Parses the chunk of a chunked body that starts at `buf[at]`.
pub fn parse_chunk(buf: &[u8], at: usize) -> Result<Chunk, ReadFail> {
    let incomplete = Chunk::Incomplete { data: at..at };
    let Some((size_line, start)) = line(buf, at)? else {
        return Ok(incomplete);
    };
    let size_str = size_line.split(';').next().unwrap_or_default().trim();
    let size = usize::from_str_radix(size_str, 16)
        .map_err(|_| malformed(format!("bad chunk size line {size_line:?}")))?;
    if size == 0 {
        let mut trailers = Vec::new();
        let mut next = start;
        loop {
            let Some((field, after)) = line(buf, next)? else {
                return Ok(incomplete);
            };
            next = after;
            if field.is_empty() {
                return Ok(Chunk::Last { trailers, next });
            }
            let (k, v) = field
                .split_once(':')
                .ok_or_else(|| malformed(format!("bad trailer {field:?}")))?;
            trailers.push((k.to_ascii_lowercase(), v.trim().to_owned()));
        }
    }
    let end = start + size;
    if buf.len() < end + 2 {
        return Ok(Chunk::Incomplete {
            data: start..end.min(buf.len()),
        });
    }
    if &buf[end..end + 2] != b"\r\n" {
        return Err(malformed("chunk data not followed by CRLF"));
    }
    Ok(Chunk::Data {
        data: start..end,
        next: end + 2,
    })
}

/// Where a [`ResponseReader`] is inside the response it reads.
#[derive(Debug)]
struct Progress {
    head: RawResponse,
    framing: Framing,
    /// Where the unparsed rest of the body starts in the buffer.
    at: usize,
    chunks: Vec<usize>,
}

/// Reads one response from the front of a buffer that a client fills: call
/// [`ResponseReader::advance`] after every read until it returns the response or an error.
#[derive(Debug)]
pub struct ResponseReader {
    head_request: bool,
    progress: Option<Progress>,
}

impl ResponseReader {
    /// A reader for the response to a request; `head_request` says it was a HEAD request,
    /// whose response has no body whatever its headers say.
    pub fn new(head_request: bool) -> ResponseReader {
        ResponseReader {
            head_request,
            progress: None,
        }
    }

    /// Takes the response from the front of `buf` once it is complete (`Ok(None)` until then);
    /// `eof` says no more bytes will come. Bytes of the response stay in `buf` until it is
    /// complete; bytes after it (a pipelined response) stay there for the next reader.
    pub fn advance(
        &mut self,
        buf: &mut Vec<u8>,
        eof: bool,
    ) -> Result<Option<RawResponse>, ReadFail> {
        if self.progress.is_none() {
            match parse_head(buf)? {
                Some((head, at)) => {
                    let framing = framing(&head, self.head_request)?;
                    self.progress = Some(Progress {
                        head,
                        framing,
                        at,
                        chunks: Vec::new(),
                    });
                }
                None if !eof => return Ok(None),
                None if buf.is_empty() => return Err(ReadFail::Closed),
                None => return Err(ReadFail::Truncated(std::mem::take(buf))),
            }
        }
        let p = self.progress.as_mut().expect("set above");
        let end = match p.framing {
            Framing::Empty => p.at,
            Framing::Length(n) if buf.len() - p.at >= n => {
                p.head.body = buf[p.at..p.at + n].to_vec();
                p.at + n
            }
            Framing::Length(_) => return more(buf, eof),
            Framing::Chunked => loop {
                match parse_chunk(buf, p.at)? {
                    Chunk::Data { data, next } => {
                        p.chunks.push(data.len());
                        p.head.body.extend_from_slice(&buf[data]);
                        p.at = next;
                    }
                    Chunk::Last { trailers, next } => {
                        p.head.trailers = trailers;
                        p.head.chunks = Some(std::mem::take(&mut p.chunks));
                        break next;
                    }
                    Chunk::Incomplete { .. } => return more(buf, eof),
                }
            },
            Framing::UntilClose if eof => {
                p.head.body = buf[p.at..].to_vec();
                p.head.until_close = true;
                buf.len()
            }
            Framing::UntilClose => return Ok(None),
        };
        let response = self.progress.take().expect("set above").head;
        buf.drain(..end);
        Ok(Some(response))
    }
}

/// An incomplete response: wait for more, or report what arrived if nothing more will.
fn more(buf: &mut Vec<u8>, eof: bool) -> Result<Option<RawResponse>, ReadFail> {
    if eof {
        Err(ReadFail::Truncated(std::mem::take(buf)))
    } else {
        Ok(None)
    }
}

/// Parses the head of the first response in `bytes` and keeps every byte after it as the
/// body, undecoded: for tests that read until the server closes and check the framing (or a
/// truncated body) themselves, with [`dechunk`] for a chunked one. Panics without a valid head.
pub fn parse_raw(bytes: &[u8]) -> RawResponse {
    match parse_head(bytes) {
        Ok(Some((mut head, end))) => {
            head.body = bytes[end..].to_vec();
            head
        }
        Ok(None) => panic!("no response head in {:?}", String::from_utf8_lossy(bytes)),
        Err(e) => panic!("{e:?} in {:?}", String::from_utf8_lossy(bytes)),
    }
}

/// Decodes as much of a chunked body (the bytes after the head) as has arrived, the data of a
/// chunk that has partly arrived included. Returns the data and whether the last chunk was
/// there; a malformed chunk ends the data (and the body is not complete).
pub fn dechunk(bytes: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut at = 0;
    loop {
        match parse_chunk(bytes, at) {
            Ok(Chunk::Data { data, next }) => {
                out.extend_from_slice(&bytes[data]);
                at = next;
            }
            Ok(Chunk::Last { .. }) => return (out, true),
            Ok(Chunk::Incomplete { data }) => {
                out.extend_from_slice(&bytes[data]);
                return (out, false);
            }
            Err(_) => return (out, false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(bytes: &[u8], head_request: bool) -> Result<RawResponse, ReadFail> {
        let mut buf = Vec::new();
        let mut reader = ResponseReader::new(head_request);
        // One byte at a time: every prefix of a response must be "not yet".
        for &b in bytes {
            buf.push(b);
            if let Some(r) = reader.advance(&mut buf, false)? {
                return Ok(r);
            }
        }
        reader.advance(&mut buf, true)?.ok_or(ReadFail::Closed)
    }

    #[test]
    fn length_chunked_and_until_close_bodies() {
        let r = read_all(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", false).unwrap();
        assert_eq!(
            (r.status, r.reason.as_str(), r.body.as_slice()),
            (200, "OK", &b"abc"[..])
        );
        assert_eq!(r.header("CONTENT-LENGTH"), Some("3"));

        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2;x=y\r\nab\r\n1\r\nc\r\n0\r\nt: v\r\n\r\n";
        let r = read_all(raw, false).unwrap();
        assert_eq!(r.body, b"abc");
        assert_eq!(r.chunks, Some(vec![2, 1]));
        assert_eq!(r.trailers, [("t".to_owned(), "v".to_owned())]);

        let r = read_all(b"HTTP/1.1 200 OK\r\n\r\nuntil close", false).unwrap();
        assert!(r.until_close);
        assert_eq!(r.body, b"until close");

        let r = read_all(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\n", true).unwrap();
        assert!(r.body.is_empty());
    }

    #[test]
    fn pipelined_responses_stay_in_the_buffer() {
        let mut buf =
            b"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nx"
                .to_vec();
        let first = ResponseReader::new(false)
            .advance(&mut buf, false)
            .unwrap()
            .unwrap();
        assert_eq!(first.status, 204);
        let second = ResponseReader::new(false)
            .advance(&mut buf, false)
            .unwrap()
            .unwrap();
        assert_eq!((second.status, second.body.as_slice()), (200, &b"x"[..]));
        assert!(buf.is_empty());
    }

    #[test]
    fn truncation_keeps_every_byte_and_closed_has_none() {
        let raw = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n";
        match read_all(raw, false) {
            Err(ReadFail::Truncated(partial)) => assert_eq!(partial, raw),
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_all(b"", false), Err(ReadFail::Closed)));
        assert!(matches!(
            read_all(b"HTTP/1.1 2", false),
            Err(ReadFail::Truncated(_))
        ));
    }

    #[test]
    fn malformed_framing_is_reported() {
        for raw in [
            &b"HTTP/1.0 200 OK\r\n\r\n"[..],
            b"HTTP/1.1 20 OK\r\n\r\n",
            b"HTTP/1.1 200 OK\r\nno colon\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 1\r\n\r\n",
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabc",
            b"HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n",
        ] {
            assert!(
                matches!(read_all(raw, false), Err(ReadFail::Malformed(_))),
                "{:?}",
                String::from_utf8_lossy(raw)
            );
        }
    }

    #[test]
    fn dechunk_returns_what_arrived() {
        assert_eq!(dechunk(b"3\r\nabc\r\n0\r\n\r\n"), (b"abc".to_vec(), true));
        assert_eq!(dechunk(b"3\r\nabc\r\n4\r\nde"), (b"abcde".to_vec(), false));
        assert_eq!(dechunk(b"3\r\nabc\r\nzz\r\n"), (b"abc".to_vec(), false));
    }

    #[test]
    fn parse_raw_keeps_the_framing() {
        let r =
            parse_raw(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n");
        assert_eq!(r.body, b"1\r\na\r\n0\r\n\r\n");
        assert_eq!(
            r.raw_head,
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
        );
    }
}
