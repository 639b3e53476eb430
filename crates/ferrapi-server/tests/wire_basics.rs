//! Keep-alive, HTTP/1.0, framing of ordinary responses, default headers and Host rules, over
//! real sockets with raw bytes. Each case runs on both tokio runtime flavours.

#[macro_use]
mod common;

use std::time::{Duration, SystemTime};

use common::*;
use ferrapi_server::http::HeaderValue;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async fn keep_alive_serves_several_requests() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    for i in 0..5 {
        c.send(format!("GET /p/{i} HTTP/1.1\r\nHost: x\r\n\r\n"))
            .await;
        let r = c.response().await;
        assert_eq!(r.status, 200);
        assert_eq!(r.reason, "OK");
        assert_eq!(r.text(), format!("/p/{i}"));
        assert_eq!(
            r.header("content-length"),
            Some(r.body.len().to_string().as_str())
        );
        assert!(
            !r.has("connection"),
            "no connection header on HTTP/1.1 keep-alive: {r:?}"
        );
        assert!(!r.has("transfer-encoding"));
    }
    assert_eq!(count(&calls), 5);
    c.expect_open(Duration::from_millis(200)).await;
}

async fn connection_close_is_honoured() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
}

async fn connection_close_token_in_a_list_and_any_case() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, CLOSE\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
}

async fn app_connection_close_closes() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /conn-close HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.text(), "bye");
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
}

async fn http10_closes_by_default() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.0\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
}

async fn http10_keep_alive_is_honoured() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    for _ in 0..3 {
        c.send(b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            .await;
        let r = c.response().await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"hello");
        assert_eq!(r.header("connection"), Some("keep-alive"), "{r:?}");
        assert_eq!(r.header("content-length"), Some("5"));
    }
    assert_eq!(count(&calls), 3);
    c.expect_open(Duration::from_millis(200)).await;
    // Without the token the next one closes.
    c.send(b"GET / HTTP/1.0\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
}

async fn http10_stream_is_delimited_by_close() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert!(
        !r.has("transfer-encoding"),
        "no chunked towards HTTP/1.0: {r:?}"
    );
    assert!(!r.has("content-length"), "{r:?}");
    assert!(r.until_close);
    assert_eq!(r.body, b"onetwothree");
    assert_eq!(r.header("connection"), Some("close"), "{r:?}");
}

async fn http11_stream_is_chunked_and_keeps_alive() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    assert!(!r.has("content-length"));
    assert_eq!(r.body, b"onetwothree");
    assert_eq!(
        r.chunks,
        Some(vec![3, 3, 5]),
        "each stream item is one chunk"
    );
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn stream_with_app_content_length_is_not_chunked() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /stream-len HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert!(!r.has("transfer-encoding"), "{r:?}");
    assert_eq!(r.header("content-length"), Some("11"));
    assert_eq!(r.body, b"onetwothree");
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn head_has_no_body_but_keeps_content_length() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.head_response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-length"), Some("5"));
    assert!(!r.has("transfer-encoding"));
    // Had a body been sent, it would now be read as the next response's status line.
    c.send(GET).await;
    let r = c.response().await;
    assert_eq!(r.body, b"hello");
    c.expect_open(Duration::from_millis(100)).await;
}

async fn head_of_a_stream_sends_no_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.head_response().await;
    assert_eq!(r.status, 200);
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn no_content_and_not_modified_have_no_body_or_framing() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    for path in [
        "/status/204",
        "/status/304",
        "/status/204?body",
        "/status/304?body",
    ] {
        c.send(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"))
            .await;
        let r = c.response().await;
        assert_eq!(r.status.to_string(), path[8..11], "{r:?}");
        assert!(!r.has("content-length"), "{path}: {r:?}");
        assert!(!r.has("transfer-encoding"), "{path}: {r:?}");
        // The next response must start right after this head.
        c.send(GET).await;
        let r = c.response().await;
        assert_eq!(r.body, b"hello", "{path}");
    }
}

async fn other_statuses_keep_their_reason_phrase() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /nope HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!((r.status, r.reason.as_str()), (404, "Not Found"));
    assert_eq!(r.body, b"not found");
    c.send(b"GET /status/201 HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!((r.status, r.reason.as_str()), (201, "Created"));
    assert_eq!(r.header("content-length"), Some("0"));
}

async fn date_header_is_an_imf_fixdate() {
    let (srv, _) = serve_test_app(builder()).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    let date = r.header("date").expect("date header");
    assert_eq!(date.len(), 29, "{date:?}");
    assert!(date.ends_with(" GMT"), "{date:?}");
    assert_eq!(&date[3..5], ", ", "{date:?}");
    let parsed = httpdate::parse_http_date(date).expect("valid HTTP-date");
    let now = SystemTime::now();
    let skew = now.duration_since(parsed).unwrap_or_else(|e| e.duration());
    assert!(skew < Duration::from_secs(5), "date {date} is {skew:?} off");
    assert_eq!(
        httpdate::fmt_http_date(parsed),
        date,
        "canonical IMF-fixdate"
    );
}

async fn date_header_can_be_disabled() {
    let (srv, _) = serve_test_app(builder().date_header(false)).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert!(!r.has("date"), "{r:?}");
    assert_eq!(r.header("server"), Some("ferrapi"));
}

async fn server_header_default_custom_and_off() {
    let (srv, _) = serve_test_app(builder()).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert_eq!(r.header("server"), Some("ferrapi"));

    let (srv, _) = serve_test_app(builder().server_header(None)).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert!(!r.has("server"), "{r:?}");
    assert!(r.has("date"));

    let (srv, _) =
        serve_test_app(builder().server_header(Some(HeaderValue::from_static("custom/1")))).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert_eq!(r.header("server"), Some("custom/1"));
}

async fn error_responses_carry_the_default_headers() {
    let (srv, _) = serve_test_app(builder()).await;
    let (r, _c) = one_shot(srv.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    r.assert_error(400);
    assert!(r.has("date"));
    assert_eq!(r.header("server"), Some("ferrapi"));
}

async fn http11_without_host_is_400() {
    let (srv, calls) = serve_test_app(builder()).await;
    let (r, mut c) = one_shot(srv.addr, b"GET / HTTP/1.1\r\n\r\n").await;
    r.assert_error(400);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn two_host_headers_are_400() {
    let (srv, calls) = serve_test_app(builder()).await;
    let (r, mut c) = one_shot(srv.addr, b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n").await;
    r.assert_error(400);
    c.expect_closed().await;
    // Even identical ones.
    let (r, mut c) = one_shot(srv.addr, b"GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n").await;
    r.assert_error(400);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn invalid_host_is_400() {
    let (srv, calls) = serve_test_app(builder()).await;
    for host in ["a b", "user@evil", "a/b"] {
        let (r, mut c) =
            one_shot(srv.addr, format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n")).await;
        r.assert_error(400);
        c.expect_closed().await;
    }
    assert_eq!(count(&calls), 0);
}

async fn valid_hosts_are_accepted() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    for host in [
        "example.com",
        "example.com:8080",
        "127.0.0.1:1",
        "[::1]:80",
        "",
    ] {
        c.send(format!("GET /header/host HTTP/1.1\r\nHost: {host}\r\n\r\n"))
            .await;
        let r = c.response().await;
        assert_eq!(r.status, 200, "host {host:?}: {r:?}");
        assert_eq!(r.text(), host);
    }
}

async fn http10_without_host_is_fine() {
    let (srv, _) = serve_test_app(builder()).await;
    let (r, mut c) = one_shot(srv.addr, b"GET / HTTP/1.0\r\n\r\n").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    c.expect_closed().await;
}

async fn content_length_request_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello world")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello world");
    // Content-Length: 0 and no body at all behave alike.
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "len=0");
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.text(), "len=0");
}

async fn identical_duplicate_content_lengths_are_accepted() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
    )
    .await;
    assert_eq!(c.response().await.body, b"hello");
    c.send(b"POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\nhello")
        .await;
    assert_eq!(c.response().await.body, b"hello");
    c.expect_open(Duration::from_millis(100)).await;
}

async fn request_header_values_reach_the_app() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /header/x-a HTTP/1.1\r\nHost: x\r\nX-A: one\r\nx-a:  two  \r\nX-A:\t3\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.text(), "one|two|3");
}

async fn lf_only_line_endings() {
    // RFC 9112 §2.2 lets a recipient accept bare LF as a line terminator; whatever the engine
    // decides, it must answer cleanly (200, or a 400 that closes) and never hang.
    let (srv, _) = serve_test_app(builder()).await;
    let (r, mut c) = one_shot(srv.addr, b"GET / HTTP/1.1\nHost: x\n\n").await;
    match r.status {
        200 => assert_eq!(r.body, b"hello"),
        400 => {
            r.assert_error(400);
            c.expect_closed().await;
        }
        s => panic!("unexpected status {s}"),
    }
}

async fn leading_empty_lines_are_ignored() {
    // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line.
    let (srv, _) = serve_test_app(builder()).await;
    let (r, _c) = one_shot(srv.addr, b"\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
}

async fn methods_and_targets() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.status, 404); // "*" is not a route, but it is a valid target
    c.send(b"GET http://example.com/p/abs?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert!(r.text().ends_with("/p/abs?q=1"), "{r:?}");
    c.send(b"PURGE /method HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.text(), "PURGE");
    c.send(b"DELETE /method HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.text(), "DELETE");
}

async fn app_transfer_encoding_is_replaced_by_server_framing() {
    let app = |_req: ferrapi_server::Request<ferrapi_server::Body>| async {
        let mut resp = ferrapi_server::Response::new(ferrapi_server::Body::from("abc"));
        resp.headers_mut()
            .insert("transfer-encoding", HeaderValue::from_static("gzip"));
        resp.headers_mut()
            .insert("content-length", HeaderValue::from_static("999"));
        resp
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(GET).await;
    let r = c.response().await;
    assert!(!r.has("transfer-encoding"), "{r:?}");
    assert_eq!(r.header("content-length"), Some("3"));
    assert_eq!(r.body, b"abc");
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"abc");
}

async fn app_date_and_server_headers_are_not_duplicated() {
    let app = |_req: ferrapi_server::Request<ferrapi_server::Body>| async {
        let mut resp = ferrapi_server::Response::new(ferrapi_server::Body::from("x"));
        resp.headers_mut().insert(
            "date",
            HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT"),
        );
        resp.headers_mut()
            .insert("server", HeaderValue::from_static("mine"));
        resp
    };
    let srv = serve(builder(), app).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    // `header()` asserts each appears once.
    assert_eq!(r.header("date"), Some("Sun, 06 Nov 1994 08:49:37 GMT"));
    assert_eq!(r.header("server"), Some("mine"));
}

async fn many_connections_at_once() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let addr = srv.addr;
        tasks.push(tokio::spawn(async move {
            let mut c = Conn::connect(addr).await;
            for j in 0..4 {
                c.send(format!("GET /p/{i}/{j} HTTP/1.1\r\nHost: x\r\n\r\n"))
                    .await;
                let r = c.response().await;
                assert_eq!(r.text(), format!("/p/{i}/{j}"));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(&calls), 200);
}

/// Regression (was a bug): when the server is going to close (the request said
/// `Connection: close`, or HTTP/1.0 without keep-alive), a `Connection: keep-alive` set by the
/// app must not be sent; the server owns the `Connection` header.
///
/// Raw bytes: `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n` (or
/// `GET / HTTP/1.0\r\n\r\n`) to an app that sets `connection: keep-alive`.
async fn app_keep_alive_header_does_not_hide_a_close() {
    let app = |_req: ferrapi_server::Request<ferrapi_server::Body>| async {
        let mut resp = ferrapi_server::Response::new(ferrapi_server::Body::from("x"));
        resp.headers_mut()
            .insert("connection", HeaderValue::from_static("keep-alive"));
        resp
    };
    let srv = serve(builder(), app).await;
    for raw in [
        &b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"[..],
        &b"GET / HTTP/1.0\r\n\r\n"[..],
    ] {
        let (r, mut c) = one_shot(srv.addr, raw).await;
        assert_eq!(r.header("connection"), Some("close"), "{}", r.raw_head);
        c.expect_closed().await;
    }
    // And on a keep-alive HTTP/1.1 exchange the app's header is not echoed either.
    let (r, mut c) = one_shot(srv.addr, GET).await;
    assert!(!r.has("connection"), "{}", r.raw_head);
    c.expect_open(Duration::from_millis(100)).await;
}

/// An app's other `Connection` tokens (say `upgrade`) are dropped too.
async fn app_connection_tokens_are_dropped() {
    let app = |_req: ferrapi_server::Request<ferrapi_server::Body>| async {
        let mut resp = ferrapi_server::Response::new(ferrapi_server::Body::from("x"));
        resp.headers_mut()
            .insert("connection", HeaderValue::from_static("upgrade, x-custom"));
        resp
    };
    let srv = serve(builder(), app).await;
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert!(!r.has("connection"), "{}", r.raw_head);
}

flavors!(
    keep_alive_serves_several_requests,
    connection_close_is_honoured,
    connection_close_token_in_a_list_and_any_case,
    app_connection_close_closes,
    http10_closes_by_default,
    http10_keep_alive_is_honoured,
    http10_stream_is_delimited_by_close,
    http11_stream_is_chunked_and_keeps_alive,
    stream_with_app_content_length_is_not_chunked,
    head_has_no_body_but_keeps_content_length,
    head_of_a_stream_sends_no_body,
    no_content_and_not_modified_have_no_body_or_framing,
    other_statuses_keep_their_reason_phrase,
    date_header_is_an_imf_fixdate,
    date_header_can_be_disabled,
    server_header_default_custom_and_off,
    error_responses_carry_the_default_headers,
    http11_without_host_is_400,
    two_host_headers_are_400,
    invalid_host_is_400,
    valid_hosts_are_accepted,
    http10_without_host_is_fine,
    content_length_request_body,
    identical_duplicate_content_lengths_are_accepted,
    request_header_values_reach_the_app,
    lf_only_line_endings,
    leading_empty_lines_are_ignored,
    methods_and_targets,
    app_transfer_encoding_is_replaced_by_server_framing,
    app_date_and_server_headers_are_not_duplicated,
    many_connections_at_once,
    app_keep_alive_header_does_not_hide_a_close,
    app_connection_tokens_are_dropped,
);
