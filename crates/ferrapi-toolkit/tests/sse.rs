//! `EventSourceResponse`: FastAPI's wire format byte for byte, the headers, keep-alive
//! comments, and the stream's end on client disconnect and on server shutdown.

mod common;

use std::time::Duration;

use common::{dechunk, parse_raw, within, Conn};
use ferrapi_toolkit::sse::{EventSourceResponse, ServerSentEvent};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{Application, Request, Route};
use futures_util::StreamExt;
use tokio::sync::mpsc;

async fn events(_req: Request) -> EventSourceResponse {
    let items = vec![
        ServerSentEvent::new().data(&serde_json::json!({"n": 1})),
        ServerSentEvent::new().data(&"hello"),
        ServerSentEvent::new()
            .raw_data("line one\nline two\r\nline three")
            .event("multi")
            .unwrap()
            .id("42")
            .unwrap()
            .retry(3000),
        ServerSentEvent::new().comment("just a comment"),
        ServerSentEvent::new().raw_data(""),
    ];
    EventSourceResponse::new(futures_util::stream::iter(items))
}

const EXPECTED: &str = concat!(
    "data: {\"n\":1}\n\n",
    "data: \"hello\"\n\n",
    "event: multi\ndata: line one\ndata: line two\ndata: line three\nid: 42\nretry: 3000\n\n",
    ": just a comment\n\n",
    "data: \n\n",
);

#[tokio::test]
async fn wire_format_and_headers() {
    within(async {
        let client = TestClient::new(Application::new().route(Route::new("/events", events)));
        let r = client.get("/events").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.header("content-type"),
            Some("text/event-stream; charset=utf-8")
        );
        assert_eq!(r.header("cache-control"), Some("no-cache"));
        assert_eq!(r.header("x-accel-buffering"), Some("no"));
        assert_eq!(r.text(), EXPECTED);
    })
    .await;
}

#[tokio::test]
async fn wire_format_over_a_socket_is_chunked() {
    within(async {
        let server = LiveServer::start(Application::new().route(Route::new("/events", events)))
            .await
            .unwrap();
        let bytes = common::raw(
            server.addr(),
            b"GET /events HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .await;
        let r = parse_raw(&bytes);
        assert_eq!(r.header("transfer-encoding"), Some("chunked"));
        assert_eq!(r.header("content-length"), None);
        let (body, complete) = dechunk(&r.body);
        assert!(complete);
        assert_eq!(String::from_utf8(body).unwrap(), EXPECTED);
        server.stop().await.unwrap();
    })
    .await;
}

/// Sends `()` when dropped: observes the end of the event stream.
struct DropSignal(mpsc::UnboundedSender<()>);

impl Drop for DropSignal {
    fn drop(&mut self) {
        let _ = self.0.send(());
    }
}

/// An app with one endpoint streaming one event then nothing, pinging every 50 ms, ending on
/// shutdown; `dropped` hears when its stream is dropped.
fn idle_app(dropped: mpsc::UnboundedSender<()>) -> Application {
    let endpoint = move |req: Request| {
        let guard = DropSignal(dropped.clone());
        async move {
            let stream = futures_util::stream::iter([ServerSentEvent::new().raw_data("first")])
                .chain(futures_util::stream::pending())
                .map(move |event| {
                    let _keep = &guard;
                    event
                });
            EventSourceResponse::new(stream)
                .ping_interval(Some(Duration::from_millis(50)))
                .until_shutdown(&req)
        }
    };
    Application::new().route(Route::new("/idle", endpoint))
}

#[tokio::test]
async fn keep_alive_comments_then_client_disconnect_drops_the_stream() {
    within(async {
        let (tx, mut dropped) = mpsc::unbounded_channel();
        let server = LiveServer::start(idle_app(tx)).await.unwrap();
        let mut conn = Conn::connect(server.addr()).await;
        conn.send(b"GET /idle HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let mut buf = Vec::new();
        for _ in 0..3 {
            buf.extend(conn.read_until(b": ping\n\n").await);
        }
        let r = parse_raw(&buf);
        let (body, complete) = dechunk(&r.body);
        assert!(!complete);
        let body = String::from_utf8(body).unwrap();
        assert!(
            body.starts_with("data: first\n\n: ping\n\n: ping\n\n"),
            "{body:?}"
        );
        assert!(dropped.try_recv().is_err(), "still streaming");

        drop(conn);
        // The next pings fail to write; the server drops the body, and the stream with it.
        tokio::time::timeout(Duration::from_secs(10), dropped.recv())
            .await
            .expect("the stream was not dropped after the client left");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn server_shutdown_ends_the_stream() {
    within(async {
        let (tx, mut dropped) = mpsc::unbounded_channel();
        let server = LiveServer::start(idle_app(tx)).await.unwrap();
        let mut conn = Conn::connect(server.addr()).await;
        conn.send(b"GET /idle HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let mut buf = conn.read_until(b"data: first\n\n").await;

        let stopping = tokio::spawn(server.stop());
        // The response is finished cleanly: the terminating chunk arrives, then the close.
        buf.extend(conn.read_until_close().await.0);
        // The stream was dropped as it ended, before the connection is closed.
        dropped.try_recv().expect("the stream was dropped");
        // Closing our side spares the server its linger wait.
        drop(conn);
        let r = parse_raw(&buf);
        let (body, complete) = dechunk(&r.body);
        assert!(complete, "{:?}", String::from_utf8_lossy(&r.body));
        assert!(String::from_utf8(body)
            .unwrap()
            .starts_with("data: first\n\n"));
        tokio::time::timeout(Duration::from_secs(10), stopping)
            .await
            .expect("shutdown held up by the event stream")
            .unwrap()
            .unwrap();
    })
    .await;
}

#[tokio::test]
async fn without_ping_nothing_is_sent_while_idle() {
    within(async {
        let endpoint = |_req: Request| async {
            let stream = futures_util::stream::iter([ServerSentEvent::new().raw_data("x")]).chain(
                futures_util::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    ServerSentEvent::new().raw_data("y")
                }),
            );
            EventSourceResponse::new(stream).ping_interval(None)
        };
        let client = TestClient::new(Application::new().route(Route::new("/", endpoint)));
        assert_eq!(
            client.get("/").send().await.text(),
            "data: x\n\ndata: y\n\n"
        );

        // With a short interval, the idle gap is filled with pings.
        let endpoint = |_req: Request| async {
            let stream = futures_util::stream::once(async {
                tokio::time::sleep(Duration::from_millis(250)).await;
                ServerSentEvent::new().raw_data("late")
            });
            EventSourceResponse::new(stream).ping_interval(Some(Duration::from_millis(100)))
        };
        let client = TestClient::new(Application::new().route(Route::new("/", endpoint)));
        // Pings at about 100 and 200 ms (timers may fire late on a loaded machine).
        let text = client.get("/").send().await.text();
        let pings = text.strip_suffix("data: late\n\n").expect(&text);
        assert!(!pings.is_empty(), "{text:?}");
        assert_eq!(pings.replace(": ping\n\n", ""), "", "{text:?}");
    })
    .await;
}
