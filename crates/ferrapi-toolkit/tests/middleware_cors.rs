//! `middleware::cors`: Starlette's `CORSMiddleware`, in process and over real sockets. The
//! expected headers (names, values and order) were taken from Starlette 1.10 for the same
//! configuration and request.

mod common;

use common::{request, within};
use ferrapi_toolkit::middleware::cors::{CORSMiddleware, CorsConfig};
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::server::{Body, Response};
use ferrapi_toolkit::testclient::{LiveServer, TestClient, TestResponse};
use ferrapi_toolkit::{Application, IntoResponse, Method, PlainText, Request, Route};

async fn hello(req: Request) -> Response<Body> {
    let mut response = PlainText("hi").into_response();
    if req.query_params().get("vary").is_some() {
        response
            .headers_mut()
            .insert("vary", "Cookie".parse().unwrap());
    }
    response
}

fn app(config: CorsConfig) -> Application {
    Application::new()
        .route(Route::new("/", hello).methods([Method::GET, Method::POST, Method::OPTIONS]))
        .middleware(move |inner: BoxApp| CORSMiddleware::new(inner, config))
}

/// The CORS-related headers (and `vary`) in order, as `name: value`.
fn cors_headers(response: &TestResponse) -> Vec<String> {
    response
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str().starts_with("access-control-") || k.as_str() == "vary")
        .map(|(k, v)| format!("{}: {}", k, v.to_str().unwrap()))
        .collect()
}

const PREFLIGHT_VARY: &str = "vary: Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

fn example_org() -> CorsConfig {
    CorsConfig::new()
        .allow_origins(["https://example.org"])
        .allow_headers(["X-Example", "content-type"])
        .allow_methods(["GET", "POST"])
}

#[tokio::test]
async fn preflight_allowed() {
    within(async {
        let client = TestClient::new(app(example_org()));
        let r = client
            .options("/")
            .header("origin", "https://example.org")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "X-Example, Content-Type")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "OK");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(
            cors_headers(&r),
            [
                PREFLIGHT_VARY,
                "access-control-allow-methods: GET, POST",
                "access-control-max-age: 600",
                "access-control-allow-headers: Accept, Accept-Language, Content-Language, Content-Type, X-Example, content-type",
                "access-control-allow-origin: https://example.org",
            ]
        );
    })
    .await
}

#[tokio::test]
async fn preflight_with_a_disallowed_header() {
    within(async {
        let client = TestClient::new(app(example_org()));
        let r = client
            .options("/")
            .header("origin", "https://example.org")
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "X-Evil")
            .send()
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(r.text(), "Disallowed CORS headers");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://example.org")
        );
    })
    .await
}

#[tokio::test]
async fn preflight_failing_everything_lists_every_part() {
    within(async {
        let client = TestClient::new(app(example_org()));
        let r = client
            .options("/")
            .header("origin", "http://localhost:3000.evil.com")
            .header("access-control-request-method", "DELETE")
            .header("access-control-request-headers", "X-Evil")
            .header("access-control-request-private-network", "true")
            .send()
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(
            r.text(),
            "Disallowed CORS origin, method, headers, private-network"
        );
        assert_eq!(
            cors_headers(&r),
            [
                PREFLIGHT_VARY,
                "access-control-allow-methods: GET, POST",
                "access-control-max-age: 600",
                "access-control-allow-headers: Accept, Accept-Language, Content-Language, Content-Type, X-Example, content-type",
            ]
        );
    })
    .await
}

#[tokio::test]
async fn preflight_header_list_edge_cases() {
    within(async {
        let client = TestClient::new(app(
            CorsConfig::new().allow_origin_regex(r"https://.*\.example\.org")
        ));
        let preflight = |method: &'static str, headers: Option<&'static str>| {
            let mut req = client
                .options("/")
                .header("origin", "https://api.example.org")
                .header("access-control-request-method", method);
            if let Some(h) = headers {
                req = req.header("access-control-request-headers", h);
            }
            req.send()
        };
        // An empty list and a trailing comma name an empty header, which is not allowed.
        let r = preflight("GET", Some("")).await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (400, "Disallowed CORS headers".into())
        );
        let r = preflight("GET", Some("accept,")).await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (400, "Disallowed CORS headers".into())
        );
        // Safelisted headers in any case and spacing are fine.
        let r = preflight("GET", Some(" ACCEPT ,content-type")).await;
        assert_eq!(r.status(), 200);
        // Methods are compared exactly.
        let r = preflight("get", None).await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (400, "Disallowed CORS method".into())
        );
    })
    .await
}

#[tokio::test]
async fn options_without_request_method_is_not_a_preflight() {
    within(async {
        let client = TestClient::new(app(example_org()));
        let r = client
            .options("/")
            .header("origin", "https://example.org")
            .send()
            .await;
        assert_eq!(r.text(), "hi");
        assert_eq!(
            cors_headers(&r),
            [
                "access-control-allow-origin: https://example.org",
                "vary: Origin"
            ]
        );
    })
    .await
}

#[tokio::test]
async fn simple_requests() {
    within(async {
        let client = TestClient::new(app(example_org()));
        let r = client
            .get("/")
            .header("origin", "https://example.org")
            .send()
            .await;
        assert_eq!(
            cors_headers(&r),
            [
                "access-control-allow-origin: https://example.org",
                "vary: Origin"
            ]
        );
        // Hostile origins: no allow-origin, but still `Vary: Origin`.
        for origin in [
            "null",
            "http://localhost:3000.evil.com",
            "https://example.org.evil.com",
            "https://EXAMPLE.org",
            "https://example.org/",
        ] {
            let r = client.get("/").header("origin", origin).send().await;
            assert_eq!(r.text(), "hi");
            assert_eq!(cors_headers(&r), ["vary: Origin"], "{origin}");
        }
        // No Origin at all: the app's Vary gets Origin appended.
        let r = client.get("/?vary=1").send().await;
        assert_eq!(cors_headers(&r), ["vary: Cookie, Origin"]);
    })
    .await
}

#[tokio::test]
async fn allow_all_origins() {
    within(async {
        let client = TestClient::new(app(CorsConfig::new().allow_origins(["*"])));
        let r = client
            .options("/")
            .header("origin", "https://a.b")
            .header("access-control-request-method", "GET")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            cors_headers(&r),
            [
                PREFLIGHT_VARY,
                "access-control-allow-origin: *",
                "access-control-allow-methods: GET",
                "access-control-max-age: 600",
                "access-control-allow-headers: Accept, Accept-Language, Content-Language, Content-Type",
            ]
        );
        // Starlette 1.x answers `*` to a cookie-carrying request too (only
        // `allow_credentials` makes it echo the origin).
        let r = client
            .get("/")
            .header("origin", "https://a.b")
            .header("cookie", "a=b")
            .send()
            .await;
        assert_eq!(
            cors_headers(&r),
            ["access-control-allow-origin: *", "vary: Origin"]
        );
        // `null` is an origin like any other under `*`.
        let r = client.get("/").header("origin", "null").send().await;
        assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    })
    .await
}

fn everything() -> CorsConfig {
    CorsConfig::new()
        .allow_origins(["*"])
        .allow_credentials(true)
        .allow_headers(["*"])
        .allow_methods(["*"])
        .expose_headers(["X-A", "X-B"])
        .allow_private_network(true)
        .max_age(10)
}

#[tokio::test]
async fn credentials_echo_the_origin_and_mirror_headers() {
    within(async {
        let client = TestClient::new(app(everything()));
        let r = client
            .options("/")
            .header("origin", "https://a.b")
            .header("access-control-request-method", "QUERY")
            .header("access-control-request-headers", "X-Anything, y")
            .header("access-control-request-private-network", "true")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            cors_headers(&r),
            [
                PREFLIGHT_VARY,
                "access-control-allow-methods: DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT, QUERY",
                "access-control-max-age: 10",
                "access-control-allow-credentials: true",
                "access-control-allow-origin: https://a.b",
                "access-control-allow-headers: X-Anything, y",
                "access-control-allow-private-network: true",
            ]
        );
        let r = client
            .get("/?vary=1")
            .header("origin", "https://a.b")
            .send()
            .await;
        assert_eq!(
            cors_headers(&r),
            [
                "vary: Cookie, Origin",
                "access-control-allow-origin: https://a.b",
                "access-control-allow-credentials: true",
                "access-control-expose-headers: X-A, X-B",
            ]
        );
    })
    .await
}

#[tokio::test]
async fn regex_is_anchored_at_both_ends() {
    within(async {
        let client = TestClient::new(app(
            CorsConfig::new().allow_origin_regex(r"https://.*\.example\.org")
        ));
        let r = client
            .get("/")
            .header("origin", "https://api.example.org")
            .send()
            .await;
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://api.example.org")
        );
        for origin in [
            "https://api.example.org.evil.com",
            "evil://https://api.example.org",
        ] {
            let r = client.get("/").header("origin", origin).send().await;
            assert_eq!(r.header("access-control-allow-origin"), None, "{origin}");
            assert_eq!(r.header("vary"), Some("Origin"));
        }
        let r = client
            .options("/")
            .header("origin", "https://api.example.org.evil.com")
            .header("access-control-request-method", "GET")
            .send()
            .await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (400, "Disallowed CORS origin".into())
        );
        // An alternation is anchored as a whole, as `re.fullmatch` does.
        let client = TestClient::new(app(
            CorsConfig::new().allow_origin_regex("https://a.com|https://b.com")
        ));
        let r = client
            .get("/")
            .header("origin", "https://a.com.evil")
            .send()
            .await;
        assert_eq!(r.header("access-control-allow-origin"), None);
        let r = client
            .get("/")
            .header("origin", "https://b.com")
            .send()
            .await;
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://b.com")
        );
    })
    .await
}

#[test]
#[should_panic(expected = "CORSMiddleware")]
fn an_invalid_regex_panics_at_construction() {
    let _ = CORSMiddleware::new(
        ferrapi_toolkit::Router::new(),
        CorsConfig::new().allow_origin_regex("("),
    );
}

#[tokio::test]
async fn over_real_sockets() {
    within(async {
        let server = LiveServer::start(app(example_org())).await.unwrap();
        let r = request(
            "OPTIONS",
            &server.url("/"),
            &[
                ("origin", "https://example.org"),
                ("access-control-request-method", "POST"),
                ("access-control-request-headers", "x-example"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), "OK");
        assert_eq!(r.header("content-length"), Some("2"));
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://example.org")
        );
        assert_eq!(r.header("vary"), Some(&PREFLIGHT_VARY[6..]));

        let r = request(
            "OPTIONS",
            &server.url("/"),
            &[
                ("origin", "null"),
                ("access-control-request-method", "POST"),
            ],
            None,
        )
        .await;
        assert_eq!(r.status, 400);
        assert_eq!(r.text(), "Disallowed CORS origin");

        let r = request(
            "POST",
            &server.url("/"),
            &[("origin", "https://example.org")],
            Some(b"x".to_vec()),
        )
        .await;
        assert_eq!(r.text(), "hi");
        assert_eq!(
            r.header("access-control-allow-origin"),
            Some("https://example.org")
        );
        assert_eq!(r.header("vary"), Some("Origin"));
        server.stop().await.unwrap();
    })
    .await
}
