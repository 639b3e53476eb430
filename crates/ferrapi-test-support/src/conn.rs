//! A raw-byte HTTP/1.1 client on tokio, for tests that run the server on the same runtime.
//!
//! A [`Conn`] writes whatever bytes a test gives it (well-formed or not) and reads responses
//! with the shared [`ResponseReader`]. Every read and write is bounded by [`IO_TIMEOUT`] (or by
//! the wait a test gives), so a server that hangs fails the test instead of hanging the suite.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

use crate::find;
use crate::response::{RawResponse, ReadFail, ResponseReader};

/// Upper bound for one socket read or write made by [`Conn`].
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// The size of one read from the socket.
const READ_SIZE: usize = 64 * 1024;

/// A raw TCP connection with a read buffer.
#[derive(Debug)]
pub struct Conn {
    rd: OwnedReadHalf,
    wr: Option<OwnedWriteHalf>,
    buf: Vec<u8>,
    eof: bool,
}

/// Whether a read error means the peer has gone (counted as the end of the stream).
pub fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
    )
}

impl Conn {
    /// Connects to `addr` (with `TCP_NODELAY`, so every write leaves at once); panics if that
    /// fails or takes longer than [`IO_TIMEOUT`].
    pub async fn connect(addr: SocketAddr) -> Conn {
        let stream = tokio::time::timeout(IO_TIMEOUT, TcpStream::connect(addr))
            .await
            .expect("connect timed out")
            .expect("connect");
        stream.set_nodelay(true).unwrap();
        let (rd, wr) = stream.into_split();
        Conn {
            rd,
            wr: Some(wr),
            buf: Vec::new(),
            eof: false,
        }
    }

    /// The client's address.
    pub fn local_addr(&self) -> SocketAddr {
        self.rd.local_addr().unwrap()
    }

    /// Takes the write half, to write concurrently with reading.
    pub fn take_writer(&mut self) -> OwnedWriteHalf {
        self.wr.take().expect("writer already taken")
    }

    /// Writes all of `data`; panics on error or timeout.
    pub async fn send(&mut self, data: impl AsRef<[u8]>) {
        self.try_send(data)
            .await
            .expect("write to the server failed");
    }

    /// Writes all of `data`, reporting I/O errors (the server may have closed).
    pub async fn try_send(&mut self, data: impl AsRef<[u8]>) -> std::io::Result<()> {
        tokio::time::timeout(IO_TIMEOUT, self.writer().write_all(data.as_ref()))
            .await
            .expect("write timed out")
    }

    /// Half-closes the client's write side.
    pub async fn shutdown_write(&mut self) {
        if let Some(wr) = self.wr.as_mut() {
            let _ = wr.shutdown().await;
        }
    }

    /// The write half, for tests that write while they read (or never read).
    pub fn writer(&mut self) -> &mut OwnedWriteHalf {
        self.wr.as_mut().expect("writer taken")
    }

    /// The bytes received but not yet consumed, for clients of other protocols built on this
    /// one (a WebSocket client parses its frames from here).
    pub fn buffer_mut(&mut self) -> &mut Vec<u8> {
        &mut self.buf
    }

    /// Reads more bytes into the buffer, waiting at most `wait`. `Ok(0)` at EOF (a reset counts
    /// as EOF); `Err` if nothing arrived in time.
    pub async fn fill_within(
        &mut self,
        wait: Duration,
    ) -> Result<usize, tokio::time::error::Elapsed> {
        if self.eof {
            return Ok(0);
        }
        let mut tmp = vec![0u8; READ_SIZE];
        match tokio::time::timeout(wait, self.rd.read(&mut tmp)).await? {
            Ok(0) => {
                self.eof = true;
                Ok(0)
            }
            Ok(n) => {
                self.buf.extend_from_slice(&tmp[..n]);
                Ok(n)
            }
            Err(e) if is_reset(&e) => {
                self.eof = true;
                Ok(0)
            }
            Err(e) => panic!("read failed: {e}"),
        }
    }

    async fn fill(&mut self) -> usize {
        match self.fill_within(IO_TIMEOUT).await {
            Ok(n) => n,
            Err(_) => panic!(
                "no data from the server within {IO_TIMEOUT:?}; buffered: {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
        }
    }

    /// Reads one response to a non-HEAD request; panics if there is none.
    pub async fn response(&mut self) -> RawResponse {
        match self.try_response(false).await {
            Ok(r) => r,
            Err(e) => panic!("expected a response, got {e:?}"),
        }
    }

    /// Reads one response to a HEAD request (no body, whatever the headers say).
    pub async fn head_response(&mut self) -> RawResponse {
        match self.try_response(true).await {
            Ok(r) => r,
            Err(e) => panic!("expected a response, got {e:?}"),
        }
    }

    /// Reads the response to a request, skipping (and returning) any `1xx` responses first.
    pub async fn final_response(&mut self) -> (Vec<RawResponse>, RawResponse) {
        let mut interim = Vec::new();
        loop {
            let r = self.response().await;
            if (100..200).contains(&r.status) {
                interim.push(r);
            } else {
                return (interim, r);
            }
        }
    }

    /// Reads one response; `head_request` says it answers a HEAD request. See [`ReadFail`].
    pub async fn try_response(&mut self, head_request: bool) -> Result<RawResponse, ReadFail> {
        let mut reader = ResponseReader::new(head_request);
        loop {
            if let Some(r) = reader.advance(&mut self.buf, self.eof)? {
                return Ok(r);
            }
            self.fill().await;
        }
    }

    /// Asserts that the server closes the connection without sending anything more.
    pub async fn expect_closed(&mut self) {
        assert!(
            self.buf.is_empty(),
            "unexpected bytes after the last response: {:?}",
            String::from_utf8_lossy(&self.buf)
        );
        match self.fill_within(IO_TIMEOUT).await {
            Ok(0) => {}
            Ok(_) => panic!(
                "expected the connection to close, got more bytes: {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
            Err(_) => panic!("expected the connection to close, it stayed open"),
        }
    }

    /// Waits up to `wait` for the connection to close; `true` if it did (with no data).
    pub async fn closes_within(&mut self, wait: Duration) -> bool {
        assert!(self.buf.is_empty(), "unread bytes: {:?}", self.buf);
        match self.fill_within(wait).await {
            Ok(0) => true,
            Ok(_) => panic!(
                "expected silence or close, got bytes: {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
            Err(_) => false,
        }
    }

    /// Asserts that nothing arrives and the connection stays open for `wait`.
    pub async fn expect_open(&mut self, wait: Duration) {
        assert!(
            !self.closes_within(wait).await,
            "connection closed unexpectedly"
        );
    }

    /// Asserts that no bytes arrive for `wait` (the connection may not close either).
    pub async fn expect_silence(&mut self, wait: Duration) {
        assert!(self.buf.is_empty(), "unread bytes: {:?}", self.buf);
        match self.fill_within(wait).await {
            Ok(0) => panic!("connection closed while expecting silence"),
            Ok(_) => panic!(
                "expected silence, got bytes: {:?}",
                String::from_utf8_lossy(&self.buf)
            ),
            Err(_) => {}
        }
    }

    /// Reads everything until the server closes; returns the bytes and how long it took.
    pub async fn read_until_close(&mut self) -> (Vec<u8>, Duration) {
        let start = Instant::now();
        while self.fill().await > 0 {}
        (std::mem::take(&mut self.buf), start.elapsed())
    }

    /// Reads until `needle` has arrived; returns (and consumes) everything up to its end.
    pub async fn read_until(&mut self, needle: &[u8]) -> Vec<u8> {
        loop {
            if let Some(pos) = find(&self.buf, needle) {
                return self.buf.drain(..pos + needle.len()).collect();
            }
            if self.fill().await == 0 {
                panic!(
                    "connection closed before {:?}; got {:?}",
                    String::from_utf8_lossy(needle),
                    String::from_utf8_lossy(&self.buf)
                );
            }
        }
    }

    /// Bytes received but not yet consumed by a response.
    pub fn buffered(&self) -> &[u8] {
        &self.buf
    }
}

/// One request through a new connection: sends `raw`, reads one response.
pub async fn one_shot(addr: SocketAddr, raw: impl AsRef<[u8]>) -> (RawResponse, Conn) {
    let mut c = Conn::connect(addr).await;
    c.send(raw).await;
    let r = c.response().await;
    (r, c)
}

/// Writes `request` as is on a new connection and returns every byte the server sends until
/// it closes (so the request should say `connection: close`). No read timeout of its own: the
/// test's deadline bounds it. Panics on an I/O error, a reset included.
pub async fn raw(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write request");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read response");
    out
}
