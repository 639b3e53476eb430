//! `middleware::httpsredirect`: Starlette's `HTTPSRedirectMiddleware`. The expected locations
//! were taken from Starlette 1.10 for the same host, scheme and server address.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use common::{parse_raw, raw, within};
use ferrapi_toolkit::middleware::httpsredirect::HTTPSRedirectMiddleware;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::server::websocket::WebSocketUpgrade;
use ferrapi_toolkit::server::{App, Body, Response, Scheme, Scope};
use ferrapi_toolkit::testclient::LiveServer;
use ferrapi_toolkit::{Application, Request, Route};

/// Status, `location` and body.
type Answer = (u16, Option<String>, String);

fn middleware() -> HTTPSRedirectMiddleware<ferrapi_toolkit::BuiltApplication> {
    HTTPSRedirectMiddleware::new(
        Application::new().route(Route::new("/p", |_req: Request| async { "ok" })),
    )
}

async fn call(
    app: &HTTPSRedirectMiddleware<ferrapi_toolkit::BuiltApplication>,
    host: Option<&str>,
    scheme: Scheme,
    server: Option<&str>,
    uri: &str,
) -> Answer {
    let mut builder = http::Request::builder().uri(uri);
    if let Some(host) = host {
        builder = builder.header("host", host);
    }
    let mut req = builder.body(Body::empty()).unwrap();
    let server: Option<SocketAddr> = server.map(|s| s.parse().unwrap());
    req.extensions_mut().insert(Scope::new(
        None,
        server,
        scheme,
        Arc::from(""),
        http::Version::HTTP_11,
    ));
    let response: Response<Body> = app.call(req).await;
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.into_body().collect().await.unwrap();
    (
        status,
        location,
        String::from_utf8_lossy(&body).into_owned(),
    )
}

fn to(url: &str) -> Answer {
    (307, Some(url.to_string()), String::new())
}

#[tokio::test]
async fn matches_starlette() {
    within(async {
        let app = middleware();
        let http = Scheme::Http;
        let cases: Vec<(Option<&str>, Option<&str>, Answer)> = vec![
            (Some("example.com"), None, to("https://example.com/p?q=1")),
            (
                Some("example.com:80"),
                None,
                to("https://example.com/p?q=1"),
            ),
            (
                Some("example.com:443"),
                None,
                to("https://example.com/p?q=1"),
            ),
            (
                Some("example.com:080"),
                None,
                to("https://example.com/p?q=1"),
            ),
            (
                Some("Example.COM:80"),
                None,
                to("https://example.com/p?q=1"),
            ),
            (
                Some("example.com:8080"),
                None,
                to("https://example.com:8080/p?q=1"),
            ),
            (None, Some("10.0.0.1:80"), to("https://10.0.0.1/p?q=1")),
            (
                None,
                Some("10.0.0.1:8000"),
                to("https://10.0.0.1:8000/p?q=1"),
            ),
            (
                Some("bad/host"),
                Some("10.0.0.1:8080"),
                to("https://10.0.0.1:8080/p?q=1"),
            ),
            (
                Some("example.com:99999"),
                Some("10.0.0.1:80"),
                to("https://10.0.0.1/p?q=1"),
            ),
            (Some("[::1]:8080"), None, to("https://[::1]:8080/p?q=1")),
            // Starlette gives `https://::1/p?q=1` (Python's `hostname` drops the brackets).
            (Some("[::1]:80"), None, to("https://[::1]/p?q=1")),
            (None, None, (400, None, "Invalid host header".to_string())),
        ];
        for (host, server, expected) in cases {
            assert_eq!(
                call(&app, host, http, server, "/p?q=1").await,
                expected,
                "{host:?} {server:?}"
            );
        }
        // https goes to the app.
        assert_eq!(
            call(&app, Some("example.com"), Scheme::Https, None, "/p").await,
            (200, None, "ok".to_string())
        );
        // The path is kept as sent, quoted for the header.
        assert_eq!(
            call(&app, Some("example.com"), http, None, "/a%20b/%2F").await,
            to("https://example.com/a%20b/%2F")
        );
    })
    .await
}

#[tokio::test]
async fn websocket_handshakes_go_to_wss() {
    within(async {
        let app = middleware();
        let mut req = http::Request::builder()
            .uri("/ws")
            .header("host", "example.com")
            .body(Body::empty())
            .unwrap();
        req.extensions_mut().insert(Scope::new(
            None,
            None,
            Scheme::Http,
            Arc::from(""),
            http::Version::HTTP_11,
        ));
        req.extensions_mut()
            .insert(WebSocketUpgrade::in_memory(Vec::new()));
        let response = app.call(req).await;
        assert_eq!(response.status(), 307);
        assert_eq!(
            response.headers().get("location").unwrap(),
            "wss://example.com/ws"
        );
    })
    .await
}

#[tokio::test]
async fn over_real_sockets() {
    within(async {
        let app = Application::new()
            .route(Route::new("/p", |_req: Request| async { "ok" }))
            .middleware(|inner: BoxApp| HTTPSRedirectMiddleware::new(inner));
        let server = LiveServer::start(app).await.unwrap();
        let r = parse_raw(
            &raw(
                server.addr(),
                b"GET /p?x=1 HTTP/1.1\r\nhost: example.com:80\r\nconnection: close\r\n\r\n",
            )
            .await,
        );
        assert_eq!(r.status, 307);
        assert_eq!(r.header("location"), Some("https://example.com/p?x=1"));
        let r = parse_raw(
            &raw(
                server.addr(),
                b"GET /p HTTP/1.1\r\nhost: example.com:8443\r\nconnection: close\r\n\r\n",
            )
            .await,
        );
        assert_eq!(r.header("location"), Some("https://example.com:8443/p"));
        server.stop().await.unwrap();
    })
    .await
}
