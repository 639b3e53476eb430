//! `middleware::gzip`: Starlette's `GZipMiddleware`, in process and over real sockets
//! (a streamed body is decoded chunk by chunk as it arrives).

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{dechunk, find, parse_raw, raw, request, within, Conn};
use ferrapi_toolkit::middleware::gzip::GZipMiddleware;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::server::{Body, Response};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, BackgroundTasks, IntoResponse, PlainText, Request, ResponseExt, Route, StatusCode,
    Streaming,
};

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

fn big() -> String {
    "x".repeat(1000)
}

async fn plain(req: Request) -> Response<Body> {
    let size: usize = req
        .query_params()
        .get("size")
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let mut response = PlainText("x".repeat(size)).into_response();
    for (name, value) in req.query_params().iter() {
        if name != "size" {
            response.headers_mut().insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
    }
    if req.query_params().get("status").is_some() {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        response.headers_mut().remove("status");
    }
    response
}

async fn stream(_req: Request) -> Response<Body> {
    let chunks = ["a".repeat(300), "b".repeat(300), "c".repeat(400)];
    let iter = chunks.into_iter().map(Ok::<_, std::io::Error>);
    Streaming::new(futures_util::stream::iter(iter))
        .media_type("text/plain")
        .unwrap()
        .into_response()
}

async fn empty_stream(_req: Request) -> Response<Body> {
    Streaming::new(futures_util::stream::iter(Vec::<
        Result<String, std::io::Error>,
    >::new()))
    .into_response()
}

fn app() -> Application {
    Application::new()
        .route(Route::new("/plain", plain))
        .route(Route::new("/stream", stream))
        .route(Route::new("/empty-stream", empty_stream))
        .middleware(|inner: BoxApp| GZipMiddleware::new(inner))
}

#[tokio::test]
async fn compresses_a_large_body() {
    within(async {
        let client = TestClient::new(app());
        let r = client
            .get("/plain")
            .header("accept-encoding", "gzip, deflate")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.header("vary"), Some("Accept-Encoding"));
        assert_eq!(
            r.header("content-length"),
            Some(r.bytes().len().to_string().as_str())
        );
        assert!(r.bytes().len() < 100);
        assert_eq!(gunzip(r.bytes()), big().as_bytes());
        // An existing Vary is kept.
        let r = client
            .get("/plain?vary=Cookie")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("vary"), Some("Cookie, Accept-Encoding"));
    })
    .await
}

#[tokio::test]
async fn leaves_small_bodies_alone() {
    within(async {
        let client = TestClient::new(app());
        let r = client
            .get("/plain?size=499")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), None);
        assert_eq!(r.header("vary"), None);
        assert_eq!(r.bytes().len(), 499);
        // Exactly the minimum size is compressed.
        let r = client
            .get("/plain?size=500")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        // A custom minimum.
        let client = TestClient::new(
            Application::new()
                .route(Route::new("/plain", plain))
                .middleware(|inner: BoxApp| GZipMiddleware::new(inner).minimum_size(2000)),
        );
        let r = client
            .get("/plain")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), None);
    })
    .await
}

#[tokio::test]
async fn without_gzip_in_accept_encoding_only_vary_is_added() {
    within(async {
        let client = TestClient::new(app());
        // (The test client sends `gzip, deflate` unless told otherwise, as httpx does.)
        for accept in [Some("br"), Some("identity"), Some("deflate"), Some("")] {
            let mut req = client.get("/plain");
            if let Some(accept) = accept {
                req = req.header("accept-encoding", accept);
            }
            let r = req.send().await;
            assert_eq!(r.header("content-encoding"), None, "{accept:?}");
            assert_eq!(r.header("vary"), Some("Accept-Encoding"), "{accept:?}");
            assert_eq!(r.text(), big());
        }
    })
    .await
}

#[tokio::test]
async fn already_encoded_partial_and_excluded_responses_pass_through() {
    within(async {
        let client = TestClient::new(app());
        for query in [
            "content-encoding=br",
            "status=206",
            "content-type=text/event-stream",
            "content-type=image/PNG",
            "content-type=audio/mpeg",
            "content-type=video/mp4;%20codecs=avc1",
            "content-type=application/grpc%2Bproto",
            "content-type=application/zip",
        ] {
            let r = client
                .get(&format!("/plain?{query}"))
                .header("accept-encoding", "gzip")
                .send()
                .await;
            assert_ne!(r.header("content-encoding"), Some("gzip"), "{query}");
            assert_eq!(r.header("vary"), None, "{query}");
            assert_eq!(r.bytes().len(), 1000, "{query}");
        }
        // Not excluded: JSON, SVG.
        let r = client
            .get("/plain?content-type=image/svg%2Bxml")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), Some("gzip"));
    })
    .await
}

#[tokio::test]
async fn streams_are_compressed_and_empty_streams_are_not() {
    within(async {
        let client = TestClient::new(app());
        let r = client
            .get("/stream")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(r.header("vary"), Some("Accept-Encoding"));
        let expected = format!("{}{}{}", "a".repeat(300), "b".repeat(300), "c".repeat(400));
        assert_eq!(gunzip(r.bytes()), expected.as_bytes());
        let r = client
            .get("/empty-stream")
            .header("accept-encoding", "gzip")
            .send()
            .await;
        assert_eq!(r.header("content-encoding"), None);
        assert_eq!(r.header("vary"), None);
        assert!(r.bytes().is_empty());
    })
    .await
}

#[tokio::test]
async fn background_tasks_stay_attached() {
    within(async {
        let ran = Arc::new(AtomicBool::new(false));
        let flag = ran.clone();
        let app = Application::new()
            .route(Route::new("/", move |_req: Request| {
                let flag = flag.clone();
                async move {
                    let mut tasks = BackgroundTasks::new();
                    tasks.add(async move { flag.store(true, Ordering::SeqCst) });
                    PlainText("y".repeat(2000))
                        .into_response()
                        .with_background(tasks)
                }
            }))
            .middleware(|inner: BoxApp| GZipMiddleware::new(inner));
        let server = LiveServer::start(app).await.unwrap();
        let r = request(
            "GET",
            &server.url("/"),
            &[("accept-encoding", "gzip")],
            None,
        )
        .await;
        assert_eq!(r.status, 200);
        for _ in 0..100 {
            if ran.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(ran.load(Ordering::SeqCst));
        server.stop().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn over_a_real_socket_a_full_body_gets_the_right_length() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let out = raw(
            server.addr(),
            b"GET /plain HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n",
        )
        .await;
        let r = parse_raw(&out);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        assert_eq!(
            r.header("content-length"),
            Some(r.body.len().to_string().as_str())
        );
        assert_eq!(gunzip(&r.body), big().as_bytes());
        server.stop().await.unwrap();
    })
    .await
}

/// Each chunk of a stream is flushed: the client decodes it before the next one exists.
#[tokio::test]
async fn over_a_real_socket_each_chunk_arrives_decodable() {
    within(async {
        let (tx, live) = common::live_stream_route();
        let app = Application::new()
            .route(live)
            .middleware(|inner: BoxApp| GZipMiddleware::new(inner));
        let server = LiveServer::start(app).await.unwrap();
        let mut conn = Conn::connect(server.addr()).await;
        conn.send(
            b"GET /live HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n",
        )
        .await;
        let mut decoder = flate2::write::GzDecoder::new(Vec::new());
        let mut fed = 0;
        for (i, piece) in ["first piece ", "second piece ", "third"]
            .iter()
            .enumerate()
        {
            tx.send(piece.to_string()).await.unwrap();
            // Read until the decoded output holds this piece.
            loop {
                let n = conn
                    .fill_within(Duration::from_secs(5))
                    .await
                    .unwrap_or_else(|_| panic!("chunk {i} did not arrive on its own"));
                assert!(n > 0, "closed early");
                let received = conn.buffered();
                let Some(end) = find(received, b"\r\n\r\n") else {
                    continue;
                };
                let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
                assert!(head.contains("content-encoding: gzip"), "{head}");
                assert!(head.contains("transfer-encoding: chunked"), "{head}");
                let (data, _) = dechunk(&received[end + 4..]);
                decoder.write_all(&data[fed..]).unwrap();
                fed = data.len();
                decoder.flush().unwrap();
                let so_far = String::from_utf8(decoder.get_ref().clone()).unwrap();
                if so_far.ends_with(piece) {
                    break;
                }
            }
        }
        drop(tx);
        let (received, _) = conn.read_until_close().await;
        let end = find(&received, b"\r\n\r\n").unwrap();
        let (data, complete) = dechunk(&received[end + 4..]);
        assert!(complete);
        assert_eq!(gunzip(&data), b"first piece second piece third");
        server.stop().await.unwrap();
    })
    .await
}

/// A request body echoed back is streamed through the compressor without being buffered.
#[tokio::test]
async fn echoed_request_body_is_compressed() {
    within(async {
        let app = Application::new()
            .route(Route::post("/echo", |mut req: Request| async move {
                Response::new(req.stream().unwrap())
            }))
            .middleware(|inner: BoxApp| GZipMiddleware::new(inner));
        let server = LiveServer::start(app).await.unwrap();
        let body = "z".repeat(100_000).into_bytes();
        let mut raw_request = format!(
            "POST /echo HTTP/1.1\r\nhost: x\r\naccept-encoding: gzip\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw_request.extend_from_slice(&body);
        let r = parse_raw(&common::raw(server.addr(), &raw_request).await);
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-encoding"), Some("gzip"));
        // Streamed through (chunked), unless the whole body happened to arrive as one chunk.
        let data = if r.header("content-length").is_some() {
            r.body.clone()
        } else {
            let (data, complete) = dechunk(&r.body);
            assert!(complete);
            data
        };
        let r = common::RawResponse { body: data, ..r };
        assert_eq!(gunzip(&r.body), body);
        server.stop().await.unwrap();
    })
    .await
}
