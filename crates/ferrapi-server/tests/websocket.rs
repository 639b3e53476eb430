//! WebSocket over real sockets: the opening handshake and its failures, messages and the
//! closing handshake, protocol violations written by hand (each with its close code), keepalive
//! pings, graceful shutdown (1012), handler panics (1011), backpressure, and permessage-deflate.
//!
//! Well-behaved traffic goes through `tokio-tungstenite`; violations through [`RawWs`], which
//! writes masked frames byte by byte. Every test is bounded in time (`flavors!` runs each on
//! both runtimes within `TEST_TIMEOUT`, and every read within `IO_TIMEOUT`).

#[macro_use]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::ws::*;
use common::*;
use ferrapi_server::websocket::{CloseFrame, Message};
use ferrapi_server::Builder;
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode as TCloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame as TCloseFrame;
use tokio_tungstenite::tungstenite::Message as TMessage;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

type Client = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn ws_server(builder: Builder) -> (TestServer, tokio::sync::mpsc::UnboundedReceiver<Seen>) {
    let (app, seen) = WsApp::new();
    (serve(builder, app).await, seen)
}

async fn client(srv: &TestServer, path: &str) -> Client {
    let url = format!("ws://{}{path}", srv.addr);
    let (c, resp) = tokio::time::timeout(IO_TIMEOUT, tokio_tungstenite::connect_async(url))
        .await
        .expect("handshake timed out")
        .expect("handshake failed");
    assert_eq!(resp.status(), 101);
    c
}

/// The next message other than ping/pong; `None` when the stream ends.
async fn next_msg(c: &mut Client) -> Option<TMessage> {
    loop {
        let m = tokio::time::timeout(IO_TIMEOUT, c.next())
            .await
            .expect("no message within IO_TIMEOUT");
        match m {
            None => return None,
            Some(Err(e)) => panic!("client error: {e}"),
            Some(Ok(TMessage::Ping(_) | TMessage::Pong(_))) => continue,
            Some(Ok(m)) => return Some(m),
        }
    }
}

/// Expects a close with `code` and `reason` from the server, then the end of the stream.
async fn expect_client_closed(c: &mut Client, code: u16, reason: &str) {
    match next_msg(c).await {
        Some(TMessage::Close(Some(f))) => {
            assert_eq!((u16::from(f.code), f.reason.as_str()), (code, reason));
        }
        other => panic!("expected close {code}, got {other:?}"),
    }
    // tungstenite answers the close; the server then closes the connection.
    expect_stream_end(c).await;
}

/// After a close: the stream ends (tungstenite sends its close echo while polled).
async fn expect_stream_end(c: &mut Client) {
    match tokio::time::timeout(IO_TIMEOUT, c.next()).await {
        Ok(None) | Ok(Some(Err(_))) => {}
        Ok(Some(Ok(m))) => panic!("unexpected message after close: {m:?}"),
        Err(_) => panic!("the connection stayed open after the close"),
    }
}

// =============================================================================================
// 1. The opening handshake
// =============================================================================================

async fn handshake_101_with_the_right_accept_key() {
    let (srv, mut seen) = ws_server(builder()).await;
    let (mut ws, head) = RawWs::handshake(srv.addr, upgrade_request("/echo", "")).await;
    assert_eq!(head.status, 101, "{head:?}");
    assert_eq!(accept_key(SAMPLE_KEY), SAMPLE_ACCEPT);
    assert_eq!(head.header("sec-websocket-accept"), Some(SAMPLE_ACCEPT));
    assert!(head
        .header("upgrade")
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket")));
    assert!(head
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("upgrade")));
    assert_eq!(head.header("content-length"), None, "{head:?}");
    assert_eq!(head.header("transfer-encoding"), None, "{head:?}");
    assert_eq!(head.header("sec-websocket-protocol"), None, "{head:?}");
    assert_eq!(
        next_seen(&mut seen).await,
        Seen::Start("/echo".into(), None)
    );
    ws.roundtrip("hello").await;

    // Another key, to check the computation rather than a constant.
    let key = "AQIDBAUGBwgJCgsMDQ4PEA==";
    let req = upgrade_request("/echo", "").replace(SAMPLE_KEY, key);
    let (mut ws, head) = RawWs::handshake(srv.addr, req).await;
    assert_eq!(head.status, 101);
    assert_eq!(
        head.header("sec-websocket-accept"),
        Some(accept_key(key).as_str())
    );
    ws.roundtrip("again").await;
}

/// Browsers' variants: Firefox sends `Connection: keep-alive, Upgrade`; header values are
/// case-insensitive tokens.
async fn handshake_token_lists_and_case() {
    let (srv, _seen) = ws_server(builder()).await;
    for (upgrade, connection) in [
        ("websocket", "keep-alive, Upgrade"),
        ("WebSocket", "upgrade"),
        ("websocket", "Upgrade,keep-alive"),
    ] {
        let req = format!(
            "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: {upgrade}\r\nConnection: {connection}\r\n\
             Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {SAMPLE_KEY}\r\n\r\n"
        );
        let (mut ws, head) = RawWs::handshake(srv.addr, req).await;
        assert_eq!(head.status, 101, "{upgrade} / {connection}: {head:?}");
        assert_eq!(head.header("sec-websocket-accept"), Some(SAMPLE_ACCEPT));
        ws.roundtrip("ok").await;
    }
}

/// Each malformed upgrade gets a short text error (never a hang or a bare close), and the
/// app is not called.
async fn handshake_failures_are_400_or_426() {
    let calls = counter();
    let inner = calls.clone();
    let (app, _seen) = WsApp::new();
    let app = move |req| {
        inner.fetch_add(1, Ordering::SeqCst);
        let app = app.clone();
        async move { ferrapi_server::App::call(&app, req).await }
    };
    let srv = serve(builder(), app).await;
    let base = upgrade_request("/echo", "");
    // (name, request, status, a header the error response must carry)
    type Case = (
        &'static str,
        String,
        u16,
        Option<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "missing key",
            base.replace(&format!("Sec-WebSocket-Key: {SAMPLE_KEY}\r\n"), ""),
            400,
            None,
        ),
        (
            "key not 16 bytes",
            base.replace(SAMPLE_KEY, "dG9vIHNob3J0"),
            400,
            None,
        ),
        (
            "two keys",
            upgrade_request("/echo", &format!("Sec-WebSocket-Key: {SAMPLE_KEY}\r\n")),
            400,
            None,
        ),
        (
            "version 8",
            base.replace("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8"),
            426,
            Some(("sec-websocket-version", "13")),
        ),
        (
            "missing version",
            base.replace("Sec-WebSocket-Version: 13\r\n", ""),
            400,
            Some(("sec-websocket-version", "13")),
        ),
        (
            "POST",
            base.replacen("GET", "POST", 1)
                .replace("Host: x\r\n", "Host: x\r\nContent-Length: 0\r\n"),
            400,
            None,
        ),
        ("HTTP/1.0", base.replace("HTTP/1.1", "HTTP/1.0"), 400, None),
        (
            "no Connection: upgrade",
            base.replace("Connection: Upgrade", "Connection: keep-alive"),
            426,
            Some(("upgrade", "websocket")),
        ),
        (
            "no Connection header at all",
            base.replace("Connection: Upgrade\r\n", ""),
            426,
            Some(("upgrade", "websocket")),
        ),
    ];
    for (name, raw, status, header) in cases {
        let mut c = srv.connect().await;
        c.send(raw.as_bytes()).await;
        let r = match c.try_response(false).await {
            Ok(r) => r,
            Err(e) => panic!("{name}: no response ({e:?})"),
        };
        assert_eq!(r.status, status, "{name}: {r:?}");
        r.assert_error(status);
        if let Some((h, v)) = header {
            assert!(
                r.header(h).is_some_and(|got| got.eq_ignore_ascii_case(v)),
                "{name}: header {h} in {r:?}"
            );
        }
        assert!(!r.has("sec-websocket-accept"), "{name}: {r:?}");
        c.expect_closed().await;
    }
    assert_eq!(count(&calls), 0, "the app must not see invalid upgrades");
    // An upgrade-less request is plain HTTP.
    let (r, _) = one_shot(srv.addr, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!((r.status, r.text().as_str()), (200, "hello"));
}

async fn subprotocol_and_extra_headers() {
    let (srv, mut seen) = ws_server(builder()).await;
    let (mut ws, head) =
        RawWs::open_with(srv.addr, "/proto", "Sec-WebSocket-Protocol: a, b\r\n").await;
    assert_eq!(head.header("sec-websocket-protocol"), Some("b"), "{head:?}");
    assert_eq!(head.header("x-extra"), Some("yes"), "{head:?}");
    assert_eq!(
        next_seen(&mut seen).await,
        Seen::Start("/proto".into(), Some("b".into()))
    );
    ws.roundtrip("x").await;

    // Offered across two header lines.
    let (_ws, head) = RawWs::open_with(
        srv.addr,
        "/proto",
        "Sec-WebSocket-Protocol: a\r\nSec-WebSocket-Protocol: b\r\n",
    )
    .await;
    assert_eq!(head.header("sec-websocket-protocol"), Some("b"), "{head:?}");

    // Not offered: no protocol header, the extra header still there.
    let (_ws, head) = RawWs::open_with(srv.addr, "/proto", "Sec-WebSocket-Protocol: a\r\n").await;
    assert_eq!(head.header("sec-websocket-protocol"), None, "{head:?}");
    assert_eq!(head.header("x-extra"), Some("yes"));

    // Through tungstenite, which checks the answer against its offer.
    let mut req = format!("ws://{}/proto", srv.addr)
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("sec-websocket-protocol", "a, b".parse().unwrap());
    let (mut c, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "b");
    c.send(TMessage::text("t")).await.unwrap();
    assert_eq!(next_msg(&mut c).await, Some(TMessage::text("t")));
}

async fn invalid_subprotocol_value_is_500() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut c = srv.connect().await;
    c.send(upgrade_request("/bad-proto", "")).await;
    let r = c.response().await;
    r.assert_error(500);
    c.expect_closed().await;
}

async fn reject_is_403() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut c = srv.connect().await;
    c.send(upgrade_request("/reject", "")).await;
    let r = c.response().await;
    assert_eq!(r.status, 403, "{r:?}");
    assert_eq!(r.text(), "");
    assert!(!r.has("sec-websocket-accept"));
    // tungstenite reports the denial as an HTTP error carrying the response.
    let err = tokio_tungstenite::connect_async(format!("ws://{}/reject", srv.addr))
        .await
        .expect_err("a denied handshake");
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert_eq!(resp.status(), 403),
        e => panic!("unexpected error {e:?}"),
    }
}

async fn other_response_is_sent_as_is() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut c = srv.connect().await;
    c.send(upgrade_request("/deny", "")).await;
    let r = c.response().await;
    assert_eq!(r.status, 401, "{r:?}");
    assert_eq!(r.text(), "token required");
    assert_eq!(r.header("www-authenticate"), Some("Bearer"));
    assert!(!r.has("sec-websocket-accept"), "{r:?}");
    // The upgrade was not made: the connection is still HTTP (kept alive, or closed).
    if r.header("connection") == Some("close") {
        c.expect_closed().await;
    } else {
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
        let r = c.response().await;
        assert_eq!((r.status, r.text().as_str()), (200, "hello"));
    }
}

async fn bare_101_is_500() {
    let (srv, _seen) = ws_server(builder()).await;
    // For a plain request.
    let mut c = srv.connect().await;
    c.send(b"GET /fake101 HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    r.assert_error(500);
    c.expect_closed().await;
    // For an upgrade request too, since the app did not accept.
    let mut c = srv.connect().await;
    c.send(upgrade_request("/fake101", "")).await;
    let r = c.response().await;
    r.assert_error(500);
    c.expect_closed().await;
    srv.assert_healthy().await;
}

async fn panic_before_accept_is_500() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut other = client(&srv, "/echo").await;
    let mut c = srv.connect().await;
    c.send(upgrade_request("/panic-before", "")).await;
    let r = c.response().await;
    r.assert_error(500);
    assert_eq!(r.text(), "Internal Server Error");
    c.expect_closed().await;
    other.send(TMessage::text("still here")).await.unwrap();
    assert_eq!(
        next_msg(&mut other).await,
        Some(TMessage::text("still here"))
    );
    srv.assert_healthy().await;
}

// =============================================================================================
// 2. Messages and the closing handshake
// =============================================================================================

async fn echo_text_and_binary() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut c = client(&srv, "/echo").await;
    let big: Vec<u8> = Rng::new(7).bytes(300_000);
    let msgs = vec![
        TMessage::text("hello"),
        TMessage::text(""),
        TMessage::text("κόσμε 世界 \u{1F600}"),
        TMessage::binary(vec![0u8, 1, 2, 255]),
        TMessage::binary(Vec::new()),
        TMessage::binary(big.clone()),
        TMessage::text("x".repeat(70_000)),
    ];
    for m in &msgs {
        c.send(m.clone()).await.unwrap();
        assert_eq!(next_msg(&mut c).await.as_ref(), Some(m));
    }
    assert_eq!(
        next_seen(&mut seen).await,
        Seen::Start("/echo".into(), None)
    );
    assert_eq!(
        next_seen(&mut seen).await,
        Seen::Msg(Message::Text("hello".into()))
    );
    c.close(None).await.unwrap();
    assert_eq!(next_msg(&mut c).await, Some(TMessage::Close(None)));
}

/// Several messages in flight at once: the client writes them all before reading.
async fn many_messages_in_flight() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut c = client(&srv, "/echo").await;
    for i in 0..100 {
        c.feed(TMessage::text(format!("m{i}"))).await.unwrap();
    }
    c.flush().await.unwrap();
    for i in 0..100 {
        assert_eq!(
            next_msg(&mut c).await,
            Some(TMessage::text(format!("m{i}"))),
            "message {i}"
        );
    }
}

/// Three complete frames in one TCP write: all three are echoed without more input.
async fn frames_in_one_write_are_all_processed() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    let mut bytes = frame(true, 0, OP_TEXT, b"one");
    bytes.extend(frame(true, 0, OP_TEXT, b"two"));
    bytes.extend(frame(true, 0, OP_TEXT, b"three"));
    ws.send(bytes).await;
    for want in ["one", "two", "three"] {
        let f = ws.read_non_control().await;
        assert_eq!(f.payload, want.as_bytes(), "{f:?}");
    }
}

/// A frame written together with the handshake request (a client that does not wait for
/// the 101) is processed once the socket is switched.
async fn frame_sent_with_the_handshake_is_processed() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut req = upgrade_request("/echo", "").into_bytes();
    req.extend(frame(true, 0, OP_TEXT, b"early"));
    let (mut ws, head) = RawWs::handshake(srv.addr, req).await;
    assert_eq!(head.status, 101);
    let f = ws.read_non_control().await;
    assert_eq!(f.payload, b"early", "{f:?}");
}

/// Every frame that produces an event is the last of its write and answered before the next
/// write (`frames_in_one_write_are_all_processed` covers the other case).
async fn fragmented_message_with_interleaved_pings() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.send_frame(false, OP_TEXT, b"Hel").await;
    ws.send_frame(true, OP_PING, b"p1").await;
    let f = ws.read_frame().await;
    assert_eq!((f.opcode, f.payload.as_slice()), (OP_PONG, &b"p1"[..]));
    ws.send_frame(false, OP_CONT, b"lo, ").await;
    ws.send_frame(true, OP_PING, b"").await;
    let f = ws.read_frame().await;
    assert_eq!((f.opcode, f.payload.len()), (OP_PONG, 0));
    // A multi-byte character split across fragments.
    let text = "wörld";
    let (a, b) = text.as_bytes().split_at(2);
    ws.send_frame(false, OP_CONT, a).await;
    ws.send_frame(true, OP_CONT, b).await;
    let f = ws.read_non_control().await;
    assert_eq!(f.opcode, OP_TEXT);
    assert!(f.fin);
    assert_eq!(String::from_utf8(f.payload).unwrap(), "Hello, wörld");

    // Binary in fragments, one of them empty, with a ping in the middle.
    ws.send_frame(false, OP_BINARY, &[1, 2]).await;
    ws.send_frame(true, OP_PING, b"p2").await;
    assert_eq!(ws.read_frame().await.payload, b"p2");
    ws.send_frame(false, OP_CONT, &[]).await;
    ws.send_frame(true, OP_CONT, &[3]).await;
    let f = ws.read_non_control().await;
    assert_eq!(
        (f.opcode, f.payload.as_slice()),
        (OP_BINARY, &[1u8, 2, 3][..])
    );

    // The handler saw the pings, and one message per data message.
    let mut msgs = Vec::new();
    while msgs.len() < 5 {
        match next_seen(&mut seen).await {
            Seen::Msg(m) => msgs.push(m),
            Seen::Start(..) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(
        msgs,
        vec![
            Message::Ping("p1".into()),
            Message::Ping("".into()),
            Message::Text("Hello, wörld".into()),
            Message::Ping("p2".into()),
            Message::Binary(vec![1u8, 2, 3].into()),
        ]
    );
}

async fn automatic_pong() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/noread").await;
    // Pongs come from the server even when the handler never reads.
    for payload in [&b"abc"[..], b"", &[0xFF; 125]] {
        ws.send_frame(true, OP_PING, payload).await;
        let f = ws.read_frame().await;
        assert_eq!((f.opcode, f.fin), (OP_PONG, true), "{f:?}");
        assert_eq!(f.payload, payload);
    }
    // And through tungstenite.
    let mut c = client(&srv, "/echo").await;
    c.send(TMessage::Ping("tt".into())).await.unwrap();
    let m = tokio::time::timeout(IO_TIMEOUT, c.next())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert_eq!(m, TMessage::Pong("tt".into()));
}

async fn client_initiated_close_is_echoed() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.roundtrip("hi").await;
    ws.send_close(4123, "see you").await;
    let f = ws.read_non_control().await;
    assert_eq!(f.close(), Some((4123, "see you".into())), "{f:?}");
    ws.expect_eof().await;
    expect_handler_closed(&mut seen, 4123).await;

    // An empty close: echoed empty (or 1000); the handler sees no status (1005 in ASGI).
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.send_frame(true, OP_CLOSE, b"").await;
    let f = ws.read_non_control().await;
    assert_eq!(f.opcode, OP_CLOSE);
    assert!(matches!(f.close(), None | Some((1000, _))), "{f:?}");
    ws.expect_eof().await;
    loop {
        match next_seen(&mut seen).await {
            Seen::Msg(Message::Close(frame)) => {
                assert!(
                    frame.is_none() || frame.as_ref().is_some_and(|f| f.code == 1005),
                    "{frame:?}"
                );
                break;
            }
            Seen::Start(..) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(next_seen(&mut seen).await, Seen::End);

    // Through tungstenite.
    let mut c = client(&srv, "/echo").await;
    c.close(Some(TCloseFrame {
        code: TCloseCode::Away,
        reason: "leaving".into(),
    }))
    .await
    .unwrap();
    match next_msg(&mut c).await {
        Some(TMessage::Close(Some(f))) => {
            assert_eq!((u16::from(f.code), f.reason.as_str()), (1001, "leaving"))
        }
        other => panic!("{other:?}"),
    }
}

async fn handler_initiated_close() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut c = client(&srv, "/close-4001").await;
    expect_client_closed(&mut c, 4001, "bye").await;
    // The handler sees the client's echo of its close, then None.
    expect_handler_closed(&mut seen, 4001).await;

    // Raw: the server waits for the echo, then closes the TCP connection.
    let mut ws = RawWs::open(srv.addr, "/close-4001").await;
    assert_eq!(ws.expect_close(4001).await, "bye");
    ws.send_close(4001, "").await;
    ws.expect_eof().await;
}

async fn handler_returning_closes_with_1000() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut c = client(&srv, "/return").await;
    expect_client_closed(&mut c, 1000, "").await;

    let mut ws = RawWs::open(srv.addr, "/return").await;
    ws.expect_close(1000).await;
    ws.send_close(1000, "").await;
    ws.expect_eof().await;

    // Dropping the socket before returning closes normally too.
    let mut ws = RawWs::open(srv.addr, "/drop-socket").await;
    ws.expect_close(1000).await;
    ws.send_close(1000, "").await;
    ws.expect_eof().await;
}

/// The peer goes away without a closing handshake: the handler sees 1006, then `None`.
async fn peer_vanishing_is_1006() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.roundtrip("x").await;
    drop(ws);
    expect_handler_closed(&mut seen, 1006).await;
}

/// The handler closes and the peer never answers: the server gives up after its close
/// timeout (10 s) and the handler is told the connection is over: a `Close`, then `None`.
async fn handler_close_unanswered() {
    let (srv, mut seen) = ws_server(builder().ws_ping_interval(None)).await;
    let mut ws = RawWs::open(srv.addr, "/close-4001").await;
    assert_eq!(ws.expect_close(4001).await, "bye");
    let start = Instant::now();
    ws.expect_eof_within(Duration::from_secs(15)).await;
    let waited = start.elapsed();
    assert!(
        waited > Duration::from_secs(8) && waited < Duration::from_secs(12),
        "closed after {waited:?}"
    );
    assert!(matches!(next_seen(&mut seen).await, Seen::Start(..)));
    match next_seen(&mut seen).await {
        Seen::Msg(Message::Close(Some(_))) => {}
        other => panic!("the handler saw {other:?} instead of a Close"),
    }
    assert_eq!(next_seen(&mut seen).await, Seen::End);
}

/// Messages the handler sent before returning are written before the closing 1000.
async fn messages_sent_before_returning_are_delivered() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/send-return").await;
    let mut got = Vec::new();
    loop {
        let f = ws.read_non_control().await;
        if f.opcode == OP_CLOSE {
            assert_eq!(f.close().map(|c| c.0), Some(1000), "{f:?}");
            break;
        }
        got.push((f.opcode, f.payload));
    }
    assert_eq!(
        got,
        vec![
            (OP_TEXT, b"one".to_vec()),
            (OP_TEXT, b"two".to_vec()),
            (OP_BINARY, vec![3u8])
        ]
    );
}

/// A handler that sends, closes with its own code and returns: the client gets the message
/// and that code, not a default 1000.
async fn close_sent_before_returning_keeps_its_code() {
    let (srv, _seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/send-close-return").await;
    let f = ws.read_non_control().await;
    assert_eq!(
        (f.opcode, f.payload.as_slice()),
        (OP_TEXT, &b"last"[..]),
        "{f:?}"
    );
    assert_eq!(ws.expect_close(4002).await, "done");
}

/// The connection ends while the handler's queue is full (it is not reading, the peer
/// stops answering pings): when the handler reads again it gets what was queued, then a
/// `Close`, then `None`.
async fn end_with_a_full_queue_still_reports_close() {
    let (srv, mut seen) = ws_server(keepalive()).await;
    let mut ws = RawWs::open(srv.addr, "/sleepy").await;
    for i in 0..20 {
        ws.send_frame(true, OP_TEXT, format!("m{i}").as_bytes())
            .await;
    }
    // The server stops reading once its queue is full, so it never sees our pongs.
    let mut close = None;
    while close.is_none() {
        let f = ws.read_frame().await;
        match f.opcode {
            OP_PING => ws.send_frame(true, OP_PONG, &f.payload).await,
            OP_CLOSE => close = f.close(),
            _ => panic!("{f:?}"),
        }
    }
    assert_eq!(close.map(|c| c.0), Some(1011));
    ws.expect_eof().await;
    assert!(matches!(next_seen(&mut seen).await, Seen::Start(..)));
    let mut texts = 0;
    loop {
        match next_seen(&mut seen).await {
            Seen::Msg(Message::Text(_)) => texts += 1,
            Seen::Msg(Message::Close(Some(f))) => {
                assert_eq!(f.code, 1011, "{f:?}");
                break;
            }
            Seen::End => panic!("the handler saw None without a Close after {texts} messages"),
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(next_seen(&mut seen).await, Seen::End);
}

/// After the connection is over, `send` fails with `Closed`.
async fn send_after_close_fails() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut ws = RawWs::open(srv.addr, "/send-after-close").await;
    ws.send_close(1000, "").await;
    ws.expect_close(1000).await;
    ws.expect_eof().await;
    expect_handler_closed(&mut seen, 1000).await;
    assert_eq!(next_seen(&mut seen).await, Seen::SendFailed);
}

/// A violation: the server closes with `code` and then ends the TCP connection; the handler
/// sees `Close(code)` and `None`.
async fn expect_violation(srv: &TestServer, seen: &mut SeenRx, bytes: Vec<u8>, code: u16) {
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.send(bytes).await;
    ws.expect_close(code).await;
    ws.expect_eof().await;
    expect_handler_closed(seen, code).await;
}

type SeenRx = tokio::sync::mpsc::UnboundedReceiver<Seen>;

async fn unmasked_frame_is_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    expect_violation(&srv, &mut seen, unmasked_frame(true, OP_TEXT, b"hi"), 1002).await;
    // An unmasked control frame too.
    expect_violation(&srv, &mut seen, unmasked_frame(true, OP_PING, b""), 1002).await;
}

async fn reserved_opcodes_are_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    for op in [0x3, 0x7, 0xB, 0xF] {
        expect_violation(&srv, &mut seen, frame(true, 0, op, b"x"), 1002).await;
    }
}

async fn rsv_bits_without_extension_are_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    for rsv in [0b100, 0b010, 0b001] {
        expect_violation(&srv, &mut seen, frame(true, rsv, OP_TEXT, b"x"), 1002).await;
    }
}

async fn fragmentation_violations_are_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    // A continuation with nothing to continue.
    expect_violation(&srv, &mut seen, frame(true, 0, OP_CONT, b"x"), 1002).await;
    // A new data frame in the middle of a fragmented message.
    let mut b = frame(false, 0, OP_TEXT, b"a");
    b.extend(frame(true, 0, OP_TEXT, b"b"));
    expect_violation(&srv, &mut seen, b, 1002).await;
    // A fragmented control frame.
    expect_violation(&srv, &mut seen, frame(false, 0, OP_PING, b"x"), 1002).await;
}

async fn control_frame_over_125_bytes_is_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    expect_violation(&srv, &mut seen, frame(true, 0, OP_PING, &[b'p'; 126]), 1002).await;
    let mut close = close_payload(1000, b"");
    close.resize(200, b'r');
    expect_violation(&srv, &mut seen, frame(true, 0, OP_CLOSE, &close), 1002).await;
}

async fn invalid_utf8_is_1007() {
    let (srv, mut seen) = ws_server(builder()).await;
    // In one frame.
    expect_violation(&srv, &mut seen, frame(true, 0, OP_TEXT, b"ok \xff"), 1007).await;
    // Split across fragments: a 3-byte sequence whose third byte is not a continuation.
    let mut b = frame(false, 0, OP_TEXT, b"abc\xe2\x82");
    b.extend(frame(true, 0, OP_CONT, b"("));
    expect_violation(&srv, &mut seen, b, 1007).await;
    // Truncated at the end of the message.
    let mut b = frame(false, 0, OP_TEXT, b"abc");
    b.extend(frame(true, 0, OP_CONT, b"\xe2\x82"));
    expect_violation(&srv, &mut seen, b, 1007).await;
    // Fail fast: the invalid first fragment is enough, the message never completes.
    expect_violation(&srv, &mut seen, frame(false, 0, OP_TEXT, b"\xc0\xaf"), 1007).await;
    // In a close reason.
    let close = close_payload(1000, b"\xff");
    expect_violation(&srv, &mut seen, frame(true, 0, OP_CLOSE, &close), 1007).await;
    // Binary messages are not checked.
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.send_frame(true, OP_BINARY, b"\xff\xfe").await;
    assert_eq!(ws.read_non_control().await.payload, b"\xff\xfe");
}

async fn invalid_close_codes_are_1002() {
    let (srv, mut seen) = ws_server(builder()).await;
    for code in [0u16, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000] {
        expect_violation(
            &srv,
            &mut seen,
            frame(true, 0, OP_CLOSE, &close_payload(code, b"")),
            1002,
        )
        .await;
    }
    // A one-byte close payload.
    expect_violation(&srv, &mut seen, frame(true, 0, OP_CLOSE, &[0x03]), 1002).await;
    // Valid ones are echoed.
    for code in [
        1000u16, 1001, 1003, 1007, 1011, 1012, 1013, 1014, 3000, 4999,
    ] {
        let mut ws = RawWs::open(srv.addr, "/echo").await;
        ws.send_close(code, "r").await;
        assert_eq!(ws.expect_close(code).await, "r", "code {code}");
        ws.expect_eof().await;
    }
}

async fn message_over_max_size_is_1009() {
    let (srv, mut seen) = ws_server(builder().ws_max_size(1000)).await;
    // Exactly the limit is fine.
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.send_frame(true, OP_BINARY, &[7; 1000]).await;
    assert_eq!(ws.read_non_control().await.payload.len(), 1000);
    ws.send_close(1000, "").await;
    ws.expect_close(1000).await;
    expect_handler_closed(&mut seen, 1000).await;
    // One frame over: refused from its header.
    expect_violation(&srv, &mut seen, frame(true, 0, OP_BINARY, &[7; 1001]), 1009).await;
    // A frame header announcing a huge payload that never comes.
    let mut header = vec![0x82, 0x80 | 127];
    header.extend_from_slice(&(1u64 << 40).to_be_bytes());
    header.extend_from_slice(&[1, 2, 3, 4]);
    expect_violation(&srv, &mut seen, header, 1009).await;
    // Fragments that add up to more than the limit.
    let mut b = frame(false, 0, OP_TEXT, &[b'a'; 600]);
    b.extend(frame(true, 0, OP_CONT, &[b'a'; 600]));
    expect_violation(&srv, &mut seen, b, 1009).await;
    // Through tungstenite.
    let mut c = client(&srv, "/echo").await;
    c.send(TMessage::binary(vec![0u8; 5000])).await.unwrap();
    match next_msg(&mut c).await {
        Some(TMessage::Close(Some(f))) => assert_eq!(u16::from(f.code), 1009, "{f:?}"),
        other => panic!("{other:?}"),
    }
}

// =============================================================================================
// 3. Keepalive
// =============================================================================================

fn keepalive() -> Builder {
    builder()
        .ws_ping_interval(Some(Duration::from_millis(100)))
        .ws_ping_timeout(Some(Duration::from_millis(100)))
}

async fn silent_peer_is_closed_with_1011() {
    let (srv, mut seen) = ws_server(keepalive()).await;
    let start = Instant::now();
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    let mut pings = 0;
    let close = loop {
        let f = ws.read_frame().await;
        match f.opcode {
            OP_PING => {
                pings += 1;
                assert!(!f.payload.is_empty() && f.payload.len() <= 125, "{f:?}");
            }
            OP_CLOSE => break f,
            _ => panic!("{f:?}"),
        }
    };
    let elapsed = start.elapsed();
    assert!(pings >= 1);
    assert_eq!(close.close().map(|c| c.0), Some(1011), "{close:?}");
    assert!(
        elapsed < Duration::from_millis(600),
        "closed after {elapsed:?}"
    );
    ws.expect_eof().await;
    expect_handler_closed(&mut seen, 1011).await;
}

async fn answering_peer_stays_open() {
    let (srv, _seen) = ws_server(keepalive()).await;
    let mut c = client(&srv, "/echo").await;
    let until = tokio::time::Instant::now() + Duration::from_millis(1200);
    let mut pings = 0;
    loop {
        match tokio::time::timeout_at(until, c.next()).await {
            Err(_) => break,
            Ok(Some(Ok(TMessage::Ping(_)))) => pings += 1,
            Ok(other) => panic!("unexpected {other:?}"),
        }
    }
    // Still open after 1.2 s: pinged all along, never closed.
    assert!(pings >= 5, "only {pings} pings in 1.2 s");

    // A raw client that answers every ping by hand also stays open, and still echoes.
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    let until = Instant::now() + Duration::from_millis(1000);
    let mut ping = loop {
        let f = ws.read_frame().await;
        assert_eq!(f.opcode, OP_PING, "{f:?}");
        if Instant::now() >= until {
            break f;
        }
        ws.send_frame(true, OP_PONG, &f.payload).await;
    };
    // One frame per write: the text now, the pong for the last ping after its echo.
    ws.send_frame(true, OP_TEXT, b"alive").await;
    loop {
        let f = ws.read_frame().await;
        match f.opcode {
            OP_PING => ping = f,
            OP_TEXT => {
                assert_eq!(f.payload, b"alive");
                break;
            }
            _ => panic!("{f:?}"),
        }
    }
    ws.send_frame(true, OP_PONG, &ping.payload).await;
}

/// With keepalive off, an idle connection stays open and silent.
async fn no_pings_when_disabled() {
    let (srv, _seen) = ws_server(builder().ws_ping_interval(None)).await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    assert!(ws
        .read_frame_within(Duration::from_millis(500))
        .await
        .is_err());
    ws.roundtrip("ok").await;
}

// =============================================================================================
// 4. Graceful shutdown
// =============================================================================================

async fn shutdown_closes_with_1012() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut c = client(&srv, "/echo").await;
    c.send(TMessage::text("before")).await.unwrap();
    assert_eq!(next_msg(&mut c).await, Some(TMessage::text("before")));
    let shutdown = tokio::spawn(srv.shutdown());
    match next_msg(&mut c).await {
        Some(TMessage::Close(Some(f))) => assert_eq!(u16::from(f.code), 1012, "{f:?}"),
        other => panic!("expected close 1012, got {other:?}"),
    }
    // tungstenite echoes the close on its next poll; the server then ends the connection.
    expect_stream_end(&mut c).await;
    tokio::time::timeout(IO_TIMEOUT, shutdown)
        .await
        .expect("shutdown did not finish")
        .unwrap()
        .expect("serve returned an error");
    loop {
        match next_seen(&mut seen).await {
            Seen::Msg(Message::Close(Some(CloseFrame { code, .. }))) => {
                assert_eq!(code, 1012);
                break;
            }
            Seen::Msg(Message::Close(None)) => panic!("the handler saw Close(None)"),
            Seen::End => panic!("the handler saw None without Close"),
            _ => {}
        }
    }
    assert_eq!(next_seen(&mut seen).await, Seen::End);
}

/// A peer that never answers the shutdown close does not hold the server beyond the
/// graceful-shutdown timeout.
async fn shutdown_with_a_silent_peer_is_bounded() {
    let (srv, mut seen) = ws_server(
        builder()
            .graceful_shutdown_timeout(Duration::from_millis(500))
            .ws_ping_interval(None),
    )
    .await;
    let mut ws = RawWs::open(srv.addr, "/echo").await;
    ws.roundtrip("x").await;
    let start = Instant::now();
    let shutdown = tokio::spawn(srv.shutdown());
    assert_eq!(ws.expect_close(1012).await, "server shutting down");
    tokio::time::timeout(Duration::from_secs(3), shutdown)
        .await
        .expect("shutdown not bounded by graceful_shutdown_timeout")
        .unwrap()
        .unwrap();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    ws.expect_eof().await;
    // The handler was still waiting for the peer's close when the timeout closed the
    // connection: it is dropped (documented on `on_upgrade`), so every report sender is gone.
    loop {
        match tokio::time::timeout(IO_TIMEOUT, seen.recv()).await {
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => panic!("the handler is still alive after the server stopped"),
        }
    }
}

// =============================================================================================
// 5. Handler panic after accept
// =============================================================================================

async fn handler_panic_is_1011() {
    let (srv, mut seen) = ws_server(builder()).await;
    let mut other = client(&srv, "/echo").await;
    let mut c = client(&srv, "/panic-after").await;
    c.send(TMessage::text("boom")).await.unwrap();
    expect_client_closed(&mut c, 1011, "").await;
    loop {
        if let Seen::Msg(m) = next_seen(&mut seen).await {
            assert_eq!(m, Message::Text("boom".into()));
            break;
        }
    }
    other.send(TMessage::text("fine")).await.unwrap();
    assert_eq!(next_msg(&mut other).await, Some(TMessage::text("fine")));
    srv.assert_healthy().await;
    // Raw: 1011, then the TCP close once the client answers.
    let mut ws = RawWs::open(srv.addr, "/panic-after").await;
    ws.send_frame(true, OP_TEXT, b"boom").await;
    ws.expect_close(1011).await;
    ws.send_close(1011, "").await;
    ws.expect_eof().await;
}

// =============================================================================================
// 6. Backpressure
// =============================================================================================

fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

async fn handler_that_never_reads_stops_the_reader() {
    let (srv, mut seen) = ws_server(builder().ws_ping_interval(None)).await;
    let mut ws = RawWs::open(srv.addr, "/noread").await;
    assert!(matches!(next_seen(&mut seen).await, Seen::Start(..)));
    const MIB: usize = 1 << 20;
    let big = frame(true, 0, OP_BINARY, &vec![0x42; MIB]);
    let rss_before = rss_bytes();
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let stream = ws.stream_mut();
    let offered = 200;
    let wrote_all = tokio::time::timeout(Duration::from_secs(3), async {
        for _ in 0..offered {
            stream.write_all(&big).await.unwrap();
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await
    .is_ok();
    let sent = sent.load(Ordering::SeqCst);
    assert!(
        !wrote_all,
        "the client wrote {offered} MiB to a handler that never reads"
    );
    // 16 queued messages, one pending, plus the kernel's socket buffers.
    assert!(
        sent < 64,
        "the server took {sent} MiB without the handler reading"
    );
    if let (Some(before), Some(after)) = (rss_before, rss_bytes()) {
        let grown = after.saturating_sub(before);
        assert!(
            grown < 100 * MIB as u64,
            "RSS grew by {} MiB",
            grown / MIB as u64
        );
    }
    // The server still serves others.
    let mut other = client(&srv, "/echo").await;
    other.send(TMessage::text("responsive")).await.unwrap();
    assert_eq!(
        next_msg(&mut other).await,
        Some(TMessage::text("responsive"))
    );
    srv.assert_healthy().await;
    drop(ws);
}

/// A handler that reads slowly still gets every message in order: backpressure delays, it
/// does not drop.
async fn slow_reader_gets_everything() {
    let (srv, _seen) = ws_server(builder()).await;
    let n = 300;
    let payload = vec![9u8; 64 * 1024];
    let c = client(&srv, "/echo").await;
    let (mut tx, mut rx) = c.split();
    let writer = tokio::spawn(async move {
        for i in 0..n {
            let mut p = payload.clone();
            p[..4].copy_from_slice(&(i as u32).to_be_bytes());
            tx.send(TMessage::binary(p)).await.unwrap();
        }
        tx
    });
    for i in 0..n {
        let m = tokio::time::timeout(IO_TIMEOUT, rx.next())
            .await
            .expect("echo stalled")
            .unwrap()
            .unwrap();
        let data = m.into_data();
        assert_eq!(data.len(), 64 * 1024);
        assert_eq!(u32::from_be_bytes(data[..4].try_into().unwrap()), i as u32);
        if i % 50 == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let _tx = tokio::time::timeout(IO_TIMEOUT, writer)
        .await
        .expect("writer stalled")
        .unwrap();
}

// =============================================================================================
// 7. permessage-deflate
// =============================================================================================

const DEFLATE_OFFER: &str =
    "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n";

struct Deflater {
    c: flate2::Compress,
    d: flate2::Decompress,
}

impl Deflater {
    fn new() -> Deflater {
        Deflater {
            c: flate2::Compress::new(flate2::Compression::default(), false),
            d: flate2::Decompress::new(false),
        }
    }

    fn compress(&mut self, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 64);
        let mut input = data;
        loop {
            out.reserve(64 * 1024);
            let before_in = self.c.total_in();
            self.c
                .compress_vec(input, &mut out, flate2::FlushCompress::Sync)
                .unwrap();
            let consumed = (self.c.total_in() - before_in) as usize;
            input = &input[consumed..];
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        assert!(out.ends_with(&[0, 0, 0xff, 0xff]));
        out.truncate(out.len() - 4);
        out
    }

    fn decompress(&mut self, data: &[u8]) -> Vec<u8> {
        let mut input = data.to_vec();
        input.extend_from_slice(&[0, 0, 0xff, 0xff]);
        let mut out = Vec::new();
        let mut at = 0;
        loop {
            out.reserve(256 * 1024);
            let before_in = self.d.total_in();
            self.d
                .decompress_vec(&input[at..], &mut out, flate2::FlushDecompress::Sync)
                .unwrap();
            at += (self.d.total_in() - before_in) as usize;
            if at == input.len() && out.len() < out.capacity() {
                break;
            }
        }
        out
    }
}

async fn deflate_negotiated_and_echoed() {
    let (srv, _seen) = ws_server(builder()).await;
    let (mut ws, head) = RawWs::open_with(srv.addr, "/echo", DEFLATE_OFFER).await;
    let ext = head
        .header("sec-websocket-extensions")
        .unwrap_or_else(|| panic!("no extension agreed: {head:?}"));
    assert!(ext.starts_with("permessage-deflate"), "{ext}");
    let mut z = Deflater::new();
    // Context takeover both ways: several messages through the same streams.
    let texts = [
        "hello hello hello hello".to_string(),
        "hello hello hello hello".to_string(),
        "abc".repeat(400_000), // 1.2 MB of repetitive text
    ];
    for text in &texts {
        let compressed = z.compress(text.as_bytes());
        ws.send(frame(true, 0b100, OP_TEXT, &compressed)).await;
        let mut f = ws.read_non_control().await;
        let mut payload = f.payload.clone();
        let compressed_reply = f.rsv & 0b100 != 0;
        assert_eq!(f.opcode, OP_TEXT, "{f:?}");
        while !f.fin {
            f = ws.read_non_control().await;
            assert_eq!(f.opcode, OP_CONT);
            payload.extend_from_slice(&f.payload);
        }
        let got = if compressed_reply {
            z.decompress(&payload)
        } else {
            payload
        };
        assert_eq!(got.len(), text.len());
        assert!(got == text.as_bytes());
        if text.len() > 1000 {
            assert!(
                compressed_reply,
                "a large repetitive echo was not compressed"
            );
        }
    }
    // An uncompressed message on a deflate connection is fine too.
    ws.send(frame(true, 0, OP_BINARY, b"plain")).await;
    let f = ws.read_non_control().await;
    let got = if f.rsv & 0b100 != 0 {
        z.decompress(&f.payload)
    } else {
        f.payload
    };
    assert_eq!(got, b"plain");
}

async fn deflate_bomb_is_1009() {
    let (srv, mut seen) = ws_server(builder().ws_max_size(64 * 1024)).await;
    let mut ws = RawWs::open_with(srv.addr, "/echo", DEFLATE_OFFER).await.0;
    let mut z = Deflater::new();
    let bomb = z.compress(&vec![0u8; 8 << 20]);
    assert!(bomb.len() < 64 * 1024);
    ws.send(frame(true, 0b100, OP_BINARY, &bomb)).await;
    ws.expect_close(1009).await;
    ws.expect_eof().await;
    expect_handler_closed(&mut seen, 1009).await;
}

async fn deflate_disabled() {
    let (srv, mut seen) = ws_server(builder().ws_per_message_deflate(false)).await;
    let (mut ws, head) = RawWs::open_with(srv.addr, "/echo", DEFLATE_OFFER).await;
    assert_eq!(head.header("sec-websocket-extensions"), None, "{head:?}");
    ws.roundtrip("uncompressed").await;
    // So RSV1 is a violation.
    ws.send(frame(true, 0b100, OP_TEXT, &Deflater::new().compress(b"x")))
        .await;
    ws.expect_close(1002).await;
    ws.expect_eof().await;
    expect_handler_closed(&mut seen, 1002).await;
}

/// tungstenite 0.30 has no permessage-deflate (it sends no offer): nothing is agreed.
async fn no_offer_no_extension() {
    let (srv, _seen) = ws_server(builder()).await;
    let (_c, resp) = tokio_tungstenite::connect_async(format!("ws://{}/echo", srv.addr))
        .await
        .unwrap();
    assert!(resp.headers().get("sec-websocket-extensions").is_none());
}

flavors!(
    handshake_101_with_the_right_accept_key,
    handshake_token_lists_and_case,
    handshake_failures_are_400_or_426,
    subprotocol_and_extra_headers,
    invalid_subprotocol_value_is_500,
    reject_is_403,
    other_response_is_sent_as_is,
    bare_101_is_500,
    panic_before_accept_is_500,
    echo_text_and_binary,
    many_messages_in_flight,
    frames_in_one_write_are_all_processed,
    frame_sent_with_the_handshake_is_processed,
    fragmented_message_with_interleaved_pings,
    automatic_pong,
    client_initiated_close_is_echoed,
    handler_initiated_close,
    handler_returning_closes_with_1000,
    handler_close_unanswered,
    peer_vanishing_is_1006,
    messages_sent_before_returning_are_delivered,
    close_sent_before_returning_keeps_its_code,
    end_with_a_full_queue_still_reports_close,
    send_after_close_fails,
    unmasked_frame_is_1002,
    reserved_opcodes_are_1002,
    rsv_bits_without_extension_are_1002,
    fragmentation_violations_are_1002,
    control_frame_over_125_bytes_is_1002,
    invalid_utf8_is_1007,
    invalid_close_codes_are_1002,
    message_over_max_size_is_1009,
    silent_peer_is_closed_with_1011,
    answering_peer_stays_open,
    no_pings_when_disabled,
    shutdown_closes_with_1012,
    shutdown_with_a_silent_peer_is_bounded,
    handler_panic_is_1011,
    handler_that_never_reads_stops_the_reader,
    slow_reader_gets_everything,
    deflate_negotiated_and_echoed,
    deflate_bomb_is_1009,
    deflate_disabled,
    no_offer_no_extension,
);
