//! The server layer alone: no routing library, just an async function over `http` types.
//!
//! ```text
//! cargo run --release -p ferrapi-examples --bin hello_server -- --port 8000 --no-access-log
//! curl localhost:8000/plaintext
//! ```
//!
//! * `GET /` → `ok`
//! * `GET /plaintext` → `Hello, World!` (`text/plain`)
//! * `GET /json` → `{"message":"Hello, World!"}` (`application/json`)
//! * `GET /items/{id}?q=…` → `{"id":<int>,"q":<string or null>}`, 400 if `id` is not an integer
//! * any method on `/echo` → the request body, streamed back as it arrives
//! * `/ws` → a WebSocket that echoes every text and binary message and closes when the client
//!   does
//! * anything else → 404

use bytes::Bytes;
use ferrapi_server::http::{header, HeaderValue, Method};
use ferrapi_server::websocket::{Message, WebSocket, WebSocketUpgrade};
use ferrapi_server::{Body, Request, Response, StatusCode};
use serde::Serialize;

#[derive(Serialize)]
struct Greeting {
    message: &'static str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: i64,
    q: Option<std::borrow::Cow<'a, str>>,
}

async fn app(mut req: Request<Body>) -> Response<Body> {
    if req.uri().path() == "/ws" {
        return match req.extensions_mut().remove::<WebSocketUpgrade>() {
            Some(upgrade) => upgrade.accept().on_upgrade(echo),
            None => status(StatusCode::BAD_REQUEST, "expected a WebSocket handshake"),
        };
    }
    let path = req.uri().path();
    let get = req.method() == Method::GET || req.method() == Method::HEAD;
    match path {
        "/" if get => text("ok"),
        "/plaintext" if get => text("Hello, World!"),
        "/json" if get => json(&Greeting {
            message: "Hello, World!",
        }),
        "/echo" => Response::new(req.into_body()),
        _ if get && path.starts_with("/items/") => {
            item(&path["/items/".len()..], req.uri().query())
        }
        _ => status(StatusCode::NOT_FOUND, "Not Found"),
    }
}

async fn echo(mut ws: WebSocket) {
    while let Some(message) = ws.recv().await {
        match message {
            Message::Text(_) | Message::Binary(_) => {
                if ws.send(message).await.is_err() {
                    return;
                }
            }
            Message::Close(_) => return,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
}

fn item(id: &str, query: Option<&str>) -> Response<Body> {
    let Ok(id) = id.parse::<i64>() else {
        return status(StatusCode::BAD_REQUEST, "id must be an integer");
    };
    let q = query.and_then(|query| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .find(|(k, _)| *k == "q")
            .map(|(_, v)| percent_decode(v))
    });
    json(&Item { id, q })
}

/// Decodes `+` and `%XX` escapes of a query value (invalid escapes are kept as they are).
fn percent_decode(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains(['%', '+']) {
        return raw.into();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned().into()
}

fn hex(digit: u8) -> Option<u8> {
    (digit as char).to_digit(16).map(|d| d as u8)
}

fn text(body: &'static str) -> Response<Body> {
    let mut res = Response::new(Body::from(body));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    res
}

fn json<T: Serialize>(value: &T) -> Response<Body> {
    let body = serde_json::to_vec(value).expect("plain structs always serialize");
    let mut res = Response::new(Body::from(Bytes::from(body)));
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn status(code: StatusCode, message: &'static str) -> Response<Body> {
    let mut res = text(message);
    *res.status_mut() = code;
    res
}

fn main() -> std::process::ExitCode {
    // Every flag of the server (`--help` lists them): host, port, workers, limits, timeouts…
    ferrapi_server::run(app)
}
