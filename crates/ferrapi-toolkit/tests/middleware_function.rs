//! `middleware::function`: `from_fn` middleware, which must not have `BaseHTTPMiddleware`'s
//! problems: bodies stream through, background tasks stay attached, the request body is only
//! read if the function reads it.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{request, within};
use ferrapi_toolkit::middleware::function::{from_fn, FromFn, Next};
use ferrapi_toolkit::server::{Body, Response};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, BackgroundTasks, IntoResponse, PlainText, Request, ResponseExt, Route, StatusCode,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn echo(mut req: Request) -> String {
    req.text().await.unwrap_or_else(|e| format!("error: {e}"))
}

#[tokio::test]
async fn wraps_the_response_and_can_short_circuit() {
    within(async {
        let app = Application::new()
            .route(Route::new("/", |_req: Request| async { "inner" }))
            .middleware(from_fn(|req: Request, next: Next| async move {
                if req.header("x-block").is_some() {
                    let mut response = PlainText("blocked").into_response();
                    *response.status_mut() = StatusCode::FORBIDDEN;
                    return response;
                }
                let mut response = next.run(req).await;
                response
                    .headers_mut()
                    .insert("x-wrapped", "yes".parse().unwrap());
                response
            }));
        let client = TestClient::new(app);
        let r = client.get("/").send().await;
        assert_eq!(r.text(), "inner");
        assert_eq!(r.header("x-wrapped"), Some("yes"));
        let r = client.get("/").header("x-block", "1").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (403, "blocked".to_string())
        );
    })
    .await
}

#[tokio::test]
async fn the_request_body_reaches_the_app_read_or_not() {
    within(async {
        let peek = Application::new()
            .route(Route::post("/", echo))
            .middleware(from_fn(|mut req: Request, next: Next| async move {
                // Reading the body here leaves it readable for the app.
                let body = req.body().await.unwrap();
                let mut response = next.run(req).await;
                response
                    .headers_mut()
                    .insert("x-seen", body.len().to_string().parse().unwrap());
                response
            }));
        let untouched = Application::new()
            .route(Route::post("/", echo))
            .middleware(from_fn(|req: Request, next: Next| next.run(req)));
        for (app, seen) in [(peek, Some("5")), (untouched, None)] {
            let server = LiveServer::start(app).await.unwrap();
            let r = request("POST", &server.url("/"), &[], Some(b"hello".to_vec())).await;
            assert_eq!(r.text(), "hello");
            assert_eq!(r.header("x-seen"), seen);
            server.stop().await.unwrap();
        }
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
                    "done".into_response().with_background(tasks)
                }
            }))
            .middleware(from_fn(|req: Request, next: Next| async move {
                let mut response = next.run(req).await;
                response.headers_mut().insert("x-a", "1".parse().unwrap());
                response
            }));
        let server = LiveServer::start(app).await.unwrap();
        let r = request("GET", &server.url("/"), &[], None).await;
        assert_eq!(r.text(), "done");
        for _ in 0..200 {
            if ran.load(Ordering::SeqCst) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            ran.load(Ordering::SeqCst),
            "the background task did not run"
        );
        server.stop().await.unwrap();
    })
    .await
}

/// The first chunk reaches the client while the stream still waits for the second.
#[tokio::test]
async fn streaming_bodies_pass_through_unbuffered() {
    within(async {
        let (tx, live) = common::live_stream_route();
        let app = Application::new().route(live).middleware(from_fn(
            |req: Request, next: Next| async move {
                let mut response = next.run(req).await;
                response.headers_mut().insert("x-a", "1".parse().unwrap());
                response
            },
        ));
        let server = LiveServer::start(app).await.unwrap();
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        stream
            .write_all(b"GET /live HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        tx.send("first-chunk".into()).await.unwrap();
        let mut received = Vec::new();
        while !String::from_utf8_lossy(&received).contains("first-chunk") {
            let mut buf = [0u8; 1024];
            let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut buf))
                .await
                .expect("the first chunk was held back")
                .unwrap();
            assert!(n > 0);
            received.extend_from_slice(&buf[..n]);
        }
        assert!(String::from_utf8_lossy(&received).contains("x-a: 1"));
        tx.send("second".into()).await.unwrap();
        drop(tx);
        stream.read_to_end(&mut received).await.unwrap();
        assert!(String::from_utf8_lossy(&received).contains("second"));
        server.stop().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn works_on_the_bare_server() {
    within(async {
        let inner = |req: http::Request<Body>| async move {
            Response::new(Body::from(format!("path {}", req.uri().path())))
        };
        let app = FromFn::new(inner, |req: Request, next: Next| async move {
            let mut response = next.run(req).await;
            response.headers_mut().insert("x-fn", "1".parse().unwrap());
            response
        });
        let server = LiveServer::start(app).await.unwrap();
        let r = request("GET", &server.url("/p"), &[], None).await;
        assert_eq!(r.text(), "path /p");
        assert_eq!(r.header("x-fn"), Some("1"));
        server.stop().await.unwrap();
    })
    .await
}
