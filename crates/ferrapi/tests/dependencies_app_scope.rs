//! App-scoped dependencies (`scope = "app"`, a ferrapi addition: FastAPI uses the lifespan for
//! this): built once at startup, or on first use without a lifespan; shared by every request; torn
//! down at shutdown, last built first; a failure to build fails the startup. In process with the
//! toolkit's `TestClient`, and over a real socket with `LiveServer`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::{live_get, EventLog};
use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException, Yield};

mod app_scope {
    use super::*;

    static LOG: EventLog = EventLog::new();
    static BUILT: AtomicUsize = AtomicUsize::new(0);

    #[dependency(scope = "app")]
    async fn settings() -> Yield<&'static str> {
        LOG.push("settings built");
        Yield::new("prod", |_| async {
            LOG.push("settings torn down");
        })
    }

    #[dependency(scope = "app")]
    async fn pool(#[depends(settings)] env: &'static str) -> Yield<String> {
        let n = BUILT.fetch_add(1, Ordering::SeqCst) + 1;
        LOG.push("pool built");
        Yield::new(format!("{env}-pool-{n}"), |outcome| async move {
            LOG.push(format!("pool torn down ok={}", outcome.is_ok()));
        })
    }

    /// A request-scoped dependency using the app-scoped one.
    #[dependency]
    async fn conn(#[depends(pool)] p: String, n: i64) -> String {
        format!("{p}/conn-{n}")
    }

    #[get("/pool")]
    async fn read_pool(#[depends(pool)] p: String) -> String {
        p
    }

    #[get("/conn")]
    async fn read_conn(#[depends(conn)] c: String) -> String {
        c
    }

    /// An app-scoped dependency (and the app-scoped one it uses) is built once at startup,
    /// shared by every request, and torn down at shutdown, last built first.
    #[tokio::test]
    async fn an_app_scoped_dependency_lives_from_startup_to_shutdown() {
        let client = TestClient::start(App::new().route(read_pool).route(read_conn))
            .await
            .unwrap();
        assert_eq!(BUILT.load(Ordering::SeqCst), 1, "built at startup");
        assert_eq!(LOG.snapshot(), ["settings built", "pool built"]);
        for i in 0..5 {
            let r = client.get("/pool").send().await;
            assert_eq!(r.text(), "\"prod-pool-1\"");
            let r = client.get(&format!("/conn?n={i}")).send().await;
            assert_eq!(r.text(), format!("\"prod-pool-1/conn-{i}\""));
        }
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
        assert_eq!(LOG.snapshot().len(), 2, "nothing torn down yet");
        client.shutdown().await;
        assert_eq!(
            LOG.snapshot(),
            [
                "settings built",
                "pool built",
                "pool torn down ok=true",
                "settings torn down"
            ]
        );
    }
}

mod app_scope_lazy {
    use super::*;

    static BUILT: AtomicUsize = AtomicUsize::new(0);
    static TORN: AtomicUsize = AtomicUsize::new(0);

    #[dependency(scope = "app")]
    async fn lazy_pool() -> Yield<usize> {
        let n = BUILT.fetch_add(1, Ordering::SeqCst) + 1;
        Yield::new(n, |_| async {
            TORN.fetch_add(1, Ordering::SeqCst);
        })
    }

    #[get("/lazy")]
    async fn read_lazy(#[depends(lazy_pool)] p: usize) -> usize {
        p
    }

    /// Without the lifespan (`TestClient::new`), an app-scoped dependency is built on first
    /// use, still once for the app, and torn down by a shutdown all the same (not per request).
    #[tokio::test]
    async fn without_a_lifespan_an_app_scoped_dependency_is_built_once_on_first_use() {
        let client = TestClient::new(App::new().route(read_lazy));
        assert_eq!(BUILT.load(Ordering::SeqCst), 0);
        for _ in 0..3 {
            assert_eq!(client.get("/lazy").send().await.text(), "1");
        }
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
        assert_eq!(TORN.load(Ordering::SeqCst), 0);
        client.shutdown().await;
        assert_eq!(TORN.load(Ordering::SeqCst), 1);
    }
}

mod app_scope_live {
    use super::*;

    static BUILT: AtomicUsize = AtomicUsize::new(0);
    static TORN: AtomicUsize = AtomicUsize::new(0);

    #[dependency(scope = "app")]
    async fn live_pool() -> Yield<usize> {
        let n = BUILT.fetch_add(1, Ordering::SeqCst) + 1;
        Yield::new(n, |_| async {
            TORN.fetch_add(1, Ordering::SeqCst);
        })
    }

    #[get("/live-pool")]
    async fn read_live_pool(#[depends(live_pool)] p: usize) -> usize {
        p
    }

    /// Over a real server: the app-scoped dependency is built by the server's startup, once
    /// for many requests, and torn down when the server stops.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_live_server_builds_and_tears_down_app_scoped_dependencies() {
        let server = LiveServer::start(App::new().route(read_live_pool))
            .await
            .unwrap();
        for _ in 0..4 {
            assert_eq!(
                live_get(server.url("/live-pool")).await,
                (200, "1".to_string())
            );
        }
        assert_eq!(BUILT.load(Ordering::SeqCst), 1);
        assert_eq!(TORN.load(Ordering::SeqCst), 0);
        server.stop().await.unwrap();
        assert_eq!(TORN.load(Ordering::SeqCst), 1);
    }
}

mod app_scope_failure {
    use super::*;

    #[dependency(scope = "app")]
    async fn broken_pool() -> Result<u8, HTTPException> {
        Err(HTTPException::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database unreachable",
        ))
    }

    #[get("/broken")]
    async fn read_broken(#[depends(broken_pool)] p: u8) -> u8 {
        p
    }

    /// An app-scoped dependency that fails to build fails the startup, with its error.
    #[tokio::test]
    async fn a_failing_app_scoped_dependency_fails_the_startup() {
        match TestClient::start(App::new().route(read_broken)).await {
            Ok(_) => panic!("the startup succeeded"),
            Err(err) => assert!(
                err.to_string().contains("database unreachable"),
                "startup error: {err}"
            ),
        }
    }
}
