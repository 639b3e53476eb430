//! WebSockets in the app contract: an upgrade request reaches the app like any request, with a
//! [`WebSocketUpgrade`] in its extensions; the app accepts it (choosing a subprotocol and
//! extra headers, and giving the function that talks on the socket) or denies it with any
//! HTTP response.
//!
//! | ASGI (uvicorn)                                   | ferrapi-server                                         |
//! |--------------------------------------------------|--------------------------------------------------------|
//! | `scope["type"] == "websocket"`                   | `req.extensions().get::<WebSocketUpgrade>()` is `Some` |
//! | `scope["subprotocols"]`                          | [`WebSocketUpgrade::protocols`]                        |
//! | `websocket.accept {subprotocol, headers}`        | [`WebSocketUpgrade::accept`] … [`Accept::on_upgrade`]  |
//! | `websocket.close` before accept (403)            | [`WebSocketUpgrade::reject`], or any response          |
//! | `websocket.http.response.*` (denial)             | return any other response                              |
//! | `websocket.receive` / `websocket.disconnect`     | [`WebSocket::recv`]: messages, then `Close`, then `None` |
//! | `websocket.send {text / bytes}`                  | [`WebSocket::send`]                                    |
//! | `websocket.close {code, reason}`                 | [`WebSocket::close`]                                   |
//!
//! ```
//! use ferrapi_server::websocket::{Message, WebSocketUpgrade};
//! use ferrapi_server::{Body, Request, Response, StatusCode};
//!
//! async fn app(mut req: Request<Body>) -> Response<Body> {
//!     match req.extensions_mut().remove::<WebSocketUpgrade>() {
//!         Some(upgrade) => upgrade.accept().on_upgrade(|mut ws| async move {
//!             while let Some(message) = ws.recv().await {
//!                 match message {
//!                     Message::Text(_) | Message::Binary(_) => {
//!                         if ws.send(message).await.is_err() {
//!                             break;
//!                         }
//!                     }
//!                     Message::Close(_) => break,
//!                     _ => {}
//!                 }
//!             }
//!         }),
//!         None => Response::new(Body::from("not a websocket")),
//!     }
//! }
//! ```
//!
//! The server answers pings, validates UTF-8 and frame rules, enforces the message size limit
//! (close 1009), sends keepalive pings and closes peers that stop answering (1011), closes with
//! 1012 on graceful shutdown and 1011 when the handler panics, and compresses with
//! permessage-deflate when the client offers it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Response, StatusCode};
use tokio::sync::mpsc;

use crate::body::Body;
use crate::proto::ws::deflate::DeflateParams;
use crate::proto::ws::handshake::Upgrade;

/// A WebSocket message, received or sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A text message (always valid UTF-8).
    Text(String),
    /// A binary message.
    Binary(Bytes),
    /// A ping (the server answers pings itself; apps see them for information).
    Ping(Bytes),
    /// A pong.
    Pong(Bytes),
    /// The closing handshake: received, the peer's code and reason (`None`: no status, 1005);
    /// sent, the code and reason to close with.
    Close(Option<CloseFrame>),
}

/// A close code and reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseFrame {
    /// The close code (1000 normal, 1001 going away, 1006 abnormal, 1009 too big, …).
    pub code: u16,
    /// The reason, at most 123 bytes on the wire.
    pub reason: String,
}

impl From<&str> for Message {
    fn from(text: &str) -> Message {
        Message::Text(text.to_string())
    }
}

impl From<String> for Message {
    fn from(text: String) -> Message {
        Message::Text(text)
    }
}

impl From<Bytes> for Message {
    fn from(data: Bytes) -> Message {
        Message::Binary(data)
    }
}

impl From<Vec<u8>> for Message {
    fn from(data: Vec<u8>) -> Message {
        Message::Binary(Bytes::from(data))
    }
}

/// The socket is closed: the message was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the WebSocket is closed")
    }
}

impl std::error::Error for Closed {}

type Handler = Box<dyn FnOnce(WebSocket) -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// A valid WebSocket handshake, found in the request's extensions (take it with
/// `extensions_mut().remove()`). Dropping it and returning any response denies the upgrade
/// with that response.
#[derive(Clone, Debug)]
pub struct WebSocketUpgrade {
    upgrade: Arc<Upgrade>,
    deflate: Option<DeflateParams>,
}

impl WebSocketUpgrade {
    pub(crate) fn new(upgrade: Upgrade, deflate: Option<DeflateParams>) -> WebSocketUpgrade {
        WebSocketUpgrade {
            upgrade: Arc::new(upgrade),
            deflate,
        }
    }

    /// The subprotocols the client offered (`Sec-WebSocket-Protocol`), in order.
    pub fn protocols(&self) -> &[String] {
        &self.upgrade.protocols
    }

    /// Starts accepting; finish with [`Accept::on_upgrade`].
    pub fn accept(self) -> Accept {
        Accept {
            upgrade: self,
            protocol: None,
            headers: HeaderMap::new(),
        }
    }

    /// Refuses the connection with `403 Forbidden`, as uvicorn does for an app that closes
    /// before accepting: an empty body, `content-type: text/plain; charset=utf-8`.
    pub fn reject(self) -> Response<Body> {
        let mut response = Response::new(Body::default());
        *response.status_mut() = StatusCode::FORBIDDEN;
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

/// An upgrade being accepted.
#[derive(Debug)]
pub struct Accept {
    upgrade: WebSocketUpgrade,
    protocol: Option<String>,
    headers: HeaderMap,
}

impl Accept {
    /// The subprotocol to speak, normally one of [`WebSocketUpgrade::protocols`].
    pub fn protocol(mut self, protocol: impl Into<String>) -> Accept {
        self.protocol = Some(protocol.into());
        self
    }

    /// An extra header for the `101 Switching Protocols` response.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Accept {
        self.headers.append(name, value);
        self
    }

    /// The `101` response to return from the app; once it is sent, `handler` runs with the
    /// socket. The handler's future is dropped if the connection ends while it runs; when it
    /// returns, the server closes the socket normally (1000) if it is still open.
    pub fn on_upgrade<F, Fut>(self, handler: F) -> Response<Body>
    where
        F: FnOnce(WebSocket) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let mut response = Response::new(Body::default());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        *response.headers_mut() = self.headers;
        let handler: Handler = Box::new(move |ws| Box::pin(handler(ws)));
        response.extensions_mut().insert(Accepted {
            upgrade: self.upgrade,
            protocol: self.protocol,
            handler: Arc::new(Mutex::new(Some(handler))),
        });
        response
    }
}

/// What the server needs to complete an accepted upgrade; travels in the `101` response.
#[derive(Clone)]
pub(crate) struct Accepted {
    pub(crate) upgrade: WebSocketUpgrade,
    pub(crate) protocol: Option<String>,
    handler: Arc<Mutex<Option<Handler>>>,
}

impl Accepted {
    pub(crate) fn handshake(&self) -> &Upgrade {
        &self.upgrade.upgrade
    }

    pub(crate) fn deflate(&self) -> Option<&DeflateParams> {
        self.upgrade.deflate.as_ref()
    }

    pub(crate) fn take_handler(&self) -> Option<Handler> {
        self.handler.lock().ok()?.take()
    }
}

impl fmt::Debug for Accepted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accepted")
            .field("protocol", &self.protocol)
            .finish_non_exhaustive()
    }
}

/// An open WebSocket, given to the handler of an accepted upgrade.
#[derive(Debug)]
pub struct WebSocket {
    incoming: mpsc::Receiver<Message>,
    outgoing: mpsc::Sender<Message>,
    protocol: Option<String>,
}

impl WebSocket {
    pub(crate) fn new(
        incoming: mpsc::Receiver<Message>,
        outgoing: mpsc::Sender<Message>,
        protocol: Option<String>,
    ) -> WebSocket {
        WebSocket {
            incoming,
            outgoing,
            protocol,
        }
    }

    /// The next message. After the connection closes, one `Message::Close` reports how (the
    /// peer's code, 1006 if it vanished, or the code the server closed with), then `None`.
    ///
    /// Cancel safe.
    pub async fn recv(&mut self) -> Option<Message> {
        self.incoming.recv().await
    }

    /// Sends a message; waits while the send queue is full (backpressure). `Message::Close`
    /// starts the closing handshake.
    pub async fn send(&mut self, message: impl Into<Message>) -> Result<(), Closed> {
        self.outgoing.send(message.into()).await.map_err(|_| Closed)
    }

    /// Starts the closing handshake with `code` and `reason`.
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), Closed> {
        self.send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_string(),
        })))
        .await
    }

    /// The subprotocol agreed in the handshake.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// A second handle for sending, usable while this one waits in [`recv`](Self::recv) or
    /// after it was given away (to close with a chosen code when a handler fails).
    pub fn sender(&self) -> WebSocketSender {
        WebSocketSender {
            outgoing: self.outgoing.clone(),
        }
    }
}

/// A cloneable sending handle of a [`WebSocket`].
#[derive(Clone, Debug)]
pub struct WebSocketSender {
    outgoing: mpsc::Sender<Message>,
}

impl WebSocketSender {
    /// Sends a message, as [`WebSocket::send`].
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Closed> {
        self.outgoing.send(message.into()).await.map_err(|_| Closed)
    }

    /// Starts the closing handshake, as [`WebSocket::close`].
    pub async fn close(&self, code: u16, reason: &str) -> Result<(), Closed> {
        self.send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.to_string(),
        })))
        .await
    }
}

impl WebSocketUpgrade {
    /// An upgrade that did not come from a socket, for test clients that drive an app in
    /// memory: put it in a request's extensions, call the app, and give the response to
    /// [`InMemoryClient::connect`].
    pub fn in_memory(protocols: Vec<String>) -> WebSocketUpgrade {
        WebSocketUpgrade::new(
            Upgrade {
                key: "dGhlIHNhbXBsZSBub25jZQ==".to_string(),
                protocols,
                extensions: Vec::new(),
            },
            None,
        )
    }
}

/// Messages queued in each direction of an in-memory WebSocket (the server's own queues are
/// of the same order).
const IN_MEMORY_QUEUE: usize = 32;

/// The client end of a WebSocket served in memory: what a test client holds after an app
/// accepted an [`in_memory`](WebSocketUpgrade::in_memory) upgrade.
///
/// It keeps the server's rules: the handler sees the client's messages, then its `Close`, then
/// `None`; when the handler returns without closing, the client receives `Close(1000)`, and
/// `Close(1011)` if it panicked.
#[derive(Debug)]
pub struct InMemoryClient {
    to_app: Option<mpsc::Sender<Message>>,
    from_app: mpsc::Receiver<Message>,
    protocol: Option<String>,
    closed: bool,
}

impl InMemoryClient {
    /// Starts the handler of an accepted upgrade on the current tokio runtime. Any other
    /// response (a denial) comes back as `Err`, boxed (it is much larger than the client).
    pub fn connect(response: Response<Body>) -> Result<InMemoryClient, Box<Response<Body>>> {
        let accepted = match response.extensions().get::<Accepted>() {
            Some(accepted) if response.status() == StatusCode::SWITCHING_PROTOCOLS => {
                accepted.clone()
            }
            _ => return Err(Box::new(response)),
        };
        let Some(handler) = accepted.take_handler() else {
            return Err(Box::new(response));
        };
        let (to_app, app_rx) = mpsc::channel(IN_MEMORY_QUEUE);
        let (app_tx, from_app) = mpsc::channel(IN_MEMORY_QUEUE);
        let last_word = app_tx.clone();
        let ws = WebSocket::new(app_rx, app_tx, accepted.protocol.clone());
        tokio::spawn(async move {
            let code = match crate::panic::CatchUnwind::<_>::new(handler(ws)).await {
                Ok(()) => 1000,
                Err(panic) => {
                    let message = crate::panic::message(&*panic);
                    tracing::error!(panic = message, "WebSocket handler panicked");
                    1011
                }
            };
            let _ = last_word
                .send(Message::Close(Some(CloseFrame {
                    code,
                    reason: String::new(),
                })))
                .await;
        });
        Ok(InMemoryClient {
            to_app: Some(to_app),
            from_app,
            protocol: accepted.protocol,
            closed: false,
        })
    }

    /// The subprotocol the app chose.
    pub fn protocol(&self) -> Option<&str> {
        self.protocol.as_deref()
    }

    /// Sends a message to the app. Sending `Message::Close` starts the closing handshake.
    pub async fn send(&mut self, message: impl Into<Message>) -> Result<(), Closed> {
        let message = message.into();
        let closing = matches!(message, Message::Close(_));
        let sender = self.to_app.as_ref().ok_or(Closed)?;
        sender.send(message).await.map_err(|_| Closed)?;
        if closing {
            // The app sees the close, then the end of the stream.
            self.to_app = None;
        }
        Ok(())
    }

    /// The next message from the app: its messages, then one `Close`, then `None`.
    pub async fn recv(&mut self) -> Option<Message> {
        if self.closed {
            return None;
        }
        let message = self.from_app.recv().await;
        match &message {
            Some(Message::Close(_)) | None => {
                self.closed = true;
                self.to_app = None;
            }
            _ => {}
        }
        message
    }
}
