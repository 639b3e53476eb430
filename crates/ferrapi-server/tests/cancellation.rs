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

flavors!(
    reading_app_is_cancelled_when_the_client_goes_away,
    stream_is_dropped_when_the_client_goes_away_mid_write,
);

/// Raw bytes: `GET / HTTP/1.1\r\nHost: x\r\n\r\n`, then the client closes its socket 100 ms
/// later while the app is still running (it sleeps 3 s). The app's future keeps running to
/// completion (its drop guard fires only after the full 3 s): the dispatcher awaits the app
/// without watching the socket when the request has no body to feed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "BUG: a client that disconnects while a body-less request is being handled does not cancel the app future (it runs to completion)"]
async fn idle_app_is_cancelled_when_the_client_goes_away() {
    bounded(async {
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
    })
    .await
}

/// Raw bytes: `GET / HTTP/1.1\r\nHost: x\r\n\r\n`; the app answers with a stream that yields
/// one chunk and then waits for events that never come (server-sent events between events).
/// The client reads the first chunk and closes its socket. The stream is never dropped: while
/// the stream is pending, the dispatcher does not watch the socket, so an idle SSE connection
/// whose client left lives (with its app state) until the next event is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "BUG: a pending response stream (SSE between events) is not dropped when the client disconnects"]
async fn pending_stream_is_dropped_when_the_client_goes_away() {
    bounded(async {
        let dropped = Arc::new(AtomicBool::new(false));
        let d = dropped.clone();
        let app = move |_req: Request<Body>| {
            let d = d.clone();
            async move {
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
    })
    .await
}
