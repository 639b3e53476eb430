//! Cancellation: when the client goes away, the app's future (or its response stream) is
//! dropped, which is how ASGI's `http.disconnect` reaches a ferrapi app
//! (`App::call` docs: "dropped if the client disconnects or the connection fails").

#[macro_use]
mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use ferrapi_server::{Body, Request, Response};

/// Sets its flag when dropped.
struct DropFlag(Arc<AtomicBool>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[derive(Clone, Default)]
struct Flags {
    started: Arc<AtomicBool>,
    dropped: Arc<AtomicBool>,
    completed: Arc<AtomicBool>,
}

async fn wait_for(flag: &AtomicBool, limit: Duration) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if flag.load(Ordering::SeqCst) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    flag.load(Ordering::SeqCst)
}

/// An app whose future sleeps 3 s; records start, drop and completion.
fn sleepy_app(flags: Flags) -> impl ferrapi_server::App {
    move |_req: Request<Body>| {
        let flags = flags.clone();
        async move {
            flags.started.store(true, Ordering::SeqCst);
            let _guard = DropFlag(flags.dropped.clone());
            tokio::time::sleep(Duration::from_secs(3)).await;
            flags.completed.store(true, Ordering::SeqCst);
            Response::new(Body::from("done"))
        }
    }
}

async fn reading_app_is_cancelled_when_the_client_goes_away() {
    let flags = Flags::default();
    let f = flags.clone();
    let app = move |req: Request<Body>| {
        let flags = f.clone();
        async move {
            flags.started.store(true, Ordering::SeqCst);
            let _guard = DropFlag(flags.dropped.clone());
            let body = req.into_body().collect().await;
            flags.completed.store(true, Ordering::SeqCst);
            Response::new(Body::from(format!("{}", body.is_ok())))
        }
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        .await;
    assert!(wait_for(&flags.started, Duration::from_secs(2)).await);
    drop(c);
    assert!(
        wait_for(&flags.dropped, Duration::from_secs(2)).await,
        "app future not dropped after the client went away"
    );
    assert!(!flags.completed.load(Ordering::SeqCst));
}

async fn stream_is_dropped_when_the_client_goes_away_mid_write() {
    // A stream producing 64 KiB chunks forever: once the client is gone, a write fails and the
    // stream must be dropped.
    let dropped = Arc::new(AtomicBool::new(false));
    let d = dropped.clone();
    let app = move |_req: Request<Body>| {
        let d = d.clone();
        async move {
            struct Endless {
                _guard: DropFlag,
            }
            impl futures_core::Stream for Endless {
                type Item = Result<Bytes, std::io::Error>;
                fn poll_next(
                    self: std::pin::Pin<&mut Self>,
                    _: &mut std::task::Context<'_>,
                ) -> std::task::Poll<Option<Self::Item>> {
                    std::task::Poll::Ready(Some(Ok(Bytes::from(vec![b'z'; 64 * 1024]))))
                }
            }
            Response::new(Body::from_stream(Endless {
                _guard: DropFlag(d),
            }))
        }
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    c.read_until(b"\r\n\r\n").await;
    drop(c);
    assert!(
        wait_for(&dropped, Duration::from_secs(3)).await,
        "endless response stream not dropped after the client went away"
    );
}

/// Regression (was a bug): `GET / HTTP/1.1\r\nHost: x\r\n\r\n`, then the client closes its
/// socket 100 ms later while the app sleeps: the app's future must be dropped at once, not run
/// to completion.
async fn idle_app_is_cancelled_when_the_client_goes_away() {
    let flags = Flags::default();
    let srv = serve(builder(), sleepy_app(flags.clone())).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(wait_for(&flags.started, Duration::from_secs(2)).await);
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(c);
    assert!(
        wait_for(&flags.dropped, Duration::from_secs(1)).await,
        "app future still running 1 s after the client went away"
    );
    assert!(!flags.completed.load(Ordering::SeqCst));
}

/// A stream that yields one event and then waits for more that never come (server-sent
/// events between events).
struct OneThenPending {
    sent: bool,
    _guard: DropFlag,
}

impl futures_core::Stream for OneThenPending {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.sent {
            return std::task::Poll::Pending;
        }
        self.sent = true;
        std::task::Poll::Ready(Some(Ok(Bytes::from_static(b"data: 1\n\n"))))
    }
}

/// Regression (was a bug): an SSE-like response stream, pending between events, is dropped
/// when the client closes its socket.
async fn pending_stream_is_dropped_when_the_client_goes_away() {
    let dropped = Arc::new(AtomicBool::new(false));
    let d = dropped.clone();
    let app = move |_req: Request<Body>| {
        let d = d.clone();
        async move {
            Response::new(Body::from_stream(OneThenPending {
                sent: false,
                _guard: DropFlag(d),
            }))
        }
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    c.read_until(b"data: 1\n\n\r\n").await;
    drop(c);
    assert!(
        wait_for(&dropped, Duration::from_secs(2)).await,
        "pending response stream still alive 2 s after the client went away"
    );
}

/// Documented (docs/server.md): a client that half-closes after sending its request counts as
/// gone, as with hyper's default. The slow app is cancelled and no response is written.
async fn half_close_after_the_request_counts_as_gone() {
    let flags = Flags::default();
    let srv = serve(builder(), sleepy_app(flags.clone())).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert!(wait_for(&flags.started, Duration::from_secs(2)).await);
    c.shutdown_write().await;
    assert!(
        wait_for(&flags.dropped, Duration::from_secs(1)).await,
        "app not cancelled after the client half-closed"
    );
    let (bytes, _) = c.read_until_close().await;
    assert!(bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
}

/// Pipelined bytes that arrive while the app works are kept, not mistaken for a disconnect.
async fn pipelined_bytes_during_the_app_are_not_a_disconnect() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /slow/300 HTTP/1.1\r\nHost: x\r\n\r\n").await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    c.send(b"GET /p/2 HTTP/1.1\r\nHost: x\r\n\r\nPOST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        .await;
    assert_eq!(c.response().await.text(), "slow");
    assert_eq!(c.response().await.text(), "/p/2");
    assert_eq!(c.response().await.text(), "abc");
    assert_eq!(count(&calls), 3);
}

flavors!(
    reading_app_is_cancelled_when_the_client_goes_away,
    stream_is_dropped_when_the_client_goes_away_mid_write,
    idle_app_is_cancelled_when_the_client_goes_away,
    pending_stream_is_dropped_when_the_client_goes_away,
    half_close_after_the_request_counts_as_gone,
    pipelined_bytes_during_the_app_are_not_a_disconnect,
);

/// An app that holds the request (and so its body) without reading it, and sleeps.
fn holding_app(flags: Flags) -> impl ferrapi_server::App {
    move |req: Request<Body>| {
        let flags = flags.clone();
        async move {
            let _held = req;
            flags.started.store(true, Ordering::SeqCst);
            let _guard = DropFlag(flags.dropped.clone());
            tokio::time::sleep(Duration::from_secs(3)).await;
            flags.completed.store(true, Ordering::SeqCst);
            Response::new(Body::from("done"))
        }
    }
}

/// docs/server.md: "the app's future (or its response stream) is dropped as soon as the client
/// closes the connection or it fails, even while the app is not reading".
///
/// Raw bytes (each on its own connection, the client closing its socket 100 ms after the app
/// started; the app holds `req` unread and sleeps 3 s):
/// * `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\nabc` (body still arriving)
/// * `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n`
/// * `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\nExpect: 100-continue\r\n\r\n`
///
/// In all three the app runs its full 3 s: while a request body is being fed, phase 1 selects
/// on the app and `feed_once`, which waits for the app to ask for a chunk and never looks at
/// the socket, so the disconnect goes unnoticed. (A body-less request, a fully buffered
/// Content-Length body, or an app that drops or reads its body is cancelled correctly.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_holding_an_unread_body_is_cancelled_when_the_client_goes_away() {
    bounded(async {
        let mut failures = Vec::new();
        for raw in [
            &b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\n\r\nabc"[..],
            &b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"[..],
            &b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 30\r\nExpect: 100-continue\r\n\r\n"[..],
        ] {
            let flags = Flags::default();
            let srv = serve(builder(), holding_app(flags.clone())).await;
            let mut c = srv.connect().await;
            c.send(raw).await;
            assert!(wait_for(&flags.started, Duration::from_secs(2)).await);
            tokio::time::sleep(Duration::from_millis(100)).await;
            drop(c);
            if !wait_for(&flags.dropped, Duration::from_secs(1)).await {
                failures.push(String::from_utf8_lossy(raw).into_owned());
            }
        }
        assert!(
            failures.is_empty(),
            "app still running 1 s after the client went away for: {failures:#?}"
        );
    })
    .await
}
