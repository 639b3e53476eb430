//! Routers (prefix, tags, nesting), a replaced validation-error format, and FastAPI's promise
//! about where code runs: many blocking `fn` operations in flight do not delay an `async fn` one.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrapi::toolkit::concurrency::ThreadPool;
use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::{Json, StatusCode};
use ferrapi::{get, App, RequestValidationError, Router};
use serde_json::{json, Value};

#[get("/{user_id}")]
async fn read_user(user_id: i64) -> Value {
    json!({ "user_id": user_id })
}

#[get("/")]
async fn list_users() -> Value {
    json!(["ann", "bob"])
}

#[get("/ping")]
async fn ping() -> &'static str {
    "pong"
}

#[tokio::test]
async fn routers_nest_prefixes_and_tags() {
    let users = Router::new()
        .prefix("/users")
        .tag("users")
        .route(list_users)
        .route(read_user);
    let api = Router::new()
        .prefix("/api/v1")
        .tag("v1")
        .include_router(users);
    let app = App::new().include_router(api).route(ping);
    let paths: Vec<(String, Vec<String>)> = app
        .operations()
        .iter()
        .map(|op| (op.path().to_string(), op.tags().to_vec()))
        .collect();
    assert_eq!(
        paths,
        vec![
            (
                "/api/v1/users/".to_string(),
                vec!["v1".to_string(), "users".to_string()]
            ),
            (
                "/api/v1/users/{user_id}".to_string(),
                vec!["v1".to_string(), "users".to_string()]
            ),
            ("/ping".to_string(), vec![]),
        ]
    );
    let client = TestClient::new(app);
    assert_eq!(
        client
            .get("/api/v1/users/7")
            .send()
            .await
            .json::<Value>()
            .unwrap(),
        json!({"user_id": 7})
    );
    assert_eq!(
        client
            .get("/api/v1/users/")
            .send()
            .await
            .json::<Value>()
            .unwrap(),
        json!(["ann", "bob"])
    );
    let bad = client.get("/api/v1/users/x").send().await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        bad.json::<Value>().unwrap()["detail"][0]["loc"],
        json!(["path", "user_id"])
    );
    assert_eq!(client.get("/ping").send().await.text(), "\"pong\"");
}

#[tokio::test]
async fn a_custom_handler_replaces_the_validation_format() {
    let app = App::new()
        .route(read_user)
        .exception_handler(|err: RequestValidationError| {
            let fields: Vec<String> = err
                .errors()
                .iter()
                .map(|e| format!("{}: {}", e.kind, e.msg))
                .collect();
            (StatusCode::BAD_REQUEST, Json(json!({ "problems": fields })))
        });
    let client = TestClient::new(app);
    let r = client.get("/abc").send().await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"problems": ["int_parsing: Input should be a valid integer, unable to parse string as an integer"]})
    );
}

static STARTED: AtomicUsize = AtomicUsize::new(0);

#[get("/slow")]
fn slow() -> &'static str {
    STARTED.fetch_add(1, Ordering::SeqCst);
    std::thread::sleep(Duration::from_millis(1500));
    "slow"
}

#[get("/fast")]
async fn fast() -> &'static str {
    "fast"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forty_blocking_operations_do_not_delay_an_async_one() {
    let server = LiveServer::start(App::new().route(slow).route(fast))
        .await
        .unwrap();
    let agent = ferrapi_test_support::agent(std::time::Duration::from_secs(60));
    let agent = Arc::new(agent);
    let capacity = ThreadPool::global().capacity();
    let mut slow_calls = Vec::new();
    for _ in 0..capacity {
        let agent = agent.clone();
        let url = server.url("/slow");
        slow_calls.push(tokio::task::spawn_blocking(move || {
            agent.get(&url).call().map(|r| r.status().as_u16())
        }));
    }
    // Wait until every pool thread is busy with a slow operation.
    let deadline = Instant::now() + Duration::from_secs(20);
    while STARTED.load(Ordering::SeqCst) < capacity {
        assert!(
            Instant::now() < deadline,
            "the slow operations did not all start"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(ThreadPool::global().in_use(), capacity);
    let url = server.url("/fast");
    let fast_agent = agent.clone();
    let started = Instant::now();
    let status =
        tokio::task::spawn_blocking(move || fast_agent.get(&url).call().unwrap().status().as_u16())
            .await
            .unwrap();
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert!(
        took < Duration::from_millis(500),
        "the async operation waited {took:?} behind the blocking ones"
    );
    for call in slow_calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
}
