//! `background`: tasks run after the response, in order, async and blocking; a failing or
//! panicking task stops the ones after it without touching the response or the server.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{get, raw, within};
use ferrapi_toolkit::background::BackgroundTasks;
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, Error, IntoResponse, PlainText, Request, Response, ResponseExt, Route,
};
use tokio::sync::{mpsc, oneshot};

type Log = Arc<Mutex<Vec<String>>>;

/// Panics; typed `()` so a task ending in it is a `()` task.
fn boom(message: &str) {
    panic!("{message}")
}

fn push(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// An app whose endpoints attach tasks that write to `log`; `/done` tasks also report on
/// `done` when the last task ran.
fn app(log: Log, done: mpsc::UnboundedSender<&'static str>) -> Application {
    let l = log.clone();
    let d = done.clone();
    let ordered = move |_req: Request| {
        let log = l.clone();
        let done = d.clone();
        async move {
            let mut tasks = BackgroundTasks::new();
            let l1 = log.clone();
            tasks.add(async move { push(&l1, "async 1") });
            let l2 = log.clone();
            let endpoint_thread = std::thread::current().id();
            tasks.add_blocking(move || {
                let same = std::thread::current().id() == endpoint_thread;
                push(&l2, format!("blocking 2 same_thread={same}"));
            });
            let l3 = log.clone();
            tasks.add(async move {
                tokio::task::yield_now().await;
                push(&l3, "async 3");
                let _ = done.send("ordered");
            });
            assert_eq!(tasks.len(), 3);
            push(&log, "endpoint");
            PlainText("ordered").into_response().with_background(tasks)
        }
    };

    let l = log.clone();
    let d = done.clone();
    let failing = move |_req: Request| {
        let log = l.clone();
        let done = d.clone();
        async move {
            let mut tasks = BackgroundTasks::new();
            let l1 = log.clone();
            tasks.add(async move { push(&l1, "before failure") });
            let d1 = done.clone();
            tasks.add(async move {
                let _ = d1.send("failing");
                Err::<(), Error>(Error::msg("task failed"))
            });
            let l3 = log.clone();
            tasks.add(async move { push(&l3, "after failure (must not run)") });
            PlainText("failing").into_response().with_background(tasks)
        }
    };

    let l = log.clone();
    let d = done.clone();
    let blocking_failing = move |_req: Request| {
        let log = l.clone();
        let done = d.clone();
        async move {
            let mut tasks = BackgroundTasks::new();
            tasks.add_blocking(move || {
                let _ = done.send("blocking failing");
                Err::<(), std::io::Error>(std::io::Error::other("blocking task failed"))
            });
            let l2 = log.clone();
            tasks.add_blocking(move || push(&l2, "after blocking failure (must not run)"));
            PlainText("blocking failing")
                .into_response()
                .with_background(tasks)
        }
    };

    let l = log.clone();
    let d = done.clone();
    let panicking = move |_req: Request| {
        let log = l.clone();
        let done = d.clone();
        async move {
            let mut tasks = BackgroundTasks::new();
            let l1 = log.clone();
            tasks.add(async move { push(&l1, "before panic") });
            let d1 = done.clone();
            tasks.add(async move {
                let _ = d1.send("panicking");
                boom("background task panicked on purpose");
            });
            let l3 = log.clone();
            tasks.add(async move { push(&l3, "after panic (must not run)") });
            PlainText("panicking")
                .into_response()
                .with_background(tasks)
        }
    };

    let d = done.clone();
    let blocking_panic = move |_req: Request| {
        let done = d.clone();
        async move {
            let mut tasks = BackgroundTasks::new();
            tasks.add_blocking(move || {
                let _ = done.send("blocking panic");
                boom("blocking background task panicked on purpose");
            });
            PlainText("blocking panic")
                .into_response()
                .with_background(tasks)
        }
    };

    let l = log.clone();
    let d = done.clone();
    let stacked = move |_req: Request| {
        let log = l.clone();
        let done = d.clone();
        async move {
            let mut first = BackgroundTasks::new();
            let l1 = log.clone();
            first.add(async move { push(&l1, "first") });
            let mut second = BackgroundTasks::new();
            let l2 = log.clone();
            second.add(async move {
                push(&l2, "second");
                let _ = done.send("stacked");
            });
            let empty = BackgroundTasks::new();
            assert!(empty.is_empty());
            PlainText("stacked")
                .into_response()
                .with_background(first)
                .with_background(empty)
                .with_background(second)
        }
    };

    async fn plain(_req: Request) -> &'static str {
        "plain"
    }

    Application::new()
        .route(Route::new("/ordered", ordered))
        .route(Route::new("/failing", failing))
        .route(Route::new("/blocking-failing", blocking_failing))
        .route(Route::new("/panicking", panicking))
        .route(Route::new("/blocking-panic", blocking_panic))
        .route(Route::new("/stacked", stacked))
        .route(Route::new("/plain", plain))
}

fn setup() -> (Application, Log, mpsc::UnboundedReceiver<&'static str>) {
    let log: Log = Arc::default();
    let (tx, rx) = mpsc::unbounded_channel();
    (app(log.clone(), tx), log, rx)
}

#[tokio::test]
async fn tasks_run_in_order_in_process() {
    within(async {
        let (app, log, _done) = setup();
        let client = TestClient::new(app);
        let r = client.get("/ordered").send().await;
        assert_eq!(r.text(), "ordered");
        // The test client runs the tasks before `send` returns.
        assert_eq!(
            entries(&log),
            [
                "endpoint",
                "async 1",
                "blocking 2 same_thread=false",
                "async 3"
            ]
        );
        log.lock().unwrap().clear();
        assert_eq!(client.get("/stacked").send().await.text(), "stacked");
        assert_eq!(entries(&log), ["first", "second"]);
    })
    .await;
}

#[tokio::test]
async fn a_failing_task_stops_the_rest_in_process() {
    within(async {
        let (app, log, _done) = setup();
        let client = TestClient::new(app);
        let r = client.get("/failing").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "failing"));
        assert_eq!(entries(&log), ["before failure"]);
        log.lock().unwrap().clear();

        let r = client.get("/blocking-failing").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (200, "blocking failing")
        );
        let r = client.get("/panicking").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "panicking"));
        let r = client.get("/blocking-panic").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text().as_str()),
            (200, "blocking panic")
        );
        assert_eq!(entries(&log), ["before panic"]);
        assert_eq!(client.get("/plain").send().await.text(), "plain");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_has_the_response_while_a_task_still_runs() {
    within(async {
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let release_rx = Arc::new(Mutex::new(Some(release_rx)));
        let (finished_tx, mut finished_rx) = mpsc::unbounded_channel::<Instant>();
        let slow = move |_req: Request| {
            let release = release_rx.lock().unwrap().take();
            let finished = finished_tx.clone();
            async move {
                let mut tasks = BackgroundTasks::new();
                tasks.add(async move {
                    // Waits for the test, which only releases it after reading the response.
                    if let Some(release) = release {
                        let _ = release.await;
                    }
                    let _ = finished.send(Instant::now());
                });
                PlainText("response first")
                    .into_response()
                    .with_background(tasks)
            }
        };
        let server = LiveServer::start(Application::new().route(Route::new("/slow", slow)))
            .await
            .unwrap();
        let r = get(&server.url("/slow")).await;
        let received = Instant::now();
        assert_eq!((r.status, r.text().as_str()), (200, "response first"));
        assert_eq!(r.header("content-length"), Some("14"));
        assert!(
            finished_rx.try_recv().is_err(),
            "the task ran before the response"
        );
        release_tx.send(()).unwrap();
        let finished = finished_rx.recv().await.unwrap();
        assert!(finished > received);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_run_in_order_over_a_socket() {
    within(async {
        let (app, log, mut done) = setup();
        let server = LiveServer::start(app).await.unwrap();
        let r = get(&server.url("/ordered")).await;
        assert_eq!(r.text(), "ordered");
        assert_eq!(done.recv().await, Some("ordered"));
        assert_eq!(
            entries(&log),
            [
                "endpoint",
                "async 1",
                "blocking 2 same_thread=false",
                "async 3"
            ]
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_and_panicking_tasks_do_not_affect_the_server() {
    within(async {
        let (app, log, mut done) = setup();
        let server = LiveServer::start(app).await.unwrap();
        for (path, report) in [
            ("/failing", "failing"),
            ("/blocking-failing", "blocking failing"),
            ("/panicking", "panicking"),
            ("/blocking-panic", "blocking panic"),
        ] {
            let r = get(&server.url(path)).await;
            assert_eq!((r.status, r.text()), (200, report.to_string()), "{path}");
            assert_eq!(done.recv().await, Some(report));
            // The next request on the same server works.
            let r = get(&server.url("/plain")).await;
            assert_eq!((r.status, r.text().as_str()), (200, "plain"), "after {path}");
        }
        // And on the same keep-alive connection.
        let bytes = raw(
            server.addr(),
            b"GET /panicking HTTP/1.1\r\nhost: t\r\n\r\nGET /plain HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(text.matches("HTTP/1.1 200 OK").count(), 2, "{text}");
        assert!(text.ends_with("plain"), "{text}");
        assert_eq!(done.recv().await, Some("panicking"));

        // The tasks after a failure never ran.
        let log = entries(&log);
        assert!(log.iter().all(|e| !e.contains("must not run")), "{log:?}");
        assert_eq!(log.iter().filter(|e| *e == "before panic").count(), 2);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_shutdown_waits_for_running_tasks() {
    within(async {
        let (release_tx, release_rx) = oneshot::channel::<()>();
        let release_rx = Arc::new(Mutex::new(Some(release_rx)));
        let finished: Arc<Mutex<bool>> = Arc::default();
        let (started_tx, mut started_rx) = mpsc::unbounded_channel::<()>();
        let f = finished.clone();
        let slow = move |_req: Request| {
            let release = release_rx.lock().unwrap().take();
            let finished = f.clone();
            let started = started_tx.clone();
            async move {
                let mut tasks = BackgroundTasks::new();
                tasks.add(async move {
                    let _ = started.send(());
                    if let Some(release) = release {
                        let _ = release.await;
                    }
                    *finished.lock().unwrap() = true;
                });
                let response: Response = PlainText("ok").into_response();
                response.with_background(tasks)
            }
        };
        let server = LiveServer::start(Application::new().route(Route::new("/slow", slow)))
            .await
            .unwrap();
        assert_eq!(get(&server.url("/slow")).await.text(), "ok");
        started_rx.recv().await.unwrap();
        let mut stopping = tokio::spawn(server.stop());
        // The server does not finish stopping while the task waits.
        assert!(
            tokio::time::timeout(Duration::from_millis(200), &mut stopping)
                .await
                .is_err(),
            "the server stopped before its background task finished"
        );
        assert!(!*finished.lock().unwrap());
        release_tx.send(()).unwrap();
        stopping.await.unwrap().unwrap();
        assert!(*finished.lock().unwrap());
    })
    .await;
}

#[tokio::test]
async fn run_directly_stops_at_the_first_failure() {
    within(async {
        let log: Log = Arc::default();
        let mut tasks = BackgroundTasks::new();
        let l = log.clone();
        tasks.add(async move { push(&l, "a") });
        let l = log.clone();
        tasks.add_blocking(move || {
            push(&l, "b");
            Ok::<(), std::io::Error>(())
        });
        tasks.add(async { Err::<(), std::io::Error>(std::io::Error::other("stop")) });
        let l = log.clone();
        tasks.add(async move { push(&l, "c") });
        assert_eq!(tasks.len(), 4);
        tasks.run().await;
        assert_eq!(entries(&log), ["a", "b"]);
    })
    .await;
}

#[tokio::test]
async fn run_directly_catches_a_panic_and_stops_as_after_a_response() {
    within(async {
        let log: Log = Arc::default();
        let mut tasks = BackgroundTasks::new();
        let l = log.clone();
        tasks.add(async move { push(&l, "before") });
        tasks.add(async { boom("task run now panicked on purpose") });
        let l = log.clone();
        tasks.add(async move { push(&l, "after (must not run)") });
        // The panic is caught and logged inside `run`: it does not reach the caller.
        tasks.run().await;
        assert_eq!(entries(&log), ["before"]);

        let mut blocking = BackgroundTasks::new();
        blocking.add_blocking(|| boom("blocking task run now panicked on purpose"));
        let l = log.clone();
        blocking.add(async move { push(&l, "after blocking (must not run)") });
        blocking.run().await;
        assert_eq!(entries(&log), ["before"]);
    })
    .await;
}

#[tokio::test]
async fn attached_tasks_run_after_the_work_the_response_already_carries() {
    use ferrapi_toolkit::server::AfterResponse;

    within(async {
        let log: Log = Arc::default();
        let mut response = PlainText("x").into_response();
        let l = log.clone();
        AfterResponse::append(
            response.extensions_mut(),
            AfterResponse::new(async move { push(&l, "earlier work") }),
        );
        let mut tasks = BackgroundTasks::new();
        let l = log.clone();
        tasks.add(async move { push(&l, "task") });
        tasks.attach(&mut response);
        let work = response.extensions_mut().remove::<AfterResponse>();
        work.and_then(|w| w.take()).expect("work attached").await;
        assert_eq!(entries(&log), ["earlier work", "task"]);
    })
    .await;
}
