//! Dependencies of WebSocket operations: read from the handshake and torn down when the session
//! ends; invalid parameters, an `HTTPException` or a `WebSocketException` deny the handshake
//! (FastAPI 0.165's answers). In process with the toolkit's `TestClient`, and over a real socket
//! with `LiveServer` and a raw handshake.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::{wait_until, EventLog};
use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::{Request, StatusCode, WebSocket};
use ferrapi::{dependency, websocket, App, HTTPException, Yield};
use serde_json::{json, Value};

mod websockets {
    use super::*;

    static LOG: EventLog = EventLog::new();

    /// A WebSocket operation's dependency with a teardown, reading the handshake's query.
    #[dependency]
    async fn ws_session(token: String) -> Yield<String> {
        LOG.push(format!("open {token}"));
        Yield::new(token.clone(), move |outcome| async move {
            LOG.push(format!("close {token} ok={}", outcome.is_ok()));
        })
    }

    #[websocket("/ws/{room}")]
    async fn room_ws(
        mut websocket: WebSocket,
        room: String,
        n: i64,
        #[depends(ws_session)] token: String,
    ) {
        if websocket.accept().await.is_err() {
            return;
        }
        while let Ok(text) = websocket.receive_text().await {
            let reply = format!("{room}/{n}/{token}: {text}");
            if websocket.send_text(reply).await.is_err() {
                break;
            }
        }
    }

    /// A valid handshake reaches the operation (path parameter, query parameter and the
    /// dependency's value); the dependency's teardown runs when the session ends.
    #[tokio::test]
    async fn a_websocket_operation_with_a_dependency_echoes_and_tears_down() {
        let client = TestClient::new(App::new().route(room_ws));
        let mut session = client
            .websocket_connect("/ws/lobby?n=3&token=t1")
            .await
            .expect("the handshake is accepted");
        session.send_text("hi").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "lobby/3/t1: hi");
        session.send_text("again").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "lobby/3/t1: again");
        assert!(LOG.contains("open t1"));
        assert!(!LOG.contains("close t1 ok=true"));
        session.close(1000).await;
        wait_until("the WebSocket dependency's teardown ran", || {
            LOG.contains("close t1 ok=true")
        })
        .await;
    }

    /// Invalid handshake parameters (the operation's or the dependency's) close the socket
    /// with 1008 before `accept`: the client sees the 403 denial.
    #[tokio::test]
    async fn invalid_websocket_parameters_deny_the_handshake() {
        let client = TestClient::new(App::new().route(room_ws));
        for path in [
            "/ws/lobby?n=abc&token=t2", // an int that fails
            "/ws/lobby?token=t3",       // the operation's query parameter missing
            "/ws/lobby?n=1",            // the dependency's query parameter missing
        ] {
            match client.websocket_connect(path).await {
                Ok(_) => panic!("{path}: the handshake was accepted"),
                Err(denied) => assert_eq!(denied.status(), 403, "{path}"),
            }
        }
    }

    /// Reads an HTTP response head from a raw socket.
    fn read_head(stream: &mut std::net::TcpStream) -> String {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&head).into_owned()
    }

    fn handshake(addr: std::net::SocketAddr, target: &str) -> (std::net::TcpStream, String) {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .unwrap();
        let head = read_head(&mut stream);
        (stream, head)
    }

    /// Over a real socket: an invalid handshake gets `403`, a valid one `101`, and when the
    /// client goes away the dependency's teardown runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn over_a_socket_websocket_dependencies_deny_accept_and_tear_down() {
        let server = LiveServer::start(App::new().route(room_ws)).await.unwrap();
        let addr = server.addr();
        let (denied, accepted) = tokio::task::spawn_blocking(move || {
            let (_s, denied) = handshake(addr, "/ws/lobby?n=x&token=live-denied");
            let (stream, accepted) = handshake(addr, "/ws/lobby?n=1&token=live");
            drop(stream);
            (denied, accepted)
        })
        .await
        .unwrap();
        assert!(denied.starts_with("HTTP/1.1 403"), "{denied}");
        assert!(accepted.starts_with("HTTP/1.1 101"), "{accepted}");
        wait_until("the teardown ran after the client left", || {
            LOG.snapshot().iter().any(|e| e.starts_with("close live "))
        })
        .await;
        server.stop().await.unwrap();
    }
}

mod websocket_errors {
    use super::*;

    use ferrapi::toolkit::WebSocketException;

    #[dependency]
    async fn ws_http_auth(token: Option<String>) -> Result<String, HTTPException> {
        match token {
            Some(t) if t == "ok" => Ok(t),
            _ => Err(HTTPException::new(StatusCode::FORBIDDEN, "bad")),
        }
    }

    #[dependency]
    async fn ws_close_auth(token: Option<String>) -> Result<String, WebSocketException> {
        match token {
            Some(t) if t == "ok" => Ok(t),
            _ => Err(WebSocketException::new(1008, "bad token")),
        }
    }

    #[websocket("/ws-http")]
    async fn ws_http(mut websocket: WebSocket, #[depends(ws_http_auth)] token: String) {
        if websocket.accept().await.is_ok() {
            let _ = websocket.send_text(token).await;
            let _ = websocket.close(1000, "").await;
        }
    }

    #[websocket("/ws-close")]
    async fn ws_close(mut websocket: WebSocket, #[depends(ws_close_auth)] token: String) {
        if websocket.accept().await.is_ok() {
            let _ = websocket.send_text(token).await;
            let _ = websocket.close(1000, "").await;
        }
    }

    /// An `HTTPException` from a WebSocket operation's dependency denies the handshake with
    /// the exception's answer (FastAPI 0.165: a 403 denial response with `{"detail":"bad"}`).
    #[tokio::test]
    async fn an_http_exception_in_a_websocket_dependency_denies_with_its_answer() {
        let client = TestClient::new(App::new().route(ws_http));
        let mut session = client.websocket_connect("/ws-http?token=ok").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "ok");
        match client.websocket_connect("/ws-http?token=no").await {
            Ok(_) => panic!("the handshake was accepted"),
            Err(denied) => {
                assert_eq!(denied.status(), 403);
                assert_eq!(denied.json::<Value>().unwrap(), json!({"detail": "bad"}));
            }
        }
    }

    /// A `WebSocketException` from a WebSocket operation's dependency closes the socket with
    /// its code before `accept` (FastAPI: 1008 "bad token"): the client sees the 403 denial.
    #[tokio::test]
    async fn a_websocket_exception_in_a_dependency_closes_before_accept() {
        let client = TestClient::new(App::new().route(ws_close));
        let mut session = client
            .websocket_connect("/ws-close?token=ok")
            .await
            .unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "ok");
        match client.websocket_connect("/ws-close?token=no").await {
            Ok(_) => panic!("the handshake was accepted"),
            Err(denied) => assert_eq!(denied.status(), 403),
        }
    }

    /// FastAPI's "WebSockets" tutorial dependency `get_cookie_or_token(websocket: WebSocket,
    /// …)` reads the handshake and raises `WebSocketException`: in ferrapi the dependency takes
    /// the handshake as `&Request`.
    #[dependency]
    async fn cookie_or_token(handshake: &Request) -> Result<String, WebSocketException> {
        handshake
            .cookie("session")
            .or_else(|| handshake.query_params().get("token"))
            .map(str::to_string)
            .ok_or_else(|| WebSocketException::new(1008, "no session"))
    }

    #[websocket("/ws-handshake")]
    async fn ws_handshake(mut websocket: WebSocket, #[depends(cookie_or_token)] session: String) {
        if websocket.accept().await.is_ok() {
            let _ = websocket.send_text(session).await;
            let _ = websocket.close(1000, "").await;
        }
    }

    #[tokio::test]
    async fn a_websocket_dependency_reads_the_handshake() {
        let client = TestClient::new(App::new().route(ws_handshake));
        let mut session = client
            .websocket_connect("/ws-handshake?token=t1")
            .await
            .unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "t1");
        match client.websocket_connect("/ws-handshake").await {
            Ok(_) => panic!("the handshake was accepted"),
            Err(denied) => assert_eq!(denied.status(), 403),
        }
    }
}
