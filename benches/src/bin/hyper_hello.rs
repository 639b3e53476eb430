//! Peer server: plain hyper 1.x, one connection task per socket on a current-thread runtime.
//!
//! A hand-written `service_fn` that matches on the path, the way a hyper user would write it.
//! Endpoints (shared by every server in the benchmark):
//!
//! * `GET /` → `ok`
//! * `GET /plaintext` → `Hello, World!` (`text/plain`)
//! * `GET /json` → `{"message":"Hello, World!"}` (`application/json`, serialized per request)
//! * `GET /items/{id}?q=…` → `{"id":<int>,"q":<string|null>}`; 400 if `id` is not an integer
//! * any method on `/echo` → 200 with the request body streamed back
//! * anything else → 404

use std::convert::Infallible;

use ferrapi_benches::ListenArgs;
use http_body_util::{Either, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde::Serialize;
use tokio::net::TcpListener;

/// Response body: a buffered body, or the request body streamed straight back (`/echo`).
type Body = Either<Full<Bytes>, Incoming>;

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

#[derive(Serialize)]
struct Item {
    id: i64,
    q: Option<String>,
}

fn full(
    status: StatusCode,
    content_type: Option<&'static str>,
    body: impl Into<Bytes>,
) -> Response<Body> {
    let mut res = Response::new(Either::Left(Full::new(body.into())));
    *res.status_mut() = status;
    if let Some(ct) = content_type {
        res.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    res
}

fn json<T: Serialize>(value: &T) -> Response<Body> {
    match serde_json::to_vec(value) {
        Ok(bytes) => full(StatusCode::OK, Some("application/json"), bytes),
        Err(_) => full(StatusCode::INTERNAL_SERVER_ERROR, None, Bytes::new()),
    }
}

fn item(id: &str, query: Option<&str>) -> Response<Body> {
    let Ok(id) = id.parse::<i64>() else {
        return full(
            StatusCode::BAD_REQUEST,
            Some("text/plain"),
            "id must be an integer",
        );
    };
    let q = query.and_then(|query| {
        form_urlencoded::parse(query.as_bytes())
            .find(|(key, _)| key == "q")
            .map(|(_, value)| value.into_owned())
    });
    json(&Item { id, q })
}

async fn handle(req: Request<Incoming>) -> Result<Response<Body>, Infallible> {
    let path = req.uri().path();
    if path == "/echo" {
        // Stream the body back as it arrives; hyper keeps the length if the request had one.
        return Ok(Response::new(Either::Right(req.into_body())));
    }
    if req.method() != Method::GET {
        return Ok(full(StatusCode::NOT_FOUND, None, Bytes::new()));
    }
    let res = match path {
        "/" => full(StatusCode::OK, Some("text/plain"), "ok"),
        "/plaintext" => full(StatusCode::OK, Some("text/plain"), "Hello, World!"),
        "/json" => json(&Message {
            message: "Hello, World!",
        }),
        _ => match path.strip_prefix("/items/") {
            Some(id) if !id.is_empty() && !id.contains('/') => item(id, req.uri().query()),
            _ => full(StatusCode::NOT_FOUND, None, Bytes::new()),
        },
    };
    Ok(res)
}

fn main() -> std::io::Result<()> {
    let args = ListenArgs::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(args.addr()).await?;
        eprintln!("hyper_hello listening on http://{}", listener.local_addr()?);
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(conn) => conn,
                Err(err) => {
                    // EMFILE and friends: back off instead of spinning.
                    eprintln!("accept error: {err}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            tokio::spawn(async move {
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(handle))
                    .await;
            });
        }
    })
}
