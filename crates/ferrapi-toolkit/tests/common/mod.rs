//! Helpers shared by the toolkit's integration tests: a deadline for every test, a blocking
//! HTTP client (`ureq`) driven from async tests, and a WebSocket client (`tokio-tungstenite`)
//! for real sockets. Raw request bytes over TCP and their parsing are `ferrapi-test-support`'s,
//! re-exported here.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;

// Each test binary uses its own part of the shared client.
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::conn::{raw, Conn};
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::{agent, dechunk, find, parse_raw, RawResponse};

/// The deadline of every test.
pub(crate) const LIMIT: Duration = Duration::from_secs(30);

/// Runs `fut`, failing the test if it takes longer than [`LIMIT`].
pub(crate) async fn within<F: Future>(fut: F) -> F::Output {
    ferrapi_test_support::within(LIMIT, fut).await
}

/// A response read whole over a real socket.
#[derive(Clone, Debug)]
pub(crate) struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first value of a header (names are case-insensitive).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub(crate) fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The body as text.
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// How long a request through [`agent`] may take.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// Sends a request with `ureq` on a blocking thread and reads the whole response.
pub(crate) async fn request(
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
    tokio::task::spawn_blocking(move || {
        request_blocking(&agent(REQUEST_TIMEOUT), &method, &url, &headers, body)
    })
    .await
    .expect("the HTTP client thread panicked")
}

/// The blocking core of [`request`], for tests that run many requests on their own threads.
pub(crate) fn request_blocking(
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
pub(crate) async fn get(url: &str) -> HttpResponse {
    request("GET", url, &[], None).await
}

/// A WebSocket client over a real socket.
pub(crate) type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a WebSocket to `url`, offering `protocols` (none if empty).
pub(crate) async fn ws_connect(
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
pub(crate) fn live_stream_route() -> (tokio::sync::mpsc::Sender<String>, ferrapi_toolkit::Route) {
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
