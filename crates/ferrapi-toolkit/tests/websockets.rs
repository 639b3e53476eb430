//! `websockets`: accepting, messages, subprotocols, closing, denial, errors and disconnects,
//! with the in-memory `TestClient` and with `tokio-tungstenite` over real sockets.

mod common;

use common::{within, ws_connect, Ws};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::websockets::{ReceiveError, WebSocket, WebSocketState};
use ferrapi_toolkit::{
    Application, Error, HTTPException, Json, Request, Route, StatusCode, WebSocketException,
    WebSocketRoute,
};
use futures_util::{SinkExt, StreamExt};
use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message as WsMessage;

type Reports = mpsc::UnboundedReceiver<String>;

async fn echo(mut ws: WebSocket) -> Result<(), Error> {
    ws.accept().await?;
    loop {
        match ws.receive().await {
            Ok(ferrapi_toolkit::server::websocket::Message::Text(text)) => {
                if text == "json" {
                    let value: Value = ws.receive_json().await.map_err(Error::new)?;
                    ws.send_json(&json!({ "got": value })).await?;
                } else {
                    ws.send_text(format!("text:{text}")).await?;
                }
            }
            Ok(ferrapi_toolkit::server::websocket::Message::Binary(data)) => {
                let mut out = b"bytes:".to_vec();
                out.extend_from_slice(&data);
                ws.send_bytes(out).await?;
            }
            Ok(_) => {}
            Err(e) if e.is_disconnect() => return Ok(()),
            Err(e) => return Err(Error::new(e)),
        }
    }
}

/// An app with one WebSocket route per behaviour; the endpoints report what they saw.
fn app() -> (Application, Reports) {
    let (tx, rx) = mpsc::unbounded_channel::<String>();
    let report = move |tx: &mpsc::UnboundedSender<String>, s: String| {
        let _ = tx.send(s);
    };

    let t = tx.clone();
    let protocols = move |mut ws: WebSocket| {
        let t = t.clone();
        async move {
            report(&t, ws.protocols().join(","));
            let mut headers = HeaderMap::new();
            headers.insert("x-extra", HeaderValue::from_static("yes"));
            ws.accept_with(Some("chat"), headers).await?;
            ws.send_text("welcome").await?;
            Ok::<(), Error>(())
        }
    };

    let close_with_code = |mut ws: WebSocket| async move {
        ws.accept().await?;
        ws.send_text("closing").await?;
        ws.close(4001, "bye now").await?;
        // Sending after closing fails.
        assert!(ws.send_text("late").await.is_err());
        assert_eq!(ws.state(), WebSocketState::Disconnected);
        Ok::<(), Error>(())
    };

    let close_before_accept = |mut ws: WebSocket| async move {
        ws.close(1000, "").await?;
        Ok::<(), Error>(())
    };

    let never_decides = |_ws: WebSocket| async move {};

    let deny = |mut ws: WebSocket| async move {
        let mut response =
            ferrapi_toolkit::IntoResponse::into_response((StatusCode::UNAUTHORIZED, "no token"));
        response
            .headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
        ws.deny(response)?;
        // Too late to accept now.
        assert!(ws.accept().await.is_err());
        assert_eq!(ws.state(), WebSocketState::Response);
        Ok::<(), Error>(())
    };

    let exception_after = |mut ws: WebSocket| async move {
        ws.accept().await?;
        ws.send_text("about to fail").await?;
        Err::<(), Error>(WebSocketException::new(1008, "policy violated").into())
    };

    let exception_before = |_ws: WebSocket| async move {
        Err::<(), Error>(WebSocketException::new(1008, "go away").into())
    };

    let http_exception_before = |_ws: WebSocket| async move {
        Err::<(), Error>(
            HTTPException::new(StatusCode::UNAUTHORIZED)
                .with_detail("login first")
                .into(),
        )
    };

    let error_after = |mut ws: WebSocket| async move {
        ws.accept().await?;
        ws.send_text("about to break").await?;
        Err::<(), Error>(std::io::Error::other("database down").into())
    };

    let panic_after = |mut ws: WebSocket| async move {
        ws.accept().await?;
        ws.send_text("about to panic").await?;
        if ws.state() == WebSocketState::Connected {
            panic!("endpoint panicked on purpose");
        }
        Ok::<(), Error>(())
    };

    let t = tx.clone();
    let disconnect = move |mut ws: WebSocket| {
        let t = t.clone();
        async move {
            report(&t, format!("{:?}", ws.state()));
            ws.accept().await?;
            report(&t, format!("{:?}", ws.state()));
            ws.send_text("ready").await?;
            loop {
                match ws.receive_text().await {
                    Ok(text) => report(&t, format!("text {text}")),
                    Err(ReceiveError::Disconnect(d)) => {
                        report(&t, format!("disconnect {} {:?}", d.code, d.reason));
                        report(&t, format!("{:?}", ws.state()));
                        // Receiving again stays a disconnect, it does not hang.
                        let again = ws.receive().await;
                        report(&t, format!("again {}", again.is_err()));
                        return Ok::<(), Error>(());
                    }
                    Err(other) => report(&t, format!("other {other}")),
                }
            }
        }
    };

    let params = |mut ws: WebSocket| async move {
        let text = format!(
            "room={} user={} cookie={} path={} url={}",
            ws.path_param("room").unwrap_or("-"),
            ws.query_params().get("user").unwrap_or("-"),
            ws.request().cookie("session").unwrap_or("-"),
            ws.request().path(),
            ws.request().url(),
        );
        ws.accept().await?;
        ws.send_text(text).await?;
        Ok::<(), Error>(())
    };

    let typed = |mut ws: WebSocket| async move {
        ws.accept().await?;
        let text_got_bytes = ws.receive_text().await.unwrap_err();
        ws.send_text(format!("1 {text_got_bytes}")).await?;
        let bytes_got_text = ws.receive_bytes().await.unwrap_err();
        ws.send_text(format!("2 {bytes_got_text}")).await?;
        let bad_json = ws.receive_json::<Value>().await.unwrap_err();
        let is_json = matches!(bad_json, ReceiveError::Json(_));
        ws.send_text(format!("3 {is_json}")).await?;
        let from_binary: Value = ws.receive_json().await.map_err(Error::new)?;
        ws.send_json(&from_binary).await?;
        Ok::<(), Error>(())
    };

    let not_accepted = |mut ws: WebSocket| async move {
        let receive = ws.receive().await;
        let send = ws.send_text("x").await;
        let ok = matches!(receive, Err(ReceiveError::NotAccepted)) && send.is_err();
        if ok {
            ws.deny((StatusCode::IM_A_TEAPOT, "checked"))?;
        }
        Ok::<(), Error>(())
    };

    // Sends from a spawned task through `sender()` while the endpoint waits in `receive`.
    let t = tx.clone();
    let ticker = move |mut ws: WebSocket| {
        let t = t.clone();
        async move {
            report(
                &t,
                format!("sender before accept: {}", ws.sender().is_some()),
            );
            ws.accept().await?;
            let sender = ws.sender().expect("an accepted socket has a sender");
            let (ended_tx, ended_rx) = tokio::sync::oneshot::channel::<()>();
            let t2 = t.clone();
            tokio::spawn(async move {
                let first = sender.send_text("tick 1").await.is_ok();
                let second = sender
                    .clone()
                    .send_json(&json!({ "tick": 2 }))
                    .await
                    .is_ok();
                report(&t2, format!("ticks sent: {first} {second}"));
                // After the endpoint has returned and the connection has ended, sends fail.
                let _ = ended_rx.await;
                for _ in 0..500 {
                    if sender.send_text("late").await.is_err() {
                        report(&t2, "late send: closed".to_string());
                        return;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
                report(&t2, "late send: still open".to_string());
            });
            let result = loop {
                match ws.receive_text().await {
                    Ok(text) => ws.send_text(format!("echo:{text}")).await?,
                    Err(e) if e.is_disconnect() => break Ok(()),
                    Err(e) => break Err(Error::new(e)),
                }
            };
            let _ = ended_tx.send(());
            result
        }
    };

    async fn http(_req: Request) -> Json<Value> {
        Json(json!({ "http": true }))
    }

    let app = Application::new()
        .route(WebSocketRoute::new("/echo", echo))
        .route(WebSocketRoute::new("/protocols", protocols))
        .route(WebSocketRoute::new("/close", close_with_code))
        .route(WebSocketRoute::new(
            "/close-before-accept",
            close_before_accept,
        ))
        .route(WebSocketRoute::new("/never-decides", never_decides))
        .route(WebSocketRoute::new("/deny", deny))
        .route(WebSocketRoute::new("/exception-after", exception_after))
        .route(WebSocketRoute::new("/exception-before", exception_before))
        .route(WebSocketRoute::new(
            "/http-exception-before",
            http_exception_before,
        ))
        .route(WebSocketRoute::new("/error-after", error_after))
        .route(WebSocketRoute::new("/panic-after", panic_after))
        .route(WebSocketRoute::new("/disconnect", disconnect))
        .route(WebSocketRoute::new("/rooms/{room:int}", params))
        .route(WebSocketRoute::new("/typed", typed))
        .route(WebSocketRoute::new("/not-accepted", not_accepted))
        .route(WebSocketRoute::new("/ticker", ticker))
        .route(Route::new("/echo", http));
    (app, rx)
}

async fn next_report(reports: &mut Reports) -> String {
    reports.recv().await.expect("the endpoint reported")
}

// ---------------------------------------------------------------------------------------------
// In process
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn echo_text_bytes_and_json_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        let mut ws = client.websocket_connect("/echo").await.unwrap();
        ws.send_text("hello").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "text:hello");
        ws.send_bytes(&b"\x00\x01\xff"[..]).await.unwrap();
        assert_eq!(
            &ws.receive_bytes().await.unwrap()[..],
            b"bytes:\x00\x01\xff"
        );
        ws.send_text("json").await.unwrap();
        ws.send_json(&json!({ "a": [1, 2] })).await.unwrap();
        let value: Value = ws.receive_json().await.unwrap();
        assert_eq!(value, json!({ "got": { "a": [1, 2] } }));
        // Unicode survives.
        ws.send_text("h\u{e9}llo \u{1f980}").await.unwrap();
        assert_eq!(
            ws.receive_text().await.unwrap(),
            "text:h\u{e9}llo \u{1f980}"
        );
        ws.close(1000).await;
        // The same path still serves plain HTTP.
        assert_eq!(client.get("/echo").send().await.text(), r#"{"http":true}"#);
    })
    .await;
}

#[tokio::test]
async fn subprotocol_and_accept_headers_in_process() {
    within(async {
        let (app, mut reports) = app();
        let client = TestClient::new(app);
        let mut ws = client
            .websocket_connect_with("/protocols", &["superchat", "chat"], HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(next_report(&mut reports).await, "superchat,chat");
        assert_eq!(ws.protocol(), Some("chat"));
        assert_eq!(ws.headers().get("x-extra").unwrap(), "yes");
        assert_eq!(ws.receive_text().await.unwrap(), "welcome");
    })
    .await;
}

#[tokio::test]
async fn close_with_code_and_reason_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        let mut ws = client.websocket_connect("/close").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "closing");
        match ws.receive_text().await {
            Err(ReceiveError::Disconnect(d)) => {
                assert_eq!(d.code, 4001);
                assert_eq!(d.reason, "bye now");
            }
            other => panic!("expected a disconnect, got {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn refusals_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        for path in [
            "/close-before-accept",
            "/never-decides",
            "/exception-before",
        ] {
            let response = client.websocket_connect(path).await.unwrap_err();
            assert_eq!(response.status(), 403, "{path}");
        }
        let response = client.websocket_connect("/deny").await.unwrap_err();
        assert_eq!(response.status(), 401);
        assert_eq!(response.text(), "no token");
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
        assert_eq!(
            response.header("content-type"),
            Some("text/plain; charset=utf-8")
        );

        let response = client
            .websocket_connect("/http-exception-before")
            .await
            .unwrap_err();
        assert_eq!(response.status(), 401);
        assert_eq!(response.text(), "login first");

        let response = client.websocket_connect("/not-accepted").await.unwrap_err();
        assert_eq!(response.status(), 418);
        assert_eq!(response.text(), "checked");
    })
    .await;
}

#[tokio::test]
async fn errors_after_accept_close_the_socket_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        let cases = [
            ("/exception-after", "about to fail", 1008, "policy violated"),
            ("/error-after", "about to break", 1011, ""),
            ("/panic-after", "about to panic", 1011, ""),
        ];
        for (path, first, code, reason) in cases {
            let mut ws = client.websocket_connect(path).await.unwrap();
            assert_eq!(ws.receive_text().await.unwrap(), first, "{path}");
            match ws.receive_text().await {
                Err(ReceiveError::Disconnect(d)) => {
                    assert_eq!((d.code, d.reason.as_str()), (code, reason), "{path}")
                }
                other => panic!("{path}: expected a disconnect, got {other:?}"),
            }
        }
        // The client keeps working after a panicking endpoint.
        let mut ws = client.websocket_connect("/echo").await.unwrap();
        ws.send_text("still here").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "text:still here");
    })
    .await;
}

#[tokio::test]
async fn client_disconnect_is_seen_with_its_code_in_process() {
    within(async {
        let (app, mut reports) = app();
        let client = TestClient::new(app);
        let mut ws = client.websocket_connect("/disconnect").await.unwrap();
        assert_eq!(next_report(&mut reports).await, "Connecting");
        assert_eq!(next_report(&mut reports).await, "Connected");
        assert_eq!(ws.receive_text().await.unwrap(), "ready");
        ws.send_text("one").await.unwrap();
        assert_eq!(next_report(&mut reports).await, "text one");
        ws.send_bytes(&b"raw"[..]).await.unwrap();
        assert_eq!(
            next_report(&mut reports).await,
            "other expected a text message"
        );
        ws.close(4000).await;
        assert_eq!(next_report(&mut reports).await, "disconnect 4000 \"\"");
        assert_eq!(next_report(&mut reports).await, "Disconnected");
        assert_eq!(next_report(&mut reports).await, "again true");
    })
    .await;
}

#[tokio::test]
async fn dropping_the_session_is_a_disconnect_in_process() {
    within(async {
        let (app, mut reports) = app();
        let client = TestClient::new(app);
        let mut ws = client.websocket_connect("/disconnect").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "ready");
        drop(ws);
        assert_eq!(next_report(&mut reports).await, "Connecting");
        assert_eq!(next_report(&mut reports).await, "Connected");
        let seen = next_report(&mut reports).await;
        assert!(seen.starts_with("disconnect 10"), "{seen}");
    })
    .await;
}

#[tokio::test]
async fn path_query_and_cookies_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        client.set_cookie("session", "abc");
        let mut ws = client
            .websocket_connect("/rooms/5?user=ann%20b")
            .await
            .unwrap();
        assert_eq!(
            ws.receive_text().await.unwrap(),
            "room=5 user=ann b cookie=abc path=/rooms/5 url=ws://testserver/rooms/5?user=ann%20b"
        );
        // The convertor applies to WebSocket routes too.
        let refused = client.websocket_connect("/rooms/x").await.unwrap_err();
        assert_eq!(refused.status(), 403);
    })
    .await;
}

#[tokio::test]
async fn typed_receives_in_process() {
    within(async {
        let client = TestClient::new(app().0);
        let mut ws = client.websocket_connect("/typed").await.unwrap();
        ws.send_bytes(&b"b"[..]).await.unwrap();
        assert_eq!(
            ws.receive_text().await.unwrap(),
            "1 expected a text message"
        );
        ws.send_text("t").await.unwrap();
        assert_eq!(
            ws.receive_text().await.unwrap(),
            "2 expected a binary message"
        );
        ws.send_text("{not json").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "3 true");
        ws.send_bytes(&br#"{"from":"binary"}"#[..]).await.unwrap();
        let value: Value = ws.receive_json().await.unwrap();
        assert_eq!(value, json!({ "from": "binary" }));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// Over real sockets
// ---------------------------------------------------------------------------------------------

async fn serve() -> (LiveServer, Reports) {
    let (app, reports) = app();
    (LiveServer::start(app).await.unwrap(), reports)
}

fn ws_url(server: &LiveServer, path: &str) -> String {
    format!("ws://{}{path}", server.addr())
}

async fn next_text(ws: &mut Ws) -> String {
    match ws.next().await {
        Some(Ok(WsMessage::Text(text))) => text.to_string(),
        other => panic!("expected a text message, got {other:?}"),
    }
}

async fn expect_close(ws: &mut Ws) -> (u16, String) {
    loop {
        match ws.next().await {
            Some(Ok(WsMessage::Close(Some(frame)))) => {
                return (u16::from(frame.code), frame.reason.to_string())
            }
            Some(Ok(WsMessage::Close(None))) => return (1005, String::new()),
            Some(Ok(WsMessage::Ping(_) | WsMessage::Pong(_))) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }
}

/// Reads the rest of a closed connection and drops it, so the server is not left lingering.
async fn finish(mut ws: Ws) {
    while let Some(Ok(_)) = ws.next().await {}
}

async fn expect_http_refusal(server: &LiveServer, path: &str) -> (u16, Vec<u8>) {
    match ws_connect(&ws_url(server, path), &[]).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            let status = response.status().as_u16();
            (status, response.into_body().unwrap_or_default())
        }
        Err(other) => panic!("{path}: expected an HTTP refusal, got {other:?}"),
        Ok(_) => panic!("{path}: expected an HTTP refusal, got an open socket"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_text_bytes_and_json_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        let (mut ws, response) = ws_connect(&ws_url(&server, "/echo"), &[]).await.unwrap();
        assert_eq!(response.status(), 101);
        ws.send(WsMessage::text("hello")).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "text:hello");
        ws.send(WsMessage::binary(vec![0u8, 1, 255])).await.unwrap();
        match ws.next().await {
            Some(Ok(WsMessage::Binary(data))) => assert_eq!(&data[..], b"bytes:\x00\x01\xff"),
            other => panic!("expected bytes, got {other:?}"),
        }
        ws.send(WsMessage::text("json")).await.unwrap();
        ws.send(WsMessage::text(r#"{"n":1.5,"s":"\u00e9"}"#))
            .await
            .unwrap();
        let value: Value = serde_json::from_str(&next_text(&mut ws).await).unwrap();
        assert_eq!(value, json!({ "got": { "n": 1.5, "s": "\u{e9}" } }));
        // A large message round-trips.
        let big = "x".repeat(200_000);
        ws.send(WsMessage::text(big.clone())).await.unwrap();
        assert_eq!(next_text(&mut ws).await, format!("text:{big}"));
        // A close without a code is echoed without one (seen as 1005).
        ws.close(None).await.unwrap();
        assert_eq!(expect_close(&mut ws).await.0, 1005);
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_handle_sends_from_another_task_over_a_socket() {
    within(async {
        let (server, mut reports) = serve().await;
        let (mut ws, _) = ws_connect(&ws_url(&server, "/ticker"), &[]).await.unwrap();
        assert_eq!(
            next_report(&mut reports).await,
            "sender before accept: false"
        );
        // The spawned task's messages arrive while the endpoint is blocked in `receive`.
        assert_eq!(next_text(&mut ws).await, "tick 1");
        let tick: Value = serde_json::from_str(&next_text(&mut ws).await).unwrap();
        assert_eq!(tick, json!({ "tick": 2 }));
        assert_eq!(next_report(&mut reports).await, "ticks sent: true true");
        // The endpoint itself still receives and answers.
        ws.send(WsMessage::text("hi")).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "echo:hi");
        ws.close(None).await.unwrap();
        assert_eq!(expect_close(&mut ws).await.0, 1005);
        finish(ws).await;
        assert_eq!(next_report(&mut reports).await, "late send: closed");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subprotocol_and_accept_headers_over_a_socket() {
    within(async {
        let (server, mut reports) = serve().await;
        let (mut ws, response) = ws_connect(&ws_url(&server, "/protocols"), &["superchat", "chat"])
            .await
            .unwrap();
        assert_eq!(next_report(&mut reports).await, "superchat,chat");
        assert_eq!(
            response.headers().get("sec-websocket-protocol").unwrap(),
            "chat"
        );
        assert_eq!(response.headers().get("x-extra").unwrap(), "yes");
        assert_eq!(next_text(&mut ws).await, "welcome");
        assert_eq!(expect_close(&mut ws).await.0, 1000);
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_with_code_and_reason_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        let (mut ws, _) = ws_connect(&ws_url(&server, "/close"), &[]).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "closing");
        assert_eq!(expect_close(&mut ws).await, (4001, "bye now".to_string()));
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        for path in [
            "/close-before-accept",
            "/never-decides",
            "/exception-before",
            "/nowhere",
        ] {
            let (status, _) = expect_http_refusal(&server, path).await;
            assert_eq!(status, 403, "{path}");
        }
        let (status, body) = expect_http_refusal(&server, "/deny").await;
        assert_eq!(status, 401);
        assert_eq!(body, b"no token");
        let (status, body) = expect_http_refusal(&server, "/http-exception-before").await;
        assert_eq!(status, 401);
        assert_eq!(body, b"login first");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_after_accept_close_the_socket_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        let cases = [
            ("/exception-after", "about to fail", 1008, "policy violated"),
            ("/error-after", "about to break", 1011, ""),
            ("/panic-after", "about to panic", 1011, ""),
        ];
        for (path, first, code, reason) in cases {
            let (mut ws, _) = ws_connect(&ws_url(&server, path), &[]).await.unwrap();
            assert_eq!(next_text(&mut ws).await, first, "{path}");
            assert_eq!(
                expect_close(&mut ws).await,
                (code, reason.to_string()),
                "{path}"
            );
            finish(ws).await;
        }
        // The server still serves.
        let (mut ws, _) = ws_connect(&ws_url(&server, "/echo"), &[]).await.unwrap();
        ws.send(WsMessage::text("alive")).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "text:alive");
        ws.close(None).await.unwrap();
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_close_is_seen_with_its_code_over_a_socket() {
    within(async {
        let (server, mut reports) = serve().await;
        let (mut ws, _) = ws_connect(&ws_url(&server, "/disconnect"), &[])
            .await
            .unwrap();
        assert_eq!(next_report(&mut reports).await, "Connecting");
        assert_eq!(next_report(&mut reports).await, "Connected");
        assert_eq!(next_text(&mut ws).await, "ready");
        ws.send(WsMessage::text("one")).await.unwrap();
        assert_eq!(next_report(&mut reports).await, "text one");
        ws.close(Some(CloseFrame {
            code: CloseCode::from(4000),
            reason: "bye".into(),
        }))
        .await
        .unwrap();
        assert_eq!(next_report(&mut reports).await, "disconnect 4000 \"bye\"");
        assert_eq!(next_report(&mut reports).await, "Disconnected");
        assert_eq!(next_report(&mut reports).await, "again true");
        // The server answers the close with the same code.
        assert_eq!(expect_close(&mut ws).await.0, 4000);
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vanished_client_is_a_1006_disconnect_over_a_socket() {
    within(async {
        let (server, mut reports) = serve().await;
        let (mut ws, _) = ws_connect(&ws_url(&server, "/disconnect"), &[])
            .await
            .unwrap();
        assert_eq!(next_text(&mut ws).await, "ready");
        // Drop the TCP connection without a close frame.
        drop(ws);
        assert_eq!(next_report(&mut reports).await, "Connecting");
        assert_eq!(next_report(&mut reports).await, "Connected");
        assert_eq!(next_report(&mut reports).await, "disconnect 1006 \"\"");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn path_query_and_cookies_over_a_socket() {
    within(async {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let (server, _reports) = serve().await;
        let mut request = ws_url(&server, "/rooms/12?user=bob")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "cookie",
            HeaderValue::from_static("session=\"x y\"; other=1"),
        );
        let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        assert_eq!(
            next_text(&mut ws).await,
            format!(
                "room=12 user=bob cookie=x y path=/rooms/12 url=ws://{}/rooms/12?user=bob",
                server.addr()
            )
        );
        assert_eq!(expect_close(&mut ws).await.0, 1000);
        finish(ws).await;
        let (status, _) = expect_http_refusal(&server, "/rooms/-1").await;
        assert_eq!(status, 403);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_receives_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        let (mut ws, _) = ws_connect(&ws_url(&server, "/typed"), &[]).await.unwrap();
        ws.send(WsMessage::binary(b"b".to_vec())).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "1 expected a text message");
        ws.send(WsMessage::text("t")).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "2 expected a binary message");
        ws.send(WsMessage::text("{not json")).await.unwrap();
        assert_eq!(next_text(&mut ws).await, "3 true");
        ws.send(WsMessage::binary(br#"{"from":"binary"}"#.to_vec()))
            .await
            .unwrap();
        let value: Value = serde_json::from_str(&next_text(&mut ws).await).unwrap();
        assert_eq!(value, json!({ "from": "binary" }));
        assert_eq!(expect_close(&mut ws).await.0, 1000);
        finish(ws).await;
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_get_to_a_websocket_only_route_is_404_over_a_socket() {
    within(async {
        let (server, _reports) = serve().await;
        let r = common::get(&server.url("/typed")).await;
        assert_eq!(r.status, 404);
        let r = common::get(&server.url("/echo")).await;
        assert_eq!(r.text(), r#"{"http":true}"#);
        server.stop().await.unwrap();
    })
    .await;
}
