//! A raw-byte HTTP/1.1 client on `std::io`, for tests that drive a server process from plain
//! threads, over TCP or a Unix socket.
//!
//! It counts the bytes it received ([`Client::received`]), so a test can tell a connection
//! closed before any byte of a response from a truncated response, and it can read a chunked
//! body one chunk at a time ([`Client::read_chunk`]) to see each chunk arrive on its own.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::response::{parse_chunk, parse_head, Chunk, RawResponse, ReadFail, ResponseReader};

/// The read and write timeout of the streams [`connect`] and [`tcp_client`] set up.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The size of one read from the stream.
const READ_SIZE: usize = 8192;

/// A raw HTTP/1.1 client over any stream.
#[derive(Debug)]
pub struct Client<S> {
    /// The stream, for tests that write or shut it down themselves.
    pub stream: S,
    buf: Vec<u8>,
    eof: bool,
    /// Bytes received so far on this connection.
    pub received: u64,
}

/// A TCP client with read and write timeouts of [`IO_TIMEOUT`]; panics if connecting fails.
pub fn connect(addr: SocketAddr) -> Client<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    tcp_client(stream)
}

/// A client over a connected TCP stream, with read and write timeouts of [`IO_TIMEOUT`] and
/// `TCP_NODELAY`.
pub fn tcp_client(stream: TcpStream) -> Client<TcpStream> {
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_nodelay(true).unwrap();
    Client::new(stream)
}

/// `GET path` with a Host header and `extra` header lines (`"name: value"`).
pub fn get(path: &str, extra: &[&str]) -> Vec<u8> {
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n");
    for line in extra {
        req.push_str(line);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req.into_bytes()
}

/// One `GET` on a fresh connection that asks to close afterwards; panics on any failure.
pub fn fetch(addr: SocketAddr, path: &str, extra: &[&str]) -> RawResponse {
    let mut headers = extra.to_vec();
    headers.push("Connection: close");
    let mut client = connect(addr);
    client.send(&get(path, &headers)).unwrap();
    client
        .read_response()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

/// Whether connecting to `addr` is refused (nothing listens any more).
pub fn refused(addr: SocketAddr) -> bool {
    match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        Err(e) => e.kind() == io::ErrorKind::ConnectionRefused,
        Ok(_) => false,
    }
}

/// The `std::io` face of a [`ReadFail`]: a connection closed before or in the middle of a
/// response is `UnexpectedEof`, a malformed response `InvalidData`.
fn io_error(fail: ReadFail) -> io::Error {
    match fail {
        ReadFail::Closed => io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"),
        ReadFail::Truncated(partial) => io::Error::new(
            io::ErrorKind::UnexpectedEof,
            format!(
                "connection closed after {} bytes of a response",
                partial.len()
            ),
        ),
        ReadFail::Malformed(why) => io::Error::new(io::ErrorKind::InvalidData, why),
    }
}

impl<S: Read + Write> Client<S> {
    /// A client over `stream` (its timeouts are the caller's).
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            buf: Vec::new(),
            eof: false,
            received: 0,
        }
    }

    /// Writes all of `bytes` and flushes.
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Reads more bytes; `Ok(0)` at EOF. Errors (a timeout, a reset) are the stream's.
    fn fill(&mut self) -> io::Result<usize> {
        if self.eof {
            return Ok(0);
        }
        let mut chunk = [0u8; READ_SIZE];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        self.eof = n == 0;
        self.buf.extend_from_slice(&chunk[..n]);
        self.received += n as u64;
        Ok(n)
    }

    /// Reads one response (interim `1xx` ones included).
    fn read_one(&mut self, mut reader: ResponseReader) -> io::Result<RawResponse> {
        loop {
            if let Some(r) = reader.advance(&mut self.buf, self.eof).map_err(io_error)? {
                return Ok(r);
            }
            self.fill()?;
        }
    }

    /// Reads a response head, skipping `1xx` interim responses; the body stays unread (for
    /// [`Client::read_chunk`]). The head's `body` is empty.
    pub fn read_head(&mut self) -> io::Result<RawResponse> {
        loop {
            let parsed = parse_head(&self.buf).map_err(io_error)?;
            let Some((head, end)) = parsed else {
                if self.fill()? == 0 {
                    return Err(io_error(ReadFail::Closed));
                }
                continue;
            };
            self.buf.drain(..end);
            if !(100..200).contains(&head.status) {
                return Ok(head);
            }
        }
    }

    /// Reads one chunk of a chunked body: `Some(data)`, or `None` after the last chunk (and
    /// its trailers).
    pub fn read_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            match parse_chunk(&self.buf, 0).map_err(io_error)? {
                Chunk::Data { data, next } => {
                    let out = self.buf[data].to_vec();
                    self.buf.drain(..next);
                    return Ok(Some(out));
                }
                Chunk::Last { next, .. } => {
                    self.buf.drain(..next);
                    return Ok(None);
                }
                Chunk::Incomplete { .. } => {
                    if self.fill()? == 0 {
                        return Err(io_error(ReadFail::Closed));
                    }
                }
            }
        }
    }

    /// Reads a whole response (not to a HEAD request), skipping `1xx` interim responses. A
    /// connection closed before the response is complete is an `UnexpectedEof` error.
    pub fn read_response(&mut self) -> io::Result<RawResponse> {
        loop {
            let r = self.read_one(ResponseReader::new(false))?;
            if !(100..200).contains(&r.status) {
                return Ok(r);
            }
        }
    }

    /// Whether the server closed the connection: `Ok(true)` on EOF (or a reset) with nothing
    /// more to read, `Ok(false)` if bytes arrived, `Err` on a timeout.
    pub fn closed(&mut self) -> io::Result<bool> {
        if !self.buf.is_empty() {
            return Ok(false);
        }
        match self.fill() {
            Ok(0) => Ok(true),
            Ok(_) => Ok(false),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(true),
            Err(e) => Err(e),
        }
    }
}

impl Client<TcpStream> {
    /// Sets the read timeout (for checks that something happens promptly).
    pub fn read_timeout(&self, timeout: Duration) {
        self.stream.set_read_timeout(Some(timeout)).unwrap();
    }
}
