//! `middleware::trustedhost`: Starlette's `TrustedHostMiddleware` against spoofed `Host`
//! headers. The expected answers were taken from Starlette 1.10 for the same headers.

mod common;

use std::sync::Arc;

use common::{parse_raw, raw, within};
use ferrapi_toolkit::middleware::trustedhost::TrustedHostMiddleware;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::server::{App, Body, Response, Scheme, Scope};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{Application, Request, Route};

/// Status, `location` and body.
type Answer = (u16, Option<String>, String);

fn inner() -> Application {
    Application::new().route(Route::new("/p", |_req: Request| async { "ok" }))
}

fn middleware() -> TrustedHostMiddleware<ferrapi_toolkit::BuiltApplication> {
    TrustedHostMiddleware::new(inner(), ["www.example.com", "*.example.org", "Api.Test"])
}

async fn call<A: App>(app: &A, host: Option<&str>) -> Answer {
    let mut builder = http::Request::builder().uri("/p?q=1");
    if let Some(host) = host {
        builder = builder.header("host", host.as_bytes());
    }
    let mut req = builder.body(Body::empty()).unwrap();
    req.extensions_mut().insert(Scope::new(
        Some("127.0.0.1:5000".parse().unwrap()),
        Some("127.0.0.1:8000".parse().unwrap()),
        Scheme::Http,
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

#[tokio::test]
async fn matches_starlette_on_hostile_hosts() {
    within(async {
        let app = middleware();
        let ok = (200, None, "ok".to_string());
        let bad = (400, None, "Invalid host header".to_string());
        let redirect = |to: &str| (307, Some(to.to_string()), String::new());
        let cases: Vec<(Option<&str>, Answer)> = vec![
            (Some("www.example.com"), ok.clone()),
            (Some("WWW.EXAMPLE.COM"), ok.clone()),
            (Some("www.example.com:8080"), ok.clone()),
            (Some("www.example.com:99999"), ok.clone()),
            (Some("www.example.com."), bad.clone()),
            (
                Some("example.com"),
                redirect("http://www.example.com/p?q=1"),
            ),
            (
                Some("example.com:8080"),
                redirect("http://www.example.com:8080/p?q=1"),
            ),
            (
                Some("EXAMPLE.com"),
                redirect("http://www.EXAMPLE.com/p?q=1"),
            ),
            (
                Some("example.com:080"),
                redirect("http://www.example.com:080/p?q=1"),
            ),
            (Some("a.example.org"), ok.clone()),
            (Some("x.y.example.org:1"), ok.clone()),
            (Some("example.org"), bad.clone()),
            (Some("evilexample.org"), bad.clone()),
            (Some("api.test"), ok.clone()),
            (Some("evil.com@www.example.com"), bad.clone()),
            (Some("www.example.com/x"), bad.clone()),
            (Some("www.example.com:"), bad.clone()),
            (Some(""), bad.clone()),
            (None, bad.clone()),
            (Some("[::1]"), bad.clone()),
            (Some("www.example.com "), bad.clone()),
            (Some("www.exampl\u{e9}.com"), bad.clone()),
        ];
        for (host, expected) in cases {
            assert_eq!(call(&app, host).await, expected, "{host:?}");
        }
        // Without `www_redirect`, the bare domain is just invalid.
        let app = TrustedHostMiddleware::new(inner(), ["www.example.com"]).www_redirect(false);
        assert_eq!(call(&app, Some("example.com")).await, bad);
    })
    .await
}

#[tokio::test]
async fn ipv6_literals_and_the_default_allow_any() {
    within(async {
        let app = TrustedHostMiddleware::new(inner(), ["[::1]"]);
        assert_eq!(call(&app, Some("[::1]:8000")).await.0, 200);
        assert_eq!(call(&app, Some("[::1")).await.0, 400);
        assert_eq!(call(&app, Some("[::g]")).await.0, 400);
        let app = TrustedHostMiddleware::new(inner(), ["*"]);
        assert_eq!(call(&app, Some("anything/at all")).await.0, 200);
        assert_eq!(call(&app, None).await.0, 200);
    })
    .await
}

#[test]
#[should_panic(expected = "Domain wildcard patterns must be like '*.example.com'.")]
fn misplaced_wildcards_panic() {
    let _ = TrustedHostMiddleware::new(inner(), ["example.*"]);
}

#[test]
#[should_panic(expected = "Domain wildcard patterns must be like '*.example.com'.")]
fn wildcards_need_a_dot() {
    let _ = TrustedHostMiddleware::new(inner(), ["*example.com"]);
}

#[tokio::test]
async fn in_an_application_and_over_real_sockets() {
    within(async {
        let app = Application::new()
            .route(Route::new("/p", |_req: Request| async { "ok" }))
            .middleware(|inner: BoxApp| TrustedHostMiddleware::new(inner, ["www.example.com"]));
        let client = TestClient::new(app).follow_redirects(false);
        let r = client.get("/p").header("host", "example.com").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://www.example.com/p"));

        let app = Application::new()
            .route(Route::new("/p", |_req: Request| async { "ok" }))
            .middleware(|inner: BoxApp| TrustedHostMiddleware::new(inner, ["www.example.com"]));
        let server = LiveServer::start(app).await.unwrap();
        let send = |host: &str| {
            let request =
                format!("GET /p?x=1 HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
            let addr = server.addr();
            async move { parse_raw(&raw(addr, request.as_bytes()).await) }
        };
        let r = send("www.example.com").await;
        assert_eq!((r.status, r.body.as_slice()), (200, &b"ok"[..]));
        let r = send("Www.Example.Com:443").await;
        assert_eq!(r.status, 200);
        let r = send("example.com:8000").await;
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location"),
            Some("http://www.example.com:8000/p?x=1")
        );
        let r = send("www.example.com.").await;
        assert_eq!(
            (r.status, r.body.as_slice()),
            (400, &b"Invalid host header"[..])
        );
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        let r = send("evil.com").await;
        assert_eq!(r.status, 400);
        server.stop().await.unwrap();
    })
    .await
}
