//! Path operations end to end: source inference, FastAPI's exact 422 bodies (the shapes in
//! `anchors.md` §3.5, produced by FastAPI 0.165 / pydantic 2.13), responses, errors, and where
//! code runs. In process with the toolkit's `TestClient`, and over a real socket.

use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::{Html, StatusCode};
use ferrapi::{delete, get, post, put, App, Enum, HTTPException, Model};
use serde::Serialize;
use serde_json::{json, Value};

#[get("/q")]
async fn q_endpoint(
    n: i64,
    #[query(max_length = 3)] s: Option<String>,
    #[query] ids: Option<Vec<i64>>,
) -> Value {
    json!({ "n": n, "s": s, "ids": ids })
}

#[get("/p/{item_id}")]
async fn p_endpoint(#[path(ge = 1)] item_id: i64) -> Value {
    json!({ "item_id": item_id })
}

#[derive(Enum, Serialize, Clone, Copy, Debug, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
    Blue,
}

#[get("/e/{c}")]
async fn e_endpoint(c: Color) -> Color {
    c
}

#[derive(Model, Serialize, Debug)]
struct Sub {
    x: i64,
}

#[derive(Model, Serialize, Debug)]
struct Item {
    #[field(min_length = 2)]
    name: String,
    #[field(gt = 0)]
    price: f64,
    #[field(default)]
    tags: Vec<String>,
    sub: Option<Sub>,
}

#[post("/items", status_code = 201)]
async fn create_item(item: Item) -> Item {
    item
}

#[post("/two")]
async fn two(item: Item, #[body] user: String) -> Value {
    json!({ "item": item.name, "user": user })
}

#[get("/hc")]
async fn header_cookie(#[header] x_token: String, #[cookie] sess: String) -> Value {
    json!({ "x_token": x_token, "sess": sess })
}

#[get("/defaults")]
async fn defaults(
    #[query(default = 0)] skip: i64,
    #[query(default = 10)] limit: i64,
    short: Option<bool>,
) -> Value {
    json!({ "skip": skip, "limit": limit, "short": short })
}

#[get("/strict/{item_id}")]
async fn strict(item_id: String) -> Result<Value, HTTPException> {
    if item_id == "foo" {
        return Ok(json!({ "name": "Foo" }));
    }
    Err(HTTPException::new(StatusCode::NOT_FOUND, "Item not found").header("x-error", "missing"))
}

#[get("/teapot")]
async fn teapot() -> Result<Value, HTTPException> {
    Err(HTTPException::new(
        StatusCode::IM_A_TEAPOT,
        json!({ "msg": "short and stout", "code": 418 }),
    ))
}

#[derive(Model, Serialize)]
struct UserIn {
    username: String,
    password: String,
    email: String,
}

#[derive(Model, Serialize)]
struct UserOut {
    username: String,
    email: String,
}

#[post("/users", response_model = UserOut, status_code = 201)]
async fn create_user(user: UserIn) -> UserIn {
    user
}

#[delete("/items/{item_id}", status_code = 204)]
async fn delete_item(item_id: i64) {
    let _ = item_id;
}

#[put("/items/{item_id}")]
async fn update_item(item_id: i64, item: Item, q: Option<String>) -> Value {
    json!({ "item_id": item_id, "name": item.name, "q": q })
}

#[get("/html")]
async fn html() -> Html<&'static str> {
    Html("<h1>hi</h1>")
}

/// Sync operations run on the toolkit's pool (it counts them while they run), async ones on the
/// runtime (where `block_in_place`-free code sees no pool use of its own).
#[get("/where/sync")]
fn where_sync() -> usize {
    ferrapi::toolkit::concurrency::ThreadPool::global().in_use()
}

#[get("/where/async")]
async fn where_async() -> usize {
    ferrapi::toolkit::concurrency::ThreadPool::global().in_use()
}

fn app() -> App {
    App::new()
        .route(q_endpoint)
        .route(p_endpoint)
        .route(e_endpoint)
        .route(create_item)
        .route(two)
        .route(header_cookie)
        .route(defaults)
        .route(strict)
        .route(teapot)
        .route(create_user)
        .route(delete_item)
        .route(update_item)
        .route(html)
        .route(where_sync)
        .route(where_async)
}

async fn get_json(client: &TestClient<ferrapi::BuiltApp>, path: &str) -> (u16, Value) {
    let r = client.get(path).send().await;
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

async fn post_raw(
    client: &TestClient<ferrapi::BuiltApp>,
    path: &str,
    body: &str,
    content_type: Option<&str>,
) -> (u16, Value) {
    let mut req = client.post(path).body(body.to_string());
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let r = req.send().await;
    (r.status().as_u16(), r.json().unwrap_or(Value::Null))
}

#[tokio::test]
async fn query_errors_match_fastapi() {
    let client = TestClient::new(app());
    assert_eq!(
        get_json(&client, "/q").await,
        (
            422,
            json!({"detail":[{"type":"missing","loc":["query","n"],"msg":"Field required","input":null}]})
        )
    );
    assert_eq!(
        get_json(&client, "/q?n=abc").await,
        (
            422,
            json!({"detail":[{"type":"int_parsing","loc":["query","n"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})
        )
    );
    assert_eq!(
        get_json(&client, "/q?n=1&s=abcd").await,
        (
            422,
            json!({"detail":[{"type":"string_too_long","loc":["query","s"],"msg":"String should have at most 3 characters","input":"abcd","ctx":{"max_length":3}}]})
        )
    );
    assert_eq!(
        get_json(&client, "/q?n=1&ids=1&ids=x").await,
        (
            422,
            json!({"detail":[{"type":"int_parsing","loc":["query","ids",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"x"}]})
        )
    );
    assert_eq!(
        get_json(&client, "/q?n=7&ids=1&ids=2&s=ab").await,
        (200, json!({"n":7,"s":"ab","ids":[1,2]}))
    );
    // Every error at once, never only the first.
    let (status, body) = get_json(&client, "/q?s=abcd&ids=x").await;
    assert_eq!(status, 422);
    assert_eq!(body["detail"].as_array().map(Vec::len), Some(3), "{body}");
}

#[tokio::test]
async fn path_and_enum_errors_match_fastapi() {
    let client = TestClient::new(app());
    assert_eq!(
        get_json(&client, "/p/0").await,
        (
            422,
            json!({"detail":[{"type":"greater_than_equal","loc":["path","item_id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}}]})
        )
    );
    assert_eq!(get_json(&client, "/p/3").await, (200, json!({"item_id":3})));
    assert_eq!(
        get_json(&client, "/e/green").await,
        (
            422,
            json!({"detail":[{"type":"enum","loc":["path","c"],"msg":"Input should be 'red' or 'blue'","input":"green","ctx":{"expected":"'red' or 'blue'"}}]})
        )
    );
    assert_eq!(get_json(&client, "/e/red").await, (200, json!("red")));
}

#[tokio::test]
async fn body_errors_match_fastapi() {
    let client = TestClient::new(app());
    assert_eq!(
        post_raw(&client, "/items", "", None).await,
        (
            422,
            json!({"detail":[{"type":"missing","loc":["body"],"msg":"Field required","input":null}]})
        )
    );
    assert_eq!(
        post_raw(
            &client,
            "/items",
            r#"{"name":"a","price":-1,"tags":"x","sub":{"x":"y"}}"#,
            Some("application/json")
        )
        .await,
        (
            422,
            json!({"detail":[
            {"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 2 characters","input":"a","ctx":{"min_length":2}},
            {"type":"greater_than","loc":["body","price"],"msg":"Input should be greater than 0","input":-1,"ctx":{"gt":0.0}},
            {"type":"list_type","loc":["body","tags"],"msg":"Input should be a valid list","input":"x"},
            {"type":"int_parsing","loc":["body","sub","x"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"y"}]})
        )
    );
    assert_eq!(
        post_raw(&client, "/items", r#"{"name": "#, Some("application/json")).await,
        (
            422,
            json!({"detail":[{"type":"json_invalid","loc":["body",9],"msg":"JSON decode error","input":{},"ctx":{"error":"Expecting value"}}]})
        )
    );
    assert_eq!(
        post_raw(&client, "/items", r#"{"name": "ab", "price": 1}"#, None).await,
        (
            422,
            json!({"detail":[{"type":"model_attributes_type","loc":["body"],"msg":"Input should be a valid dictionary or object to extract fields from","input":"{\"name\": \"ab\", \"price\": 1}"}]})
        )
    );
    assert_eq!(
        post_raw(
            &client,
            "/two",
            r#"{"name":"ab","price":1}"#,
            Some("application/json")
        )
        .await,
        (
            422,
            json!({"detail":[{"type":"missing","loc":["body","item"],"msg":"Field required","input":null},{"type":"missing","loc":["body","user"],"msg":"Field required","input":null}]})
        )
    );
    assert_eq!(
        post_raw(
            &client,
            "/items",
            r#"{"name":"ab","price":1,"sub":{"x":"1.0"}}"#,
            Some("application/json")
        )
        .await,
        (
            201,
            json!({"name":"ab","price":1.0,"tags":[],"sub":{"x":1}})
        )
    );
}

#[tokio::test]
async fn headers_cookies_and_defaults() {
    let client = TestClient::new(app());
    assert_eq!(
        get_json(&client, "/hc").await,
        (
            422,
            json!({"detail":[{"type":"missing","loc":["header","x-token"],"msg":"Field required","input":null},{"type":"missing","loc":["cookie","sess"],"msg":"Field required","input":null}]})
        )
    );
    let r = client
        .get("/hc")
        .header("x-token", "abc")
        .header("cookie", "sess=s1")
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"x_token":"abc","sess":"s1"})
    );
    assert_eq!(
        get_json(&client, "/defaults").await,
        (200, json!({"skip":0,"limit":10,"short":null}))
    );
    assert_eq!(
        get_json(&client, "/defaults?skip=5&short=yes").await,
        (200, json!({"skip":5,"limit":10,"short":true}))
    );
}

#[tokio::test]
async fn responses_and_errors_match_fastapi() {
    let client = TestClient::new(app());
    assert_eq!(
        get_json(&client, "/nope").await,
        (404, json!({"detail":"Not Found"}))
    );
    let r = client.delete("/q").send().await;
    assert_eq!(r.status(), 405);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":"Method Not Allowed"})
    );
    assert_eq!(r.header("allow"), Some("GET, HEAD"));

    let r = client.get("/strict/bar").send().await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.header("x-error"), Some("missing"));
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":"Item not found"})
    );
    assert_eq!(
        get_json(&client, "/teapot").await,
        (418, json!({"detail":{"msg":"short and stout","code":418}}))
    );

    // response_model drops what the model does not declare.
    let r = client
        .post("/users")
        .json(&json!({"username":"ann","password":"hunter22","email":"a@example.com"}))
        .send()
        .await;
    assert_eq!(r.status(), 201);
    assert_eq!(r.text(), r#"{"username":"ann","email":"a@example.com"}"#);

    let r = client.delete("/items/3").send().await;
    assert_eq!(r.status(), 204);
    assert!(r.bytes().is_empty());

    let r = client.get("/html").send().await;
    assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
    assert_eq!(r.text(), "<h1>hi</h1>");

    // A GET operation answers HEAD too.
    let r = client.head("/p/3").send().await;
    assert_eq!(r.status(), 200);

    let r = client
        .put("/items/5?q=x")
        .json(&json!({"name":"ab","price":2}))
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"item_id":5,"name":"ab","q":"x"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_operations_run_on_the_pool_and_async_on_the_runtime() {
    let client = TestClient::new(app());
    let in_pool = client
        .get("/where/sync")
        .send()
        .await
        .json::<usize>()
        .unwrap();
    assert!(in_pool >= 1, "the sync operation ran outside the pool");
    let async_seen = client
        .get("/where/async")
        .send()
        .await
        .json::<usize>()
        .unwrap();
    assert_eq!(
        async_seen, 0,
        "nothing else in this test binary uses the pool"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_real_socket() {
    let server = LiveServer::start(app()).await.unwrap();
    let url = server.url("/q?n=abc");
    let (status, body) = tokio::task::spawn_blocking(move || {
        let agent = ferrapi_test_support::agent(std::time::Duration::from_secs(60));
        let mut r = agent.get(&url).call().unwrap();
        let status = r.status().as_u16();
        (status, r.body_mut().read_to_string().unwrap())
    })
    .await
    .unwrap();
    assert_eq!(status, 422);
    assert_eq!(
        body,
        r#"{"detail":[{"type":"int_parsing","loc":["query","n"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#
    );
}

#[ferrapi::get("/whoami/{name}")]
async fn whoami(name: String, req: &ferrapi::toolkit::Request, q: Option<i64>) -> Value {
    json!({
        "name": name,
        "q": q,
        "method": req.method().as_str(),
        "agent": req.header("user-agent"),
        "path": req.path(),
    })
}

#[tokio::test]
async fn an_operation_can_borrow_the_request() {
    let client = TestClient::new(App::new().route(whoami));
    let r = client.get("/whoami/ann?q=3").send().await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"name":"ann","q":3,"method":"GET","agent":"testclient","path":"/whoami/ann"})
    );
    // The request argument does not hide the others' validation errors.
    assert_eq!(client.get("/whoami/ann?q=x").send().await.status(), 422);
}

#[derive(Model, Serialize)]
struct Aliased {
    #[field(alias = "itemName")]
    item_name: String,
}

#[post("/aliased")]
async fn aliased(
    body: Aliased,
    #[query(alias = "item-query")] item_query: Option<String>,
) -> Value {
    json!({ "item_name": body.item_name, "item_query": item_query })
}

#[tokio::test]
async fn aliases_name_fields_and_parameters_on_the_wire() {
    let client = TestClient::new(App::new().route(aliased));
    let r = client
        .post("/aliased?item-query=q1")
        .json(&json!({"itemName": "x"}))
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"item_name":"x","item_query":"q1"})
    );
    let r = client
        .post("/aliased")
        .json(&json!({"item_name": "x"}))
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":[{"type":"missing","loc":["body","itemName"],"msg":"Field required","input":{"item_name":"x"}}]})
    );
}

static NOTIFICATIONS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

#[post("/notify/{email}")]
async fn notify(email: String, tasks: ferrapi::BackgroundTasks) -> Value {
    tasks.add_blocking(move || {
        NOTIFICATIONS
            .lock()
            .unwrap()
            .push(format!("{email}: some notification"));
    });
    json!({ "message": "Notification sent in the background" })
}

#[post("/notify-fails/{email}")]
async fn notify_fails(
    email: String,
    tasks: ferrapi::BackgroundTasks,
) -> Result<Value, HTTPException> {
    tasks.add_blocking(move || {
        NOTIFICATIONS
            .lock()
            .unwrap()
            .push(format!("{email}: must not run"));
    });
    Err(HTTPException::new(StatusCode::BAD_REQUEST, "no"))
}

#[tokio::test]
async fn background_tasks_run_after_a_successful_response_only() {
    let client = TestClient::new(App::new().route(notify).route(notify_fails));
    let r = client.post("/notify/ann@example.com").send().await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"message":"Notification sent in the background"})
    );
    assert_eq!(
        client
            .post("/notify-fails/bob@example.com")
            .send()
            .await
            .status(),
        400
    );
    let seen = NOTIFICATIONS.lock().unwrap().clone();
    assert_eq!(seen, vec!["ann@example.com: some notification".to_string()]);
}
