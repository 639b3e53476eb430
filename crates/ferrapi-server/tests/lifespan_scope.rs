//! Lifespan hooks (startup before accepting, a failing startup stops `serve`, shutdown after
//! the signal) and the per-request `Scope` extension.

#[macro_use]
mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use ferrapi_server::{App, Body, BoxError, Request, Response, Server};

#[derive(Clone, Default)]
struct Lifespan {
    started: Arc<AtomicBool>,
    stopped: Arc<AtomicBool>,
    fail_startup: bool,
    calls: Arc<AtomicUsize>,
}

impl App for Lifespan {
    async fn call(&self, _req: Request<Body>) -> Response<Body> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let started = self.started.load(Ordering::SeqCst);
        Response::new(Body::from(if started { "ready" } else { "not ready" }))
    }

    async fn startup(&self) -> Result<(), BoxError> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if self.fail_startup {
            return Err("database unreachable".into());
        }
        self.started.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn shutdown(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }
}

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async fn startup_runs_before_serving() {
    let app = Lifespan::default();
    let srv = serve(builder(), app.clone()).await;
    // Connect at once: the listener exists, but nothing is served before startup finished.
    let (r, _c) = one_shot(srv.addr, GET).await;
    assert_eq!(r.text(), "ready");
    assert!(!app.stopped.load(Ordering::SeqCst));
}

async fn failing_startup_stops_serve() {
    let app = Lifespan {
        fail_startup: true,
        ..Lifespan::default()
    };
    let server = builder().bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let task = tokio::spawn(server.serve(app.clone()));
    let mut c = Conn::connect(addr).await;
    c.send(GET).await;
    let err = tokio::time::timeout(IO_TIMEOUT, task)
        .await
        .expect("serve did not return")
        .unwrap()
        .expect_err("serve must fail when startup fails");
    assert!(err.is_startup(), "{err:?}");
    assert!(!err.is_bind() && !err.is_accept());
    assert!(
        std::error::Error::source(&err)
            .map(|s| s.to_string())
            .unwrap_or_default()
            .contains("database unreachable"),
        "{err}"
    );
    // Nothing was served; the queued connection is dropped with the listener.
    match c.try_response(false).await {
        Err(ReadFail::Closed) => {}
        other => panic!("expected the queued connection to be dropped, got {other:?}"),
    }
    assert_eq!(app.calls.load(Ordering::SeqCst), 0);
    assert!(
        !app.stopped.load(Ordering::SeqCst),
        "no shutdown without startup"
    );
}

async fn shutdown_runs_after_the_signal() {
    let app = Lifespan::default();
    let srv = serve(builder(), app.clone()).await;
    let addr = srv.addr;
    let mut kept = Conn::connect(addr).await;
    kept.send(GET).await;
    assert_eq!(kept.response().await.text(), "ready");
    assert!(!app.stopped.load(Ordering::SeqCst));

    srv.shutdown()
        .await
        .expect("serve_with_shutdown returns Ok");
    assert!(app.stopped.load(Ordering::SeqCst), "shutdown hook ran");

    // No more accepting...
    let refused = tokio::time::timeout(IO_TIMEOUT, tokio::net::TcpStream::connect(addr))
        .await
        .expect("connect timed out");
    assert!(refused.is_err(), "listener still accepting after shutdown");
    // ...and the idle keep-alive connection was closed by the graceful drain.
    kept.expect_closed().await;
}

async fn plain_serve_works() {
    let server = Server::bind("127.0.0.1:0").await.unwrap();
    let addr = server.local_addr().unwrap();
    let task = tokio::spawn(server.serve(TestApp::default()));
    let (r, _c) = one_shot(addr, GET).await;
    assert_eq!(r.body, b"hello");
    task.abort();
}

async fn bind_error_is_reported() {
    let first = Server::bind("127.0.0.1:0").await.unwrap();
    let err = Server::bind(first.local_addr().unwrap())
        .await
        .expect_err("port in use");
    assert!(err.is_bind(), "{err:?}");
}

async fn from_listener_works() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = builder().from_listener(listener).unwrap();
    assert_eq!(server.local_addr(), Some(addr));
    let task = tokio::spawn(server.serve(TestApp::default()));
    let (r, _c) = one_shot(addr, GET).await;
    assert_eq!(r.body, b"hello");
    task.abort();
}

fn scope_lines(r: &RawResponse) -> Vec<String> {
    r.text().lines().map(str::to_owned).collect()
}

async fn scope_of_an_http11_request() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /scope HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(
        scope_lines(&r),
        vec![
            format!("client=Some({})", c.local_addr()),
            format!("server=Some({})", srv.addr),
            "scheme=http".to_owned(),
            "root_path=".to_owned(),
            "version=HTTP/1.1".to_owned(),
        ]
    );
}

async fn scope_with_root_path_and_http10() {
    let (srv, _) = serve_test_app(builder().root_path("/api/v1")).await;
    let mut c = srv.connect().await;
    c.send(b"GET /scope HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(
        scope_lines(&r),
        vec![
            format!("client=Some({})", c.local_addr()),
            format!("server=Some({})", srv.addr),
            "scheme=http".to_owned(),
            "root_path=/api/v1".to_owned(),
            "version=HTTP/1.0".to_owned(),
        ]
    );
    // The request target is not rewritten with the root path.
    c.send(b"GET /p/x HTTP/1.0\r\n\r\n").await;
    assert_eq!(c.response().await.text(), "/p/x");
}

async fn request_head_reaches_the_app_unchanged() {
    let app = |req: Request<Body>| async move {
        Response::new(Body::from(format!(
            "{} {} {:?} {}",
            req.method(),
            req.uri(),
            req.version(),
            req.headers().len()
        )))
    };
    let srv = serve(builder(), app).await;
    let (r, _c) = one_shot(
        srv.addr,
        b"PATCH /a/b%20c?x=1&y=%2F HTTP/1.1\r\nHost: h\r\nX-One: 1\r\n\r\n",
    )
    .await;
    assert_eq!(r.text(), "PATCH /a/b%20c?x=1&y=%2F HTTP/1.1 2");
}

flavors!(
    startup_runs_before_serving,
    failing_startup_stops_serve,
    shutdown_runs_after_the_signal,
    plain_serve_works,
    bind_error_is_reported,
    from_listener_works,
    scope_of_an_http11_request,
    scope_with_root_path_and_http10,
    request_head_reaches_the_app_unchanged,
);
