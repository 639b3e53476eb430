//! Where and when dependencies run: the dependencies of an operation, of a dependency and the
//! guards resolve concurrently (a documented difference: FastAPI solves them one after another);
//! a plain `fn` dependency runs on the toolkit's thread pool (FastAPI's threadpool for `def`),
//! `non_blocking` and async ones on the runtime's thread. In process with the toolkit's
//! `TestClient`.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use ferrapi::toolkit::testclient::TestClient;
use ferrapi::{dependency, get, App, Router};
use serde_json::{json, Value};

/// Two parties meeting on blocking threads; `meet` says whether the other one came within
/// 10 s (a sequential caller never lets the second one come while the first waits).
struct Rendezvous {
    arrived: Mutex<usize>,
    all_here: Condvar,
}

impl Rendezvous {
    const fn new() -> Rendezvous {
        Rendezvous {
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
        }
    }

    fn meet(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap_or_else(|e| e.into_inner());
        *arrived += 1;
        self.all_here.notify_all();
        let (_arrived, waited) = self
            .all_here
            .wait_timeout_while(arrived, Duration::from_secs(10), |n| *n < 2)
            .unwrap_or_else(|e| e.into_inner());
        !waited.timed_out()
    }
}

mod concurrency {
    use super::*;

    use std::sync::OnceLock;
    use tokio::sync::Barrier;

    /// A barrier of two, one per test (a barrier is reused across generations).
    fn barrier(which: usize) -> &'static Barrier {
        static BARRIERS: OnceLock<[Barrier; 4]> = OnceLock::new();
        &BARRIERS.get_or_init(|| {
            [
                Barrier::new(2),
                Barrier::new(2),
                Barrier::new(2),
                Barrier::new(2),
            ]
        })[which]
    }

    #[dependency]
    async fn left() -> &'static str {
        barrier(0).wait().await;
        "left"
    }

    #[dependency]
    async fn right() -> &'static str {
        barrier(0).wait().await;
        "right"
    }

    #[get("/both")]
    async fn both(#[depends(left)] a: &'static str, #[depends(right)] b: &'static str) -> Value {
        json!([a, b])
    }

    #[dependency]
    async fn inner_left() -> u8 {
        barrier(1).wait().await;
        1
    }

    #[dependency]
    async fn inner_right() -> u8 {
        barrier(1).wait().await;
        2
    }

    #[dependency]
    async fn pair(#[depends(inner_left)] a: u8, #[depends(inner_right)] b: u8) -> u8 {
        a + b
    }

    #[get("/nested")]
    async fn nested(#[depends(pair)] sum: u8) -> u8 {
        sum
    }

    #[dependency]
    async fn app_guard_waits() {
        barrier(2).wait().await;
    }

    #[dependency]
    async fn router_guard_waits() {
        barrier(2).wait().await;
    }

    #[get("/guarded")]
    async fn guarded() -> &'static str {
        "through"
    }

    static MEETING: Rendezvous = Rendezvous::new();

    #[dependency]
    fn sync_left() -> bool {
        MEETING.meet()
    }

    #[dependency]
    fn sync_right() -> bool {
        MEETING.meet()
    }

    #[get("/sync-both")]
    async fn sync_both(#[depends(sync_left)] a: bool, #[depends(sync_right)] b: bool) -> Value {
        json!([a, b])
    }

    /// Waits for a response, failing if it never comes (the dependencies deadlocked).
    async fn within<T>(what: &str, fut: impl std::future::Future<Output = T>) -> T {
        tokio::time::timeout(Duration::from_secs(10), fut)
            .await
            .unwrap_or_else(|_| panic!("{what}: the dependencies were not resolved concurrently"))
    }

    /// The two dependencies of one operation both wait on a barrier of two: they only get
    /// through if they are resolved at the same time.
    #[tokio::test]
    async fn an_operations_dependencies_resolve_concurrently() {
        let client = TestClient::new(App::new().route(both));
        let r = within("/both", client.get("/both").send()).await;
        assert_eq!(r.json::<Value>().unwrap(), json!(["left", "right"]));
    }

    /// The same for the sub-dependencies of a dependency.
    #[tokio::test]
    async fn a_dependencys_sub_dependencies_resolve_concurrently() {
        let client = TestClient::new(App::new().route(nested));
        let r = within("/nested", client.get("/nested").send()).await;
        assert_eq!(r.text(), "3");
    }

    /// The same for an app guard and a router guard.
    #[tokio::test]
    async fn guards_resolve_concurrently() {
        let router = Router::new()
            .prefix("/r")
            .dependency(router_guard_waits)
            .route(guarded);
        let client = TestClient::new(
            App::new()
                .dependency(app_guard_waits)
                .include_router(router),
        );
        let r = within("/r/guarded", client.get("/r/guarded").send()).await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "\"through\"");
    }

    /// Two plain `fn` dependencies run at the same time on two pool threads (each waits, on
    /// its thread, for the other to arrive).
    #[tokio::test]
    async fn sync_dependencies_run_concurrently_on_the_pool() {
        let client = TestClient::new(App::new().route(sync_both));
        let r = within("/sync-both", client.get("/sync-both").send()).await;
        assert_eq!(r.json::<Value>().unwrap(), json!([true, true]));
    }
}

mod where_code_runs {
    use super::*;

    use ferrapi::toolkit::concurrency::ThreadPool;

    fn thread() -> String {
        format!("{:?}", std::thread::current().id())
    }

    /// A plain `fn`: on the toolkit's pool, holding one of its tokens.
    #[dependency]
    fn on_pool() -> (String, usize) {
        (thread(), ThreadPool::global().in_use())
    }

    #[dependency(non_blocking)]
    fn in_place() -> String {
        thread()
    }

    #[dependency]
    async fn on_runtime() -> String {
        thread()
    }

    #[get("/threads")]
    async fn threads(
        #[depends(on_pool)] pool: (String, usize),
        #[depends(in_place)] inline: String,
        #[depends(on_runtime)] runtime: String,
    ) -> Value {
        json!({ "pool": pool.0, "in_use": pool.1, "in_place": inline, "async": runtime })
    }

    /// A plain `fn` dependency runs on a pool thread; `non_blocking` and async ones run on
    /// the runtime's thread (here the test's own: a current-thread runtime).
    #[tokio::test]
    async fn sync_dependencies_run_on_the_pool_unless_non_blocking() {
        let client = TestClient::new(App::new().route(threads));
        let here = thread();
        let r: Value = client.get("/threads").send().await.json().unwrap();
        assert_ne!(r["pool"], json!(here), "{r}");
        assert!(r["in_use"].as_u64().unwrap() >= 1, "{r}");
        assert_eq!(r["in_place"], json!(here), "{r}");
        assert_eq!(r["async"], json!(here), "{r}");
    }
}
