//! `responses`: content types, lengths, JSON, redirects (and their quoting), streaming, cookies,
//! checked headers and the small `IntoResponse` values, in process and over real sockets.

mod common;

use std::sync::Mutex;
use std::time::{Duration, UNIX_EPOCH};

use bytes::Bytes;
use common::{dechunk, get, parse_raw, raw, request, within, Conn};
use ferrapi_toolkit::responses::{InvalidHeader, SameSite};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, Cookie, Html, IntoResponse, Json, PlainText, Redirect, Request, Response,
    ResponseExt, Route, StatusCode, Streaming,
};
use serde_json::json;
use tokio::sync::mpsc;

async fn plain(_req: Request) -> PlainText<&'static str> {
    PlainText("plain")
}
async fn html(_req: Request) -> Html<String> {
    Html("<h1>hi</h1>".to_string())
}
async fn json_value(_req: Request) -> Json<serde_json::Value> {
    Json(json!({ "a": [1, 2], "b": "\u{e9}\u{1f980}", "c": null, "d": 1.5, "e": "</script>" }))
}
async fn json_nan(_req: Request) -> Json<f64> {
    Json(f64::NAN)
}
async fn json_bad_keys(_req: Request) -> Json<std::collections::HashMap<(u8, u8), u8>> {
    Json([((1, 2), 3)].into_iter().collect())
}
async fn string(_req: Request) -> String {
    "string".to_string()
}
async fn bytes(_req: Request) -> Bytes {
    Bytes::from_static(b"\x00\x01")
}
async fn vec(_req: Request) -> Vec<u8> {
    vec![1, 2, 3]
}
async fn unit(_req: Request) {}
async fn status_only(_req: Request) -> StatusCode {
    StatusCode::ACCEPTED
}
async fn created(_req: Request) -> (StatusCode, Json<serde_json::Value>) {
    (StatusCode::CREATED, Json(json!({ "id": 1 })))
}
async fn no_content(_req: Request) -> (StatusCode, &'static str) {
    // The body is dropped on the wire: 204 has none.
    (StatusCode::NO_CONTENT, "ignored")
}
async fn not_modified(_req: Request) -> StatusCode {
    StatusCode::NOT_MODIFIED
}
async fn custom(_req: Request) -> Response {
    let mut response = PlainText("custom").into_response();
    response.try_header("x-ok", "yes").unwrap();
    let refused = response.try_header("x-bad", "a\r\nb").unwrap_err();
    assert!(
        refused.to_string().contains("invalid header value"),
        "{refused}"
    );
    assert!(response.try_header("bad name", "v").is_err());
    assert!(response.try_header("x-nul", "a\0b").is_err());
    assert!(response.try_header("x-lf", "a\nb").is_err());
    response.try_header("x-ok", "replaced").unwrap();
    response
}

fn app() -> Application {
    Application::new()
        .route(Route::new("/plain", plain))
        .route(Route::new("/html", html))
        .route(Route::new("/json", json_value))
        .route(Route::new("/json-nan", json_nan))
        .route(Route::new("/json-bad-keys", json_bad_keys))
        .route(Route::new("/string", string))
        .route(Route::new("/bytes", bytes))
        .route(Route::new("/vec", vec))
        .route(Route::new("/unit", unit))
        .route(Route::new("/status", status_only))
        .route(Route::new("/created", created))
        .route(Route::new("/no-content", no_content))
        .route(Route::new("/not-modified", not_modified))
        .route(Route::new("/custom", custom))
        .route(Route::new("/redirect", redirect))
        .route(Route::new("/cookies", cookies))
        .route(Route::new("/stream", stream_ok))
        .route(Route::new("/stream-driven", stream_driven))
        .route(Route::new("/stream-error", stream_error))
        .route(Route::new("/stream-iter", stream_iter))
}

const TYPES: [(&str, Option<&str>, &[u8]); 10] = [
    ("/plain", Some("text/plain; charset=utf-8"), b"plain"),
    ("/html", Some("text/html; charset=utf-8"), b"<h1>hi</h1>"),
    (
        "/json",
        Some("application/json"),
        "{\"a\":[1,2],\"b\":\"\u{e9}\u{1f980}\",\"c\":null,\"d\":1.5,\"e\":\"</script>\"}"
            .as_bytes(),
    ),
    ("/json-nan", Some("application/json"), b"null"),
    ("/string", Some("text/plain; charset=utf-8"), b"string"),
    ("/bytes", Some("application/octet-stream"), b"\x00\x01"),
    ("/vec", Some("application/octet-stream"), b"\x01\x02\x03"),
    ("/unit", None, b""),
    ("/created", Some("application/json"), b"{\"id\":1}"),
    ("/status", None, b""),
];

#[tokio::test]
async fn content_types_and_bodies_in_process() {
    within(async {
        let client = TestClient::new(app());
        for (path, content_type, body) in TYPES {
            let r = client.get(path).send().await;
            assert_eq!(r.header("content-type"), content_type, "{path}");
            assert_eq!(&r.bytes()[..], body, "{path}");
        }
        assert_eq!(client.get("/created").send().await.status(), 201);
        assert_eq!(client.get("/status").send().await.status(), 202);
        assert_eq!(client.get("/unit").send().await.status(), 200);
        let r = client.get("/json-bad-keys").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (500, "Internal Server Error")
        );
        let r = client.get("/custom").send().await;
        assert_eq!(r.header("x-ok"), Some("replaced"));
        assert_eq!(r.header("x-bad"), None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn content_types_and_lengths_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        for (path, content_type, body) in TYPES {
            let r = get(&server.url(path)).await;
            assert_eq!(r.header("content-type"), content_type, "{path}");
            assert_eq!(&r.body[..], body, "{path}");
            assert_eq!(
                r.header("content-length"),
                Some(body.len().to_string().as_str()),
                "{path}"
            );
            assert_eq!(r.header("transfer-encoding"), None, "{path}");
        }
        for (path, status) in [("/no-content", 204), ("/not-modified", 304)] {
            let req = format!("GET {path} HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n");
            let r = parse_raw(&raw(server.addr(), req.as_bytes()).await);
            assert_eq!(r.status, status, "{path}");
            assert!(
                r.body.is_empty(),
                "{path}: {:?}",
                String::from_utf8_lossy(&r.body)
            );
            assert_eq!(r.header("transfer-encoding"), None, "{path}");
            if status == 204 {
                assert_eq!(r.header("content-length"), None);
            }
        }
        let r = get(&server.url("/custom")).await;
        assert_eq!(r.header_all("x-ok"), ["replaced"]);
        server.stop().await.unwrap();
    })
    .await;
}

async fn redirect(req: Request) -> Redirect {
    let to = req.query_params().get("to").unwrap_or("/").to_string();
    match req.query_params().get("status") {
        Some(status) => {
            Redirect::to(&to).with_status(StatusCode::from_bytes(status.as_bytes()).unwrap())
        }
        None => Redirect::to(&to),
    }
}

#[test]
fn redirect_quoting() {
    let cases = [
        ("/plain", "/plain"),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),
        ("/caf\u{e9}", "/caf%C3%A9"),
        ("/x?q=1&r=a b#frag", "/x?q=1&r=a%20b#frag"),
        (
            "https://example.org:8443/p?x=[1]",
            "https://example.org:8443/p?x=[1]",
        ),
        ("/x\r\nSet-Cookie: evil=1", "/x%0D%0ASet-Cookie:%20evil=1"),
        ("/tab\there", "/tab%09here"),
        ("/nul\0", "/nul%00"),
        ("/\"quoted\"<>", "/%22quoted%22%3C%3E"),
        ("/del\u{7f}", "/del%7F"),
    ];
    for (url, expected) in cases {
        let redirect = Redirect::to(url);
        assert_eq!(redirect.location(), expected, "{url:?}");
        let response = redirect.into_response();
        assert_eq!(response.status(), 307);
        assert_eq!(response.headers()["location"], expected);
        assert!(response.headers().get("content-type").is_none());
    }
    for status in [301, 302, 303, 308] {
        let status = StatusCode::from_u16(status).unwrap();
        let response = Redirect::to("/x").with_status(status).into_response();
        assert_eq!(response.status(), status);
    }
}

#[tokio::test]
async fn redirects_in_process() {
    within(async {
        let client = TestClient::new(app()).follow_redirects(false);
        let r = client
            .get("/redirect")
            .query(&[("to", "/a b")])
            .send()
            .await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("/a%20b"));
        assert!(r.bytes().is_empty());
        let r = client
            .get("/redirect")
            .query(&[("to", "/x"), ("status", "301")])
            .send()
            .await;
        assert_eq!(r.status(), 301);
        let r = client
            .get("/redirect")
            .query(&[("to", "/x\r\nSet-Cookie: evil=1")])
            .send()
            .await;
        assert_eq!(r.header("location"), Some("/x%0D%0ASet-Cookie:%20evil=1"));
        assert!(r.headers().get("set-cookie").is_none());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_over_a_socket_cannot_split_the_header() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let r = get(&server.url("/redirect?to=/target")).await;
        assert_eq!(r.status, 307);
        assert_eq!(r.header("location"), Some("/target"));
        assert_eq!(r.header("content-length"), Some("0"));
        let r = get(&server.url("/redirect?to=/t&status=308")).await;
        assert_eq!(r.status, 308);

        // A CR/LF in the URL (sent percent-encoded in the query) stays encoded in the header.
        let bytes = raw(
            server.addr(),
            b"GET /redirect?to=/x%0D%0ASet-Cookie:%20evil=1%0D%0A%0D%0A%3Chtml%3E HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        let r = parse_raw(&bytes);
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location"),
            Some("/x%0D%0ASet-Cookie:%20evil=1%0D%0A%0D%0A%3Chtml%3E")
        );
        assert!(!r.raw_head.to_ascii_lowercase().contains("\r\nset-cookie"), "{}", r.raw_head);
        assert!(r.body.is_empty());
        server.stop().await.unwrap();
    })
    .await;
}

async fn cookies(_req: Request) -> Response {
    let mut response = PlainText("cookies").into_response();
    response
        .set_cookie(
            Cookie::new("a", "b")
                .domain("x")
                .expires(UNIX_EPOCH)
                .http_only(true)
                .max_age(10)
                .secure(true),
        )
        .unwrap();
    response.set_cookie(Cookie::new("simple", "v")).unwrap();
    response
        .set_cookie(Cookie::new("spaced", "hello world; x=\"y\""))
        .unwrap();
    response.delete_cookie("old", None, None).unwrap();
    response
}

#[test]
fn cookie_attributes_in_pythons_order() {
    let header = |c: Cookie| c.to_header().unwrap().to_str().unwrap().to_string();
    assert_eq!(
        header(
            Cookie::new("a", "b")
                .secure(true)
                .max_age(10)
                .http_only(true)
                .expires(UNIX_EPOCH + Duration::from_secs(86_400))
                .domain("x")
        ),
        "a=b; Domain=x; expires=Fri, 02 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=10; Path=/; SameSite=lax; Secure"
    );
    assert_eq!(header(Cookie::new("a", "b")), "a=b; Path=/; SameSite=lax");
    assert_eq!(
        header(Cookie::new("a", "b").path(None).same_site(None)),
        "a=b"
    );
    assert_eq!(
        header(
            Cookie::new("a", "b")
                .path(Some("/app"))
                .same_site(Some(SameSite::None))
                .secure(true)
                .partitioned(true)
                .max_age(-1)
        ),
        "a=b; Max-Age=-1; Partitioned; Path=/app; SameSite=none; Secure"
    );
    assert_eq!(
        header(Cookie::new("a", "b").same_site(Some(SameSite::Strict))),
        "a=b; Path=/; SameSite=strict"
    );
}

#[test]
fn cookie_values_are_quoted_as_python_quotes_them() {
    let value = |v: &str| {
        let header = Cookie::new("k", v)
            .path(None)
            .same_site(None)
            .to_header()
            .unwrap();
        String::from_utf8(header.as_bytes().to_vec()).unwrap()
    };
    // Checked against CPython's `http.cookies.SimpleCookie`.
    assert_eq!(
        value("plain-value_1.2!#$%&'*+^`|~:"),
        "k=plain-value_1.2!#$%&'*+^`|~:"
    );
    assert_eq!(value("hello world"), "k=\"hello world\"");
    assert_eq!(
        value("x\"y\\z;\u{e9}\u{20ac}(/)=\r\n"),
        "k=\"x\\\"y\\\\z\\073\\351\u{20ac}(/)=\\015\\012\""
    );
    assert_eq!(value("a,b"), "k=\"a\\054b\"");
    assert_eq!(value("\0"), "k=\"\\000\"");
    assert_eq!(value(""), "k=\"\"");
    // Names are checked, never quoted.
    for name in ["", "a b", "a;b", "a=b", "a\r\nb", "\u{e9}", "a\"b"] {
        let err: InvalidHeader = Cookie::new(name, "v").to_header().unwrap_err();
        assert!(err.to_string().contains("cookie name"), "{name:?}: {err}");
    }
}

#[tokio::test]
async fn set_and_delete_cookies_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r = client.get("/cookies").send().await;
        let set: Vec<&str> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(
            set,
            [
                "a=b; Domain=x; expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Max-Age=10; Path=/; SameSite=lax; Secure",
                "simple=v; Path=/; SameSite=lax",
                "spaced=\"hello world\\073 x=\\\"y\\\"\"; Path=/; SameSite=lax",
                "old=\"\"; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=lax",
            ]
        );
        let mut response = Response::default();
        response
            .delete_cookie("gone", Some("/app"), Some("example.org"))
            .unwrap();
        assert_eq!(
            response.headers()["set-cookie"],
            "gone=\"\"; Domain=example.org; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/app; SameSite=lax"
        );
        assert!(response.set_cookie(Cookie::new("bad name", "v")).is_err());
        assert!(response.headers().get_all("set-cookie").iter().count() == 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let r = get(&server.url("/cookies")).await;
        let set = r.header_all("set-cookie");
        assert_eq!(set.len(), 4);
        assert!(set[0].starts_with("a=b; Domain=x; expires="));
        assert_eq!(
            set[2],
            "spaced=\"hello world\\073 x=\\\"y\\\"\"; Path=/; SameSite=lax"
        );
        // A quoted cookie comes back whole through the request parser.
        async fn echo(req: Request) -> String {
            req.cookie("spaced").unwrap_or("-").to_string()
        }
        let echo_server = LiveServer::start(Application::new().route(Route::new("/", echo)))
            .await
            .unwrap();
        let value = set[2].split("; ").next().unwrap().to_string();
        let r = request(
            "GET",
            &echo_server.url("/"),
            &[("cookie", value.as_str())],
            None,
        )
        .await;
        assert_eq!(r.text(), "hello world; x=\"y\"");
        echo_server.stop().await.unwrap();
        server.stop().await.unwrap();
    })
    .await;
}

static STREAM_RX: Mutex<Option<mpsc::UnboundedReceiver<&'static str>>> = Mutex::new(None);

async fn stream_ok(_req: Request) -> Streaming {
    Streaming::new(futures_util::stream::iter(
        ["one ", "two ", "three"].map(Ok::<_, std::io::Error>),
    ))
}

/// Streams what the test sends, one chunk at a time (one test uses it).
async fn stream_driven(_req: Request) -> Result<Streaming, ferrapi_toolkit::Error> {
    let rx = STREAM_RX
        .lock()
        .unwrap()
        .take()
        .ok_or_else(|| ferrapi_toolkit::Error::msg("no driver"))?;
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| {
            (
                Ok::<_, std::io::Error>(Bytes::from_static(chunk.as_bytes())),
                rx,
            )
        })
    });
    Ok(Streaming::new(stream).media_type("text/event-stream")?)
}

async fn stream_error(_req: Request) -> Streaming {
    Streaming::new(futures_util::stream::iter([
        Ok(Bytes::from_static(b"partial")),
        Err(std::io::Error::other("stream broke")),
        Ok(Bytes::from_static(b"never")),
    ]))
}

async fn stream_iter(_req: Request) -> Streaming {
    let caller = std::thread::current().id();
    Streaming::from_blocking_iter((0..3).map(move |i| {
        assert_ne!(std::thread::current().id(), caller);
        format!("item{i};")
    }))
}

#[test]
fn streaming_media_type_is_checked() {
    let stream = || Streaming::new(futures_util::stream::empty::<Result<Bytes, std::io::Error>>());
    assert!(stream().media_type("text/csv").is_ok());
    assert!(stream().media_type("text/csv\r\nx-evil: 1").is_err());
    let response = stream().into_response();
    assert!(response.headers().get("content-type").is_none());
    assert_eq!(response.body().exact_len(), None);
}

#[tokio::test]
async fn streaming_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r = client.get("/stream").send().await;
        assert_eq!(r.text(), "one two three");
        let r = client.get("/stream-iter").send().await;
        assert_eq!(r.text(), "item0;item1;item2;");
        let r = client.get("/stream-error").send().await;
        assert_eq!(r.status(), 200);
        assert!(!r.text().contains("never"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streaming_is_chunked_and_incremental_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        // Without a driver: three chunks, chunked framing, no length.
        let bytes = raw(
            server.addr(),
            b"GET /stream HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        let r = parse_raw(&bytes);
        assert_eq!(r.header("transfer-encoding"), Some("chunked"));
        assert_eq!(r.header("content-length"), None);
        assert_eq!(dechunk(&r.body), (b"one two three".to_vec(), true));

        // HTTP/1.0 gets the body until the connection closes.
        let bytes = raw(server.addr(), b"GET /stream-iter HTTP/1.0\r\n\r\n").await;
        let r = parse_raw(&bytes);
        assert_eq!(r.header("transfer-encoding"), None);
        assert_eq!(r.body, b"item0;item1;item2;");

        // Chunks reach the client as they are produced.
        let (tx, rx) = mpsc::unbounded_channel();
        *STREAM_RX.lock().unwrap() = Some(rx);
        let mut conn = Conn::connect(server.addr()).await;
        conn.send(b"GET /stream-driven HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n")
            .await;
        tx.send("data: first\n\n").unwrap();
        let mut buf = conn.read_until(b"data: first").await;
        let head = String::from_utf8_lossy(&buf).to_ascii_lowercase();
        assert!(head.contains("content-type: text/event-stream"), "{head}");
        tx.send("data: second\n\n").unwrap();
        buf.extend(conn.read_until(b"data: second").await);
        drop(tx);
        buf.extend(conn.read_until_close().await.0);
        drop(conn);
        let r = parse_raw(&buf);
        assert_eq!(
            dechunk(&r.body),
            (b"data: first\n\ndata: second\n\n".to_vec(), true)
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_error_truncates_the_response_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let bytes = raw(
            server.addr(),
            b"GET /stream-error HTTP/1.1\r\nhost: t\r\n\r\n",
        )
        .await;
        let r = parse_raw(&bytes);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("transfer-encoding"), Some("chunked"));
        let (data, complete) = dechunk(&r.body);
        assert_eq!(data, b"partial");
        assert!(
            !complete,
            "the terminating chunk must not be sent after an error"
        );
        // The server is fine.
        assert_eq!(get(&server.url("/plain")).await.text(), "plain");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn head_requests_get_headers_only_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let r = request("HEAD", &server.url("/json"), &[], None).await;
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-type"), Some("application/json"));
        let expected_len = TYPES[2].2.len().to_string();
        assert_eq!(r.header("content-length"), Some(expected_len.as_str()));
        server.stop().await.unwrap();
    })
    .await;
}
