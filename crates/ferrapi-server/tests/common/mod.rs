//! Shared helpers for the real-socket tests: starting a server on `127.0.0.1:0`, a raw-byte
//! connection that reads whole responses (length, chunked or until close), a test app with
//! many routes, and a seeded pseudo-random generator.
//!
//! Every socket read here is bounded by [`IO_TIMEOUT`] and every test by [`TEST_TIMEOUT`]
//! (through [`bounded`]), so a hung server fails a test instead of hanging the suite.
#![allow(dead_code)]

pub mod ws;

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use ferrapi_server::{App, Body, BoxError, Builder, Request, Response, Scope, Server, StatusCode};
use futures_core::Stream;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Upper bound for a whole test.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Upper bound for one socket read or write made by the helpers.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs a test body, failing it if it takes longer than [`TEST_TIMEOUT`].
pub async fn bounded<F: Future>(fut: F) -> F::Output {
    match tokio::time::timeout(TEST_TIMEOUT, fut).await {
        Ok(out) => out,
        Err(_) => panic!("test did not finish within {TEST_TIMEOUT:?}"),
    }
}

/// Generates, for each listed `async fn`, one `#[tokio::test]` on the current-thread runtime
/// and one on the multi-thread runtime, each bounded by [`TEST_TIMEOUT`].
#[allow(unused_macros)]
macro_rules! flavors {
    ($($name:ident),* $(,)?) => {
        mod current_thread {
            $(
                #[tokio::test(flavor = "current_thread")]
                async fn $name() {
                    $crate::common::bounded(super::$name()).await
                }
            )*
        }
        mod multi_thread {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::common::bounded(super::$name()).await
                }
            )*
        }
    };
}

// ---------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------

/// A builder with timeouts short enough that leaked connections do not linger, but long enough
/// not to interfere with tests that do not test timeouts.
pub fn builder() -> Builder {
    Server::builder()
        .header_read_timeout(Duration::from_secs(5))
        .body_read_timeout(Duration::from_secs(5))
        .keep_alive_timeout(Duration::from_secs(10))
}

/// A server running on its own task; stopped (shutdown signal, then abort) when dropped.
pub struct TestServer {
    pub addr: SocketAddr,
    task: Option<JoinHandle<Result<(), ferrapi_server::Error>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub async fn connect(&self) -> Conn {
        Conn::connect(self.addr).await
    }

    /// Sends the shutdown signal and waits for `serve_with_shutdown` to return.
    pub async fn shutdown(mut self) -> Result<(), ferrapi_server::Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("server task");
        tokio::time::timeout(IO_TIMEOUT, task)
            .await
            .expect("server did not stop after the shutdown signal")
            .expect("server task panicked")
    }

    /// Asserts the server still answers a plain `GET /` on a new connection.
    pub async fn assert_healthy(&self) {
        let mut c = self.connect().await;
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let r = c.response().await;
        assert_eq!(r.status, 200, "server unhealthy: {r:?}");
        assert_eq!(r.body, b"hello");
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Binds `127.0.0.1:0` with `builder` and serves `app` on a spawned task.
pub async fn serve<A: App>(builder: Builder, app: A) -> TestServer {
    let server = builder.bind("127.0.0.1:0").await.expect("bind");
    let addr = server.local_addr().unwrap();
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(server.serve_with_shutdown(app, async move {
        let _ = rx.await;
    }));
    TestServer {
        addr,
        task: Some(task),
        stop: Some(tx),
    }
}

/// Serves a fresh [`TestApp`] with `builder`; returns the server and the app's call counter.
pub async fn serve_test_app(builder: Builder) -> (TestServer, Arc<AtomicUsize>) {
    let app = TestApp::default();
    let calls = app.calls.clone();
    (serve(builder, app).await, calls)
}

// ---------------------------------------------------------------------------------------------
// The test app
// ---------------------------------------------------------------------------------------------

/// An app with one route per behaviour under test. Every call increments `calls`.
///
/// | path                  | answer                                                        |
/// |-----------------------|---------------------------------------------------------------|
/// | `/`                   | `hello`                                                       |
/// | `/echo`               | the request body, streamed straight back                      |
/// | `/collect`            | the request body, collected first                             |
/// | `/len`                | `len=N` after collecting (a body error answers `body-error:`) |
/// | `/trailers`           | `body=..;trailers=name:value,..` after reading chunk by chunk  |
/// | `/noread`             | `early`, without touching the body                            |
/// | `/stream`             | `one`, `two`, `three` as a stream of unknown length            |
/// | `/stream-len`         | the same stream with an app-set `content-length: 11`           |
/// | `/status/N`           | status N, empty body (`?body` adds the body `x`)               |
/// | `/big/I`              | 16 KiB: `I` zero-padded to 8 digits, `\n`, then `x`s          |
/// | `/p/...`              | the request target                                             |
/// | `/header/NAME`        | the values of request header NAME joined by `|`               |
/// | `/panic`              | panics                                                         |
/// | `/panic-stream`       | a stream that yields `first` and then panics                   |
/// | `/error-stream`       | a stream that yields `first` and then fails                    |
/// | `/slow/MS`            | sleeps MS milliseconds, then `slow`                            |
/// | `/scope`              | the request's `Scope`, as `key=value` lines                    |
/// | `/conn-close`         | `bye` with an app-set `connection: close`                      |
/// | `/method`             | the request method                                             |
#[derive(Clone, Default)]
pub struct TestApp {
    pub calls: Arc<AtomicUsize>,
}

pub const BIG_LEN: usize = 16 * 1024;

pub fn big_body(i: usize) -> Vec<u8> {
    let mut body = format!("{i:08}\n").into_bytes();
    body.resize(BIG_LEN, b'x');
    body
}

impl App for TestApp {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        route(req).await
    }
}

fn text(status: u16, body: impl Into<Body>) -> Response<Body> {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = StatusCode::from_u16(status).unwrap();
    resp
}

async fn route(req: Request<Body>) -> Response<Body> {
    let path = req.uri().path().to_owned();
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        [""] => text(200, "hello"),
        ["echo"] => Response::new(req.into_body()),
        ["collect"] => match req.into_body().collect().await {
            Ok(bytes) => text(200, bytes),
            Err(e) => text(400, format!("body-error: {e}")),
        },
        ["len"] => match req.into_body().collect().await {
            Ok(bytes) => text(200, format!("len={}", bytes.len())),
            Err(e) => text(400, format!("body-error: {e}")),
        },
        ["trailers"] => {
            let mut body = req.into_body();
            let mut data = Vec::new();
            while let Some(chunk) = body.chunk().await {
                match chunk {
                    Ok(c) => data.extend_from_slice(&c),
                    Err(e) => return text(400, format!("body-error: {e}")),
                }
            }
            let mut trailers: Vec<String> = body
                .trailers()
                .map(|t| {
                    t.iter()
                        .map(|(k, v)| format!("{}:{}", k, String::from_utf8_lossy(v.as_bytes())))
                        .collect()
                })
                .unwrap_or_default();
            trailers.sort();
            text(
                200,
                format!(
                    "body={};trailers={}",
                    String::from_utf8_lossy(&data),
                    trailers.join(",")
                ),
            )
        }
        ["noread"] => text(200, "early"),
        ["stream"] => Response::new(Body::from_stream(VecStream::new(vec![
            Ok::<_, std::io::Error>(Bytes::from_static(b"one")),
            Ok(Bytes::from_static(b"two")),
            Ok(Bytes::from_static(b"three")),
        ]))),
        ["stream-len"] => {
            let mut resp = Response::new(Body::from_stream(VecStream::new(vec![
                Ok::<_, std::io::Error>(Bytes::from_static(b"one")),
                Ok(Bytes::from_static(b"two")),
                Ok(Bytes::from_static(b"three")),
            ])));
            resp.headers_mut()
                .insert("content-length", "11".parse().unwrap());
            resp
        }
        ["status", code] => {
            let code: u16 = code.parse().unwrap_or(500);
            let body = if req.uri().query() == Some("body") {
                Body::from("x")
            } else {
                Body::empty()
            };
            text(code, body)
        }
        ["big", i] => text(200, big_body(i.parse().unwrap_or(0))),
        ["p", ..] => text(200, req.uri().to_string()),
        ["header", name] => {
            let values: Vec<String> = req
                .headers()
                .get_all(*name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            text(200, values.join("|"))
        }
        ["panic"] => panic!("test app panics on purpose"),
        ["panic-stream"] => Response::new(Body::from_stream(PanicAfterFirst { yielded: false })),
        ["error-stream"] => Response::new(Body::from_stream(VecStream::new(vec![
            Ok(Bytes::from_static(b"first")),
            Err(std::io::Error::other("stream failed on purpose")),
        ]))),
        ["slow", ms] => {
            tokio::time::sleep(Duration::from_millis(ms.parse().unwrap_or(100))).await;
            text(200, "slow")
        }
        ["scope"] => {
            let scope = req.extensions().get::<Scope>().cloned();
            match scope {
                Some(s) => text(
                    200,
                    format!(
                        "client={:?}\nserver={:?}\nscheme={}\nroot_path={}\nversion={:?}\n",
                        s.client(),
                        s.server(),
                        s.scheme().as_str(),
                        s.root_path(),
                        s.http_version()
                    ),
                ),
                None => text(500, "no scope"),
            }
        }
        ["conn-close"] => {
            let mut resp = text(200, "bye");
            resp.headers_mut()
                .insert("connection", "close".parse().unwrap());
            resp
        }
        ["method"] => text(200, req.method().to_string()),
        _ => text(404, "not found"),
    }
}

/// A stream over a vector of items, yielding one per poll.
pub struct VecStream<T> {
    items: VecDeque<T>,
}

impl<T> VecStream<T> {
    pub fn new(items: Vec<T>) -> Self {
        VecStream {
            items: items.into(),
        }
    }
}

impl<T: Unpin> Stream for VecStream<T> {
    type Item = T;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<T>> {
        Poll::Ready(self.items.pop_front())
    }
}

/// Yields `first`, then panics when polled again.
pub struct PanicAfterFirst {
    yielded: bool,
}

impl Stream for PanicAfterFirst {
    type Item = Result<Bytes, BoxError>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.yielded {
            panic!("response stream panics on purpose");
        }
        self.yielded = true;
        Poll::Ready(Some(Ok(Bytes::from_static(b"first"))))
    }
}

/// A stream fed from a channel, so a test decides when each chunk is produced.
pub struct ChannelStream(pub tokio::sync::mpsc::Receiver<Result<Bytes, BoxError>>);

impl Stream for ChannelStream {
    type Item = Result<Bytes, BoxError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

// ---------------------------------------------------------------------------------------------
// Raw-byte client
// ---------------------------------------------------------------------------------------------

/// One response as read off the wire.
#[derive(Clone, Debug)]
pub struct Resp {
    pub version: String,
    pub status: u16,
    pub reason: String,
    /// Header fields in wire order; names lower-cased.
    pub headers: Vec<(String, String)>,
    pub raw_head: String,
    pub body: Vec<u8>,
    /// The data size of every chunk, when the body was chunked.
    pub chunks: Option<Vec<usize>>,
    pub trailers: Vec<(String, String)>,
    /// The body was delimited by the connection closing.
    pub until_close: bool,
}

impl Resp {
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

    pub fn has(&self, name: &str) -> bool {
        let name = name.to_ascii_lowercase();
        self.headers.iter().any(|(k, _)| *k == name)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
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
    /// The connection ended in the middle of a response; the bytes read so far.
    Truncated(Vec<u8>),
    /// The bytes are not a valid HTTP/1.1 response.
    Malformed(String),
}

/// A raw TCP connection with a read buffer.
pub struct Conn {
    rd: OwnedReadHalf,
    wr: Option<OwnedWriteHalf>,
    buf: Vec<u8>,
    eof: bool,
}

fn is_reset(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::ConnectionReset
            | std::io::ErrorKind::ConnectionAborted
            | std::io::ErrorKind::BrokenPipe
    )
}

impl Conn {
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
        let wr = self.wr.as_mut().expect("writer taken");
        tokio::time::timeout(IO_TIMEOUT, wr.write_all(data.as_ref()))
            .await
            .expect("write timed out")
    }

    /// Half-closes the client's write side.
    pub async fn shutdown_write(&mut self) {
        if let Some(wr) = self.wr.as_mut() {
            let _ = wr.shutdown().await;
        }
    }

    /// Reads more bytes into the buffer. `Ok(0)` at EOF (a reset counts as EOF).
    async fn fill_within(&mut self, wait: Duration) -> Result<usize, tokio::time::error::Elapsed> {
        if self.eof {
            return Ok(0);
        }
        let mut tmp = vec![0u8; 64 * 1024];
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
    pub async fn response(&mut self) -> Resp {
        match self.try_response(false).await {
            Ok(r) => r,
            Err(e) => panic!("expected a response, got {e:?}"),
        }
    }

    /// Reads one response to a HEAD request (no body, whatever the headers say).
    pub async fn head_response(&mut self) -> Resp {
        match self.try_response(true).await {
            Ok(r) => r,
            Err(e) => panic!("expected a response, got {e:?}"),
        }
    }

    /// Reads the response to a request, skipping (and returning) any `100 Continue` first.
    pub async fn final_response(&mut self) -> (Vec<Resp>, Resp) {
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

    /// Reads one response; see [`ReadFail`].
    pub async fn try_response(&mut self, head_request: bool) -> Result<Resp, ReadFail> {
        // The head.
        let head_end = loop {
            if let Some(pos) = find(&self.buf, b"\r\n\r\n") {
                break pos;
            }
            if self.fill().await == 0 {
                return if self.buf.is_empty() {
                    Err(ReadFail::Closed)
                } else {
                    Err(ReadFail::Truncated(std::mem::take(&mut self.buf)))
                };
            }
        };
        let head: Vec<u8> = self.buf.drain(..head_end + 4).collect();
        let raw_head = String::from_utf8(head)
            .map_err(|_| ReadFail::Malformed("response head is not UTF-8".into()))?;
        let mut lines = raw_head[..raw_head.len() - 4].split("\r\n");
        let status_line = lines.next().unwrap_or_default();
        let mut parts = status_line.splitn(3, ' ');
        let version = parts.next().unwrap_or_default().to_owned();
        let status: u16 = parts
            .next()
            .and_then(|s| (s.len() == 3).then_some(s))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| ReadFail::Malformed(format!("bad status line {status_line:?}")))?;
        let reason = parts.next().unwrap_or_default().to_owned();
        if version != "HTTP/1.1" {
            return Err(ReadFail::Malformed(format!(
                "bad version in status line {status_line:?}"
            )));
        }
        let mut headers = Vec::new();
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                return Err(ReadFail::Malformed(format!("bad header line {line:?}")));
            };
            if name.is_empty() || name.contains([' ', '\t', '\r', '\n']) {
                return Err(ReadFail::Malformed(format!("bad header name {line:?}")));
            }
            if value.contains(['\r', '\n']) {
                return Err(ReadFail::Malformed(format!("bad header value {line:?}")));
            }
            headers.push((
                name.to_ascii_lowercase(),
                value.trim_matches([' ', '\t']).to_owned(),
            ));
        }
        let mut resp = Resp {
            version,
            status,
            reason,
            headers,
            raw_head,
            body: Vec::new(),
            chunks: None,
            trailers: Vec::new(),
            until_close: false,
        };

        // The body.
        let no_body =
            head_request || (100..200).contains(&status) || status == 204 || status == 304;
        if no_body {
            return Ok(resp);
        }
        let te: Vec<&(String, String)> = resp
            .headers
            .iter()
            .filter(|(k, _)| k == "transfer-encoding")
            .collect();
        if !te.is_empty() {
            if te.len() != 1 || !te[0].1.eq_ignore_ascii_case("chunked") {
                return Err(ReadFail::Malformed(format!(
                    "unexpected transfer-encoding in {}",
                    resp.raw_head
                )));
            }
            if resp.has("content-length") {
                return Err(ReadFail::Malformed(format!(
                    "both content-length and transfer-encoding in {}",
                    resp.raw_head
                )));
            }
            self.read_chunked(&mut resp).await?;
            return Ok(resp);
        }
        if let Some(cl) = resp.header("content-length") {
            let n: usize = cl
                .parse()
                .map_err(|_| ReadFail::Malformed(format!("bad content-length {cl:?}")))?;
            while self.buf.len() < n {
                if self.fill().await == 0 {
                    let mut partial = resp.raw_head.clone().into_bytes();
                    partial.append(&mut self.buf);
                    return Err(ReadFail::Truncated(partial));
                }
            }
            resp.body = self.buf.drain(..n).collect();
            return Ok(resp);
        }
        // Delimited by close.
        while self.fill().await > 0 {}
        resp.body = std::mem::take(&mut self.buf);
        resp.until_close = true;
        Ok(resp)
    }

    async fn line(&mut self, partial: &mut Vec<u8>) -> Result<String, ReadFail> {
        loop {
            if let Some(pos) = find(&self.buf, b"\r\n") {
                let line: Vec<u8> = self.buf.drain(..pos + 2).collect();
                partial.extend_from_slice(&line);
                return String::from_utf8(line[..pos].to_vec())
                    .map_err(|_| ReadFail::Malformed("chunk line not UTF-8".into()));
            }
            if self.fill().await == 0 {
                partial.append(&mut self.buf);
                return Err(ReadFail::Truncated(std::mem::take(partial)));
            }
        }
    }

    async fn read_chunked(&mut self, resp: &mut Resp) -> Result<(), ReadFail> {
        let mut partial = resp.raw_head.clone().into_bytes();
        let mut sizes = Vec::new();
        loop {
            let line = self.line(&mut partial).await?;
            let size_str = line.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size_str, 16)
                .map_err(|_| ReadFail::Malformed(format!("bad chunk size line {line:?}")))?;
            if size == 0 {
                break;
            }
            sizes.push(size);
            while self.buf.len() < size + 2 {
                if self.fill().await == 0 {
                    partial.append(&mut self.buf);
                    return Err(ReadFail::Truncated(partial));
                }
            }
            let data: Vec<u8> = self.buf.drain(..size).collect();
            let crlf: Vec<u8> = self.buf.drain(..2).collect();
            if crlf != b"\r\n" {
                return Err(ReadFail::Malformed(
                    "chunk data not followed by CRLF".into(),
                ));
            }
            partial.extend_from_slice(&data);
            partial.extend_from_slice(b"\r\n");
            resp.body.extend_from_slice(&data);
        }
        loop {
            let line = self.line(&mut partial).await?;
            if line.is_empty() {
                break;
            }
            let (k, v) = line
                .split_once(':')
                .ok_or_else(|| ReadFail::Malformed(format!("bad trailer {line:?}")))?;
            resp.trailers
                .push((k.to_ascii_lowercase(), v.trim().to_owned()));
        }
        resp.chunks = Some(sizes);
        Ok(())
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

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Encodes `parts` as a chunked body with no trailers.
pub fn chunked(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        if p.is_empty() {
            continue;
        }
        out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
        out.extend_from_slice(p);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// One request through a new connection: send `raw`, read one response.
pub async fn one_shot(addr: SocketAddr, raw: impl AsRef<[u8]>) -> (Resp, Conn) {
    let mut c = Conn::connect(addr).await;
    c.send(raw).await;
    let r = c.response().await;
    (r, c)
}

// ---------------------------------------------------------------------------------------------
// Pseudo-random bytes
// ---------------------------------------------------------------------------------------------

/// xorshift64*: deterministic, seeded, no dependencies.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Counts calls made to an app, for apps built inline in tests.
pub fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

pub fn count(c: &AtomicUsize) -> usize {
    c.load(Ordering::SeqCst)
}
