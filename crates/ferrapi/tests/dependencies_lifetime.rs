//! The lifetime of a request's dependencies: `Yield` teardowns, request-scoped (after the response,
//! the background tasks and a streaming body) and function-scoped (when the operation returns);
//! their reverse order; the outcome a teardown sees (success, an `HTTPException`, a panic, a later
//! dependency's error, a 422); a panicking dependency or teardown; the background tasks a
//! dependency queues. FastAPI 0.165's verified orders and answers. In process with the toolkit's
//! `TestClient`, and over a real socket with `LiveServer` where the order against the sent
//! response matters.

mod common;

use std::sync::Mutex;
use std::time::Duration;

use common::{detail, live_get, wait_until, EventLog};
use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, BackgroundTasks, HTTPException, Yield};
use serde_json::{json, Value};

mod request_teardown {
    use super::*;

    static LOG: EventLog = EventLog::new();

    /// A request-scoped dependency with a teardown, which also queues a background task.
    #[dependency]
    async fn session(tasks: BackgroundTasks) -> Yield<u32> {
        LOG.push("setup");
        tasks.add_task(async {
            LOG.push("dependency background");
        });
        Yield::new(7, |outcome| async move {
            LOG.push(format!("teardown ok={}", outcome.is_ok()));
        })
    }

    #[get("/session")]
    async fn use_session(#[depends(session)] s: u32, tasks: BackgroundTasks) -> Value {
        LOG.push("endpoint");
        tasks.add_task(async {
            LOG.push("endpoint background");
        });
        json!({ "session": s })
    }

    /// The teardown runs after the endpoint and after every background task (those of the
    /// dependency and of the operation: one list), as FastAPI's default scope does.
    #[tokio::test]
    async fn a_request_scoped_teardown_runs_after_the_background_tasks() {
        let client = TestClient::new(App::new().route(use_session));
        let r = client.get("/session").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().unwrap(), json!({"session": 7}));
        assert_eq!(
            LOG.snapshot(),
            [
                "setup",
                "endpoint",
                "dependency background",
                "endpoint background",
                "teardown ok=true"
            ]
        );
    }
}

mod function_teardown {
    use super::*;

    static LOG: EventLog = EventLog::new();

    #[dependency]
    async fn req_dep() -> Yield<()> {
        LOG.push("req enter");
        Yield::new((), |_| async {
            LOG.push("req exit");
        })
    }

    #[dependency(scope = "function")]
    async fn fn_dep(#[depends(req_dep)] _r: ()) -> Yield<()> {
        LOG.push("fn enter");
        Yield::new((), |_| async {
            LOG.push("fn exit");
        })
    }

    #[get("/y")]
    async fn read_y(#[depends(fn_dep)] _f: (), tasks: BackgroundTasks) -> &'static str {
        LOG.push("endpoint");
        tasks.add_task(async {
            LOG.push("background");
        });
        "ok"
    }

    /// A function-scoped teardown runs when the operation returns, before the background
    /// tasks and the request-scoped teardown (FastAPI's verified order for `/y`).
    #[tokio::test]
    async fn a_function_scoped_teardown_runs_before_the_response() {
        let client = TestClient::new(App::new().route(read_y));
        let r = client.get("/y").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            LOG.snapshot(),
            [
                "req enter",
                "fn enter",
                "endpoint",
                "fn exit",
                "background",
                "req exit"
            ]
        );
    }
}

mod function_teardown_error {
    use super::*;

    static SEEN: Mutex<Vec<(bool, Option<u16>)>> = Mutex::new(Vec::new());

    #[dependency(scope = "function")]
    async fn fn_watch() -> Yield<()> {
        Yield::new((), |outcome| async move {
            SEEN.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((outcome.is_ok(), outcome.status().map(|s| s.as_u16())));
        })
    }

    #[get("/teapot")]
    async fn teapot(#[depends(fn_watch)] _w: ()) -> Result<&'static str, HTTPException> {
        Err(HTTPException::new(
            StatusCode::IM_A_TEAPOT,
            "short and stout",
        ))
    }

    /// A function-scoped teardown sees the endpoint's error too.
    #[tokio::test]
    async fn a_function_scoped_teardown_sees_the_error() {
        let client = TestClient::new(App::new().route(teapot));
        let r = client.get("/teapot").send().await;
        assert_eq!(r.status(), 418);
        assert_eq!(
            *SEEN.lock().unwrap_or_else(|e| e.into_inner()),
            [(false, Some(418))]
        );
    }
}

mod live_teardown {
    use super::*;

    static LOG: EventLog = EventLog::new();
    /// Opened by the test once it has the response.
    static GATE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(0);

    #[dependency(scope = "function")]
    async fn fn_scoped() -> Yield<()> {
        Yield::new((), |_| async {
            LOG.push("fn exit");
        })
    }

    #[dependency]
    async fn req_scoped() -> Yield<()> {
        Yield::new((), |_| async {
            // Waits for the test to have the response; would block it if it ran first.
            let _ = tokio::time::timeout(Duration::from_secs(30), GATE.acquire()).await;
            LOG.push("req exit");
        })
    }

    #[get("/gated")]
    async fn gated(
        #[depends(fn_scoped)] _a: (),
        #[depends(req_scoped)] _b: (),
        tasks: BackgroundTasks,
    ) -> &'static str {
        LOG.push("endpoint");
        tasks.add_task(async {
            LOG.push("background");
        });
        "done"
    }

    /// Over a real socket: the client has the whole response while the request-scoped
    /// teardown still waits (it runs after the response is sent), and the function-scoped one
    /// has already run.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn over_a_socket_the_response_comes_before_the_request_teardown() {
        let server = LiveServer::start(App::new().route(gated)).await.unwrap();
        let response =
            tokio::time::timeout(Duration::from_secs(10), live_get(server.url("/gated")))
                .await
                .expect("the response waited for the request-scoped teardown");
        assert_eq!(response, (200, "\"done\"".to_string()));
        assert!(LOG.contains("fn exit"), "log: {:?}", LOG.snapshot());
        assert!(!LOG.contains("req exit"), "log: {:?}", LOG.snapshot());
        GATE.add_permits(1);
        wait_until("the request-scoped teardown ran", || {
            LOG.contains("req exit")
        })
        .await;
        assert_eq!(
            LOG.snapshot(),
            ["endpoint", "fn exit", "background", "req exit"]
        );
        server.stop().await.unwrap();
    }
}

mod reverse_order {
    use super::*;

    static LOG: EventLog = EventLog::new();

    #[dependency]
    async fn first() -> Yield<()> {
        LOG.push("enter first");
        Yield::new((), |_| async {
            LOG.push("exit first");
        })
    }

    /// A plain `fn` with a blocking teardown.
    #[dependency]
    fn second(#[depends(first)] _x: ()) -> Yield<()> {
        LOG.push("enter second");
        Yield::blocking((), |_| LOG.push("exit second"))
    }

    #[dependency]
    async fn third(#[depends(second)] _x: ()) -> Yield<()> {
        LOG.push("enter third");
        Yield::new((), |_| async {
            LOG.push("exit third");
        })
    }

    #[get("/chain")]
    async fn chain(#[depends(third)] _t: ()) -> &'static str {
        LOG.push("endpoint");
        "ok"
    }

    /// Teardowns run in the reverse order of their setups (async and blocking ones alike).
    #[tokio::test]
    async fn teardowns_run_in_reverse_setup_order() {
        let client = TestClient::new(App::new().route(chain));
        assert_eq!(client.get("/chain").send().await.status(), 200);
        assert_eq!(
            LOG.snapshot(),
            [
                "enter first",
                "enter second",
                "enter third",
                "endpoint",
                "exit third",
                "exit second",
                "exit first"
            ]
        );
    }
}

mod streaming_teardown {
    use super::*;

    use ferrapi::toolkit::responses::Streaming;

    static LOG: EventLog = EventLog::new();

    #[dependency]
    async fn stream_session() -> Yield<()> {
        Yield::new((), |_| async {
            LOG.push("teardown");
        })
    }

    #[get("/stream")]
    async fn read_stream(#[depends(stream_session)] _s: ()) -> Streaming {
        LOG.push("endpoint");
        Streaming::from_blocking_iter((0..3).map(|i| {
            LOG.push(format!("chunk {i}"));
            format!("c{i};")
        }))
    }

    /// A request-scoped dependency stays open until a streaming body has ended (FastAPI
    /// verified: the chunks come before the dependency's exit).
    #[tokio::test]
    async fn a_request_teardown_waits_for_a_streaming_body() {
        let client = TestClient::new(App::new().route(read_stream));
        let r = client.get("/stream").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "c0;c1;c2;");
        assert_eq!(
            LOG.snapshot(),
            ["endpoint", "chunk 0", "chunk 1", "chunk 2", "teardown"]
        );
    }
}

mod teardown_outcome {
    use super::*;

    /// What each case's teardown saw: (case, is_ok, status, error).
    type Seen = (String, bool, Option<u16>, Option<String>);
    static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

    fn seen(case: &str) -> Option<Seen> {
        SEEN.lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|s| s.0 == case)
            .cloned()
    }

    /// Records the outcome its teardown gets, under the request's `case`.
    #[dependency]
    async fn watched(case: String) -> Yield<String> {
        Yield::new(case.clone(), move |outcome| async move {
            SEEN.lock().unwrap_or_else(|e| e.into_inner()).push((
                case,
                outcome.is_ok(),
                outcome.status().map(|s| s.as_u16()),
                outcome.error().map(str::to_string),
            ));
        })
    }

    /// Fails after `watched` was set up.
    #[dependency]
    async fn gatekeeper(#[depends(watched)] _case: String) -> Result<(), HTTPException> {
        Err(HTTPException::new(StatusCode::FORBIDDEN, "nope"))
    }

    #[get("/fine")]
    async fn fine(#[depends(watched)] _case: String) -> &'static str {
        "fine"
    }

    #[get("/fails")]
    async fn fails(#[depends(watched)] _case: String) -> Result<&'static str, HTTPException> {
        Err(HTTPException::new(StatusCode::BAD_REQUEST, "bad thing"))
    }

    #[get("/panics")]
    async fn panics(#[depends(watched)] case: String) -> &'static str {
        if !case.is_empty() {
            panic!("boom in the endpoint");
        }
        "unreachable"
    }

    #[get("/dep-fails")]
    async fn dep_fails(#[depends(gatekeeper)] _g: ()) -> &'static str {
        "unreachable"
    }

    #[get("/invalid")]
    async fn invalid(#[depends(watched)] _case: String, n: i64) -> i64 {
        n
    }

    fn app() -> App {
        App::new()
            .route(fine)
            .route(fails)
            .route(panics)
            .route(dep_fails)
            .route(invalid)
    }

    /// A teardown of a request that succeeded sees no error.
    #[tokio::test]
    async fn a_teardown_sees_success() {
        let client = TestClient::new(app());
        assert_eq!(client.get("/fine?case=ok").send().await.status(), 200);
        assert_eq!(seen("ok"), Some(("ok".to_string(), true, None, None)));
    }

    /// A teardown sees the `HTTPException` the endpoint returned (FastAPI throws it into the
    /// generator), and the client still gets the exception's answer.
    #[tokio::test]
    async fn a_teardown_sees_the_endpoints_http_exception() {
        let client = TestClient::new(app());
        let r = client.get("/fails?case=http").send().await;
        assert_eq!(r.status(), 400);
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "bad thing"}));
        let (_, ok, status, error) = seen("http").expect("the teardown ran");
        assert!(!ok);
        assert_eq!(status, Some(400));
        assert!(error.unwrap_or_default().contains("bad thing"));
    }

    /// A teardown sees the endpoint's panic (no status), and the client gets a 500.
    #[tokio::test]
    async fn a_teardown_sees_the_endpoints_panic() {
        let client = TestClient::new(app());
        let r = client.get("/panics?case=panic").send().await;
        assert_eq!(r.status(), 500);
        assert_eq!(r.text(), "Internal Server Error");
        let (_, ok, status, error) = seen("panic").expect("the teardown ran");
        assert!(!ok);
        assert_eq!(status, None);
        let error = error.unwrap_or_default();
        assert!(error.contains("boom in the endpoint"), "error: {error}");
    }

    /// A teardown sees the error of a later dependency that failed.
    #[tokio::test]
    async fn a_teardown_sees_a_later_dependencys_error() {
        let client = TestClient::new(app());
        let r = client.get("/dep-fails?case=dep").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "nope"}));
        let (_, ok, status, _) = seen("dep").expect("the teardown ran");
        assert!(!ok);
        assert_eq!(status, Some(403));
    }

    /// A teardown sees the 422 of the operation's own invalid parameter.
    #[tokio::test]
    async fn a_teardown_sees_a_validation_error() {
        let client = TestClient::new(app());
        let r = client.get("/invalid?case=invalid&n=x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(detail(&r)["detail"][0]["loc"], json!(["query", "n"]));
        let (_, ok, status, _) = seen("invalid").expect("the teardown ran");
        assert!(!ok);
        assert_eq!(status, Some(422));
    }
}

mod panicking_teardown {
    use super::*;

    static LOG: EventLog = EventLog::new();

    #[dependency]
    async fn sturdy() -> Yield<()> {
        Yield::new((), |_| async {
            LOG.push("sturdy exit");
        })
    }

    #[dependency]
    async fn fragile(#[depends(sturdy)] _s: ()) -> Yield<()> {
        Yield::new((), |_| async {
            if !LOG.contains("never") {
                panic!("teardown boom");
            }
        })
    }

    #[get("/fragile")]
    async fn read_fragile(#[depends(fragile)] _f: ()) -> &'static str {
        "ok"
    }

    /// A teardown that panics does not change the response, and the teardowns set up before
    /// it still run.
    #[tokio::test]
    async fn a_panicking_teardown_does_not_stop_the_others() {
        let client = TestClient::new(App::new().route(read_fragile));
        let r = client.get("/fragile").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "\"ok\"");
        assert_eq!(LOG.snapshot(), ["sturdy exit"]);
    }
}

mod panicking_dependency {
    use super::*;

    type Seen = (String, bool, Option<String>);
    static SEEN: Mutex<Vec<Seen>> = Mutex::new(Vec::new());

    fn seen(case: &str) -> Option<Seen> {
        SEEN.lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .find(|s| s.0 == case)
            .cloned()
    }

    #[dependency]
    async fn opened(case: String) -> Yield<String> {
        Yield::new(case.clone(), move |outcome| async move {
            SEEN.lock().unwrap_or_else(|e| e.into_inner()).push((
                case,
                outcome.is_ok(),
                outcome.error().map(str::to_string),
            ));
        })
    }

    #[dependency]
    async fn explodes(#[depends(opened)] case: String) -> u8 {
        if !case.is_empty() {
            panic!("async dependency exploded");
        }
        0
    }

    /// A plain `fn`: it panics on a pool thread.
    #[dependency]
    fn explodes_on_pool(#[depends(opened)] case: String) -> u8 {
        if !case.is_empty() {
            panic!("pool dependency exploded");
        }
        0
    }

    #[get("/explodes")]
    async fn read_explodes(#[depends(explodes)] _x: u8) -> &'static str {
        "unreachable"
    }

    #[get("/explodes-on-pool")]
    async fn read_explodes_on_pool(#[depends(explodes_on_pool)] _x: u8) -> &'static str {
        "unreachable"
    }

    #[get("/head")]
    async fn read_head(#[depends(opened)] case: String) -> String {
        case
    }

    /// A dependency that panics (async, or a plain `fn` on the pool) is a 500, and the
    /// teardown of a dependency set up before it sees the panic.
    #[tokio::test]
    async fn a_panicking_dependency_is_a_500_and_teardowns_see_it() {
        let client = TestClient::new(App::new().route(read_explodes).route(read_explodes_on_pool));
        for (path, case, message) in [
            ("/explodes", "async", "async dependency exploded"),
            ("/explodes-on-pool", "pool", "pool dependency exploded"),
        ] {
            let r = client.get(path).query(&[("case", case)]).send().await;
            assert_eq!(r.status(), 500, "{path}");
            assert_eq!(r.text(), "Internal Server Error");
            let (_, ok, error) = seen(case).expect("the teardown ran");
            assert!(!ok, "{path}");
            let error = error.unwrap_or_default();
            assert!(error.contains(message), "{path}: {error}");
        }
    }

    /// A `HEAD` request to a `GET` operation resolves its dependencies and runs their
    /// teardowns.
    #[tokio::test]
    async fn a_head_request_runs_teardowns() {
        let client = TestClient::new(App::new().route(read_head));
        let r = client.head("/head?case=head").send().await;
        assert_eq!(r.status(), 200);
        assert!(r.text().is_empty());
        assert_eq!(seen("head"), Some(("head".to_string(), true, None)));
    }
}

mod failed_background {
    use super::*;

    static LOG: EventLog = EventLog::new();

    #[dependency]
    async fn queues_task(tasks: BackgroundTasks) -> u8 {
        tasks.add_task(async {
            LOG.push("background");
        });
        1
    }

    #[get("/bg-fail")]
    async fn bg_fail(#[depends(queues_task)] _x: u8) -> Result<&'static str, HTTPException> {
        Err(HTTPException::new(StatusCode::BAD_REQUEST, "no"))
    }

    #[get("/bg-ok")]
    async fn bg_ok(#[depends(queues_task)] _x: u8) -> &'static str {
        "ok"
    }

    /// A background task a dependency queued runs when the request succeeds, not when the
    /// endpoint fails (FastAPI's answer).
    #[tokio::test]
    async fn background_tasks_of_a_failed_request_do_not_run() {
        let client = TestClient::new(App::new().route(bg_fail).route(bg_ok));
        let r = client.get("/bg-fail").send().await;
        assert_eq!(r.status(), 400);
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "no"}));
        assert!(LOG.snapshot().is_empty(), "{:?}", LOG.snapshot());
        assert_eq!(client.get("/bg-ok").send().await.status(), 200);
        assert_eq!(LOG.snapshot(), ["background"]);
    }
}
