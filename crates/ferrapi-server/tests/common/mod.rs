//! Helpers specific to the server's real-socket tests: starting a server on `127.0.0.1:0`, a
//! test app with many routes, and a seeded pseudo-random generator. The raw-byte client and
//! the response parser are `ferrapi-test-support`'s, re-exported here.
//!
//! Every socket read is bounded by [`IO_TIMEOUT`] and every test by [`TEST_TIMEOUT`]
//! (through [`bounded`]), so a hung server fails a test instead of hanging the suite.
#![allow(dead_code)]

pub(crate) mod ws;

use std::collections::VecDeque;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use ferrapi_server::{App, Body, BoxError, Builder, Request, Response, Scope, Server, StatusCode};
use futures_core::Stream;
// Each test binary uses its own part of the shared client.
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::conn::{one_shot, Conn, IO_TIMEOUT};
use ferrapi_test_support::within;
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::{chunked, find, RawResponse, ReadFail};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Upper bound for a whole test.
pub(crate) const TEST_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs a test body, failing it if it takes longer than [`TEST_TIMEOUT`].
pub(crate) async fn bounded<F: Future>(fut: F) -> F::Output {
    within(TEST_TIMEOUT, fut).await
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
pub(crate) fn builder() -> Builder {
    Server::builder()
        .header_read_timeout(Duration::from_secs(5))
        .body_read_timeout(Duration::from_secs(5))
        .keep_alive_timeout(Duration::from_secs(10))
}

/// A server running on its own task; stopped (shutdown signal, then abort) when dropped.
pub(crate) struct TestServer {
    pub addr: SocketAddr,
    task: Option<JoinHandle<Result<(), ferrapi_server::Error>>>,
    stop: Option<oneshot::Sender<()>>,
}

impl TestServer {
    pub(crate) async fn connect(&self) -> Conn {
        Conn::connect(self.addr).await
    }

    /// Sends the shutdown signal and waits for `serve_with_shutdown` to return.
    pub(crate) async fn shutdown(mut self) -> Result<(), ferrapi_server::Error> {
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
    pub(crate) async fn assert_healthy(&self) {
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
pub(crate) async fn serve<A: App>(builder: Builder, app: A) -> TestServer {
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
pub(crate) async fn serve_test_app(builder: Builder) -> (TestServer, Arc<AtomicUsize>) {
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
pub(crate) struct TestApp {
    pub calls: Arc<AtomicUsize>,
}

pub(crate) const BIG_LEN: usize = 16 * 1024;

pub(crate) fn big_body(i: usize) -> Vec<u8> {
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
pub(crate) struct VecStream<T> {
    items: VecDeque<T>,
}

impl<T> VecStream<T> {
    pub(crate) fn new(items: Vec<T>) -> Self {
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
pub(crate) struct PanicAfterFirst {
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
pub(crate) struct ChannelStream(pub tokio::sync::mpsc::Receiver<Result<Bytes, BoxError>>);

impl Stream for ChannelStream {
    type Item = Result<Bytes, BoxError>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

// ---------------------------------------------------------------------------------------------
// Pseudo-random bytes
// ---------------------------------------------------------------------------------------------

/// xorshift64*: deterministic, seeded, no dependencies.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (n > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Counts calls made to an app, for apps built inline in tests.
pub(crate) fn counter() -> Arc<AtomicUsize> {
    Arc::new(AtomicUsize::new(0))
}

pub(crate) fn count(c: &AtomicUsize) -> usize {
    c.load(Ordering::SeqCst)
}
