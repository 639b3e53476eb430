//! `exceptions`: `HTTPException` responses, handlers by type and by status, the 500 answer,
//! the debug page, and panics, in process and over real sockets.

mod common;

use std::fmt;

use common::{get, parse_raw, raw, request, within};
use ferrapi_toolkit::exceptions::ExceptionHandlers;
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    blocking, Application, Error, HTTPException, IntoResponse, Json, Request, Route, StatusCode,
};
use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

#[derive(Debug)]
struct MyError {
    code: u32,
}

impl fmt::Display for MyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "my error {}", self.code)
    }
}

impl std::error::Error for MyError {}

/// An error with a cause, for the debug page.
#[derive(Debug)]
struct Outer {
    source: std::io::Error,
}

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("loading <config> failed")
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

async fn forbidden(_req: Request) -> Result<&'static str, HTTPException> {
    let mut headers = HeaderMap::new();
    headers.insert("x-reason", HeaderValue::from_static("policy"));
    Err(HTTPException::new(StatusCode::FORBIDDEN).with_headers(headers))
}

async fn detailed(_req: Request) -> Result<&'static str, HTTPException> {
    Err(HTTPException::new(StatusCode::NOT_FOUND).with_detail("item 7 does not exist"))
}

async fn no_content(_req: Request) -> Result<&'static str, HTTPException> {
    Err(HTTPException::new(StatusCode::NO_CONTENT).with_detail("never sent"))
}

async fn not_modified(_req: Request) -> Result<&'static str, HTTPException> {
    Err(HTTPException::new(StatusCode::NOT_MODIFIED).with_detail("never sent"))
}

async fn mine(req: Request) -> Result<&'static str, MyError> {
    let code = req
        .query_params()
        .get("code")
        .and_then(|c| c.parse().ok())
        .unwrap_or(1);
    Err(MyError { code })
}

async fn io_error(_req: Request) -> Result<String, Error> {
    let text = std::fs::read_to_string("/definitely/not/here/ferrapi")?;
    Ok(text)
}

async fn scripted(_req: Request) -> Result<&'static str, Error> {
    Err(Error::msg("<script>alert('x')</script> & more"))
}

async fn chained(_req: Request) -> Result<&'static str, Outer> {
    Err(Outer {
        source: std::io::Error::other("disk <full>"),
    })
}

async fn panics(_req: Request) -> &'static str {
    panic!("endpoint blew up")
}

fn panics_blocking(_req: Request) -> &'static str {
    panic!("blocking endpoint blew up")
}

async fn ok(_req: Request) -> &'static str {
    "ok"
}

fn routes(app: Application) -> Application {
    app.route(Route::new("/forbidden", forbidden))
        .route(Route::new("/detailed", detailed))
        .route(Route::new("/no-content", no_content))
        .route(Route::new("/not-modified", not_modified))
        .route(Route::new("/mine", mine))
        .route(Route::new("/io", io_error))
        .route(Route::new("/script", scripted))
        .route(Route::new("/chained", chained))
        .route(Route::new("/panic", panics))
        .route(Route::new("/panic-blocking", blocking(panics_blocking)))
        .route(Route::post("/post-only", ok))
        .route(Route::new("/ok", ok))
}

fn plain_app() -> Application {
    routes(Application::new())
}

fn handled_app() -> Application {
    let app = Application::new()
        .exception_handler::<MyError, _, _>(|err: MyError| {
            (
                StatusCode::IM_A_TEAPOT,
                Json(json!({ "error": err.to_string(), "code": err.code })),
            )
        })
        .status_handler(StatusCode::NOT_FOUND, |exc: &HTTPException| {
            (exc.status(), Json(json!({ "detail": exc.detail() })))
        })
        .status_handler(StatusCode::METHOD_NOT_ALLOWED, |exc: &HTTPException| {
            let mut response = Json(json!({ "detail": exc.detail() })).into_response();
            response.headers_mut().extend(exc.headers().clone());
            (exc.status(), response)
        })
        .server_error_handler(|err: Error| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "server_error": err.to_string() })),
            )
        });
    routes(app)
}

#[tokio::test]
async fn http_exception_default_responses_in_process() {
    within(async {
        let client = TestClient::new(plain_app());
        let r = client.get("/forbidden").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.text(), "Forbidden");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("x-reason"), Some("policy"));

        let r = client.get("/detailed").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (404, "item 7 does not exist")
        );

        for path in ["/no-content", "/not-modified"] {
            let r = client.get(path).send().await;
            assert!(r.bytes().is_empty(), "{path}");
            assert_eq!(r.header("content-type"), None, "{path}");
        }
        assert_eq!(client.get("/no-content").send().await.status(), 204);
        assert_eq!(client.get("/not-modified").send().await.status(), 304);

        let r = client.get("/missing").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (404, "Not Found"));
        let r = client.get("/post-only").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.text(), "Method Not Allowed");
        assert_eq!(r.header("allow"), Some("POST"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_exception_default_responses_over_a_socket() {
    within(async {
        let server = LiveServer::start(plain_app()).await.unwrap();
        let r = get(&server.url("/forbidden")).await;
        assert_eq!(r.status, 403);
        assert_eq!(r.text(), "Forbidden");
        assert_eq!(r.header("x-reason"), Some("policy"));
        assert_eq!(r.header("content-length"), Some("9"));

        for (path, status) in [("/no-content", 204), ("/not-modified", 304)] {
            let req = format!("GET {path} HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n");
            let r = parse_raw(&raw(server.addr(), req.as_bytes()).await);
            assert_eq!(r.status, status, "{path}");
            assert!(r.body.is_empty(), "{path}: {:?}", r.body);
            assert_eq!(r.header("transfer-encoding"), None, "{path}");
            assert_eq!(r.header("content-type"), None, "{path}");
        }
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn handlers_by_type_and_status_in_process() {
    within(async {
        let client = TestClient::new(handled_app());
        let r = client.get("/mine").query(&[("code", "42")]).send().await;
        assert_eq!(r.status(), 418);
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({ "error": "my error 42", "code": 42 })
        );

        let r = client.get("/missing").send().await;
        assert_eq!(r.status(), 404);
        assert_eq!(r.text(), r#"{"detail":"Not Found"}"#);
        let r = client.get("/detailed").send().await;
        assert_eq!(r.text(), r#"{"detail":"item 7 does not exist"}"#);

        let r = client.get("/post-only").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("POST"));
        assert_eq!(r.text(), r#"{"detail":"Method Not Allowed"}"#);

        // A status without a handler keeps the default answer.
        let r = client.get("/forbidden").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (403, "Forbidden"));

        // Everything else goes to the server-error handler.
        let r = client.get("/io").send().await;
        assert_eq!(r.status(), 500);
        let body: Value = r.json().unwrap();
        let message = body["server_error"].as_str().unwrap();
        assert!(message.contains("No such file"), "{message}");
        let r = client.get("/panic").send().await;
        assert_eq!(r.status(), 500);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({ "server_error": "endpoint panicked: endpoint blew up" })
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_by_type_and_status_over_a_socket() {
    within(async {
        let server = LiveServer::start(handled_app()).await.unwrap();
        let r = get(&server.url("/mine?code=5")).await;
        assert_eq!(r.status, 418);
        // Compared as values: key order depends on serde_json's `preserve_order`, which the
        // framework turns on for the whole workspace.
        let body: serde_json::Value = serde_json::from_str(&r.text()).unwrap();
        assert_eq!(body, json!({"code": 5, "error": "my error 5"}));
        let r = get(&server.url("/nope")).await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (404, r#"{"detail":"Not Found"}"#)
        );
        assert_eq!(r.header("content-type"), Some("application/json"));
        let r = get(&server.url("/post-only")).await;
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("POST"));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_status_handler_wins_over_a_type_handler_for_http_exception() {
    within(async {
        // Starlette looks an `HTTPException` up by status code first, then by class.
        let app = routes(
            Application::new()
                .status_handler(StatusCode::NOT_FOUND, |_: &HTTPException| {
                    (StatusCode::NOT_FOUND, "by status")
                })
                .exception_handler::<HTTPException, _, _>(|exc: HTTPException| {
                    (exc.status(), format!("by type: {}", exc.detail()))
                }),
        );
        let client = TestClient::new(app);
        let r = client.get("/missing").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (404, "by status"));
        let r = client.get("/forbidden").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (403, "by type: Forbidden")
        );
        let r = client.get("/post-only").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (405, "by type: Method Not Allowed")
        );
    })
    .await;
}

#[tokio::test]
async fn replacing_all_handlers() {
    within(async {
        let mut handlers = ExceptionHandlers::new();
        handlers.on_error::<std::io::Error, _, _>(|err: std::io::Error| {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("io: {:?}", err.kind()),
            )
        });
        let client = TestClient::new(
            routes(Application::new().server_error_handler(|_: Error| "dropped"))
                .exception_handlers(handlers),
        );
        let r = client.get("/io").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (503, "io: NotFound")
        );
        // The earlier server-error handler was replaced too.
        let r = client.get("/script").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (500, "Internal Server Error")
        );
    })
    .await;
}

#[tokio::test]
async fn unhandled_errors_are_a_plain_500_in_process() {
    within(async {
        let client = TestClient::new(plain_app());
        for path in [
            "/mine",
            "/io",
            "/script",
            "/chained",
            "/panic",
            "/panic-blocking",
        ] {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 500, "{path}");
            assert_eq!(r.text(), "Internal Server Error", "{path}");
            assert_eq!(
                r.header("content-type"),
                Some("text/plain; charset=utf-8"),
                "{path}"
            );
        }
        // The client (and app) keep working after panics.
        assert_eq!(client.get("/ok").send().await.text(), "ok");
    })
    .await;
}

#[tokio::test]
async fn debug_mode_shows_an_escaped_error_page() {
    within(async {
        let client = TestClient::new(routes(Application::new().debug(true)));
        let r = client.get("/script").send().await;
        assert_eq!(r.status(), 500);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let page = r.text();
        assert!(
            page.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more"),
            "{page}"
        );
        assert!(!page.contains("<script>"), "unescaped error text in {page}");

        let page = client.get("/chained").send().await.text();
        assert!(page.contains("loading &lt;config&gt; failed"), "{page}");
        assert!(
            page.contains("disk &lt;full&gt;"),
            "the cause is listed: {page}"
        );
        assert!(
            !page.contains("<full>") && !page.contains("<config>"),
            "{page}"
        );

        let page = client.get("/panic").send().await.text();
        assert!(
            page.contains("endpoint panicked: endpoint blew up"),
            "{page}"
        );

        // HTTP exceptions are not errors: no debug page for them.
        let r = client.get("/forbidden").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (403, "Forbidden"));
        let r = client.get("/missing").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (404, "Not Found"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debug_page_over_a_socket() {
    within(async {
        let server = LiveServer::start(routes(Application::new().debug(true)))
            .await
            .unwrap();
        let r = get(&server.url("/script")).await;
        assert_eq!(r.status, 500);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert!(r.text().contains("&lt;script&gt;"));
        assert!(!r.text().contains("<script>"));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panicking_endpoints_are_a_500_and_the_server_keeps_serving() {
    within(async {
        let server = LiveServer::start(plain_app()).await.unwrap();
        for _ in 0..3 {
            for path in ["/panic", "/panic-blocking"] {
                let r = get(&server.url(path)).await;
                assert_eq!(r.status, 500, "{path}");
                assert_eq!(r.text(), "Internal Server Error", "{path}");
            }
        }
        // The same keep-alive connection carries on after a panic.
        let bytes = raw(
            server.addr(),
            b"GET /panic HTTP/1.1\r\nhost: t\r\n\r\nGET /ok HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("HTTP/1.1 500"), "{text}");
        assert!(text.contains("HTTP/1.1 200"), "{text}");
        assert!(text.ends_with("ok"), "{text}");

        let r = get(&server.url("/ok")).await;
        assert_eq!((r.status, r.text().as_str()), (200, "ok"));
        let r = request("POST", &server.url("/io"), &[], Some(b"x".to_vec())).await;
        assert_eq!(r.status, 405);
        let r = get(&server.url("/io")).await;
        assert_eq!((r.status, r.text().as_str()), (500, "Internal Server Error"));
        server.stop().await.unwrap();
    })
    .await;
}

#[test]
fn error_values() {
    let err: Error = std::io::Error::other("inner").into();
    assert!(err.is::<std::io::Error>());
    assert_eq!(err.to_string(), "inner");
    let err: Error = Outer {
        source: std::io::Error::other("cause"),
    }
    .into();
    assert_eq!(err.to_string(), "loading <config> failed: cause");
    let outer = err.downcast::<Outer>().unwrap();
    assert_eq!(outer.source.to_string(), "cause");
    let err = Error::msg("plain");
    assert!(err.downcast_ref::<MyError>().is_none());
    let err = err.downcast::<MyError>().unwrap_err();
    assert_eq!(err.to_string(), "plain");

    let exc = HTTPException::new(StatusCode::IM_A_TEAPOT);
    assert_eq!(exc.detail(), "I'm a teapot");
    assert_eq!(exc.to_string(), "418: I'm a teapot");
    let response = exc.into_response();
    assert_eq!(response.status(), 418);
}

/// An endpoint that panics in `call` itself, before it returns its future.
struct PanicsWhenCalled;

impl ferrapi_toolkit::endpoints::Endpoint for PanicsWhenCalled {
    fn call(
        &self,
        _req: Request,
    ) -> ferrapi_toolkit::endpoints::BoxFuture<Result<ferrapi_toolkit::Response, Error>> {
        panic!("before the future")
    }
}

#[tokio::test]
async fn a_panic_while_routing_reaches_the_server_error_handler() {
    // The application routes in `call`, before its future exists: a panic there still goes
    // through the exception handlers, as one in the endpoint's future does.
    let app = Application::new()
        .route(Route::new("/sync-panic", PanicsWhenCalled))
        .route(Route::new("/ok", |_req: Request| async { "ok" }))
        .server_error_handler(|err: Error| {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({ "server_error": err.to_string() })),
            )
        });
    let client = TestClient::new(app);
    let r = client.get("/sync-panic").send().await;
    assert_eq!(r.status(), 500);
    assert_eq!(
        r.json::<Value>().unwrap()["server_error"],
        json!("endpoint panicked: before the future")
    );
    assert_eq!(client.get("/ok").send().await.text(), "ok");
}

#[tokio::test]
async fn work_attached_to_an_error_runs_after_the_handlers_own_in_order() {
    use ferrapi_toolkit::server::AfterResponse;
    use std::sync::{Arc, Mutex};

    within(async {
        let log: Arc<Mutex<Vec<&'static str>>> = Arc::default();
        let step = |name: &'static str| {
            let log = log.clone();
            AfterResponse::new(async move { log.lock().unwrap().push(name) })
        };
        let mut handlers = ExceptionHandlers::new();
        let own = step("handler's own");
        handlers.on_status(StatusCode::NOT_FOUND, move |_err: &HTTPException| {
            let mut response = "gone".into_response();
            response.extensions_mut().insert(own.clone());
            response
        });
        let err = Error::from(HTTPException::new(StatusCode::NOT_FOUND))
            .with_after(step("first attached"))
            .with_after(step("second attached"));
        let mut response = handlers.handle(err, false);
        // The handler's answer (its status is its own), with all three pieces of work.
        assert_eq!(response.status(), StatusCode::OK);
        let work = response.extensions_mut().remove::<AfterResponse>();
        work.and_then(|w| w.take()).expect("work attached").await;
        assert_eq!(
            *log.lock().unwrap(),
            ["handler's own", "first attached", "second attached"]
        );
    })
    .await;
}
