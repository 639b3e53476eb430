//! A panicking app becomes a 500 that closes its connection; a panicking (or failing) response
//! stream truncates its response; in both cases every other connection carries on.

#[macro_use]
mod common;

use std::time::Duration;

use bytes::Bytes;
use common::*;
use ferrapi_server::{Body, Request, Response};

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async fn app_panic_is_500_and_close() {
    let (srv, _) = serve_test_app(builder()).await;
    // A keep-alive connection opened before the panic...
    let mut other = srv.connect().await;
    other.send(GET).await;
    assert_eq!(other.response().await.body, b"hello");

    let mut c = srv.connect().await;
    c.send(b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    r.assert_error(500);
    assert_eq!(r.reason, "Internal Server Error");
    assert_eq!(r.text(), "Internal Server Error");
    c.expect_closed().await;

    // ...still works, and so does a new one.
    other.send(GET).await;
    assert_eq!(other.response().await.body, b"hello");
    srv.assert_healthy().await;
}

async fn panic_in_a_pipeline() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /panic HTTP/1.1\r\nHost: x\r\n\r\nGET /p/3 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "/p/1");
    c.response().await.assert_error(500);
    c.expect_closed().await;
    assert_eq!(
        count(&calls),
        2,
        "nothing is served after the panic on that connection"
    );
}

async fn panic_with_a_non_string_payload() {
    let app = |_req: Request<Body>| async {
        if true {
            std::panic::panic_any(42u32);
        }
        Response::new(Body::empty())
    };
    let srv = serve(builder(), app).await;
    let (r, mut c) = one_shot(srv.addr, GET).await;
    r.assert_error(500);
    c.expect_closed().await;
}

/// An app may work in `call` before it returns its future (the toolkit routes there): a panic
/// there is a 500 too, and the connection task survives to say so.
async fn panic_before_the_future_is_returned() {
    let app = |req: Request<Body>| {
        if req.uri().path() == "/panic" {
            panic!("boom before the future");
        }
        async { Response::new(Body::from("fine")) }
    };
    let srv = serve(builder(), app).await;
    let (r, mut c) = one_shot(srv.addr, b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n").await;
    r.assert_error(500);
    assert_eq!(r.text(), "Internal Server Error");
    c.expect_closed().await;
    let (r, _) = one_shot(srv.addr, GET).await;
    assert_eq!(r.text(), "fine");
}

async fn panic_after_reading_part_of_the_body() {
    let app = |req: Request<Body>| async move {
        let mut body = req.into_body();
        let _ = body.chunk().await;
        panic!("after the first chunk");
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
        .await;
    c.send(vec![b'a'; 1000]).await;
    let r = c.response().await;
    r.assert_error(500);
    // The client may keep sending: the server lingers and discards, then closes.
    let _ = c.try_send(vec![b'b'; 50_000]).await;
    c.expect_closed().await;
}

async fn panic_after_an_await() {
    let app = |_req: Request<Body>| async {
        tokio::time::sleep(Duration::from_millis(20)).await;
        if true {
            panic!("after an await");
        }
        Response::new(Body::empty())
    };
    let srv = serve(builder(), app).await;
    let (r, mut c) = one_shot(srv.addr, GET).await;
    r.assert_error(500);
    c.expect_closed().await;
}

async fn many_panics_leave_the_server_healthy() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut tasks = Vec::new();
    for _ in 0..100 {
        let addr = srv.addr;
        tasks.push(tokio::spawn(async move {
            let (r, mut c) = one_shot(addr, b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n").await;
            r.assert_error(500);
            c.expect_closed().await;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    srv.assert_healthy().await;
}

async fn stream_panic_truncates_the_chunked_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut other = srv.connect().await;
    other.send(GET).await;
    assert_eq!(other.response().await.body, b"hello");

    let mut c = srv.connect().await;
    c.send(b"GET /panic-stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            let text = String::from_utf8_lossy(&partial);
            assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
            assert!(text.contains("transfer-encoding: chunked\r\n"), "{text}");
            assert!(text.ends_with("\r\n\r\n5\r\nfirst\r\n"), "{text}");
        }
        other => panic!("expected a truncated chunked body, got {other:?}"),
    }

    other.send(GET).await;
    assert_eq!(other.response().await.body, b"hello");
    srv.assert_healthy().await;
}

async fn stream_error_truncates_the_chunked_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /error-stream HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            let text = String::from_utf8_lossy(&partial);
            assert!(text.ends_with("\r\n\r\n5\r\nfirst\r\n"), "{text}");
            assert!(!text.contains("hello"), "{text}");
        }
        other => panic!("expected a truncated chunked body, got {other:?}"),
    }
    srv.assert_healthy().await;
}

async fn stream_panic_with_a_known_length_truncates() {
    let app = |_req: Request<Body>| async {
        let mut resp = Response::new(Body::from_stream(PanicAfterFirst::default()));
        resp.headers_mut()
            .insert("content-length", "100".parse().unwrap());
        resp
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(GET).await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            assert!(partial.ends_with(b"\r\n\r\nfirst"), "{partial:?}")
        }
        other => panic!("expected truncation, got {other:?}"),
    }
}

/// A stream that panics on its very first poll, before any byte of the response: the head
/// has already been committed (streams flush their head at once), so the connection closes.
async fn stream_panic_before_the_first_chunk() {
    let app = |_req: Request<Body>| async {
        Response::new(Body::from_stream(PanicAfterFirst::panicking_at_once()))
    };
    let srv = serve(builder(), app).await;
    // Twice, on two connections: the first panic does not stop the server accepting.
    for _ in 0..2 {
        let mut c = srv.connect().await;
        c.send(GET).await;
        match c.try_response(false).await {
            Err(ReadFail::Truncated(_)) | Err(ReadFail::Closed) => {}
            Ok(r) if r.status == 500 => {}
            other => panic!("expected truncation or 500, got {other:?}"),
        }
    }
}

/// A variant of the shared panicking stream that can also panic on its first poll.
#[derive(Default)]
struct PanicAfterFirst {
    yielded: bool,
}

impl PanicAfterFirst {
    fn panicking_at_once() -> Self {
        PanicAfterFirst { yielded: true }
    }
}

impl futures_core::Stream for PanicAfterFirst {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        if self.yielded {
            panic!("stream panics on purpose");
        }
        self.yielded = true;
        std::task::Poll::Ready(Some(Ok(Bytes::from_static(b"first"))))
    }
}

flavors!(
    app_panic_is_500_and_close,
    panic_in_a_pipeline,
    panic_with_a_non_string_payload,
    panic_before_the_future_is_returned,
    panic_after_reading_part_of_the_body,
    panic_after_an_await,
    many_panics_leave_the_server_healthy,
    stream_panic_truncates_the_chunked_body,
    stream_error_truncates_the_chunked_body,
    stream_panic_with_a_known_length_truncates,
    stream_panic_before_the_first_chunk,
);
