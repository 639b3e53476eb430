//! `applications`: the middleware stack, lifespan hooks, state and reverse routing of an
//! `Application`, in process and over real sockets.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::{get, request, within};
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::server::{App, Body, BoxError};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{AppState, Application, Error, Request, Response, Route, StatusCode};
use http::HeaderValue;

type Log = Arc<Mutex<Vec<String>>>;

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Logs around the inner app, and tags the response with its name.
struct Recorder {
    name: &'static str,
    log: Log,
    inner: BoxApp,
}

impl App for Recorder {
    async fn call(&self, mut req: http::Request<Body>) -> Response {
        self.log.lock().unwrap().push(format!("{} in", self.name));
        req.headers_mut()
            .append("x-through", HeaderValue::from_static(self.name));
        let mut response = self.inner.call(req).await;
        self.log
            .lock()
            .unwrap()
            .push(format!("{} out {}", self.name, response.status().as_u16()));
        response
            .headers_mut()
            .append("x-middleware", HeaderValue::from_static(self.name));
        response
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} startup", self.name));
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.log
            .lock()
            .unwrap()
            .push(format!("{} shutdown", self.name));
        self.inner.shutdown().await
    }
}

/// Answers 401 without calling the inner app unless `authorization` is present.
struct Guard {
    inner: BoxApp,
}

impl App for Guard {
    async fn call(&self, req: http::Request<Body>) -> Response {
        if req.headers().contains_key("authorization") || req.uri().path() != "/private" {
            return self.inner.call(req).await;
        }
        let mut response = Response::new(Body::from("no entry"));
        *response.status_mut() = StatusCode::UNAUTHORIZED;
        response
    }
}

#[derive(Debug, Default)]
struct Hits(AtomicUsize);

#[derive(Debug)]
struct Db {
    name: String,
}

fn app(log: Log) -> Application {
    let l = log.clone();
    let endpoint = move |req: Request| {
        let log = l.clone();
        async move {
            log.lock().unwrap().push("endpoint".to_string());
            let through: Vec<&str> = req
                .headers()
                .get_all("x-through")
                .iter()
                .map(|v| v.to_str().unwrap())
                .collect();
            through.join(",")
        }
    };
    async fn fails(_req: Request) -> Result<&'static str, Error> {
        Err(Error::msg("broken"))
    }
    async fn panics(_req: Request) -> &'static str {
        panic!("endpoint panic")
    }
    async fn counted(req: Request) -> String {
        let hits = req.state_get::<Hits>().unwrap();
        let n = hits.0.fetch_add(1, Ordering::SeqCst) + 1;
        let db = req
            .state_get::<Db>()
            .map(|d| d.name.clone())
            .unwrap_or_else(|| "-".into());
        format!("{n} {db}")
    }
    async fn private(_req: Request) -> &'static str {
        "secret"
    }
    let (l1, l2, l3, l4) = (log.clone(), log.clone(), log.clone(), log.clone());
    Application::new()
        .state(Hits::default())
        .on_startup(move |state: AppState| {
            let log = l1.clone();
            async move {
                log.lock().unwrap().push("startup 1".into());
                state.insert(Db {
                    name: "main".into(),
                });
                Ok::<(), BoxError>(())
            }
        })
        .on_startup(move |_state: AppState| {
            let log = l2.clone();
            async move {
                log.lock().unwrap().push("startup 2".into());
                Ok::<(), std::io::Error>(())
            }
        })
        .on_shutdown(move |state: AppState| {
            let log = l3.clone();
            async move {
                let hits = state.get::<Hits>().map(|h| h.0.load(Ordering::SeqCst));
                log.lock()
                    .unwrap()
                    .push(format!("shutdown 1 hits={}", hits.unwrap_or(0)));
            }
        })
        .on_shutdown(move |_state: AppState| {
            let log = l4.clone();
            async move { log.lock().unwrap().push("shutdown 2".into()) }
        })
        .middleware({
            let log = log.clone();
            move |inner| Recorder {
                name: "outer",
                log,
                inner,
            }
        })
        .middleware({
            let log = log.clone();
            move |inner| Recorder {
                name: "inner",
                log,
                inner,
            }
        })
        .middleware(|inner| Guard { inner })
        .route(Route::new("/", endpoint).name("home"))
        .route(Route::new("/fails", fails))
        .route(Route::new("/panics", panics))
        .route(Route::new("/counted", counted))
        .route(Route::new("/private", private))
        .route(Route::new("/users/{id:int}", private).name("user"))
}

#[tokio::test]
async fn the_first_middleware_added_is_the_outermost() {
    within(async {
        let log: Log = Arc::default();
        let client = TestClient::new(app(log.clone()));
        let r = client.get("/").send().await;
        assert_eq!(r.text(), "outer,inner");
        let tags: Vec<&str> = r
            .headers()
            .get_all("x-middleware")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(tags, ["inner", "outer"]);
        assert_eq!(
            entries(&log),
            [
                "outer in",
                "inner in",
                "endpoint",
                "inner out 200",
                "outer out 200"
            ]
        );
    })
    .await;
}

#[tokio::test]
async fn middleware_sees_error_responses() {
    within(async {
        let log: Log = Arc::default();
        let client = TestClient::new(app(log.clone()));
        for (path, status, body) in [
            ("/fails", 500, "Internal Server Error"),
            ("/panics", 500, "Internal Server Error"),
            ("/missing", 404, "Not Found"),
        ] {
            log.lock().unwrap().clear();
            let r = client.get(path).send().await;
            assert_eq!(
                (r.status().as_u16(), r.text().as_str()),
                (status, body),
                "{path}"
            );
            assert_eq!(
                r.headers().get_all("x-middleware").iter().count(),
                2,
                "{path}"
            );
            assert_eq!(
                entries(&log),
                [
                    "outer in".to_string(),
                    "inner in".to_string(),
                    format!("inner out {status}"),
                    format!("outer out {status}"),
                ],
                "{path}"
            );
        }
        let r = client.post("/").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
        assert_eq!(r.headers().get_all("x-middleware").iter().count(), 2);
    })
    .await;
}

#[tokio::test]
async fn middleware_can_answer_without_the_app() {
    within(async {
        let log: Log = Arc::default();
        let client = TestClient::new(app(log.clone()));
        let r = client.get("/private").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (401, "no entry"));
        // The outer middleware still wraps the guard's answer.
        assert_eq!(
            entries(&log),
            ["outer in", "inner in", "inner out 401", "outer out 401"]
        );
        let r = client
            .get("/private")
            .header("authorization", "Bearer x")
            .send()
            .await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "secret"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn middleware_over_a_socket() {
    within(async {
        let log: Log = Arc::default();
        let server = LiveServer::start(app(log.clone())).await.unwrap();
        let r = get(&server.url("/")).await;
        assert_eq!(r.text(), "outer,inner");
        assert_eq!(r.header_all("x-middleware"), ["inner", "outer"]);
        let r = get(&server.url("/panics")).await;
        assert_eq!(
            (r.status, r.text().as_str()),
            (500, "Internal Server Error")
        );
        assert_eq!(r.header_all("x-middleware"), ["inner", "outer"]);
        let r = request(
            "GET",
            &server.url("/private"),
            &[("authorization", "x")],
            None,
        )
        .await;
        assert_eq!(r.text(), "secret");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn lifespan_hooks_run_in_order_in_process() {
    within(async {
        let log: Log = Arc::default();
        let client = TestClient::start(app(log.clone())).await.unwrap();
        assert_eq!(
            entries(&log),
            ["startup 1", "startup 2", "outer startup", "inner startup"]
        );
        log.lock().unwrap().clear();
        assert_eq!(client.get("/counted").send().await.text(), "1 main");
        assert_eq!(client.get("/counted").send().await.text(), "2 main");
        log.lock().unwrap().clear();
        client.shutdown().await;
        assert_eq!(
            entries(&log),
            [
                "outer shutdown",
                "inner shutdown",
                "shutdown 1 hits=2",
                "shutdown 2"
            ]
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lifespan_hooks_run_with_a_live_server() {
    within(async {
        let log: Log = Arc::default();
        let server = LiveServer::start(app(log.clone())).await.unwrap();
        // Startup runs before the first request is served.
        assert_eq!(get(&server.url("/counted")).await.text(), "1 main");
        assert_eq!(get(&server.url("/counted")).await.text(), "2 main");
        assert_eq!(
            entries(&log)[..4],
            ["startup 1", "startup 2", "outer startup", "inner startup"]
        );
        server.stop().await.unwrap();
        let log = entries(&log);
        assert_eq!(
            log[log.len() - 4..],
            [
                "outer shutdown",
                "inner shutdown",
                "shutdown 1 hits=2",
                "shutdown 2"
            ]
        );
    })
    .await;
}

fn failing_startup(log: Log) -> Application {
    let (l1, l2, l3) = (log.clone(), log.clone(), log);
    Application::new()
        .on_startup(move |_state: AppState| {
            let log = l1.clone();
            async move {
                log.lock().unwrap().push("startup 1".into());
                Err::<(), std::io::Error>(std::io::Error::other("database unreachable"))
            }
        })
        .on_startup(move |_state: AppState| {
            let log = l2.clone();
            async move {
                log.lock().unwrap().push("startup 2 (must not run)".into());
                Ok::<(), BoxError>(())
            }
        })
        .on_shutdown(move |_state: AppState| {
            let log = l3.clone();
            async move { log.lock().unwrap().push("shutdown".into()) }
        })
        .route(Route::new("/", |_req: Request| async { "up" }))
}

#[tokio::test]
async fn a_failing_startup_hook_is_an_error_in_process() {
    within(async {
        let log: Log = Arc::default();
        let err = TestClient::start(failing_startup(log.clone()))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "database unreachable");
        assert_eq!(entries(&log), ["startup 1"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_startup_hook_stops_the_live_server() {
    within(async {
        let log: Log = Arc::default();
        let server = LiveServer::start(failing_startup(log.clone()))
            .await
            .unwrap();
        let addr = server.addr();
        let err = server.stop().await.unwrap_err();
        assert!(
            err.to_string().contains("database unreachable"),
            "the startup error is reported: {err}"
        );
        assert_eq!(entries(&log), ["startup 1"]);
        // Nothing listens any more.
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    })
    .await;
}

#[tokio::test]
async fn state_is_shared_by_requests() {
    within(async {
        let log: Log = Arc::default();
        let app = app(log);
        let hits = app.app_state().get::<Hits>().unwrap();
        let client = TestClient::new(app);
        // No lifespan: the startup hook's value is missing, the builder's is there.
        assert_eq!(client.get("/counted").send().await.text(), "1 -");
        assert_eq!(client.get("/counted").send().await.text(), "2 -");
        assert_eq!(hits.0.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn url_path_for_on_the_application() {
    within(async {
        let app = app(Arc::default());
        assert_eq!(app.url_path_for("home", &[]).unwrap(), "/");
        assert_eq!(
            app.url_path_for("user", &[("id", "12")]).unwrap(),
            "/users/12"
        );
        assert!(app.url_path_for("user", &[("id", "x")]).is_err());
        let err = app.url_path_for("nope", &[]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "No route exists for name \"nope\" and params \"\"."
        );
        // The app still serves after being inspected.
        let client = TestClient::new(app);
        assert_eq!(client.get("/users/3").send().await.text(), "secret");
        assert!(format!("{:?}", Application::new()).contains("Application"));
    })
    .await;
}

/// Building is a consuming step (`Application::build`): a built application has no builder
/// methods, so changing an application after it serves is a type error (the framework's
/// `tests/ui/application_changed_after_build.rs`), where Starlette raises at run time. Reading
/// a configuring application (`url_path_for`) builds nothing, so it can still be changed.
#[tokio::test]
async fn an_application_is_built_once_when_it_serves() {
    let app = Application::new().route(Route::new("/", |_req: Request| async { "x" }).name("root"));
    assert_eq!(app.url_path_for("root", &[]).unwrap(), "/");
    let app = app.route(Route::new("/late", |_req: Request| async { "late" }).name("late"));
    let built = app.build();
    assert_eq!(built.url_path_for("late", &[]).unwrap(), "/late");
    let client = TestClient::new(built);
    assert_eq!(client.get("/late").send().await.text(), "late");
}

#[tokio::test]
async fn an_application_without_routes_is_all_404() {
    within(async {
        let client = TestClient::new(Application::default());
        let r = client.get("/").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (404, "Not Found"));
        let denied = client.websocket_connect("/").await.unwrap_err();
        assert_eq!(denied.status(), 403);
    })
    .await;
}
