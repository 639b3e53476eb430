//! Exception handlers that are async and get the request (`*_with_request`): what the request
//! they get holds, each kind of handler (by type, by status, the 500 one), mixed with plain
//! handlers, hostile handlers (ones that panic), errors around middleware, and WebSocket
//! handshakes.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{get, within};
use ferrapi_toolkit::exceptions::ExceptionHandlers;
use ferrapi_toolkit::middleware::function::{from_fn, Next};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, Error, HTTPException, IntoResponse, Json, Mount, Request, Route, Router,
    StatusCode, WebSocket, WebSocketRoute,
};
use serde_json::{json, Value};

#[derive(Debug)]
struct Unicorn {
    name: String,
}

impl fmt::Display for Unicorn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unicorn {}", self.name)
    }
}

impl std::error::Error for Unicorn {}

#[derive(Debug)]
struct Plain;

impl fmt::Display for Plain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("plain")
    }
}

impl std::error::Error for Plain {}

/// A value a middleware puts in the request's extensions.
#[derive(Clone, Debug)]
struct Tenant(&'static str);

/// A value of the application state.
#[derive(Debug)]
struct Greeting(&'static str);

async fn unicorn(mut req: Request) -> Result<&'static str, Unicorn> {
    // The endpoint reads the body: the handler's copy must not need it.
    let _ = req.body().await;
    let name = req.path_param("name").unwrap_or("?").to_owned();
    Err(Unicorn { name })
}

async fn plain(_req: Request) -> Result<&'static str, Plain> {
    Err(Plain)
}

async fn other(_req: Request) -> Result<&'static str, Error> {
    Err(Error::msg("something else"))
}

async fn ok(_req: Request) -> &'static str {
    "ok"
}

/// Everything a handler can read from the request it gets.
async fn describe(mut req: Request, err: Unicorn) -> (StatusCode, Json<Value>) {
    let body = req.body().await.map(|b| b.len()).ok();
    (
        StatusCode::IM_A_TEAPOT,
        Json(json!({
            "error": err.name,
            "method": req.method().as_str(),
            "path": req.path(),
            "url_path": req.url().path(),
            "query": req.query_params().get("q"),
            "header": req.header("x-agent"),
            "cookie": req.cookie("flavour"),
            "tenant": req.extensions().get::<Tenant>().map(|t| t.0),
            "state": req.state_get::<Greeting>().map(|g| g.0),
            "route_param": req.path_param("name"),
            "mount_param": req.path_param("org"),
            "body_len": body,
            "url_for": req.url_path_for("ok", &[]).ok(),
        })),
    )
}

fn app() -> Application {
    Application::new()
        .state(Greeting("hello"))
        .route(Route::post("/unicorns/{name}", unicorn))
        .route(Route::new("/plain", plain))
        .route(Route::new("/other", other))
        .route(Route::new("/ok", ok).name("ok"))
        .route(Mount::new(
            "/orgs/{org}",
            Router::new().route(Route::post("/unicorns/{name}", unicorn)),
        ))
        .exception_handler_with_request(describe)
        // A plain handler beside the async ones.
        .exception_handler(|_: Plain| (StatusCode::CONFLICT, "plain handler"))
        .status_handler_with_request(
            StatusCode::NOT_FOUND,
            |req: Request, exc: HTTPException| async move {
                (exc.status(), format!("no {} here", req.path()))
            },
        )
        .server_error_handler_with_request(|req: Request, err: Error| async move {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{} {} failed: {err}", req.method(), req.path()),
            )
        })
}

#[tokio::test]
async fn the_handler_gets_a_copy_of_the_request_head() {
    within(async {
        let client = TestClient::new(app().middleware(from_fn(
            |mut req: Request, next: Next| async move {
                req.extensions_mut().insert(Tenant("acme"));
                let mut response = next.run(req).await;
                response
                    .headers_mut()
                    .insert("x-outer", "yes".parse().unwrap());
                response
            },
        )));
        let r = client
            .post("/unicorns/sparkles?q=rainbow")
            .header("x-agent", "tests")
            .header("cookie", "flavour=mint")
            .body("a body the endpoint reads")
            .send()
            .await;
        assert_eq!(r.status(), 418);
        // The handler's answer passes back through the middleware.
        assert_eq!(r.header("x-outer"), Some("yes"));
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({
                "error": "sparkles",
                "method": "POST",
                "path": "/unicorns/sparkles",
                "url_path": "/unicorns/sparkles",
                "query": "rainbow",
                "header": "tests",
                "cookie": "mint",
                "tenant": "acme",
                "state": "hello",
                // Routing passes the route's parameters on to the copy.
                "route_param": "sparkles",
                "mount_param": null,
                // The body went to the endpoint: the copy has none.
                "body_len": 0,
                "url_for": "/ok",
            })
        );
    })
    .await;
}

#[tokio::test]
async fn in_a_mounted_application_the_copy_has_the_mount_parameters() {
    within(async {
        let client = TestClient::new(Application::new().route(Mount::app("/orgs/{org}", app())));
        let r = client.post("/orgs/acme/unicorns/yolo").send().await;
        assert_eq!(r.status(), 418);
        let body = r.json::<Value>().unwrap();
        assert_eq!(body["mount_param"], json!("acme"));
        assert_eq!(body["route_param"], json!("yolo"));
        assert_eq!(body["url_path"], json!("/orgs/acme/unicorns/yolo"));
        assert_eq!(body["error"], json!("yolo"));
    })
    .await;
}

#[tokio::test]
async fn a_mounted_router_s_and_the_route_s_parameters_reach_the_copy() {
    within(async {
        let client = TestClient::new(app());
        let r = client.post("/orgs/acme/unicorns/yolo").send().await;
        assert_eq!(r.status(), 418);
        let body = r.json::<Value>().unwrap();
        assert_eq!(body["mount_param"], json!("acme"));
        assert_eq!(body["route_param"], json!("yolo"));
    })
    .await;
}

#[tokio::test]
async fn status_and_server_error_handlers_with_the_request() {
    within(async {
        let client = TestClient::new(app());
        let r = client.get("/missing/thing").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (404, "no /missing/thing here")
        );
        let r = client.delete("/other").send().await;
        // No 405 handler: the default answer.
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (405, "Method Not Allowed")
        );
        let r = client.get("/other").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (500, "GET /other failed: something else")
        );
        // The plain handler still answers its type.
        let r = client.get("/plain").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (409, "plain handler")
        );
        assert_eq!(client.get("/ok").send().await.text(), "ok");
    })
    .await;
}

#[tokio::test]
async fn a_later_handler_for_the_same_type_replaces_the_earlier_of_either_kind() {
    within(async {
        let app = Application::new()
            .route(Route::new("/plain", plain))
            .exception_handler_with_request(|_req: Request, _: Plain| async { "async" })
            .exception_handler(|_: Plain| "sync");
        let client = TestClient::new(app);
        assert_eq!(client.get("/plain").send().await.text(), "sync");

        let app = Application::new()
            .route(Route::new("/plain", plain))
            .exception_handler(|_: Plain| "sync")
            .exception_handler_with_request(|_req: Request, _: Plain| async { "async" });
        let client = TestClient::new(app);
        assert_eq!(client.get("/plain").send().await.text(), "async");
    })
    .await;
}

#[test]
fn wants_request_only_with_such_a_handler() {
    let mut handlers = ExceptionHandlers::new();
    handlers.on_error(|_: Plain| "sync");
    handlers.on_status(StatusCode::NOT_FOUND, |_: &HTTPException| "gone");
    handlers.on_server_error(|_: Error| "500");
    assert!(!handlers.wants_request());
    let mut with = handlers.clone();
    with.on_status_with_request(
        StatusCode::NOT_FOUND,
        |_req: Request, _exc: HTTPException| async { "gone" },
    );
    assert!(with.wants_request());
    let mut with = handlers.clone();
    with.on_server_error_with_request(|_req: Request, _err: Error| async { "500" });
    assert!(with.wants_request());
    // Replacing the only async handler with a plain one: nothing to copy any more.
    let mut with = handlers.clone();
    with.on_error_with_request(|_req: Request, _: Plain| async { "async" });
    assert!(with.wants_request());
    with.on_error(|_: Plain| "sync");
    assert!(!with.wants_request());
}

#[tokio::test]
async fn the_sync_path_passes_over_async_handlers_and_the_async_one_runs_them() {
    let mut handlers = ExceptionHandlers::new();
    handlers.on_error(|_: Plain| "sync");
    handlers.on_error_with_request(|req: Request, err: Unicorn| async move {
        format!("{} at {}", err.name, req.path())
    });
    // Plain handlers answer on both paths.
    let r = handlers.handle(Plain.into(), false);
    assert_eq!(r.status(), 200);
    let r = handlers
        .handle_with_request(Plain.into(), false, None)
        .await;
    assert_eq!(r.status(), 200);
    // `handle` cannot run the async one: the error is unhandled there.
    let r = handlers.handle(Unicorn { name: "x".into() }.into(), false);
    assert_eq!(r.status(), 500);
    // Without a request, the async one gets a bare one.
    let r = handlers
        .handle_with_request(Unicorn { name: "x".into() }.into(), false, None)
        .await;
    assert_eq!(r.status(), 200);
    let bytes = r.into_body().collect().await;
    assert_eq!(bytes.ok().as_deref(), Some(&b"x at /"[..]));
}

async fn panics(_req: Request) -> Result<&'static str, Unicorn> {
    Err(Unicorn {
        name: "hostile".into(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handlers_that_panic_are_a_500_and_the_server_keeps_serving() {
    within(async {
        let app = || {
            Application::new()
                .route(Route::new("/async", panics))
                .route(Route::new("/before-future", panics))
                .route(Route::new("/sync", plain))
                .route(Route::new("/status", |_req: Request| async {
                    Err::<&str, _>(HTTPException::new(StatusCode::GONE))
                }))
                .route(Route::new("/ok", ok))
                .exception_handler_with_request(|req: Request, _: Unicorn| {
                    // Panics in the call for one path, in the future for the other.
                    if req.path() == "/before-future" {
                        panic!("handler panicked before its future");
                    }
                    async move {
                        if req.path() == "/async" {
                            panic!("handler panicked in its future");
                        }
                        "unreachable"
                    }
                })
                .exception_handler(|_: Plain| -> &'static str { panic!("sync handler panicked") })
                .status_handler_with_request(
                    StatusCode::GONE,
                    |_req: Request, _: HTTPException| async {
                        panic!("status handler panicked");
                        #[allow(unreachable_code)]
                        "unreachable"
                    },
                )
        };
        let client = TestClient::new(app());
        for path in ["/async", "/before-future", "/sync", "/status"] {
            let r = client.get(path).send().await;
            assert_eq!(
                (r.status().as_u16(), r.text().as_str()),
                (500, "Internal Server Error"),
                "{path}"
            );
        }
        let r = TestClient::new(app().debug(true))
            .get("/async")
            .send()
            .await;
        assert_eq!(r.status(), 500);
        assert!(r
            .text()
            .contains("exception handler panicked: handler panicked in its future"));

        let server = LiveServer::start(app()).await.unwrap();
        for path in ["/async", "/sync", "/ok"] {
            let r = get(&server.url(path)).await;
            let want = if path == "/ok" { 200 } else { 500 };
            assert_eq!(r.status, want, "{path}");
        }
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_panic_while_routing_reaches_the_handler_with_the_request() {
    struct PanicsWhenCalled;
    impl ferrapi_toolkit::endpoints::Endpoint for PanicsWhenCalled {
        fn call(
            &self,
            _req: Request,
        ) -> ferrapi_toolkit::endpoints::BoxFuture<Result<ferrapi_toolkit::Response, Error>>
        {
            panic!("before the future")
        }
    }
    let app = Application::new()
        .route(Route::new("/sync-panic/{n}", PanicsWhenCalled))
        .server_error_handler_with_request(|req: Request, err: Error| async move {
            let n = req.path_param("n").unwrap_or("-").to_owned();
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("{} ({n}): {err}", req.path()),
            )
        });
    let r = TestClient::new(app).get("/sync-panic/7").send().await;
    assert_eq!(
        r.text(),
        "/sync-panic/7 (7): endpoint panicked: before the future"
    );
}

#[tokio::test]
async fn errors_around_middleware() {
    within(async {
        let calls = Arc::new(AtomicUsize::new(0));
        let seen = calls.clone();
        let app = Application::new()
            .route(Route::new("/plain", plain))
            .route(Route::new("/ok", ok))
            // A middleware that answers an error response itself (a middleware returns a
            // response, it cannot raise): the handlers, inside it, never see it.
            .middleware(from_fn(|req: Request, next: Next| async move {
                if req.header("x-deny").is_some() {
                    return HTTPException::new(StatusCode::FORBIDDEN).into_response();
                }
                next.run(req).await
            }))
            .status_handler_with_request(
                StatusCode::FORBIDDEN,
                move |_req: Request, _: HTTPException| {
                    seen.fetch_add(1, Ordering::SeqCst);
                    async { "handled" }
                },
            )
            .exception_handler_with_request(|req: Request, _: Plain| async move {
                // The middleware's extension is visible in the copy.
                format!("tenant {:?}", req.extensions().get::<Tenant>().map(|t| t.0))
            });
        let client = TestClient::new(app);
        let r = client.get("/ok").header("x-deny", "1").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (403, "Forbidden"));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let r = client.get("/plain").send().await;
        assert_eq!(r.text(), "tenant None");
    })
    .await;
}

#[tokio::test]
async fn a_websocket_handshake_error_goes_to_the_handler_with_the_handshake_request() {
    within(async {
        let app = Application::new()
            .route(WebSocketRoute::new(
                "/ws/{room}",
                |ws: WebSocket| async move {
                    let room = ws.path_param("room").unwrap_or("").to_owned();
                    if room == "closed" {
                        return Err(HTTPException::new(StatusCode::UNAUTHORIZED).into());
                    }
                    Err::<(), Error>(Unicorn { name: room }.into())
                },
            ))
            .status_handler_with_request(
                StatusCode::UNAUTHORIZED,
                |req: Request, exc: HTTPException| async move {
                    (exc.status(), format!("denied at {}", req.path()))
                },
            )
            .exception_handler_with_request(|req: Request, err: Unicorn| async move {
                (
                    StatusCode::IM_A_TEAPOT,
                    format!("{} via {}", err.name, req.url()),
                )
            });
        let client = TestClient::new(app);
        let denied = client.websocket_connect("/ws/closed").await.unwrap_err();
        assert_eq!(
            (denied.status().as_u16(), denied.text().as_str()),
            (401, "denied at /ws/closed")
        );
        let denied = client.websocket_connect("/ws/lobby").await.unwrap_err();
        assert_eq!(denied.status(), 418);
        assert!(
            denied.text().starts_with("lobby via ws://"),
            "{}",
            denied.text()
        );
    })
    .await;
}

/// An extension that counts its clones: the copy of the request clones the extensions.
#[derive(Debug)]
struct Counted(Arc<AtomicUsize>);

impl Clone for Counted {
    fn clone(&self) -> Counted {
        self.0.fetch_add(1, Ordering::SeqCst);
        Counted(self.0.clone())
    }
}

#[tokio::test]
async fn the_request_is_copied_only_for_an_app_with_a_handler_that_wants_it() {
    within(async {
        let with_counter = |app: Application, clones: Arc<AtomicUsize>| {
            app.route(Route::new("/plain", plain))
                .route(Route::new("/ok", ok))
                .middleware(from_fn(move |mut req: Request, next: Next| {
                    req.extensions_mut().insert(Counted(clones.clone()));
                    next.run(req)
                }))
        };
        // Plain handlers only: no copy, whether the request fails or not.
        let clones = Arc::new(AtomicUsize::new(0));
        let app = Application::new().exception_handler(|_: Plain| "sync");
        let client = TestClient::new(with_counter(app, clones.clone()));
        assert_eq!(client.get("/ok").send().await.text(), "ok");
        assert_eq!(client.get("/plain").send().await.text(), "sync");
        assert_eq!(clones.load(Ordering::SeqCst), 0);

        // A handler with the request: one copy per request, used or not.
        let clones = Arc::new(AtomicUsize::new(0));
        let app = Application::new().exception_handler_with_request(
            |req: Request, _: Plain| async move {
                format!("copied: {}", req.extensions().get::<Counted>().is_some())
            },
        );
        let client = TestClient::new(with_counter(app, clones.clone()));
        assert_eq!(client.get("/ok").send().await.text(), "ok");
        assert_eq!(client.get("/plain").send().await.text(), "copied: true");
        assert_eq!(clones.load(Ordering::SeqCst), 2);
    })
    .await;
}
