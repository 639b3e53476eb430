//! The per-request dependency cache: a dependency used several times in one request (by the
//! operation, by a sub-dependency, as a guard) runs once; `use_cache = false` runs it again for
//! that use. FastAPI 0.165's answers, except that a dependency used twice reports its errors once
//! (a documented difference, see the test). In process with the toolkit's `TestClient`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::detail;
use ferrapi::toolkit::testclient::TestClient;
use ferrapi::{dependency, get, App, Router};
use serde_json::{json, Value};

mod cache {
    use super::*;

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    /// Counts its calls (a plain `fn`: two users resolve it concurrently on the pool).
    #[dependency]
    fn counted() -> usize {
        CALLS.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[dependency]
    async fn uses_counted(#[depends(counted)] n: usize) -> usize {
        n
    }

    #[get("/cached")]
    async fn read_cached(
        #[depends(counted)] a: usize,
        #[depends(counted)] b: usize,
        #[depends(uses_counted)] c: usize,
    ) -> Value {
        json!([a, b, c])
    }

    /// A dependency used three times in one request (twice by the operation, once by a
    /// sub-dependency) runs once; the next request runs it again.
    #[tokio::test]
    async fn a_dependency_used_twice_runs_once_per_request() {
        let client = TestClient::new(App::new().route(read_cached));
        let before = CALLS.load(Ordering::SeqCst);
        let r = client.get("/cached").send().await;
        assert_eq!(r.status(), 200);
        let values: Vec<usize> = r.json().unwrap();
        assert_eq!(values[0], values[1]);
        assert_eq!(values[1], values[2]);
        assert_eq!(CALLS.load(Ordering::SeqCst) - before, 1);
        let again: Vec<usize> = client.get("/cached").send().await.json().unwrap();
        assert_ne!(again[0], values[0], "the cache is per request");
        assert_eq!(CALLS.load(Ordering::SeqCst) - before, 2);
    }
}

mod no_cache {
    use super::*;

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[dependency]
    async fn counted_async() -> usize {
        CALLS.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[dependency]
    async fn fresh_inside(#[depends(counted_async, use_cache = false)] n: usize) -> usize {
        n
    }

    #[get("/uncached")]
    async fn read_uncached(
        #[depends(counted_async)] a: usize,
        #[depends(counted_async, use_cache = false)] b: usize,
    ) -> Value {
        json!([a, b])
    }

    #[get("/uncached-nested")]
    async fn read_uncached_nested(
        #[depends(counted_async)] a: usize,
        #[depends(fresh_inside)] b: usize,
    ) -> Value {
        json!([a, b])
    }

    /// `use_cache = false` runs the dependency again for that use, at the operation and in a
    /// sub-dependency.
    #[tokio::test]
    async fn use_cache_false_runs_the_dependency_again() {
        let client = TestClient::new(App::new().route(read_uncached).route(read_uncached_nested));
        let before = CALLS.load(Ordering::SeqCst);
        let values: Vec<usize> = client.get("/uncached").send().await.json().unwrap();
        assert_ne!(values[0], values[1]);
        assert_eq!(CALLS.load(Ordering::SeqCst) - before, 2);
        let values: Vec<usize> = client.get("/uncached-nested").send().await.json().unwrap();
        assert_ne!(values[0], values[1]);
        assert_eq!(CALLS.load(Ordering::SeqCst) - before, 4);
    }
}

mod guard_and_operation_share_the_cache {
    use super::*;

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[dependency]
    async fn audited() -> usize {
        CALLS.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[get("/audited")]
    async fn read_audited(#[depends(audited)] n: usize) -> usize {
        n
    }

    /// A dependency used as a router guard and by the operation runs once per request.
    #[tokio::test]
    async fn a_guard_and_the_operation_share_one_value() {
        let router = Router::new().dependency(audited).route(read_audited);
        let client = TestClient::new(App::new().include_router(router));
        assert_eq!(client.get("/audited").send().await.text(), "1");
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    }
}

mod repeated_errors {
    use super::*;

    #[dependency]
    async fn needs_n(n: i64) -> i64 {
        n
    }

    #[get("/twice")]
    async fn twice(#[depends(needs_n)] a: i64, #[depends(needs_n)] b: i64) -> Value {
        json!([a, b])
    }

    /// A dependency used twice with invalid parameters reports its errors once. A deliberate
    /// difference: FastAPI solves it once per use (its cache keeps only values) and repeats
    /// the same error, `[missing n, missing n]`.
    #[tokio::test]
    async fn a_dependency_used_twice_reports_its_errors_once() {
        let client = TestClient::new(App::new().route(twice));
        let r = client.get("/twice").send().await;
        assert_eq!(r.status(), 422);
        let missing = json!({"type": "missing", "loc": ["query", "n"], "msg": "Field required", "input": null});
        assert_eq!(detail(&r), json!({"detail": [missing]}));
        assert_eq!(client.get("/twice?n=4").send().await.text(), "[4,4]");
    }
}
