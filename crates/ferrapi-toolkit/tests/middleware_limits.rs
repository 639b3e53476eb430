//! `middleware::limits`: Starlette's `RequestBodyLimitMiddleware`, in process and over real
//! sockets (Content-Length and chunked uploads, at and over the limit, nested limits).

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{parse_raw, raw, within};
use ferrapi_toolkit::middleware::limits::RequestBodyLimitMiddleware;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{Application, Request, Route};

async fn echo(mut req: Request) -> String {
    match req.text().await {
        Ok(text) => format!("got {text}"),
        Err(err) => format!("error {err}"),
    }
}

fn app(limit: u64) -> Application {
    Application::new()
        .route(Route::post("/", echo))
        .route(Route::post("/ignore", |_req: Request| async { "ignored" }))
        .middleware(move |inner: BoxApp| RequestBodyLimitMiddleware::new(inner, limit))
}

#[tokio::test]
async fn content_length_at_and_over_the_limit() {
    within(async {
        let client = TestClient::new(app(10));
        let r = client.post("/").body("0123456789").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (200, "got 0123456789".into())
        );
        let r = client.post("/").body("0123456789X").send().await;
        assert_eq!(r.status(), 413);
        assert_eq!(r.text(), "Content Too Large");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        // The app's answer is replaced even when it never reads the body, as in Starlette.
        let r = client.post("/ignore").body("0123456789X").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (413, "Content Too Large".into())
        );
        let r = client.post("/ignore").body("0123456789").send().await;
        assert_eq!(r.text(), "ignored");
        // No body at all.
        let r = client.post("/").send().await;
        assert_eq!(r.text(), "got ");
    })
    .await
}

#[tokio::test]
async fn nested_limits_the_innermost_wins() {
    within(async {
        let reads = Arc::new(AtomicUsize::new(0));
        let counter = reads.clone();
        let inner = Application::new().route(Route::post("/", move |req: Request| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                echo(req).await
            }
        }));
        // Outer 10, inner 100: 50 bytes pass.
        let looser =
            RequestBodyLimitMiddleware::new(RequestBodyLimitMiddleware::new(inner, 100), 10);
        let client = TestClient::new(looser);
        let r = client.post("/").body("x".repeat(50)).send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(reads.load(Ordering::SeqCst), 1);
        let r = client.post("/").body("x".repeat(101)).send().await;
        assert_eq!(r.status(), 413);

        // Outer 100, inner 10: 50 bytes do not.
        let tighter = RequestBodyLimitMiddleware::new(
            RequestBodyLimitMiddleware::new(Application::new().route(Route::post("/", echo)), 10),
            100,
        );
        let client = TestClient::new(tighter);
        let r = client.post("/").body("x".repeat(50)).send().await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (413, "Content Too Large".into())
        );
        let r = client.post("/").body("x".repeat(10)).send().await;
        assert_eq!(r.status(), 200);
    })
    .await
}

fn chunked(pieces: &[&str]) -> Vec<u8> {
    let mut out =
        b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
            .to_vec();
    for piece in pieces {
        out.extend_from_slice(format!("{:x}\r\n{piece}\r\n", piece.len()).as_bytes());
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

#[tokio::test]
async fn chunked_uploads_over_real_sockets() {
    within(async {
        let server = LiveServer::start(app(10)).await.unwrap();
        // Exactly at the limit, in three chunks.
        let r = parse_raw(&raw(server.addr(), &chunked(&["0123", "456", "789"])).await);
        assert_eq!(r.status, 200);
        assert!(String::from_utf8_lossy(&r.body).contains("got 0123456789"));
        // One byte over, discovered while streaming.
        let r = parse_raw(&raw(server.addr(), &chunked(&["0123", "456", "789", "X"])).await);
        assert_eq!(r.status, 413);
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.body, b"Content Too Large");
        // Far over, in one chunk.
        let big = "y".repeat(5000);
        let r = parse_raw(&raw(server.addr(), &chunked(&[&big])).await);
        assert_eq!(r.status, 413);
        server.stop().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn content_length_over_the_limit_is_refused_without_reading() {
    within(async {
        let server = LiveServer::start(app(10)).await.unwrap();
        // `Expect: 100-continue` with a too-large length: no 100 Continue, just the 413.
        let r = raw(
            server.addr(),
            b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 1000000\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n",
        )
        .await;
        let text = String::from_utf8_lossy(&r);
        assert!(!text.contains("100 Continue"), "{text}");
        let r = parse_raw(&r);
        assert_eq!(r.status, 413);
        assert_eq!(r.body, b"Content Too Large");
        // At the limit with a length.
        let r = parse_raw(
            &raw(
                server.addr(),
                b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\nconnection: close\r\n\r\n0123456789",
            )
            .await,
        );
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"got 0123456789");
        server.stop().await.unwrap();
    })
    .await
}
