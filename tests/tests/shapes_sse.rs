//! FastAPI's "Server-Sent Events" tutorial in ferrapi (`EventStream`), against FastAPI
//! (`tests/reference/shapes_sse.py`): the same status, body, `content-type`, `cache-control`
//! and `x-accel-buffering` for typed items, events with every field, raw data, untyped data and
//! a POST, and the same document (`text/event-stream` with `itemSchema`). Then the hostile
//! side: what FastAPI refuses is refused, and a client leaving mid-stream costs the server
//! nothing.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use ferrapi::responses::{EventStream, ServerSentEvent, Untyped};
use ferrapi::toolkit::testclient::LiveServer;
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, send, Case};
use serde::Serialize;
use serde_json::json;

#[derive(Model, Serialize, Clone, Debug)]
struct Item {
    name: String,
    description: Option<String>,
}

#[derive(Model, Debug)]
struct Prompt {
    text: String,
}

fn items() -> Vec<Item> {
    vec![
        Item {
            name: "Plumbus".into(),
            description: Some("A multi-purpose household device.".into()),
        },
        Item {
            name: "Portal Gun".into(),
            description: Some("A portal opening device.".into()),
        },
        Item {
            name: "Meeseeks Box".into(),
            description: None,
        },
    ]
}

#[get("/items/stream")]
async fn sse_items() -> EventStream<Item> {
    EventStream::from_items(items())
}

#[get("/items/stream-no-async")]
fn sse_items_no_async() -> EventStream<Item> {
    EventStream::from_items(items())
}

#[get("/items/stream-sse-event")]
async fn sse_items_event() -> EventStream {
    let mut events = vec![ServerSentEvent::new().comment("stream of item updates")];
    for (i, item) in items().into_iter().enumerate() {
        events.push(
            ServerSentEvent::data(Untyped::from(item))
                .event("item_update")
                .expect("one line")
                .id((i + 1).to_string())
                .expect("one line")
                .retry(5000),
        );
    }
    EventStream::from_items(events)
}

#[get("/items/stream-mixed")]
async fn sse_items_mixed() -> EventStream<Item> {
    let [first, second, _] = <[Item; 3]>::try_from(items()).expect("three items");
    EventStream::from_items([
        first.into(),
        ServerSentEvent::data(second)
            .event("update")
            .expect("one line")
            .id("2")
            .expect("one line"),
        ServerSentEvent::new().comment("multi\nline\r\ncomment\r"),
        ServerSentEvent::raw_data("raw\rtext\r\nover lines\n")
            .id("")
            .expect("one line"),
        ServerSentEvent::new().event("empty").expect("one line"),
        ServerSentEvent::new(),
        ServerSentEvent::new().retry(0).comment(""),
    ])
}

#[get("/logs/stream")]
async fn stream_logs() -> EventStream {
    let meeseeks = items().pop().expect("an item");
    EventStream::from_items([
        ServerSentEvent::raw_data("2025-01-01 INFO  Application started"),
        ServerSentEvent::data(Untyped::from(
            json!({"level": "info", "message": "café ☕ 😀", "tags": ["a", "b"]}),
        )),
        ServerSentEvent::data(Untyped::from(json!("hello")))
            .event("greeting")
            .expect("one line"),
        ServerSentEvent::data(Untyped::from(json!([1, 2.5, null, true, {}, []]))),
        ServerSentEvent::data(Untyped::from(meeseeks)),
    ])
}

#[post("/chat/stream")]
async fn stream_chat(prompt: Prompt) -> EventStream {
    let mut events: Vec<ServerSentEvent> = prompt
        .text
        .split_whitespace()
        .map(|word| {
            ServerSentEvent::data(Untyped::from(json!(word)))
                .event("token")
                .expect("one line")
        })
        .collect();
    events.push(
        ServerSentEvent::raw_data("[DONE]")
            .event("done")
            .expect("one line"),
    );
    EventStream::from_items(events)
}

#[post("/items/stream-created", status_code = 201)]
async fn sse_items_created() -> EventStream<Item> {
    EventStream::from_items(items().into_iter().take(1))
}

fn app() -> App {
    App::new()
        .route(sse_items)
        .route(sse_items_no_async)
        .route(sse_items_event)
        .route(sse_items_mixed)
        .route(stream_logs)
        .route(stream_chat)
        .route(sse_items_created)
}

/// The headers FastAPI sets on an event stream, beside `content-type`.
const SSE_HEADERS: &[&str] = &["cache-control", "x-accel-buffering"];

#[test]
fn event_streams_answer_as_fastapi() {
    let cases: Vec<Case> = vec![
        get("/items/stream"),
        get("/items/stream-no-async"),
        get("/items/stream-sse-event"),
        get("/items/stream-mixed"),
        get("/logs/stream"),
        post("/chat/stream").json(r#"{"text": "hello  big world"}"#),
        post("/chat/stream").json(r#"{"text": ""}"#),
        post("/chat/stream").json("{}"),
        post("/items/stream-created"),
    ];
    let cases = cases
        .into_iter()
        .map(|case| case.compare_headers(SSE_HEADERS))
        .collect();
    assert_same("shapes_sse", app(), cases);
}

#[test]
fn event_streams_are_documented_as_fastapi_does() {
    assert_same_openapi("shapes_sse", app().openapi());
}

#[test]
fn what_fastapi_refuses_is_refused() {
    // pydantic's messages for `ServerSentEvent(event="a\nb")` and `ServerSentEvent(id="a\0b")`.
    let err = ServerSentEvent::data(1).event("item\nupdate").unwrap_err();
    assert_eq!(err.to_string(), "SSE 'event' must be a single line");
    assert!(ServerSentEvent::data(1).event("item\rupdate").is_err());
    assert!(ServerSentEvent::data(1).id("1\r\n2").is_err());
    let err = ServerSentEvent::data(1).id("1\u{0}2").unwrap_err();
    assert_eq!(err.to_string(), "SSE 'id' must not contain null characters");
    // A line break in data or a comment is several lines, not an injected field.
    let app = App::new().route(injected);
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let live = runtime.block_on(LiveServer::start(app)).expect("listens");
    assert_eq!(
        body(&live, "/injected"),
        "data: x\ndata: event: admin\n\n: c\n: id: 9\n\n"
    );
}

#[get("/injected")]
async fn injected() -> EventStream<u8> {
    EventStream::from_items([
        ServerSentEvent::raw_data("x\nevent: admin"),
        ServerSentEvent::new().comment("c\nid: 9"),
    ])
}

/// The body of `GET path`.
fn body(live: &LiveServer, path: &str) -> String {
    let answer = send(&format!("http://{}", live.addr()), &get(path));
    String::from_utf8(answer.body).expect("UTF-8")
}

/// How many events the endless stream produced, and whether it was dropped.
static SENT: AtomicU64 = AtomicU64::new(0);
static DROPPED: AtomicBool = AtomicBool::new(false);

/// An endless stream of numbers, one every 5 ms, that says when it is dropped.
struct Endless(tokio::time::Interval);

impl futures_core::Stream for Endless {
    type Item = u64;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u64>> {
        self.0
            .poll_tick(cx)
            .map(|_| Some(SENT.fetch_add(1, Ordering::SeqCst)))
    }
}

impl Drop for Endless {
    fn drop(&mut self) {
        DROPPED.store(true, Ordering::SeqCst);
    }
}

#[get("/endless")]
async fn endless() -> EventStream<u64> {
    EventStream::new(Endless(tokio::time::interval(Duration::from_millis(5))))
}

#[test]
fn a_client_leaving_mid_stream_ends_the_stream() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let app = App::new().route(endless).route(sse_items);
    let live = runtime.block_on(LiveServer::start(app)).expect("listens");

    let mut stream = TcpStream::connect(live.addr()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("a timeout");
    stream
        .write_all(b"GET /endless HTTP/1.1\r\nhost: x\r\n\r\n")
        .expect("send");
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("data: 3\n\n") {
        let n = stream.read(&mut buf).expect("events");
        assert!(n > 0, "the stream ended early");
        seen.extend_from_slice(&buf[..n]);
    }
    drop(stream);

    let deadline = Instant::now() + Duration::from_secs(10);
    while !DROPPED.load(Ordering::SeqCst) {
        assert!(
            Instant::now() < deadline,
            "the stream still runs 10 s after its client left ({} events)",
            SENT.load(Ordering::SeqCst)
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let after = SENT.load(Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(
        SENT.load(Ordering::SeqCst),
        after,
        "no event after the drop"
    );
    // And the server still answers.
    assert!(body(&live, "/items/stream").contains("Meeseeks Box"));
}

/// A stream with one item, then nothing for ever.
struct OneThenSilence(Option<u8>);

impl futures_core::Stream for OneThenSilence {
    type Item = u8;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u8>> {
        match self.0.take() {
            Some(item) => Poll::Ready(Some(item)),
            None => Poll::Pending,
        }
    }
}

#[test]
fn an_idle_stream_is_kept_alive_every_15_seconds() {
    use ferrapi::toolkit::IntoResponse;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut body = EventStream::<u8>::new(OneThenSilence(Some(1)))
            .into_response()
            .into_body();
        let start = tokio::time::Instant::now();
        let chunk = body.chunk().await.expect("a chunk").expect("an event");
        assert_eq!(&chunk[..], b"data: 1\n\n");
        for n in 1..=3 {
            let chunk = body.chunk().await.expect("a chunk").expect("a ping");
            assert_eq!(&chunk[..], b": ping\n\n");
            assert_eq!(start.elapsed(), ferrapi::responses::PING_INTERVAL * n);
        }
    });
}

/// An item that cannot be serialised.
struct Unserialisable;

impl Serialize for Unserialisable {
    fn serialize<S: serde::Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("no"))
    }
}

#[test]
fn an_item_that_does_not_serialise_ends_the_stream() {
    use ferrapi::toolkit::IntoResponse;

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut body = EventStream::<Unserialisable>::from_items([
            ServerSentEvent::raw_data("before"),
            ServerSentEvent::data(Unserialisable),
            ServerSentEvent::raw_data("after"),
        ])
        .into_response()
        .into_body();
        let chunk = body.chunk().await.expect("a chunk").expect("an event");
        assert_eq!(&chunk[..], b"data: before\n\n");
        assert!(body.chunk().await.expect("the error").is_err());
        assert!(
            body.chunk().await.is_none(),
            "nothing after the failed item"
        );
    });
}
