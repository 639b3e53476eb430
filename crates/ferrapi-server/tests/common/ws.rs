//! WebSocket helpers for the real-socket tests: a test app with one route per handler
//! behaviour (reporting what its handlers see), and a raw-frame client that writes masked (or
//! deliberately malformed) frames by hand and parses the server's frames.
//!
//! Every read is bounded by [`IO_TIMEOUT`](super::IO_TIMEOUT) unless a test gives its own wait.

use std::net::SocketAddr;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ferrapi_server::http::{HeaderName, HeaderValue};
use ferrapi_server::websocket::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use ferrapi_server::{App, Body, Request, Response, StatusCode};
use sha1::{Digest, Sha1};
use tokio::sync::mpsc;

use tokio::net::tcp::OwnedWriteHalf;

use super::{Conn, RawResponse, IO_TIMEOUT};

/// The key of RFC 6455 §1.3 and its expected `Sec-WebSocket-Accept`.
pub(crate) const SAMPLE_KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";
pub(crate) const SAMPLE_ACCEPT: &str = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

pub(crate) const OP_CONT: u8 = 0x0;
pub(crate) const OP_TEXT: u8 = 0x1;
pub(crate) const OP_BINARY: u8 = 0x2;
pub(crate) const OP_CLOSE: u8 = 0x8;
pub(crate) const OP_PING: u8 = 0x9;
pub(crate) const OP_PONG: u8 = 0xA;

/// `Sec-WebSocket-Accept` for `key`, computed independently of the server.
pub(crate) fn accept_key(key: &str) -> String {
    let mut sha = Sha1::new();
    sha.update(key.as_bytes());
    sha.update(b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11");
    STANDARD.encode(sha.finalize())
}

/// A GET upgrade request for `path` with the sample key, plus `extra` header lines (each
/// ending in `\r\n`).
pub(crate) fn upgrade_request(path: &str, extra: &str) -> String {
    format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: {SAMPLE_KEY}\r\nSec-WebSocket-Version: 13\r\n{extra}\r\n"
    )
}

// ---------------------------------------------------------------------------------------------
// Frames
// ---------------------------------------------------------------------------------------------

const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

/// A client frame, masked with a fixed key; `rsv` is RSV1..RSV3 as 3 bits.
pub(crate) fn frame(fin: bool, rsv: u8, opcode: u8, payload: &[u8]) -> Vec<u8> {
    build(fin, rsv, opcode, payload, Some(KEY))
}

/// The same without a mask (a violation from a client).
pub(crate) fn unmasked_frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    build(fin, 0, opcode, payload, None)
}

fn build(fin: bool, rsv: u8, opcode: u8, payload: &[u8], key: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = vec![(u8::from(fin) << 7) | ((rsv & 0b111) << 4) | (opcode & 0x0F)];
    let mask_bit = if key.is_some() { 0x80 } else { 0 };
    let len = payload.len();
    if len <= 125 {
        out.push(mask_bit | len as u8);
    } else if len <= 0xFFFF {
        out.push(mask_bit | 126);
        out.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        out.push(mask_bit | 127);
        out.extend_from_slice(&(len as u64).to_be_bytes());
    }
    match key {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// A close frame's payload: the code, then the reason.
pub(crate) fn close_payload(code: u16, reason: &[u8]) -> Vec<u8> {
    let mut p = code.to_be_bytes().to_vec();
    p.extend_from_slice(reason);
    p
}

/// One frame as received from the server.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Frame {
    pub fin: bool,
    pub rsv: u8,
    pub opcode: u8,
    pub masked: bool,
    pub payload: Vec<u8>,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.payload.len() > 64 {
            format!("{} bytes", self.payload.len())
        } else {
            format!("{:?}", String::from_utf8_lossy(&self.payload))
        };
        write!(
            f,
            "Frame(fin={} rsv={} op={:#x} masked={} payload={shown})",
            self.fin, self.rsv, self.opcode, self.masked
        )
    }
}

impl Frame {
    /// The close code and reason of a close frame (`None` for an empty close).
    pub(crate) fn close(&self) -> Option<(u16, String)> {
        assert_eq!(self.opcode, OP_CLOSE, "not a close frame: {self:?}");
        if self.payload.len() < 2 {
            return None;
        }
        let code = u16::from_be_bytes([self.payload[0], self.payload[1]]);
        Some((
            code,
            String::from_utf8_lossy(&self.payload[2..]).into_owned(),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// Raw WebSocket client
// ---------------------------------------------------------------------------------------------

/// A raw WebSocket client: the shared raw HTTP connection, with frames parsed from its buffer.
pub(crate) struct RawWs {
    conn: Conn,
}

impl RawWs {
    /// Connects and sends `request` (a whole HTTP request); returns the client and the
    /// response. Bytes after the response stay buffered for [`RawWs::read_frame`].
    pub(crate) async fn handshake(
        addr: SocketAddr,
        request: impl AsRef<[u8]>,
    ) -> (RawWs, RawResponse) {
        let mut conn = Conn::connect(addr).await;
        conn.send(request).await;
        let head = conn.response().await;
        (RawWs { conn }, head)
    }

    /// Upgrades on `path` (asserting a proper `101`), with `extra` header lines.
    pub(crate) async fn open_with(
        addr: SocketAddr,
        path: &str,
        extra: &str,
    ) -> (RawWs, RawResponse) {
        let (ws, head) = RawWs::handshake(addr, upgrade_request(path, extra)).await;
        assert_eq!(head.status, 101, "expected 101, got {head:?}");
        assert_eq!(head.header("sec-websocket-accept"), Some(SAMPLE_ACCEPT));
        (ws, head)
    }

    /// Upgrades on `path`.
    pub(crate) async fn open(addr: SocketAddr, path: &str) -> RawWs {
        RawWs::open_with(addr, path, "").await.0
    }

    /// Writes bytes; panics on error or timeout.
    pub(crate) async fn send(&mut self, data: impl AsRef<[u8]>) {
        self.conn.send(data).await;
    }

    /// Writes bytes, reporting I/O errors (the server may have closed).
    pub(crate) async fn try_send(&mut self, data: impl AsRef<[u8]>) -> std::io::Result<()> {
        self.conn.try_send(data).await
    }

    /// Sends one masked frame.
    pub(crate) async fn send_frame(&mut self, fin: bool, opcode: u8, payload: &[u8]) {
        self.send(frame(fin, 0, opcode, payload)).await;
    }

    /// Sends a masked close frame with `code` and `reason`.
    pub(crate) async fn send_close(&mut self, code: u16, reason: &str) {
        self.send_frame(true, OP_CLOSE, &close_payload(code, reason.as_bytes()))
            .await;
    }

    /// The write half, for tests that write while they read (or never read).
    pub(crate) fn stream_mut(&mut self) -> &mut OwnedWriteHalf {
        self.conn.writer()
    }

    fn parse_frame(&mut self) -> Option<Frame> {
        let b = self.conn.buffer_mut();
        if b.len() < 2 {
            return None;
        }
        let fin = b[0] & 0x80 != 0;
        let rsv = (b[0] >> 4) & 0b111;
        let opcode = b[0] & 0x0F;
        let masked = b[1] & 0x80 != 0;
        let (len, mut at) = match b[1] & 0x7F {
            126 => {
                if b.len() < 4 {
                    return None;
                }
                (u16::from_be_bytes([b[2], b[3]]) as usize, 4)
            }
            127 => {
                if b.len() < 10 {
                    return None;
                }
                (
                    u64::from_be_bytes(b[2..10].try_into().unwrap()) as usize,
                    10,
                )
            }
            n => (n as usize, 2),
        };
        let key = if masked {
            if b.len() < at + 4 {
                return None;
            }
            let k = [b[at], b[at + 1], b[at + 2], b[at + 3]];
            at += 4;
            Some(k)
        } else {
            None
        };
        if b.len() < at + len {
            return None;
        }
        let mut payload: Vec<u8> = b[at..at + len].to_vec();
        if let Some(k) = key {
            for (i, byte) in payload.iter_mut().enumerate() {
                *byte ^= k[i % 4];
            }
        }
        b.drain(..at + len);
        Some(Frame {
            fin,
            rsv,
            opcode,
            masked,
            payload,
        })
    }

    /// The next frame, `Ok(None)` at EOF, `Err` if nothing complete arrives within `wait`.
    pub(crate) async fn read_frame_within(&mut self, wait: Duration) -> Result<Option<Frame>, ()> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(f) = self.parse_frame() {
                assert!(!f.masked, "server frames must not be masked: {f:?}");
                return Ok(Some(f));
            }
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.conn.fill_within(left).await {
                Ok(0) => {
                    let b = self.conn.buffer_mut();
                    assert!(
                        b.is_empty(),
                        "connection closed in the middle of a frame: {} bytes",
                        b.len()
                    );
                    return Ok(None);
                }
                Ok(_) => {}
                Err(_) => return Err(()),
            }
        }
    }

    /// The next frame; panics at EOF or after [`IO_TIMEOUT`].
    pub(crate) async fn read_frame(&mut self) -> Frame {
        match self.read_frame_within(IO_TIMEOUT).await {
            Ok(Some(f)) => f,
            Ok(None) => panic!("connection closed while expecting a frame"),
            Err(()) => panic!("no frame within {IO_TIMEOUT:?}"),
        }
    }

    /// Reads frames, skipping pings and pongs, until a data or close frame arrives.
    pub(crate) async fn read_non_control(&mut self) -> Frame {
        loop {
            let f = self.read_frame().await;
            if f.opcode != OP_PING && f.opcode != OP_PONG {
                return f;
            }
        }
    }

    /// Reads frames (skipping pings and pongs) until a close frame; asserts its code and
    /// returns its reason. Data frames before it are an error.
    pub(crate) async fn expect_close(&mut self, code: u16) -> String {
        let f = self.read_non_control().await;
        assert_eq!(f.opcode, OP_CLOSE, "expected a close frame, got {f:?}");
        assert!(f.fin && f.rsv == 0, "{f:?}");
        let (got, reason) = f
            .close()
            .unwrap_or_else(|| panic!("close frame without a code: {f:?}"));
        assert_eq!(got, code, "close code (reason {reason:?})");
        reason
    }

    /// Asserts the server closes the TCP connection (nothing but EOF) within `wait`.
    pub(crate) async fn expect_eof_within(&mut self, wait: Duration) {
        match self.read_frame_within(wait).await {
            Ok(None) => {}
            Ok(Some(f)) => panic!("expected EOF, got {f:?}"),
            Err(()) => panic!("expected EOF within {wait:?}, the connection stayed open"),
        }
    }

    /// Asserts the server closes the TCP connection within [`IO_TIMEOUT`].
    pub(crate) async fn expect_eof(&mut self) {
        self.expect_eof_within(IO_TIMEOUT).await
    }

    /// Echo check: sends a text message, expects it back.
    pub(crate) async fn roundtrip(&mut self, text: &str) {
        self.send_frame(true, OP_TEXT, text.as_bytes()).await;
        let f = self.read_non_control().await;
        assert_eq!(
            (f.opcode, f.fin, f.payload.as_slice()),
            (OP_TEXT, true, text.as_bytes())
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The test app
// ---------------------------------------------------------------------------------------------

/// What a handler saw, reported to the test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seen {
    /// The handler started; its route and agreed subprotocol.
    Start(String, Option<String>),
    /// `recv()` returned this message.
    Msg(Message),
    /// `recv()` returned `None`.
    End,
    /// `send` failed with `Closed`.
    SendFailed,
}

/// An app with one route per handler behaviour; every handler reports to `seen`.
///
/// | path              | behaviour                                                             |
/// |-------------------|-----------------------------------------------------------------------|
/// | `/`               | plain `hello` (not a WebSocket)                                       |
/// | `/echo`           | echo text and binary until the client closes, then read until `None`  |
/// | `/proto`          | accept with subprotocol `b` if offered, extra header `x-extra: yes`; echo |
/// | `/bad-proto`      | accept with an invalid subprotocol value                              |
/// | `/reject`         | `reject()` (403)                                                      |
/// | `/deny`           | `401` with a body and `www-authenticate`                              |
/// | `/fake101`        | a bare `101` response, without accepting                               |
/// | `/panic-before`   | panics before accepting                                                |
/// | `/close-4001`     | accept, `close(4001, "bye")`, then read until `None`                   |
/// | `/return`         | accept, return at once                                                 |
/// | `/drop-socket`    | accept, drop the socket, then sleep 200 ms before returning            |
/// | `/panic-after`    | accept, panic after the first message                                  |
/// | `/noread`         | accept, never call `recv` (for 10 s)                                   |
/// | `/send-after-close` | accept, read until `None`, then try to send                         |
/// | `/send-return`    | accept, send `one`, `two` and binary `[3]`, return at once             |
/// | `/send-close-return` | accept, send `last`, `close(4002, "done")`, return at once          |
/// | `/sleepy`         | accept, sleep 1.5 s, then read (and report) until `None`                |
#[derive(Clone)]
pub(crate) struct WsApp {
    pub seen: mpsc::UnboundedSender<Seen>,
}

impl WsApp {
    pub(crate) fn new() -> (WsApp, mpsc::UnboundedReceiver<Seen>) {
        let (seen, rx) = mpsc::unbounded_channel();
        (WsApp { seen }, rx)
    }
}

fn text(status: u16, body: &str) -> Response<Body> {
    let mut r = Response::new(Body::from(body.to_owned()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap();
    r
}

impl App for WsApp {
    async fn call(&self, mut req: Request<Body>) -> Response<Body> {
        let path = req.uri().path().to_owned();
        let seen = self.seen.clone();
        let upgrade = req.extensions_mut().remove::<WebSocketUpgrade>();
        match path.as_str() {
            "/" => return text(200, "hello"),
            "/fake101" => {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
                return r;
            }
            "/panic-before" => panic!("handler panics before accepting, on purpose"),
            "/deny" => {
                let mut r = text(401, "token required");
                r.headers_mut()
                    .insert("www-authenticate", HeaderValue::from_static("Bearer"));
                return r;
            }
            _ => {}
        }
        let Some(upgrade) = upgrade else {
            return text(400, "expected a WebSocket handshake");
        };
        let route = path.clone();
        let accept = upgrade.clone().accept();
        match path.as_str() {
            "/reject" => upgrade.reject(),
            "/proto" => {
                let mut accept = accept.header(
                    HeaderName::from_static("x-extra"),
                    HeaderValue::from_static("yes"),
                );
                if upgrade.protocols().iter().any(|p| p == "b") {
                    accept = accept.protocol("b");
                }
                accept.on_upgrade(move |ws| echo(ws, route, seen))
            }
            "/bad-proto" => accept
                .protocol("bad\nvalue")
                .on_upgrade(move |ws| echo(ws, route, seen)),
            "/echo" => accept.on_upgrade(move |ws| echo(ws, route, seen)),
            "/close-4001" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                if ws.close(4001, "bye").await.is_err() {
                    let _ = seen.send(Seen::SendFailed);
                }
                drain(&mut ws, &seen).await;
            }),
            "/return" => accept.on_upgrade(move |ws| async move {
                start(&ws, &route, &seen);
            }),
            "/drop-socket" => accept.on_upgrade(move |ws| async move {
                start(&ws, &route, &seen);
                drop(ws);
                tokio::time::sleep(Duration::from_millis(200)).await;
            }),
            "/panic-after" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                let first = ws.recv().await;
                let _ = seen.send(Seen::Msg(first.unwrap_or(Message::Close(None))));
                panic!("handler panics after accepting, on purpose");
            }),
            "/noread" => accept.on_upgrade(move |ws| async move {
                start(&ws, &route, &seen);
                tokio::time::sleep(Duration::from_secs(10)).await;
                drop(ws);
            }),
            "/send-after-close" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                drain(&mut ws, &seen).await;
                if ws.send("too late").await.is_err() {
                    let _ = seen.send(Seen::SendFailed);
                }
            }),
            "/send-return" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                for m in [Message::from("one"), Message::from("two"), vec![3u8].into()] {
                    if ws.send(m).await.is_err() {
                        let _ = seen.send(Seen::SendFailed);
                    }
                }
            }),
            "/send-close-return" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                let sent = ws.send("last").await.is_ok() && ws.close(4002, "done").await.is_ok();
                if !sent {
                    let _ = seen.send(Seen::SendFailed);
                }
            }),
            "/sleepy" => accept.on_upgrade(move |mut ws| async move {
                start(&ws, &route, &seen);
                tokio::time::sleep(Duration::from_millis(1500)).await;
                drain(&mut ws, &seen).await;
            }),
            _ => text(404, "not found"),
        }
    }
}

fn start(ws: &WebSocket, route: &str, seen: &mpsc::UnboundedSender<Seen>) {
    let _ = seen.send(Seen::Start(
        route.to_owned(),
        ws.protocol().map(str::to_owned),
    ));
}

/// Reads and reports until `None`.
async fn drain(ws: &mut WebSocket, seen: &mpsc::UnboundedSender<Seen>) {
    while let Some(m) = ws.recv().await {
        let _ = seen.send(Seen::Msg(m));
    }
    let _ = seen.send(Seen::End);
}

/// Echoes text and binary; reports everything; after a `Close`, reads on until `None`.
async fn echo(mut ws: WebSocket, route: String, seen: mpsc::UnboundedSender<Seen>) {
    start(&ws, &route, &seen);
    while let Some(m) = ws.recv().await {
        let _ = seen.send(Seen::Msg(m.clone()));
        if matches!(m, Message::Text(_) | Message::Binary(_)) && ws.send(m).await.is_err() {
            let _ = seen.send(Seen::SendFailed);
        }
    }
    let _ = seen.send(Seen::End);
}

/// The next report, within [`IO_TIMEOUT`].
pub(crate) async fn next_seen(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Seen {
    tokio::time::timeout(IO_TIMEOUT, rx.recv())
        .await
        .expect("the handler reported nothing in time")
        .expect("the app was dropped")
}

/// Skips reports until a `Close`, asserts its code, then expects `End`.
pub(crate) async fn expect_handler_closed(rx: &mut mpsc::UnboundedReceiver<Seen>, code: u16) {
    loop {
        match next_seen(rx).await {
            Seen::Msg(Message::Close(frame)) => {
                let got = frame.as_ref().map(|f: &CloseFrame| f.code);
                assert_eq!(got, Some(code), "the handler saw {frame:?}");
                break;
            }
            Seen::End => panic!("the handler saw None without a Close first"),
            _ => {}
        }
    }
    assert_eq!(next_seen(rx).await, Seen::End);
}
