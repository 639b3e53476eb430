//! `concurrency`: the bounded thread pool, `run_in_threadpool`, and the rule that blocking
//! endpoints never stall the runtime.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::within;
use ferrapi_toolkit::concurrency::{
    iterate_in_threadpool, run_in_threadpool, ThreadPool, DEFAULT_THREADPOOL_CAPACITY,
};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{blocking, Application, Request, Route};
use futures_util::StreamExt;
use tokio::task::JoinHandle;

/// Blocking closures that report when they start and wait for a release token.
#[derive(Clone)]
struct Gate {
    started: Arc<Mutex<mpsc::Sender<()>>>,
    release: Arc<Mutex<mpsc::Receiver<()>>>,
    running: Arc<AtomicUsize>,
    max_running: Arc<AtomicUsize>,
    max_in_use: Arc<AtomicUsize>,
}

struct GateControl {
    started: Mutex<mpsc::Receiver<()>>,
    release: mpsc::Sender<()>,
}

fn new_gate() -> (Gate, GateControl) {
    let (started_tx, started_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel();
    (
        Gate {
            started: Arc::new(Mutex::new(started_tx)),
            release: Arc::new(Mutex::new(release_rx)),
            running: Arc::new(AtomicUsize::new(0)),
            max_running: Arc::new(AtomicUsize::new(0)),
            max_in_use: Arc::new(AtomicUsize::new(0)),
        },
        GateControl {
            started: Mutex::new(started_rx),
            release: release_tx,
        },
    )
}

impl Gate {
    /// Runs one gated closure on `pool` as a task.
    fn spawn(&self, pool: &ThreadPool) -> JoinHandle<usize> {
        let gate = self.clone();
        let pool = pool.clone();
        let observer = pool.clone();
        tokio::spawn(async move {
            pool.run(move || {
                let now = gate.running.fetch_add(1, Ordering::SeqCst) + 1;
                gate.max_running.fetch_max(now, Ordering::SeqCst);
                gate.max_in_use
                    .fetch_max(observer.in_use(), Ordering::SeqCst);
                gate.started.lock().unwrap().send(()).unwrap();
                gate.release
                    .lock()
                    .unwrap()
                    .recv_timeout(Duration::from_secs(20))
                    .expect("released in time");
                gate.running.fetch_sub(1, Ordering::SeqCst);
                now
            })
            .await
        })
    }
}

impl GateControl {
    /// Waits for `n` closures to start (failing after 10 s).
    fn expect_started(&self, n: usize) {
        for i in 0..n {
            self.started
                .lock()
                .unwrap()
                .recv_timeout(Duration::from_secs(10))
                .unwrap_or_else(|_| panic!("only {i} of {n} closures started"));
        }
    }

    /// Checks that no further closure starts within `wait`.
    fn expect_none_started(&self, wait: Duration) {
        assert!(
            self.started.lock().unwrap().recv_timeout(wait).is_err(),
            "a closure started beyond the pool's capacity"
        );
    }

    fn release(&self, n: usize) {
        for _ in 0..n {
            self.release.send(()).unwrap();
        }
    }
}

/// Runs a blocking `GateControl` call off the runtime.
async fn off_runtime<T: Send + 'static>(
    control: Arc<GateControl>,
    f: impl FnOnce(&GateControl) -> T + Send + 'static,
) -> T {
    tokio::task::spawn_blocking(move || f(&control))
        .await
        .expect("control thread panicked")
}

#[tokio::test(flavor = "current_thread")]
async fn run_in_threadpool_returns_the_value_from_another_thread() {
    within(async {
        let caller = std::thread::current().id();
        let (value, thread) =
            run_in_threadpool(|| ((1..=10u64).sum::<u64>(), std::thread::current().id())).await;
        assert_eq!(value, 55);
        assert_ne!(
            thread, caller,
            "the closure must not run on the caller's thread"
        );
        assert_eq!(ThreadPool::global().capacity(), DEFAULT_THREADPOOL_CAPACITY);
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn capacity_is_at_least_one() {
    within(async {
        let pool = ThreadPool::new(0);
        assert_eq!(pool.capacity(), 1);
        assert_eq!(pool.run(|| 7).await, 7);
        pool.set_capacity(0);
        assert_eq!(pool.capacity(), 1);
        assert_eq!(pool.run(|| 8).await, 8);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_of_two_runs_at_most_two_at_once() {
    within(async {
        let pool = ThreadPool::new(2);
        let (gate, control) = new_gate();
        let control = Arc::new(control);
        let tasks: Vec<_> = (0..6).map(|_| gate.spawn(&pool)).collect();
        off_runtime(control.clone(), |c| c.expect_started(2)).await;
        assert_eq!(pool.in_use(), 2);
        off_runtime(control.clone(), |c| {
            c.expect_none_started(Duration::from_millis(200))
        })
        .await;
        // Release one at a time: each frees exactly one place.
        for _ in 0..4 {
            off_runtime(control.clone(), |c| {
                c.release(1);
                c.expect_started(1);
            })
            .await;
            assert!(pool.in_use() <= 2);
        }
        off_runtime(control.clone(), |c| c.release(2)).await;
        for task in tasks {
            let running = task.await.unwrap();
            assert!(running <= 2, "{running} closures ran at once");
        }
        assert_eq!(gate.max_running.load(Ordering::SeqCst), 2);
        assert!(gate.max_in_use.load(Ordering::SeqCst) <= 2);
        assert_eq!(pool.in_use(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn raising_the_capacity_lets_waiting_closures_start() {
    within(async {
        let pool = ThreadPool::new(1);
        let (gate, control) = new_gate();
        let control = Arc::new(control);
        let tasks: Vec<_> = (0..3).map(|_| gate.spawn(&pool)).collect();
        off_runtime(control.clone(), |c| {
            c.expect_started(1);
            c.expect_none_started(Duration::from_millis(200));
        })
        .await;
        pool.set_capacity(3);
        assert_eq!(pool.capacity(), 3);
        off_runtime(control.clone(), |c| c.expect_started(2)).await;
        assert_eq!(pool.in_use(), 3);
        off_runtime(control.clone(), |c| c.release(3)).await;
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(gate.max_running.load(Ordering::SeqCst), 3);
        assert_eq!(pool.in_use(), 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lowering_the_capacity_while_busy_takes_effect_as_closures_finish() {
    within(async {
        let pool = ThreadPool::new(3);
        let (gate, control) = new_gate();
        let control = Arc::new(control);
        let first: Vec<_> = (0..3).map(|_| gate.spawn(&pool)).collect();
        off_runtime(control.clone(), |c| c.expect_started(3)).await;
        pool.set_capacity(1);
        assert_eq!(pool.capacity(), 1);
        // The running closures finish; they are not interrupted.
        assert_eq!(pool.in_use(), 3);
        let (late_gate, late_control) = new_gate();
        let late_control = Arc::new(late_control);
        let late: Vec<_> = (0..3).map(|_| late_gate.spawn(&pool)).collect();
        off_runtime(control.clone(), |c| c.release(3)).await;
        for task in first {
            task.await.unwrap();
        }
        // Now only one place is left.
        for _ in 0..3 {
            off_runtime(late_control.clone(), |c| {
                c.expect_started(1);
                c.expect_none_started(Duration::from_millis(150));
                c.release(1);
            })
            .await;
        }
        for task in late {
            task.await.unwrap();
        }
        assert_eq!(late_gate.max_running.load(Ordering::SeqCst), 1);
        assert_eq!(pool.in_use(), 0);

        // Back up to two: both places come back, and no more.
        pool.set_capacity(2);
        let (gate2, control2) = new_gate();
        let control2 = Arc::new(control2);
        let tasks: Vec<_> = (0..3).map(|_| gate2.spawn(&pool)).collect();
        off_runtime(control2.clone(), |c| {
            c.expect_started(2);
            c.expect_none_started(Duration::from_millis(150));
            c.release(3);
        })
        .await;
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(gate2.max_running.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lowering_then_raising_before_release_keeps_the_count_right() {
    within(async {
        let pool = ThreadPool::new(3);
        let (gate, control) = new_gate();
        let control = Arc::new(control);
        let first: Vec<_> = (0..3).map(|_| gate.spawn(&pool)).collect();
        off_runtime(control.clone(), |c| c.expect_started(3)).await;
        pool.set_capacity(1);
        pool.set_capacity(3);
        off_runtime(control.clone(), |c| c.release(3)).await;
        for task in first {
            task.await.unwrap();
        }
        let (gate2, control2) = new_gate();
        let control2 = Arc::new(control2);
        let tasks: Vec<_> = (0..4).map(|_| gate2.spawn(&pool)).collect();
        off_runtime(control2.clone(), |c| {
            c.expect_started(3);
            c.expect_none_started(Duration::from_millis(150));
            c.release(4);
        })
        .await;
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(gate2.max_running.load(Ordering::SeqCst), 3);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_in_the_closure_resumes_in_the_caller_and_frees_the_place() {
    within(async {
        let pool = ThreadPool::new(1);
        let p = pool.clone();
        let joined =
            tokio::spawn(async move { p.run(|| -> u32 { panic!("boom in pool") }).await }).await;
        let panic = joined.expect_err("the panic reaches the caller");
        let payload = panic.into_panic();
        let message = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        assert_eq!(message, "boom in pool");
        assert_eq!(pool.in_use(), 0);
        // The single place was given back.
        assert_eq!(pool.run(|| 5).await, 5);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_wait_frees_its_place_in_the_queue() {
    within(async {
        let pool = ThreadPool::new(1);
        let (gate, control) = new_gate();
        let control = Arc::new(control);
        let holder = gate.spawn(&pool);
        off_runtime(control.clone(), |c| c.expect_started(1)).await;
        // A waiter that is dropped before it runs.
        let waiter = {
            let pool = pool.clone();
            tokio::spawn(async move { pool.run(|| unreachable!("cancelled before running")).await })
        };
        tokio::task::yield_now().await;
        waiter.abort();
        let _ = waiter.await;
        off_runtime(control.clone(), |c| c.release(1)).await;
        holder.await.unwrap();
        assert_eq!(pool.run(|| "next").await, "next");
        assert_eq!(pool.in_use(), 0);
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn iterate_in_threadpool_yields_the_items_in_order() {
    within(async {
        let caller = std::thread::current().id();
        let items: Vec<_> = iterate_in_threadpool((0..5).map(move |i| {
            assert_ne!(std::thread::current().id(), caller);
            i * 10
        }))
        .map(|item| item.unwrap())
        .collect()
        .await;
        assert_eq!(items, [0, 10, 20, 30, 40]);
    })
    .await;
}

fn thread_id() -> String {
    format!("{:?}", std::thread::current().id())
}

fn thread_app() -> Application {
    async fn on_runtime(_req: Request) -> String {
        thread_id()
    }
    fn on_pool(_req: Request) -> String {
        thread_id()
    }
    Application::new()
        .route(Route::new("/async", on_runtime))
        .route(Route::new("/sync", blocking(on_pool)))
}

/// On a current-thread runtime every async endpoint runs on the test's thread, so a blocking
/// endpoint on another thread is proof that it left the runtime.
#[tokio::test(flavor = "current_thread")]
async fn a_blocking_endpoint_runs_off_the_runtime_thread_in_process() {
    within(async {
        let me = thread_id();
        let client = TestClient::new(thread_app());
        let on_runtime = client.get("/async").send().await;
        let on_pool = client.get("/sync").send().await;
        assert_eq!(on_runtime.status(), 200);
        assert_eq!(on_pool.status(), 200);
        assert_eq!(on_runtime.text(), me);
        assert_ne!(on_pool.text(), me);
    })
    .await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_endpoint_runs_off_the_runtime_thread_over_a_socket() {
    within(async {
        let me = thread_id();
        let server = LiveServer::start(thread_app()).await.unwrap();
        let on_runtime = common::get(&server.url("/async")).await;
        let on_pool = common::get(&server.url("/sync")).await;
        assert_eq!(on_runtime.status, 200);
        assert_eq!(on_pool.status, 200);
        assert_eq!(on_runtime.text(), me);
        assert_ne!(on_pool.text(), me);
        server.stop().await.unwrap();
    })
    .await;
}

/// The key behaviour: a full thread pool of slow sync endpoints does not delay async ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_slow_sync_endpoints_do_not_delay_an_async_one() {
    within(async {
        const SLOW: usize = 40;
        let (started_tx, started_rx) = mpsc::channel::<()>();
        let started_tx = Mutex::new(started_tx);
        let slow = blocking(move |_req: Request| {
            started_tx.lock().unwrap().send(()).unwrap();
            std::thread::sleep(Duration::from_secs(1));
            "slow"
        });
        async fn fast(_req: Request) -> &'static str {
            "fast"
        }
        let app = Application::new()
            .route(Route::new("/slow", slow))
            .route(Route::new("/fast", fast));
        let server = LiveServer::start(app).await.unwrap();

        let url = server.url("/slow");
        let slow_requests: Vec<_> = (0..SLOW)
            .map(|_| {
                let url = url.clone();
                tokio::task::spawn_blocking(move || {
                    common::request_blocking(
                        &common::agent(common::REQUEST_TIMEOUT),
                        "GET",
                        &url,
                        &[],
                        None,
                    )
                })
            })
            .collect();
        // Wait until every slow endpoint is running on the pool.
        tokio::task::spawn_blocking(move || {
            for i in 0..SLOW {
                started_rx
                    .recv_timeout(Duration::from_secs(15))
                    .unwrap_or_else(|_| panic!("only {i} slow endpoints started"));
            }
        })
        .await
        .unwrap();
        let pool = ThreadPool::global();
        assert_eq!(pool.in_use(), SLOW.min(pool.capacity()));

        let began = Instant::now();
        let response = common::get(&server.url("/fast")).await;
        let took = began.elapsed();
        assert_eq!(response.status, 200);
        assert_eq!(response.text(), "fast");
        assert!(
            took < Duration::from_millis(500),
            "the async endpoint took {took:?} while the pool was busy"
        );
        // The slow ones were still running when the fast one answered.
        assert!(
            pool.in_use() > 0,
            "the slow endpoints finished too early to prove anything"
        );

        for request in slow_requests {
            let response = request.await.unwrap();
            assert_eq!(response.status, 200);
            assert_eq!(response.text(), "slow");
        }
        assert!(pool.in_use() <= pool.capacity());
        server.stop().await.unwrap();
    })
    .await;
}
