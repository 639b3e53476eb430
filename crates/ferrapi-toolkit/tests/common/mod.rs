//! Helpers shared by the toolkit's integration tests: a deadline for every test, a blocking
//! HTTP client (`ureq`) driven from async tests, raw request bytes over TCP, and a WebSocket
//! client (`tokio-tungstenite`) for real sockets.
#![allow(dead_code)]

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The deadline of every test.
pub const LIMIT: Duration = Duration::from_secs(30);

/// Runs `fut`, failing the test if it takes longer than [`LIMIT`].
pub async fn within<F: Future>(fut: F) -> F::Output {
    tokio::time::timeout(LIMIT, fut)
        .await
        .expect("test did not finish within 30 s")
}

/// A response read whole over a real socket.
#[derive(Clone, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header (names are case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A `ureq` agent that returns 4xx/5xx as responses and never follows redirects.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

/// Sends a request with `ureq` on a blocking thread and reads the whole response.
pub async fn request(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> HttpResponse {
    let method = method.to_string();
    let url = url.to_string();
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || request_blocking(&agent(), &method, &url, &headers, body))
        .await
        .expect("the HTTP client thread panicked")
}

/// The blocking core of [`request`], for tests that run many requests on their own threads.
pub fn request_blocking(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    headers: &[(String, String)],
    body: Option<Vec<u8>>,
) -> HttpResponse {
    let mut builder = http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let response = match body {
        Some(body) => agent.run(builder.body(body).expect("valid request")),
        None => agent.run(builder.body(()).expect("valid request")),
    }
    .unwrap_or_else(|err| panic!("{method} {url} failed: {err}"));
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = response
        .into_body()
        .read_to_vec()
        .unwrap_or_else(|err| panic!("reading the body of {method} {url} failed: {err}"));
    HttpResponse {
        status,
        headers,
        body,
    }
}

/// `GET url`.
pub async fn get(url: &str) -> HttpResponse {
    request("GET", url, &[], None).await
}

/// Writes `request` as is and reads until the server closes (send `connection: close`).
pub async fn raw(addr: SocketAddr, request: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("write request");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).await.expect("read response");
    out
}

/// A response parsed from raw bytes: status, headers (lowercased names) and the rest.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    pub head: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Splits the first response in `bytes` into its head and everything after it.
pub fn parse_raw(bytes: &[u8]) -> RawResponse {
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no response head in {:?}", String::from_utf8_lossy(bytes)));
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line {status_line:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        head,
        headers,
        body: bytes[end + 4..].to_vec(),
    }
}

/// Decodes a chunked body (the bytes after the head). Returns the data and whether the
/// terminating zero-length chunk was there.
pub fn dechunk(mut bytes: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = bytes.windows(2).position(|w| w == b"\r\n") else {
            return (out, false);
        };
        let size_text = String::from_utf8_lossy(&bytes[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim().to_string();
        let Ok(size) = usize::from_str_radix(&size_text, 16) else {
            return (out, false);
        };
        bytes = &bytes[line_end + 2..];
        if size == 0 {
            return (out, true);
        }
        if bytes.len() < size + 2 {
            out.extend_from_slice(&bytes[..size.min(bytes.len())]);
            return (out, false);
        }
        out.extend_from_slice(&bytes[..size]);
        bytes = &bytes[size + 2..];
    }
}

/// A WebSocket client over a real socket.
pub type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket to `url`, offering `protocols` (none if empty).
pub async fn ws_connect(
    url: &str,
    protocols: &[&str],
) -> Result<
    (
        Ws,
        tokio_tungstenite::tungstenite::handshake::client::Response,
    ),
    tokio_tungstenite::tungstenite::Error,
> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request()?;
    if !protocols.is_empty() {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            protocols.join(", ").parse().expect("valid protocol list"),
        );
    }
    tokio_tungstenite::connect_async(request).await
}

/// A route at `/live` whose (single) response streams the chunks sent on the returned channel,
/// so a test can check what the client sees before the next chunk exists.
pub fn live_stream_route() -> (tokio::sync::mpsc::Sender<String>, ferrapi_toolkit::Route) {
    use ferrapi_toolkit::{IntoResponse, Request, Route, Streaming};
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(1);
    let rx = std::sync::Arc::new(tokio::sync::Mutex::new(Some(rx)));
    let route = Route::new("/live", move |_req: Request| {
        let rx = rx.clone();
        async move {
            let rx = rx.lock().await.take().expect("one request");
            let body = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|c| (Ok::<_, std::io::Error>(c), rx))
            });
            Streaming::new(body).into_response()
        }
    });
    (tx, route)
}
