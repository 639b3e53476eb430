//! Dependency injection end to end: function, class and sub-dependencies, the per-request
//! cache, teardowns (`Yield`) and their order against the response and the background tasks,
//! errors seen by teardowns, short-circuiting errors, router and app guards, overrides,
//! concurrent resolution, where sync code runs, app-scoped dependencies, typed state, `&Request`
//! and path parameters in dependencies, and WebSocket operations with dependencies. The
//! expected answers are FastAPI 0.165's (checked with FastAPI's own `TestClient`), except
//! where ferrapi documents a difference (concurrency, app scope). In process with the
//! toolkit's `TestClient`, and over a real socket with `LiveServer`.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::{Request, StatusCode, WebSocket};
use ferrapi::{
    dependency, get, post, websocket, App, BackgroundTasks, Dependency, HTTPException, Router,
    State, Yield,
};
use serde_json::{json, Value};

/// An ordered log of events, shared by a test's dependencies, endpoint and tasks.
struct EventLog(Mutex<Vec<String>>);

impl EventLog {
    const fn new() -> EventLog {
        EventLog(Mutex::new(Vec::new()))
    }

    fn push(&self, event: impl Into<String>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.into());
    }

    fn snapshot(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn contains(&self, event: &str) -> bool {
        self.snapshot().iter().any(|e| e == event)
    }
}

/// Waits (at most 10 s, a guard against a hang, not a timing check) until `done` holds.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "gave up waiting until {what}");
}

/// A blocking HTTP client that reports every status instead of failing on 4xx/5xx.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// `GET url` over a real socket, from a blocking thread: (status, body).
async fn live_get(url: String) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let mut response = agent().get(&url).call().expect("the request failed");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .expect("the body is text");
        (status, body)
    })
    .await
    .expect("the client thread panicked")
}

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

/// The body of a 422 as JSON.
fn detail(response: &ferrapi::toolkit::testclient::TestResponse) -> Value {
    response.json::<Value>().expect("a JSON body")
}

// ------------------------------------------------------------------------ function dependency

mod function_dependency {
    use super::*;

    /// FastAPI's `common_parameters`.
    #[dependency]
    async fn common_parameters(
        q: Option<String>,
        #[query(default = 0)] skip: i64,
        #[query(default = 100)] limit: i64,
    ) -> Value {
        json!({ "q": q, "skip": skip, "limit": limit })
    }

    #[get("/items")]
    async fn read_items(#[depends(common_parameters)] commons: Value) -> Value {
        commons
    }

    /// A function dependency reads its query parameters, with defaults, and the operation gets
    /// its value.
    #[tokio::test]
    async fn a_function_dependency_reads_query_parameters() {
        let client = TestClient::new(App::new().route(read_items));
        let r = client
            .get("/items")
            .query(&[("q", "foo"), ("skip", "5")])
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": "foo", "skip": 5, "limit": 100})
        );
        let r = client.get("/items").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": null, "skip": 0, "limit": 100})
        );
        let r = client.get("/items?limit=x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x"
            }]})
        );
    }
}

// ------------------------------------------------------------------------- errors together

mod errors_together {
    use super::*;

    #[dependency]
    async fn paging(skip: i64, #[header] x_token: String) -> i64 {
        let _ = x_token;
        skip
    }

    #[get("/combo/{item_id}")]
    async fn combo(#[depends(paging)] page: i64, item_id: i64, limit: i64) -> Value {
        json!({ "page": page, "item_id": item_id, "limit": limit })
    }

    /// The dependency's parameter errors and the operation's own come back in one 422,
    /// the dependency's first (FastAPI 0.165's exact body).
    #[tokio::test]
    async fn dependency_and_operation_errors_come_in_one_422() {
        let client = TestClient::new(App::new().route(combo));
        let r = client.get("/combo/abc?skip=x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "int_parsing", "loc": ["query", "skip"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "x"},
                {"type": "missing", "loc": ["header", "x-token"], "msg": "Field required",
                 "input": null},
                {"type": "int_parsing", "loc": ["path", "item_id"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "abc"},
                {"type": "missing", "loc": ["query", "limit"], "msg": "Field required",
                 "input": null}
            ]})
        );
        let r = client
            .get("/combo/3?skip=1&limit=2")
            .header("x-token", "t")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"page": 1, "item_id": 3, "limit": 2})
        );
    }
}

mod error_order {
    use super::*;

    #[dependency]
    async fn dep_a1(a1: i64) -> i64 {
        a1
    }

    #[dependency]
    async fn dep_a(#[depends(dep_a1)] _x: i64, a: i64) -> i64 {
        a
    }

    #[dependency]
    async fn dep_b(b: i64) -> i64 {
        b
    }

    #[get("/order")]
    async fn read_order(#[depends(dep_a)] _x: i64, #[depends(dep_b)] _y: i64, own: i64) -> i64 {
        own
    }

    /// With several dependencies resolved concurrently, the errors still come in FastAPI's
    /// order: depth first in declaration order (a sub-dependency before its dependant), the
    /// operation's own last.
    #[tokio::test]
    async fn errors_come_in_declaration_order() {
        let client = TestClient::new(App::new().route(read_order));
        let r = client.get("/order?a1=x&a=y&b=z&own=w").send().await;
        assert_eq!(r.status(), 422);
        let locs: Vec<Value> = detail(&r)["detail"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| json!([e["loc"], e["input"]]))
            .collect();
        assert_eq!(
            locs,
            [
                json!([["query", "a1"], "x"]),
                json!([["query", "a"], "y"]),
                json!([["query", "b"], "z"]),
                json!([["query", "own"], "w"])
            ]
        );
    }
}

mod guard_errors_together {
    use super::*;

    #[dependency]
    async fn verify(#[header] x_token: String) -> String {
        x_token
    }

    #[dependency]
    async fn dep_b(b: i64) -> i64 {
        b
    }

    #[get("/op")]
    async fn guarded_op(n: i64, #[depends(dep_b)] _y: i64) -> i64 {
        n
    }

    #[get("/opguard", dependencies = [verify])]
    async fn op_guard(n: i64) -> i64 {
        n
    }

    /// A guard's parameter errors join the operation's in one 422 (FastAPI: the router's and
    /// the decorator's dependencies are sub-dependencies like the others), the guard's first.
    #[tokio::test]
    async fn guard_errors_join_the_operations_in_one_422() {
        let router = Router::new()
            .prefix("/g")
            .dependency(verify)
            .route(guarded_op);
        let client = TestClient::new(App::new().include_router(router).route(op_guard));
        let missing = |loc: Value| json!({"type": "missing", "loc": loc, "msg": "Field required", "input": null});
        let r = client.get("/g/op").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                missing(json!(["header", "x-token"])),
                missing(json!(["query", "b"])),
                missing(json!(["query", "n"]))
            ]})
        );
        let r = client.get("/opguard").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                missing(json!(["header", "x-token"])),
                missing(json!(["query", "n"]))
            ]})
        );
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

// -------------------------------------------------------------------------- class dependency

mod class_dependency {
    use super::*;

    #[dependency]
    async fn user_agent(#[header] user_agent: Option<String>) -> String {
        user_agent.unwrap_or_default()
    }

    /// FastAPI's class dependency (`Depends()` on a class): its fields are parameters, and a
    /// field may be another dependency's value.
    #[derive(Clone, Debug, Dependency)]
    struct Paging {
        q: Option<String>,
        #[query(default = 0)]
        skip: i64,
        #[query(default = 100, le = 100)]
        limit: i64,
        #[depends(user_agent)]
        agent: String,
    }

    #[get("/class")]
    async fn read_class(#[depends] paging: Paging) -> Value {
        json!({"q": paging.q, "skip": paging.skip, "limit": paging.limit, "agent": paging.agent})
    }

    /// A `#[derive(Dependency)]` struct is built from the request, its field errors reported
    /// as FastAPI reports a class's `__init__` parameters.
    #[tokio::test]
    async fn a_class_dependency_is_built_from_its_fields() {
        let client = TestClient::new(App::new().route(read_class));
        let r = client.get("/class?q=a&skip=2").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": "a", "skip": 2, "limit": 100, "agent": "testclient"})
        );
        let r = client.get("/class?skip=x&limit=500").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "int_parsing", "loc": ["query", "skip"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "x"},
                {"type": "less_than_equal", "loc": ["query", "limit"],
                 "msg": "Input should be less than or equal to 100", "input": "500",
                 "ctx": {"le": 100}}
            ]})
        );
    }
}

// ---------------------------------------------------------------------------- sub-dependencies

mod sub_dependencies {
    use super::*;

    /// A plain `fn` at the bottom of the chain.
    #[dependency]
    fn query_extractor(q: Option<String>) -> Option<String> {
        q
    }

    /// The middle: a sub-dependency and a cookie of its own (Python's `q or last_query`).
    #[dependency]
    fn query_or_cookie(
        #[depends(query_extractor)] q: Option<String>,
        #[cookie] last_query: Option<String>,
    ) -> Option<String> {
        q.filter(|q| !q.is_empty()).or(last_query)
    }

    /// The top, async, with a required parameter of its own.
    #[dependency]
    async fn shout(
        #[depends(query_or_cookie)] found: Option<String>,
        #[query] times: usize,
    ) -> String {
        found
            .map(|s| s.to_uppercase().repeat(times))
            .unwrap_or_else(|| "NONE".to_string())
    }

    #[get("/sub")]
    async fn read_sub(#[depends(shout)] shouted: String) -> Value {
        json!({ "shouted": shouted })
    }

    /// A three-level chain (async → sync → sync) resolves bottom up, each level reading its
    /// own parameters; a missing parameter deep in the chain is a 422 at its location.
    #[tokio::test]
    async fn a_sub_dependency_chain_resolves() {
        let client = TestClient::new(App::new().route(read_sub));
        let shouted = |r: &ferrapi::toolkit::testclient::TestResponse| {
            r.json::<Value>().unwrap()["shouted"].clone()
        };
        let r = client.get("/sub?q=ab&times=2").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(shouted(&r), json!("ABAB"));
        let r = client
            .get("/sub?q=&times=1")
            .header("cookie", "last_query=zz")
            .send()
            .await;
        assert_eq!(shouted(&r), json!("ZZ"));
        let r = client.get("/sub?times=1").send().await;
        assert_eq!(shouted(&r), json!("NONE"));
        let r = client.get("/sub?q=a").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r)["detail"],
            json!([{"type": "missing", "loc": ["query", "times"], "msg": "Field required",
                    "input": null}])
        );
    }
}

// ------------------------------------------------------------------------------------- cache

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

// -------------------------------------------------------------------------------- teardowns

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

// ---------------------------------------------------------------------------- short-circuit

mod short_circuit {
    use super::*;

    static ENDPOINT_CALLS: AtomicUsize = AtomicUsize::new(0);

    #[dependency]
    async fn deny() -> Result<String, HTTPException> {
        Err(HTTPException::new(StatusCode::FORBIDDEN, "go away").header("x-why", "test"))
    }

    /// A plain `fn` that fails on the pool.
    #[dependency]
    fn deny_sync(#[query(default = 0)] level: i64) -> Result<i64, HTTPException> {
        if level < 5 {
            return Err(HTTPException::new(
                StatusCode::UNAUTHORIZED,
                "level too low",
            ));
        }
        Ok(level)
    }

    #[dependency]
    async fn needs_n(n: i64) -> i64 {
        n
    }

    #[get("/denied")]
    async fn denied(#[depends(deny)] _v: String) -> &'static str {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        "reached"
    }

    #[get("/denied-sync")]
    async fn denied_sync(#[depends(deny_sync)] level: i64) -> i64 {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        level
    }

    #[get("/mixed")]
    async fn mixed(#[depends(needs_n)] _a: i64, #[depends(deny)] _b: String) -> &'static str {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        "reached"
    }

    /// A dependency returning `Err(HTTPException)` answers with it (headers included) and the
    /// endpoint is not called; the error wins over a sibling's validation error, as in
    /// FastAPI (which skips a dependency with invalid parameters and runs the next).
    #[tokio::test]
    async fn a_failing_dependency_short_circuits_the_endpoint() {
        let client = TestClient::new(App::new().route(denied).route(denied_sync).route(mixed));
        let r = client.get("/denied").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.header("x-why"), Some("test"));
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "go away"}));
        let r = client.get("/denied-sync?level=1").send().await;
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"detail": "level too low"})
        );
        let r = client.get("/mixed").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "go away"}));
        assert_eq!(ENDPOINT_CALLS.load(Ordering::SeqCst), 0);
        let r = client.get("/denied-sync?level=7").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "7");
        assert_eq!(ENDPOINT_CALLS.load(Ordering::SeqCst), 1);
    }
}

// ------------------------------------------------------------------------------------ guards

mod router_guard {
    use super::*;

    static OP_DEP_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// The admin router's guard: its value (`()`) is unused, its failure answers.
    #[dependency]
    async fn verify_token(#[header] x_token: String) -> Result<(), HTTPException> {
        if x_token != "secret" {
            return Err(HTTPException::new(
                StatusCode::BAD_REQUEST,
                "X-Token header invalid",
            ));
        }
        Ok(())
    }

    #[dependency]
    async fn op_dep() -> usize {
        OP_DEP_CALLS.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[get("/users")]
    async fn admin_users(#[depends(op_dep)] _n: usize) -> Value {
        json!([{"username": "rick"}])
    }

    #[get("/open")]
    async fn open() -> &'static str {
        "open"
    }

    #[get("/op-guarded", dependencies = [verify_token])]
    async fn op_guarded() -> &'static str {
        "guarded"
    }

    fn app() -> App {
        let admin = Router::new()
            .prefix("/admin")
            .dependency(verify_token)
            .route(admin_users);
        App::new()
            .include_router(admin)
            .route(open)
            .route(op_guarded)
    }

    /// A router's guard runs before its operations (a missing header is a 422, a wrong one
    /// the guard's 400, FastAPI's answers) and before the operation's own dependencies;
    /// operations outside the router are not guarded; `dependencies = [...]` guards one
    /// operation.
    #[tokio::test]
    async fn a_router_guard_protects_its_operations() {
        let client = TestClient::new(app());
        let r = client.get("/admin/users").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "missing", "loc": ["header", "x-token"],
                               "msg": "Field required", "input": null}]})
        );
        let r = client
            .get("/admin/users")
            .header("x-token", "no")
            .send()
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"detail": "X-Token header invalid"})
        );
        // The 422 (invalid guard parameters) still resolved the operation's dependency, to
        // report every error together, as FastAPI does; the guard's 400 stopped it.
        assert_eq!(OP_DEP_CALLS.load(Ordering::SeqCst), 1);
        let r = client
            .get("/admin/users")
            .header("x-token", "secret")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().unwrap(), json!([{"username": "rick"}]));
        assert_eq!(OP_DEP_CALLS.load(Ordering::SeqCst), 2);
        assert_eq!(client.get("/open").send().await.status(), 200);
        assert_eq!(client.get("/op-guarded").send().await.status(), 422);
        let r = client
            .get("/op-guarded")
            .header("x-token", "secret")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "\"guarded\"");
    }
}

mod app_guard {
    use super::*;

    static GUARD_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// An app-wide guard: counts requests and wants an `X-Key` header.
    #[dependency]
    async fn require_key(#[header] x_key: Option<String>) -> Result<usize, HTTPException> {
        let n = GUARD_CALLS.fetch_add(1, Ordering::SeqCst) + 1;
        match x_key.as_deref() {
            Some("k") => Ok(n),
            _ => Err(HTTPException::new(StatusCode::UNAUTHORIZED, "no key")),
        }
    }

    #[get("/a")]
    async fn route_a() -> &'static str {
        "a"
    }

    #[get("/b")]
    async fn route_b() -> &'static str {
        "b"
    }

    /// `App::dependency` guards every operation, routers' included; its value is ignored and
    /// its failure answers.
    #[tokio::test]
    async fn an_app_guard_protects_every_operation() {
        let router = Router::new().prefix("/r").route(route_b);
        let client = TestClient::new(
            App::new()
                .dependency(require_key)
                .route(route_a)
                .include_router(router),
        );
        for path in ["/a", "/r/b"] {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 401, "{path}");
            assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "no key"}));
        }
        assert_eq!(
            client.get("/a").header("x-key", "k").send().await.text(),
            "\"a\""
        );
        assert_eq!(
            client.get("/r/b").header("x-key", "k").send().await.text(),
            "\"b\""
        );
        assert_eq!(GUARD_CALLS.load(Ordering::SeqCst), 4);
    }
}

// --------------------------------------------------------------------------------- overrides

mod overrides {
    use super::*;

    use ferrapi::toolkit::server::{App as ServerApp, Body};
    use std::sync::Arc;

    #[dependency]
    async fn current_user() -> String {
        "real".to_string()
    }

    #[dependency]
    async fn fake_user() -> String {
        "fake".to_string()
    }

    /// A replacement with a parameter of its own.
    #[dependency]
    async fn user_from_query(name: String) -> String {
        format!("query:{name}")
    }

    /// Uses `current_user` as a sub-dependency.
    #[dependency]
    async fn greeting(#[depends(current_user)] who: String) -> String {
        format!("hello {who}")
    }

    #[get("/me")]
    async fn read_me(
        #[depends(current_user)] user: String,
        #[depends(greeting)] hello: String,
    ) -> Value {
        json!({ "user": user, "greeting": hello })
    }

    #[dependency]
    async fn strict_guard() -> Result<(), HTTPException> {
        Err(HTTPException::new(StatusCode::FORBIDDEN, "guarded"))
    }

    #[dependency]
    async fn allow_all() {}

    #[get("/guarded")]
    async fn read_guarded() -> &'static str {
        "in"
    }

    /// `dependency_override` replaces a dependency where the operation uses it and where
    /// another dependency uses it.
    #[tokio::test]
    async fn an_override_replaces_a_dependency_and_a_sub_dependency() {
        let client = TestClient::new(
            App::new()
                .route(read_me)
                .dependency_override(current_user, fake_user),
        );
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "fake", "greeting": "hello fake"})
        );
    }

    /// An override's own parameters are read from the request (FastAPI builds the override's
    /// dependant at request time).
    #[tokio::test]
    async fn an_override_reads_its_own_parameters() {
        let client = TestClient::new(
            App::new()
                .route(read_me)
                .dependency_override(current_user, user_from_query),
        );
        let r = client.get("/me?name=ann").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "query:ann", "greeting": "hello query:ann"})
        );
    }

    /// Overrides are looked up at request time: set and cleared while the app serves, for
    /// dependencies and for a router's guard.
    #[tokio::test]
    async fn overrides_change_while_the_app_runs_and_clear_restores() {
        let guarded = Router::new().dependency(strict_guard).route(read_guarded);
        let app = Arc::new(App::new().route(read_me).include_router(guarded));
        let serving = app.clone();
        let client = TestClient::new(move |req: http::Request<Body>| {
            let app = serving.clone();
            async move { app.call(req).await }
        });
        assert_eq!(client.get("/guarded").send().await.status(), 403);
        app.dependency_overrides().set(current_user, fake_user);
        app.dependency_overrides().set(strict_guard, allow_all);
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "fake", "greeting": "hello fake"})
        );
        assert_eq!(client.get("/guarded").send().await.text(), "\"in\"");
        app.dependency_overrides().clear();
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "real", "greeting": "hello real"})
        );
        assert_eq!(client.get("/guarded").send().await.status(), 403);
    }
}

// ------------------------------------------------------------------------------- concurrency

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

// ------------------------------------------------------------------------ where code runs

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

// -------------------------------------------------------------------------------- app scope

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

// ------------------------------------------------------------------------------------ state

mod state {
    use super::*;

    struct Settings {
        name: &'static str,
    }

    /// Never put in the state.
    struct Missing;

    /// Put in the state by a startup hook.
    struct Started {
        value: u32,
    }

    #[dependency]
    async fn app_name(settings: State<Settings>) -> String {
        settings.name.to_string()
    }

    #[get("/state")]
    async fn read_state(settings: State<Settings>, #[depends(app_name)] name: String) -> Value {
        json!({ "direct": settings.name, "via_dependency": name })
    }

    #[get("/missing")]
    async fn read_missing(_missing: State<Missing>) -> &'static str {
        "unreachable"
    }

    #[dependency]
    async fn needs_missing(_missing: State<Missing>) -> u8 {
        0
    }

    #[get("/missing-in-dependency")]
    async fn read_missing_in_dependency(#[depends(needs_missing)] _m: u8) -> &'static str {
        "unreachable"
    }

    #[get("/started")]
    async fn read_started(started: State<Started>) -> u32 {
        started.value
    }

    /// `State<T>` reads the app state in an operation and in a dependency; a type the state
    /// does not have is a 500 (the app was built without it).
    #[tokio::test]
    async fn state_arguments_read_the_app_state() {
        let client = TestClient::new(
            App::new()
                .state(Settings { name: "ferrapi" })
                .route(read_state)
                .route(read_missing)
                .route(read_missing_in_dependency),
        );
        let r = client.get("/state").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"direct": "ferrapi", "via_dependency": "ferrapi"})
        );
        for path in ["/missing", "/missing-in-dependency"] {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 500, "{path}");
            assert_eq!(r.text(), "Internal Server Error");
        }
    }

    /// State a startup hook inserts is there for the requests after `TestClient::start`.
    #[tokio::test]
    async fn state_from_a_startup_hook_is_readable() {
        let app = App::new()
            .route(read_started)
            .on_startup(|state| async move {
                state.insert(Started { value: 42 });
                Ok::<(), std::convert::Infallible>(())
            });
        let client = TestClient::start(app).await.unwrap();
        assert_eq!(client.get("/started").send().await.text(), "42");
        client.shutdown().await;
    }
}

// --------------------------------------------------------------------- request and path params

mod request_and_path {
    use super::*;

    #[dependency]
    async fn agent_of(req: &Request) -> String {
        req.header("user-agent").unwrap_or("none").to_string()
    }

    #[get("/agent")]
    async fn read_agent(#[depends(agent_of)] agent: String) -> Value {
        json!({ "agent": agent })
    }

    /// Its `item_id` is a path parameter where the operation's path has `{item_id}`, a query
    /// parameter elsewhere (FastAPI decides by the operation's path).
    #[dependency]
    async fn item_from_path(item_id: i64) -> i64 {
        item_id
    }

    #[get("/items/{item_id}")]
    async fn read_item(item_id: String, #[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "raw": item_id, "parsed": parsed })
    }

    /// The path parameter is read by the dependency only: the operation does not take it.
    #[get("/only/{item_id}")]
    async fn read_only(#[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "parsed": parsed })
    }

    /// A path parameter that only a dependency reads (FastAPI's `Depends(get_item)` on
    /// `/items/{item_id}`) compiles and is read from the path.
    #[tokio::test]
    async fn a_path_parameter_read_only_by_a_dependency() {
        let client = TestClient::new(App::new().route(read_only));
        assert_eq!(client.get("/only/7").send().await.text(), r#"{"parsed":7}"#);
        let r = client.get("/only/x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(detail(&r)["detail"][0]["loc"], json!(["path", "item_id"]));
    }

    #[get("/by-query")]
    async fn read_by_query(#[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "parsed": parsed })
    }

    /// An async dependency taking `&Request` reads a header.
    #[tokio::test]
    async fn a_dependency_reads_the_request() {
        let client = TestClient::new(App::new().route(read_agent));
        let r = client
            .get("/agent")
            .header("user-agent", "probe/1")
            .send()
            .await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"agent": "probe/1"}));
    }

    /// A dependency's inferred parameter is read from the path when the operation's path has
    /// it (errors at `["path", "item_id"]`), from the query otherwise (FastAPI's answers).
    #[tokio::test]
    async fn a_dependency_reads_a_path_parameter() {
        let client = TestClient::new(App::new().route(read_item).route(read_by_query));
        let r = client.get("/items/12").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"raw": "12", "parsed": 12})
        );
        let r = client.get("/items/abc").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "int_parsing", "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "abc"}]})
        );
        let r = client.get("/by-query?item_id=5").send().await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"parsed": 5}));
        let r = client.get("/by-query").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "missing", "loc": ["query", "item_id"],
                               "msg": "Field required", "input": null}]})
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

// ------------------------------------------------------------------------------- websockets

mod websockets {
    use super::*;

    static LOG: EventLog = EventLog::new();

    /// A WebSocket operation's dependency with a teardown, reading the handshake's query.
    #[dependency]
    async fn ws_session(token: String) -> Yield<String> {
        LOG.push(format!("open {token}"));
        Yield::new(token.clone(), move |outcome| async move {
            LOG.push(format!("close {token} ok={}", outcome.is_ok()));
        })
    }

    #[websocket("/ws/{room}")]
    async fn room_ws(
        mut websocket: WebSocket,
        room: String,
        n: i64,
        #[depends(ws_session)] token: String,
    ) {
        if websocket.accept().await.is_err() {
            return;
        }
        while let Ok(text) = websocket.receive_text().await {
            let reply = format!("{room}/{n}/{token}: {text}");
            if websocket.send_text(reply).await.is_err() {
                break;
            }
        }
    }

    /// A valid handshake reaches the operation (path parameter, query parameter and the
    /// dependency's value); the dependency's teardown runs when the session ends.
    #[tokio::test]
    async fn a_websocket_operation_with_a_dependency_echoes_and_tears_down() {
        let client = TestClient::new(App::new().route(room_ws));
        let mut session = client
            .websocket_connect("/ws/lobby?n=3&token=t1")
            .await
            .expect("the handshake is accepted");
        session.send_text("hi").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "lobby/3/t1: hi");
        session.send_text("again").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "lobby/3/t1: again");
        assert!(LOG.contains("open t1"));
        assert!(!LOG.contains("close t1 ok=true"));
        session.close(1000).await;
        wait_until("the WebSocket dependency's teardown ran", || {
            LOG.contains("close t1 ok=true")
        })
        .await;
    }

    /// Invalid handshake parameters (the operation's or the dependency's) close the socket
    /// with 1008 before `accept`: the client sees the 403 denial.
    #[tokio::test]
    async fn invalid_websocket_parameters_deny_the_handshake() {
        let client = TestClient::new(App::new().route(room_ws));
        for path in [
            "/ws/lobby?n=abc&token=t2", // an int that fails
            "/ws/lobby?token=t3",       // the operation's query parameter missing
            "/ws/lobby?n=1",            // the dependency's query parameter missing
        ] {
            match client.websocket_connect(path).await {
                Ok(_) => panic!("{path}: the handshake was accepted"),
                Err(denied) => assert_eq!(denied.status(), 403, "{path}"),
            }
        }
    }

    /// Reads an HTTP response head from a raw socket.
    fn read_head(stream: &mut std::net::TcpStream) -> String {
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") {
            match stream.read(&mut byte) {
                Ok(1) => head.push(byte[0]),
                _ => break,
            }
        }
        String::from_utf8_lossy(&head).into_owned()
    }

    fn handshake(addr: std::net::SocketAddr, target: &str) -> (std::net::TcpStream, String) {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\n\
             Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
        .unwrap();
        let head = read_head(&mut stream);
        (stream, head)
    }

    /// Over a real socket: an invalid handshake gets `403`, a valid one `101`, and when the
    /// client goes away the dependency's teardown runs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn over_a_socket_websocket_dependencies_deny_accept_and_tear_down() {
        let server = LiveServer::start(App::new().route(room_ws)).await.unwrap();
        let addr = server.addr();
        let (denied, accepted) = tokio::task::spawn_blocking(move || {
            let (_s, denied) = handshake(addr, "/ws/lobby?n=x&token=live-denied");
            let (stream, accepted) = handshake(addr, "/ws/lobby?n=1&token=live");
            drop(stream);
            (denied, accepted)
        })
        .await
        .unwrap();
        assert!(denied.starts_with("HTTP/1.1 403"), "{denied}");
        assert!(accepted.starts_with("HTTP/1.1 101"), "{accepted}");
        wait_until("the teardown ran after the client left", || {
            LOG.snapshot().iter().any(|e| e.starts_with("close live "))
        })
        .await;
        server.stop().await.unwrap();
    }
}

mod websocket_errors {
    use super::*;

    use ferrapi::toolkit::WebSocketException;

    #[dependency]
    async fn ws_http_auth(token: Option<String>) -> Result<String, HTTPException> {
        match token {
            Some(t) if t == "ok" => Ok(t),
            _ => Err(HTTPException::new(StatusCode::FORBIDDEN, "bad")),
        }
    }

    #[dependency]
    async fn ws_close_auth(token: Option<String>) -> Result<String, WebSocketException> {
        match token {
            Some(t) if t == "ok" => Ok(t),
            _ => Err(WebSocketException::new(1008, "bad token")),
        }
    }

    #[websocket("/ws-http")]
    async fn ws_http(mut websocket: WebSocket, #[depends(ws_http_auth)] token: String) {
        if websocket.accept().await.is_ok() {
            let _ = websocket.send_text(token).await;
            let _ = websocket.close(1000, "").await;
        }
    }

    #[websocket("/ws-close")]
    async fn ws_close(mut websocket: WebSocket, #[depends(ws_close_auth)] token: String) {
        if websocket.accept().await.is_ok() {
            let _ = websocket.send_text(token).await;
            let _ = websocket.close(1000, "").await;
        }
    }

    /// An `HTTPException` from a WebSocket operation's dependency denies the handshake with
    /// the exception's answer (FastAPI 0.165: a 403 denial response with `{"detail":"bad"}`).
    #[tokio::test]
    async fn an_http_exception_in_a_websocket_dependency_denies_with_its_answer() {
        let client = TestClient::new(App::new().route(ws_http));
        let mut session = client.websocket_connect("/ws-http?token=ok").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "ok");
        match client.websocket_connect("/ws-http?token=no").await {
            Ok(_) => panic!("the handshake was accepted"),
            Err(denied) => {
                assert_eq!(denied.status(), 403);
                assert_eq!(denied.json::<Value>().unwrap(), json!({"detail": "bad"}));
            }
        }
    }

    /// A `WebSocketException` from a WebSocket operation's dependency closes the socket with
    /// its code before `accept` (FastAPI: 1008 "bad token"): the client sees the 403 denial.
    #[tokio::test]
    async fn a_websocket_exception_in_a_dependency_closes_before_accept() {
        let client = TestClient::new(App::new().route(ws_close));
        let mut session = client
            .websocket_connect("/ws-close?token=ok")
            .await
            .unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "ok");
        match client.websocket_connect("/ws-close?token=no").await {
            Ok(_) => panic!("the handshake was accepted"),
            Err(denied) => assert_eq!(denied.status(), 403),
        }
    }
}

mod bodies {
    use super::*;

    use ferrapi::Model;
    use serde::Serialize;

    #[derive(Model, Serialize, Clone, Debug)]
    struct Item {
        name: String,
    }

    #[derive(Model, Serialize, Clone, Debug)]
    struct User {
        id: i64,
    }

    #[dependency]
    async fn item_dep(item: Item) -> Item {
        item
    }

    #[post("/one-body")]
    async fn one_body(#[depends(item_dep)] found: Item) -> Value {
        json!({ "i": found.name })
    }

    #[post("/two-bodies")]
    async fn two_bodies(#[depends(item_dep)] found: Item, user: User) -> Value {
        json!({ "i": found.name, "u": user.id })
    }

    #[dependency]
    async fn form_dep(#[form] username: String) -> String {
        username
    }

    #[post("/forms")]
    async fn forms(#[depends(form_dep)] name: String, #[form] extra: String) -> Value {
        json!({ "u": name, "extra": extra })
    }

    /// A dependency's body parameter is the whole body when it is the only one, and is
    /// embedded under its name next to the operation's (FastAPI's answers, errors included).
    #[tokio::test]
    async fn a_dependencys_body_joins_the_operations() {
        let client = TestClient::new(App::new().route(one_body).route(two_bodies));
        let r = client
            .post("/one-body")
            .json(&json!({"name": "a"}))
            .send()
            .await;
        assert_eq!(r.status(), 200, "{}", r.text());
        assert_eq!(r.json::<Value>().unwrap(), json!({"i": "a"}));
        let r = client
            .post("/two-bodies")
            .json(&json!({"item": {"name": "a"}, "user": {"id": 1}}))
            .send()
            .await;
        assert_eq!(r.status(), 200, "{}", r.text());
        assert_eq!(r.json::<Value>().unwrap(), json!({"i": "a", "u": 1}));
        let r = client
            .post("/two-bodies")
            .json(&json!({"item": {}, "user": {}}))
            .send()
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "missing", "loc": ["body", "item", "name"], "msg": "Field required",
                 "input": {}},
                {"type": "missing", "loc": ["body", "user", "id"], "msg": "Field required",
                 "input": {}}
            ]})
        );
    }

    /// A dependency's form field and the operation's are read from one form.
    #[tokio::test]
    async fn a_dependencys_form_field_joins_the_operations() {
        let client = TestClient::new(App::new().route(forms));
        let r = client
            .post("/forms")
            .form(&[("username", "u"), ("extra", "e")])
            .send()
            .await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"u": "u", "extra": "e"}));
        let r = client.post("/forms").form(&[]).send().await;
        assert_eq!(r.status(), 422);
        let missing = |field: &str| {
            json!({"type": "missing", "loc": ["body", field], "msg": "Field required",
                   "input": null})
        };
        assert_eq!(
            detail(&r),
            json!({"detail": [missing("username"), missing("extra")]})
        );
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
