//! The WebSocket API: Starlette's `WebSocket`.
//!
//! A WebSocket endpoint gets a [`WebSocket`] before the handshake is answered, as in
//! Starlette: it can look at the headers, query and path parameters, then
//! [`accept`](WebSocket::accept) (with a subprotocol and extra headers),
//! [`close`](WebSocket::close) before accepting (the client gets `403`, as uvicorn answers) or
//! [`deny`](WebSocket::deny) with any HTTP response. After accepting it sends and receives text,
//! bytes and JSON; the client going away is an error value, [`WebSocketDisconnect`], with the
//! close code.
//!
//! ```
//! use ferrapi_toolkit::websockets::{WebSocket, WebSocketDisconnect};
//!
//! async fn echo(mut ws: WebSocket) -> Result<(), ferrapi_toolkit::Error> {
//!     ws.accept().await?;
//!     loop {
//!         match ws.receive_text().await {
//!             Ok(text) => ws.send_text(format!("echo: {text}")).await?,
//!             Err(e) if e.is_disconnect() => return Ok(()),
//!             Err(e) => return Err(e.into()),
//!         }
//!     }
//! }
//! ```
//!
//! An endpoint error after accepting closes the socket: a
//! [`crate::WebSocketException`] with its code and reason, anything else with
//! 1011 (and is logged). Before accepting, a `WebSocketException` denies with 403 and any other
//! error is answered by the exception handlers (an `HTTPException(401)` becomes a 401 denial).

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use ferrapi_server::websocket::{
    CloseFrame, Closed, Message, WebSocket as ServerSocket, WebSocketSender as ServerSender,
    WebSocketUpgrade,
};
use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::endpoints::{BoxFuture, WebSocketEndpoint};
use crate::exceptions::{Error, WebSocketException};
use crate::requests::Request;
use crate::responses::{IntoResponse, Response};

/// Where a WebSocket is in its life (Starlette's `WebSocketState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebSocketState {
    /// The handshake is not answered yet.
    Connecting,
    /// Accepted and open.
    Connected,
    /// Closed (by either side).
    Disconnected,
    /// Denied with an HTTP response.
    Response,
}

/// The peer closed the connection (Starlette's `WebSocketDisconnect`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebSocketDisconnect {
    /// The close code: the peer's, 1005 if it sent none, 1006 if it vanished.
    pub code: u16,
    /// The close reason.
    pub reason: String,
}

impl fmt::Display for WebSocketDisconnect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WebSocket disconnected with code {}", self.code)?;
        if !self.reason.is_empty() {
            write!(f, " ({})", self.reason)?;
        }
        Ok(())
    }
}

impl std::error::Error for WebSocketDisconnect {}

/// Why a `receive_*` call gave no value.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReceiveError {
    /// The peer closed (or vanished).
    Disconnect(WebSocketDisconnect),
    /// A message of the other kind arrived (bytes for `receive_text`, text for
    /// `receive_bytes`).
    WrongType(&'static str),
    /// A JSON message did not parse into the asked type.
    Json(serde_json::Error),
    /// The socket was never accepted.
    NotAccepted,
}

impl ReceiveError {
    /// Whether this is the peer disconnecting.
    pub fn is_disconnect(&self) -> bool {
        matches!(self, ReceiveError::Disconnect(_))
    }
}

impl fmt::Display for ReceiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReceiveError::Disconnect(d) => d.fmt(f),
            ReceiveError::WrongType(expected) => write!(f, "expected a {expected} message"),
            ReceiveError::Json(err) => write!(f, "invalid JSON message: {err}"),
            ReceiveError::NotAccepted => f.write_str("the WebSocket is not accepted"),
        }
    }
}

impl std::error::Error for ReceiveError {}

/// What the endpoint decided about the handshake.
enum Decision {
    Accept {
        protocol: Option<String>,
        headers: HeaderMap,
    },
    Deny(Response),
    Close,
}

/// A WebSocket connection, as an endpoint sees it.
pub struct WebSocket {
    /// Shared, so that code reading the handshake (the framework's argument gathering) can
    /// hold it while the socket itself moves on.
    request: Arc<Request>,
    protocols: Vec<String>,
    state: WebSocketState,
    decision: Option<oneshot::Sender<Decision>>,
    socket_rx: Option<oneshot::Receiver<ServerSocket>>,
    socket: Option<ServerSocket>,
}

impl fmt::Debug for WebSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebSocket")
            .field("path", &self.request.path())
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl WebSocket {
    /// The handshake request: headers, query and path parameters, cookies, state, `url_for`.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// The handshake request, shared: for code that keeps reading it after the socket has
    /// moved elsewhere (the framework reads an operation's parameters from it, then hands the
    /// socket to the operation).
    pub fn shared_request(&self) -> Arc<Request> {
        self.request.clone()
    }

    /// The handshake's headers.
    pub fn headers(&self) -> &HeaderMap {
        self.request.headers()
    }

    /// The query parameters.
    pub fn query_params(&self) -> &crate::datastructures::QueryParams {
        self.request.query_params()
    }

    /// One path parameter.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.request.path_param(name)
    }

    /// The subprotocols the client offered, in order.
    pub fn protocols(&self) -> &[String] {
        &self.protocols
    }

    /// Where the socket is in its life.
    pub fn state(&self) -> WebSocketState {
        self.state
    }

    /// Accepts the connection with no subprotocol.
    pub async fn accept(&mut self) -> Result<(), Closed> {
        self.accept_with(None, HeaderMap::new()).await
    }

    /// Accepts the connection with a subprotocol and extra response headers.
    pub async fn accept_with(
        &mut self,
        protocol: Option<&str>,
        headers: HeaderMap,
    ) -> Result<(), Closed> {
        if self.state == WebSocketState::Connected {
            return Ok(());
        }
        let decision = self.decision.take().ok_or(Closed)?;
        let sent = decision.send(Decision::Accept {
            protocol: protocol.map(str::to_string),
            headers,
        });
        if sent.is_err() {
            self.state = WebSocketState::Disconnected;
            return Err(Closed);
        }
        let socket = self
            .socket_rx
            .take()
            .ok_or(Closed)?
            .await
            .map_err(|_| Closed)?;
        self.socket = Some(socket);
        self.state = WebSocketState::Connected;
        Ok(())
    }

    /// Refuses the handshake with an HTTP response (ASGI's denial response). Only before
    /// accepting.
    pub fn deny(&mut self, response: impl IntoResponse) -> Result<(), Closed> {
        let decision = self.decision.take().ok_or(Closed)?;
        self.state = WebSocketState::Response;
        decision
            .send(Decision::Deny(response.into_response()))
            .map_err(|_| Closed)
    }

    /// Closes with `code` and `reason`; before accepting, refuses the handshake (403).
    pub async fn close(&mut self, code: u16, reason: &str) -> Result<(), Closed> {
        if let Some(decision) = self.decision.take() {
            self.state = WebSocketState::Disconnected;
            return decision.send(Decision::Close).map_err(|_| Closed);
        }
        self.state = WebSocketState::Disconnected;
        match &mut self.socket {
            Some(socket) => socket.close(code, reason).await,
            None => Err(Closed),
        }
    }

    /// The next text or binary message (pings and pongs are skipped; the server answers them).
    pub async fn receive(&mut self) -> Result<Message, ReceiveError> {
        let Some(socket) = &mut self.socket else {
            return Err(ReceiveError::NotAccepted);
        };
        loop {
            match socket.recv().await {
                Some(Message::Ping(_) | Message::Pong(_)) => continue,
                Some(Message::Close(frame)) => {
                    self.state = WebSocketState::Disconnected;
                    let frame = frame.unwrap_or(CloseFrame {
                        code: 1005,
                        reason: String::new(),
                    });
                    return Err(ReceiveError::Disconnect(WebSocketDisconnect {
                        code: frame.code,
                        reason: frame.reason,
                    }));
                }
                None => {
                    self.state = WebSocketState::Disconnected;
                    return Err(ReceiveError::Disconnect(WebSocketDisconnect {
                        code: 1006,
                        reason: String::new(),
                    }));
                }
                Some(message) => return Ok(message),
            }
        }
    }

    /// The next text message.
    pub async fn receive_text(&mut self) -> Result<String, ReceiveError> {
        match self.receive().await? {
            Message::Text(text) => Ok(text),
            _ => Err(ReceiveError::WrongType("text")),
        }
    }

    /// The next binary message.
    pub async fn receive_bytes(&mut self) -> Result<Bytes, ReceiveError> {
        match self.receive().await? {
            Message::Binary(data) => Ok(data),
            _ => Err(ReceiveError::WrongType("binary")),
        }
    }

    /// The next message (text or binary) parsed as JSON.
    pub async fn receive_json<T: DeserializeOwned>(&mut self) -> Result<T, ReceiveError> {
        let parsed = match self.receive().await? {
            Message::Text(text) => serde_json::from_str(&text),
            Message::Binary(data) => serde_json::from_slice(&data),
            _ => return Err(ReceiveError::WrongType("text or binary")),
        };
        parsed.map_err(ReceiveError::Json)
    }

    /// Sends a message.
    pub async fn send(&mut self, message: impl Into<Message>) -> Result<(), Closed> {
        match &mut self.socket {
            Some(socket) if self.state == WebSocketState::Connected => socket.send(message).await,
            _ => Err(Closed),
        }
    }

    /// Sends a text message.
    pub async fn send_text(&mut self, text: impl Into<String>) -> Result<(), Closed> {
        self.send(Message::Text(text.into())).await
    }

    /// Sends a binary message.
    pub async fn send_bytes(&mut self, data: impl Into<Bytes>) -> Result<(), Closed> {
        self.send(Message::Binary(data.into())).await
    }

    /// Sends a value as a JSON text message.
    pub async fn send_json<T: Serialize>(&mut self, value: &T) -> Result<(), Error> {
        let text = serde_json::to_string(value)?;
        self.send_text(text).await?;
        Ok(())
    }

    /// A cloneable handle for sending from other tasks while this one waits in
    /// [`receive`](Self::receive): a broadcaster, a ticker, a second producer. `None` until the
    /// socket is accepted.
    ///
    /// In Starlette any task may `await websocket.send_text(...)` on the shared object; in
    /// Rust `receive` and `send` both borrow the socket mutably, so concurrent sending goes
    /// through this handle instead. Messages from all handles and from the socket itself go
    /// out in the order they are sent. Messages sent after the close frame are discarded, and
    /// once the connection has ended every send fails with [`Closed`].
    pub fn sender(&self) -> Option<WebSocketSender> {
        match &self.socket {
            Some(socket) if self.state == WebSocketState::Connected => Some(WebSocketSender {
                inner: socket.sender(),
            }),
            _ => None,
        }
    }
}

/// A cloneable sending handle of an accepted [`WebSocket`], from [`WebSocket::sender`].
#[derive(Clone, Debug)]
pub struct WebSocketSender {
    inner: ServerSender,
}

impl WebSocketSender {
    /// Sends a message.
    pub async fn send(&self, message: impl Into<Message>) -> Result<(), Closed> {
        self.inner.send(message).await
    }

    /// Sends a text message.
    pub async fn send_text(&self, text: impl Into<String>) -> Result<(), Closed> {
        self.send(Message::Text(text.into())).await
    }

    /// Sends a binary message.
    pub async fn send_bytes(&self, data: impl Into<Bytes>) -> Result<(), Closed> {
        self.send(Message::Binary(data.into())).await
    }

    /// Sends a value as a JSON text message.
    pub async fn send_json<T: Serialize>(&self, value: &T) -> Result<(), Error> {
        let text = serde_json::to_string(value)?;
        self.send_text(text).await?;
        Ok(())
    }

    /// Starts the closing handshake with `code` and `reason`.
    pub async fn close(&self, code: u16, reason: &str) -> Result<(), Closed> {
        self.inner.close(code, reason).await
    }
}

/// Runs a WebSocket endpoint for an upgrade request: the handshake waits for the endpoint's
/// decision, then the endpoint continues on the accepted socket inside the server's upgrade
/// handler.
///
/// An error before the socket is accepted (other than a [`WebSocketException`], which rejects
/// the handshake) is this future's error: the application's exception handlers answer it as
/// they answer an HTTP endpoint's, with the handshake request.
pub(crate) fn serve(
    endpoint: Arc<dyn WebSocketEndpoint>,
    request: Request,
) -> BoxFuture<Result<Response, Error>> {
    // A copy stays in the request: it is what makes the request's URL `ws://`.
    let Some(upgrade) = request.extensions().get::<WebSocketUpgrade>().cloned() else {
        return Box::pin(async { Ok(http::StatusCode::BAD_REQUEST.into_response()) });
    };
    let (decision_tx, decision_rx) = oneshot::channel();
    let (socket_tx, socket_rx) = oneshot::channel();
    let ws = WebSocket {
        request: Arc::new(request),
        protocols: upgrade.protocols().to_vec(),
        state: WebSocketState::Connecting,
        decision: Some(decision_tx),
        socket_rx: Some(socket_rx),
        socket: None,
    };
    let mut run = endpoint.call(ws);
    Box::pin(async move {
        let mut decision_rx = decision_rx;
        let decided = tokio::select! {
            biased;
            d = &mut decision_rx => match d {
                Ok(d) => Some(d),
                // The `WebSocket` was dropped undecided while the endpoint runs on: its
                // outcome decides (an error goes to the handlers, as below).
                Err(_) => return match run.await {
                    Ok(()) => Ok(upgrade.reject()),
                    Err(err) => denial(err, upgrade),
                },
            },
            r = &mut run => {
                // The endpoint finished without deciding (or decided in its last poll).
                match decision_rx.try_recv() {
                    Ok(d) => Some(d),
                    Err(_) => return match r {
                        Ok(()) => Ok(upgrade.reject()),
                        Err(err) => denial(err, upgrade),
                    },
                }
            }
        };
        match decided {
            Some(Decision::Accept { protocol, headers }) => {
                let mut accept = upgrade.accept();
                if let Some(protocol) = protocol {
                    accept = accept.protocol(protocol);
                }
                for (name, value) in headers.iter() {
                    accept = accept.header(HeaderName::clone(name), HeaderValue::clone(value));
                }
                Ok(accept.on_upgrade(move |socket| async move {
                    let sender = socket.sender();
                    if socket_tx.send(socket).is_err() {
                        return;
                    }
                    if let Err(err) = run.await {
                        let (code, reason) = match err.downcast::<WebSocketException>() {
                            Ok(exc) => (exc.code, exc.reason),
                            Err(err) => {
                                tracing::error!(error = %err, "error in WebSocket endpoint");
                                (1011, String::new())
                            }
                        };
                        let _ = sender.close(code, &reason).await;
                    }
                }))
            }
            Some(Decision::Deny(response)) => Ok(response),
            Some(Decision::Close) | None => Ok(upgrade.reject()),
        }
    })
}

/// A WebSocket endpoint's error before it accepted: a [`WebSocketException`] rejects the
/// handshake, anything else goes to the exception handlers.
fn denial(err: Error, upgrade: WebSocketUpgrade) -> Result<Response, Error> {
    match err.downcast::<WebSocketException>() {
        Ok(_) => Ok(upgrade.reject()),
        Err(err) => Err(err),
    }
}
