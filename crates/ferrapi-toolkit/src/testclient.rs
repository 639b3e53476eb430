//! Testing apps: Starlette's `TestClient`, in process, and a real server on a free port.
//!
//! [`TestClient`] calls any [`App`] (a toolkit [`Application`](crate::Application), a
//! framework app, a bare server closure) without a socket, as Starlette's client does: the base
//! URL is `http://testserver`, the client address `127.0.0.1:50000`, cookies set by responses
//! are sent back on later requests, redirects are followed (up to 20), responses carry the
//! `content-length` the server would write, background tasks run
//! before `send` returns, WebSocket sessions run in memory, and
//! [`TestClient::start`] / [`TestClient::shutdown`] run the lifespan hooks (Starlette's
//! `with TestClient(app)`).
//!
//! ```
//! use ferrapi_toolkit::testclient::TestClient;
//! use ferrapi_toolkit::{Application, Request, Route};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! async fn hello(req: Request) -> String {
//!     format!("hello {}", req.query_params().get("name").unwrap_or("world"))
//! }
//! let client = TestClient::new(Application::new().route(Route::new("/", hello)));
//! let response = client.get("/").query(&[("name", "ferris")]).send().await;
//! assert_eq!(response.status(), 200);
//! assert_eq!(response.text(), "hello ferris");
//! # }
//! ```
//!
//! [`LiveServer`] serves an app on `127.0.0.1:0` with the real server, for tests that need a
//! socket (a real HTTP client, `curl`, a browser).
//!
//! Differences from Starlette: the client is async (tests are `#[tokio::test]`), the cookie
//! jar ignores cookie paths and domains, and an endpoint's panic is a `500` response rather
//! than an exception raised in the test (the message is in the log).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use ferrapi_server::websocket::{InMemoryClient, Message, WebSocketUpgrade};
use ferrapi_server::{AfterResponse, App, Body, BoxError, IntoApp, Scheme, Scope, Server};
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Method, StatusCode, Version};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::websockets::{ReceiveError, WebSocketDisconnect};

/// The host of the test client's URLs, as Starlette's.
pub const TEST_HOST: &str = "testserver";

/// How many redirects a request follows before giving the last one back.
pub const MAX_REDIRECTS: usize = 20;

/// An in-process client for an app.
pub struct TestClient<A> {
    app: Arc<A>,
    cookies: Mutex<BTreeMap<String, String>>,
    headers: HeaderMap,
    follow_redirects: bool,
    root_path: Arc<str>,
    client: SocketAddr,
}

impl<A> std::fmt::Debug for TestClient<A> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestClient")
            .field("follow_redirects", &self.follow_redirects)
            .field("root_path", &self.root_path)
            .finish_non_exhaustive()
    }
}

impl<A: App> TestClient<A> {
    /// A client for `app` (an app, or an application to build), without running its
    /// lifespan.
    pub fn new(app: impl IntoApp<App = A>) -> TestClient<A> {
        TestClient {
            app: Arc::new(app.into_app()),
            cookies: Mutex::new(BTreeMap::new()),
            headers: HeaderMap::new(),
            follow_redirects: true,
            root_path: "".into(),
            client: SocketAddr::from(([127, 0, 0, 1], 50000)),
        }
    }

    /// A client for `app` after running its startup hooks.
    pub async fn start(app: impl IntoApp<App = A>) -> Result<TestClient<A>, BoxError> {
        let client = TestClient::new(app);
        client.app.startup().await?;
        Ok(client)
    }

    /// Runs the app's shutdown hooks.
    pub async fn shutdown(&self) {
        self.app.shutdown().await;
    }

    /// Whether redirects are followed (on by default).
    pub fn follow_redirects(mut self, follow: bool) -> TestClient<A> {
        self.follow_redirects = follow;
        self
    }

    /// The root path the app is served under (the server's `--root-path`).
    pub fn root_path(mut self, root_path: &str) -> TestClient<A> {
        self.root_path = root_path.into();
        self
    }

    /// A header sent with every request.
    pub fn default_header(mut self, name: &'static str, value: &str) -> TestClient<A> {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(HeaderName::from_static(name), value);
        }
        self
    }

    /// The cookies the client holds.
    pub fn cookies(&self) -> BTreeMap<String, String> {
        self.cookies.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Sets a cookie in the client's jar.
    pub fn set_cookie(&self, name: &str, value: &str) {
        if let Ok(mut jar) = self.cookies.lock() {
            jar.insert(name.to_string(), value.to_string());
        }
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: &str) -> TestRequest<'_, A> {
        TestRequest {
            client: self,
            method,
            path: path.to_string(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    /// A `GET` request.
    pub fn get(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::GET, path)
    }

    /// A `HEAD` request.
    pub fn head(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::HEAD, path)
    }

    /// A `POST` request.
    pub fn post(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::POST, path)
    }

    /// A `PUT` request.
    pub fn put(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::PUT, path)
    }

    /// A `PATCH` request.
    pub fn patch(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::PATCH, path)
    }

    /// A `DELETE` request.
    pub fn delete(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::DELETE, path)
    }

    /// An `OPTIONS` request.
    pub fn options(&self, path: &str) -> TestRequest<'_, A> {
        self.request(Method::OPTIONS, path)
    }

    /// Opens a WebSocket session in memory. A denial (any response but an accepted upgrade)
    /// comes back as `Err` with that response.
    pub async fn websocket_connect(&self, path: &str) -> Result<WebSocketSession, TestResponse> {
        self.websocket_connect_with(path, &[], HeaderMap::new())
            .await
    }

    /// Opens a WebSocket session offering `protocols`, with extra handshake headers.
    pub async fn websocket_connect_with(
        &self,
        path: &str,
        protocols: &[&str],
        headers: HeaderMap,
    ) -> Result<WebSocketSession, TestResponse> {
        let mut req = self.build(Method::GET, path, &[], &headers, Bytes::new());
        let offered: Vec<String> = protocols.iter().map(|p| p.to_string()).collect();
        let h = req.headers_mut();
        h.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        h.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        h.insert(
            header::SEC_WEBSOCKET_VERSION,
            HeaderValue::from_static("13"),
        );
        h.insert(
            header::SEC_WEBSOCKET_KEY,
            HeaderValue::from_static("dGhlIHNhbXBsZSBub25jZQ=="),
        );
        if !offered.is_empty() {
            if let Ok(value) = HeaderValue::from_str(&offered.join(", ")) {
                h.insert(header::SEC_WEBSOCKET_PROTOCOL, value);
            }
        }
        req.extensions_mut()
            .insert(WebSocketUpgrade::in_memory(offered));
        let response = self.app.call(req).await;
        let headers = response.headers().clone();
        match InMemoryClient::connect(response) {
            Ok(socket) => Ok(WebSocketSession { socket, headers }),
            Err(response) => Err(self.finish(Method::GET, *response).await),
        }
    }

    fn build(
        &self,
        method: Method,
        path: &str,
        query: &[(String, String)],
        headers: &HeaderMap,
        body: Bytes,
    ) -> http::Request<Body> {
        let path = strip_origin(path);
        let mut target = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("/{path}")
        };
        if !query.is_empty() {
            let mut ser = form_urlencoded::Serializer::new(String::new());
            for (k, v) in query {
                ser.append_pair(k, v);
            }
            target.push(if target.contains('?') { '&' } else { '?' });
            target.push_str(&ser.finish());
        }
        let mut req = http::Request::new(Body::from(body.clone()));
        *req.method_mut() = method;
        // Spaces, quotes, controls and non-ASCII are percent-encoded, as httpx does, so
        // `get("/a b")` asks for `/a%20b` rather than failing.
        let target = percent_encoding::utf8_percent_encode(&target, TARGET_ESCAPE).to_string();
        *req.uri_mut() = target
            .parse()
            .unwrap_or_else(|err| panic!("invalid test request target {target:?}: {err}"));
        *req.version_mut() = Version::HTTP_11;
        let h = req.headers_mut();
        h.insert(header::HOST, HeaderValue::from_static(TEST_HOST));
        h.insert(header::USER_AGENT, HeaderValue::from_static("testclient"));
        h.insert(header::ACCEPT, HeaderValue::from_static("*/*"));
        h.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate"),
        );
        if !body.is_empty() {
            h.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        // The client's default headers, then the request's: a name the request gives replaces
        // the default and built-in values, and keeps its repeats.
        for (name, value) in &self.headers {
            h.insert(name.clone(), value.clone());
        }
        for name in headers.keys() {
            h.remove(name);
        }
        for (name, value) in headers {
            h.append(name.clone(), value.clone());
        }
        let jar = self.cookies();
        if !jar.is_empty() && !h.contains_key(header::COOKIE) {
            let cookie = jar
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                h.insert(header::COOKIE, value);
            }
        }
        req.extensions_mut().insert(Scope::new(
            Some(self.client),
            None,
            Scheme::Http,
            self.root_path.clone(),
            Version::HTTP_11,
        ));
        req
    }

    async fn finish(&self, method: Method, response: http::Response<Body>) -> TestResponse {
        let (mut parts, body) = response.into_parts();
        // The framing header the server would write, so tests see what a client sees.
        let bodiless = matches!(parts.status.as_u16(), 100..=199 | 204 | 304);
        if let Some(len) = body.exact_len().filter(|_| !bodiless) {
            if !parts.headers.contains_key(header::CONTENT_LENGTH) {
                parts
                    .headers
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            }
        }
        let after = parts.extensions.get::<AfterResponse>().cloned();
        let body = match body.collect().await {
            Ok(bytes) => bytes,
            Err(err) => {
                tracing::warn!(error = %err, "response body ended with an error");
                Bytes::new()
            }
        };
        if let Some(task) = after.and_then(|a| a.take()) {
            task.await;
        }
        self.store_cookies(&parts.headers);
        TestResponse {
            status: parts.status,
            headers: parts.headers,
            body: if method == Method::HEAD {
                Bytes::new()
            } else {
                body
            },
        }
    }

    fn store_cookies(&self, headers: &HeaderMap) {
        let Ok(mut jar) = self.cookies.lock() else {
            return;
        };
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut attrs = text.split(';');
            let Some((name, value)) = attrs.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            // Expired by `Max-Age<=0` or an `expires` in the past, as httpx's jar decides.
            let expired = attrs.any(|a| {
                let a = a.trim();
                let lower = a.to_ascii_lowercase();
                if let Some(age) = lower.strip_prefix("max-age=") {
                    return age.parse::<i64>().is_ok_and(|v| v <= 0);
                }
                if lower.starts_with("expires=") {
                    return httpdate::parse_http_date(&a["expires=".len()..])
                        .is_ok_and(|at| at <= std::time::SystemTime::now());
                }
                false
            });
            if expired {
                jar.remove(name.trim());
            } else {
                jar.insert(name.trim().to_string(), value.trim().to_string());
            }
        }
    }
}

/// What [`TestClient`] percent-encodes in a request target: controls, space and the
/// characters a URL may not carry as they are; `%`, `?`, `#` and the other delimiters stay.
const TARGET_ESCAPE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Removes `http://testserver` (or any `scheme://host`) from a URL, leaving the path.
fn strip_origin(url: &str) -> &str {
    for scheme in ["http://", "https://", "ws://", "wss://"] {
        if let Some(rest) = url.strip_prefix(scheme) {
            return match rest.find('/') {
                Some(i) => &rest[i..],
                None => "/",
            };
        }
    }
    url
}

/// A request being built by a [`TestClient`].
#[derive(Debug)]
pub struct TestRequest<'a, A> {
    client: &'a TestClient<A>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
}

impl<A: App> TestRequest<'_, A> {
    /// Adds a header (an invalid one is ignored with a warning).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                self.headers.append(name, value);
            }
            _ => tracing::warn!(name, "invalid test header ignored"),
        }
        self
    }

    /// Adds query parameters.
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        self.query
            .extend(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        self
    }

    /// Sends `value` as a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        self.body = serde_json::to_vec(value).unwrap_or_default().into();
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        self
    }

    /// Sends an urlencoded form.
    pub fn form(mut self, pairs: &[(&str, &str)]) -> Self {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs {
            ser.append_pair(k, v);
        }
        self.body = ser.finish().into();
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self
    }

    /// Sends raw bytes.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request and reads the whole response (following redirects if the client
    /// does).
    pub async fn send(self) -> TestResponse {
        let client = self.client;
        let mut method = self.method;
        let mut path = self.path;
        let mut query = self.query;
        let mut body = self.body;
        let mut redirects = 0;
        loop {
            let req = client.build(method.clone(), &path, &query, &self.headers, body.clone());
            let response = client.app.call(req).await;
            let response = client.finish(method.clone(), response).await;
            let location = response
                .header("location")
                .map(str::to_string)
                .filter(|_| client.follow_redirects && response.status.is_redirection());
            let Some(location) = location else {
                return response;
            };
            if redirects == MAX_REDIRECTS {
                return response;
            }
            redirects += 1;
            // httpx's rules: 303 becomes GET, and so do 301/302 after a POST.
            let code = response.status.as_u16();
            if code == 303 || (matches!(code, 301 | 302) && method == Method::POST) {
                method = Method::GET;
                body = Bytes::new();
            }
            path = location;
            query = Vec::new();
        }
    }
}

/// A response read whole by the [`TestClient`] or [`LiveServer`] helpers.
#[derive(Clone, Debug)]
pub struct TestResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl TestResponse {
    /// The status code (compare with a number: `response.status() == 404`).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body.
    pub fn bytes(&self) -> &Bytes {
        &self.body
    }

    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

/// A WebSocket session with an app, in memory (Starlette's `WebSocketTestSession`).
#[derive(Debug)]
pub struct WebSocketSession {
    socket: InMemoryClient,
    headers: HeaderMap,
}

impl WebSocketSession {
    /// The subprotocol the app accepted with.
    pub fn protocol(&self) -> Option<&str> {
        self.socket.protocol()
    }

    /// The headers of the app's `101` response.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// Sends a text message.
    pub async fn send_text(&mut self, text: &str) -> Result<(), ferrapi_server::websocket::Closed> {
        self.socket.send(Message::Text(text.to_string())).await
    }

    /// Sends a binary message.
    pub async fn send_bytes(
        &mut self,
        data: impl Into<Bytes>,
    ) -> Result<(), ferrapi_server::websocket::Closed> {
        self.socket.send(Message::Binary(data.into())).await
    }

    /// Sends a value as JSON text.
    pub async fn send_json<T: Serialize>(
        &mut self,
        value: &T,
    ) -> Result<(), ferrapi_server::websocket::Closed> {
        let text = serde_json::to_string(value).unwrap_or_default();
        self.socket.send(Message::Text(text)).await
    }

    /// The next message from the app, close frames included.
    pub async fn receive(&mut self) -> Option<Message> {
        self.socket.recv().await
    }

    async fn receive_data(&mut self) -> Result<Message, ReceiveError> {
        loop {
            match self.socket.recv().await {
                Some(Message::Close(frame)) => {
                    let (code, reason) = frame
                        .map(|f| (f.code, f.reason))
                        .unwrap_or((1005, String::new()));
                    return Err(ReceiveError::Disconnect(WebSocketDisconnect {
                        code,
                        reason,
                    }));
                }
                None => {
                    return Err(ReceiveError::Disconnect(WebSocketDisconnect {
                        code: 1006,
                        reason: String::new(),
                    }))
                }
                Some(Message::Ping(_) | Message::Pong(_)) => continue,
                Some(message) => return Ok(message),
            }
        }
    }

    /// The next text message; a close is `Err(Disconnect)` with the app's code.
    pub async fn receive_text(&mut self) -> Result<String, ReceiveError> {
        match self.receive_data().await? {
            Message::Text(text) => Ok(text),
            _ => Err(ReceiveError::WrongType("text")),
        }
    }

    /// The next binary message.
    pub async fn receive_bytes(&mut self) -> Result<Bytes, ReceiveError> {
        match self.receive_data().await? {
            Message::Binary(data) => Ok(data),
            _ => Err(ReceiveError::WrongType("binary")),
        }
    }

    /// The next message parsed as JSON.
    pub async fn receive_json<T: DeserializeOwned>(&mut self) -> Result<T, ReceiveError> {
        match self.receive_data().await? {
            Message::Text(text) => serde_json::from_str(&text).map_err(ReceiveError::Json),
            Message::Binary(data) => serde_json::from_slice(&data).map_err(ReceiveError::Json),
            _ => Err(ReceiveError::WrongType("text or binary")),
        }
    }

    /// Closes the session with `code`.
    pub async fn close(&mut self, code: u16) {
        let _ = self
            .socket
            .send(Message::Close(Some(
                ferrapi_server::websocket::CloseFrame {
                    code,
                    reason: String::new(),
                },
            )))
            .await;
    }
}

/// An app served by the real server on `127.0.0.1` and a free port; stopped (gracefully,
/// then aborted) when dropped.
#[derive(Debug)]
pub struct LiveServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ferrapi_server::Error>>>,
}

impl LiveServer {
    /// Serves `app` with the server's defaults on `127.0.0.1:0`.
    pub async fn start<A: IntoApp>(app: A) -> Result<LiveServer, ferrapi_server::Error> {
        LiveServer::start_with(Server::builder(), app).await
    }

    /// Serves `app` with a configured server builder.
    pub async fn start_with<A: IntoApp>(
        builder: ferrapi_server::Builder,
        app: A,
    ) -> Result<LiveServer, ferrapi_server::Error> {
        let server = builder.bind("127.0.0.1:0").await?;
        let addr = server
            .local_addr()
            .expect("a TCP listener has a local address");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.serve_with_shutdown(app.into_app(), async move {
            let _ = stopped.await;
        }));
        Ok(LiveServer {
            addr,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Stops the server gracefully and waits for it (its shutdown hooks included).
    pub async fn stop(mut self) -> Result<(), ferrapi_server::Error> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or(Ok(())),
            None => Ok(()),
        }
    }
}

impl Drop for LiveServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
