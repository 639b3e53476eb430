//! The reference "tutorial" API (`tests/reference/tutorial.py`, FastAPI) in ferrapi, answer
//! for answer: same paths, methods, status codes, tags, JSON bodies (key order and number
//! rendering included) and 422s. `tests/tests/tutorial_diff.rs` sends the same requests to
//! both over HTTP and compares the answers.
//!
//! Served by the `tutorial` binary:
//!
//! ```text
//! cargo run -p ferrapi-examples --bin tutorial -- --port 8000
//! curl localhost:8000/items/5?q=x          # {"item_id":5,"q":"x","description":"This is …"}
//! curl localhost:8000/bounded/0            # 422 greater_than_equal, FastAPI's body
//! ```
//!
//! Covered, from `tutorial.py`:
//!
//! * **basics**: `GET /`, `GET /items/{item_id}`, `GET /items/`, `POST /items/` (201),
//!   `PUT /items/{item_id}`, `DELETE /items/{item_id}` (204), `GET /strict/{item_id}`
//!   (`HTTPException` 404 with an `X-Error` header);
//! * **params**: `GET /search` (length and pattern constraints), `GET /bounded/{item_id}`
//!   (bounds on a path and a query parameter), `GET /tags` (a list query parameter),
//!   `GET /models/{model_name}` (an enum), `GET /paths/{file_path:path}`, `GET /headers`
//!   (repeated `X-Token`), `GET /cookies`;
//! * **bodies**: `POST /offers` (nested models), `PUT /multi/{item_id}` (several bodies and a
//!   constrained scalar body), `PUT /embed/{item_id}` (`Body(embed=True)`), `POST /weights`
//!   (`dict[int, float]`, integer keys);
//! * **responses**: `POST /users/` (`response_model` drops the password), `GET /html`,
//!   `GET /plain`, `GET /redirect`, `GET /stream`, `GET /large`, `GET /teapots/{name}` (an
//!   application error type and its exception handler);
//! * **middleware**, nested as in `tutorial.py`: Starlette's `add_middleware` prepends, so
//!   there the last added is the outermost. From the outside in: `X-Process-Time` (the
//!   `@app.middleware("http")` function, as a [`from_fn`] middleware), CORS (`localhost:3000`,
//!   `GET` and `POST`, `X-Token`, credentials), GZip (`minimum_size=1000`).
//!
//! * **forms**: `POST /login/` (form fields), `POST /files/` (a file read into memory),
//!   `POST /uploadfile/` (an `UploadFile` and an optional form field);
//! * **background and concurrency**: `POST /notify/{email}` (a background task),
//!   `GET /notifications`, `GET /sleep/sync` (a plain `fn` on the thread pool),
//!   `GET /sleep/async`;
//!
//! * **dependencies**: `GET /dep/items` (a function dependency), `GET /dep/class` (a class
//!   dependency), `GET /dep/sub` (a sub-dependency and a cookie), `GET /dep/cached` (one
//!   resolution per request), `GET /dep/session` and `GET /dep/teardowns` (a teardown after the
//!   response), the `/admin` router guarded by its `X-Token` dependency;
//! * **security**: `POST /token` (the OAuth2 password form), `GET /users/me` (a bearer token),
//!   `GET /basic` (HTTP Basic, a plain `fn`);
//! * **lifespan**: `GET /state` (typed state filled by the startup hook);
//! * **websockets**: `/ws` (echo) and `/ws/rooms/{room}` (a path parameter and a dependency
//!   reading the query; closed with 1008 without the right token).
//!
//! Deliberate differences from FastAPI: `GET` operations answer `HEAD` too (FastAPI answers
//! 405, fastapi#1773), so a 405's `allow` lists `HEAD` after `GET`; integer parameters are
//! `i64`, where Python's `int` is unbounded (a value beyond `i64` is a 422 `less_than_equal`).

use std::pin::Pin;
use std::task::{Context, Poll};

use ferrapi::security::{
    HTTPBasic, HTTPBasicCredentials, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
};
use ferrapi::toolkit::middleware::cors::{CORSMiddleware, CorsConfig};
use ferrapi::toolkit::middleware::function::{from_fn, Next};
use ferrapi::toolkit::middleware::gzip::GZipMiddleware;
use ferrapi::toolkit::middleware::BoxApp;
use ferrapi::toolkit::WebSocket;
use ferrapi::toolkit::{
    Html, Json, PlainText, Redirect, Request, Response, StatusCode, Streaming, UploadFile,
};
use ferrapi::{
    delete, dependency, get, post, put, websocket, App, BackgroundTasks, Dependency, Enum,
    HTTPException, Model, Router, State, Yield,
};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Value};

// ------------------------------------------------------------------------------------ models

/// An item for sale (`Item` in `tutorial.py`).
#[derive(Model, Serialize, Clone, Debug)]
pub struct Item {
    /// Its name, 1 to 50 characters.
    #[field(min_length = 1, max_length = 50)]
    pub name: String,
    /// A description.
    pub description: Option<String>,
    /// Its price, above 0.
    #[field(gt = 0)]
    pub price: f64,
    /// The tax, if any.
    pub tax: Option<f64>,
    /// Tags, none by default.
    #[field(default)]
    pub tags: Vec<String>,
}

/// A user (`User`).
#[derive(Model, Serialize, Clone, Debug)]
pub struct User {
    /// The login name.
    pub username: String,
    /// The full name.
    pub full_name: Option<String>,
}

/// An offer: a name and items (`Offer`).
#[derive(Model, Serialize, Clone, Debug)]
pub struct Offer {
    /// The offer's name.
    pub name: String,
    /// The items on offer.
    pub items: Vec<Item>,
}

/// A user as sent to `POST /users/`, with a password (`UserIn`).
#[derive(Model, Serialize, Clone, Debug)]
pub struct UserIn {
    /// At least 3 characters.
    #[field(min_length = 3)]
    pub username: String,
    /// At least 8 characters; never sent back.
    #[field(min_length = 8)]
    pub password: String,
    /// The e-mail address (any string).
    pub email: String,
    /// The full name.
    pub full_name: Option<String>,
}

/// A user as sent back: no password (`UserOut`).
#[derive(Model, Serialize, Clone, Debug)]
pub struct UserOut {
    /// The login name.
    pub username: String,
    /// The e-mail address.
    pub email: String,
    /// The full name.
    pub full_name: Option<String>,
}

/// The models `GET /models/{model_name}` knows (`ModelName`, a `str, Enum`).
#[derive(Enum, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ModelName {
    /// `alexnet`
    Alexnet,
    /// `resnet`
    Resnet,
    /// `lenet`
    Lenet,
}

/// `ITEMS` of `tutorial.py`, as Python writes it (Bar's price is the integer 62).
fn items_db(item_id: &str) -> Option<Value> {
    match item_id {
        "foo" => Some(json!({"name": "Foo", "price": 50.2})),
        "bar" => {
            Some(json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}))
        }
        "baz" => Some(
            json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
        ),
        _ => None,
    }
}

const LISTED: [&str; 3] = ["Foo", "Bar", "Baz"];

/// `seq[start:stop]` with Python's rules for negative and out-of-range indexes.
fn py_slice<T>(seq: &[T], start: i64, stop: i64) -> &[T] {
    let len = seq.len() as i64;
    let clamp = |i: i64| {
        if i < 0 {
            (i + len).max(0)
        } else {
            i.min(len)
        }
    };
    let (start, stop) = (clamp(start), clamp(stop));
    if start >= stop {
        &[]
    } else {
        &seq[start as usize..stop as usize]
    }
}

/// `model.model_dump()` as JSON (every field, `null`s included, in declaration order).
fn dump<T: Serialize>(model: &T) -> serde_json::Map<String, Value> {
    match serde_json::to_value(model) {
        Ok(Value::Object(map)) => map,
        _ => unreachable!("models serialise to objects"),
    }
}

// ------------------------------------------------------------------------------------ basics

#[get("/")]
async fn root() -> Value {
    json!({"message": "Hello World"})
}

#[get("/items/{item_id}", tags = ["items"])]
async fn read_item(
    item_id: i64,
    q: Option<String>,
    #[query(default = false)] short: bool,
) -> Value {
    let mut item = json!({"item_id": item_id});
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        item["q"] = json!(q);
    }
    if !short {
        item["description"] = json!("This is an amazing item that has a long description");
    }
    item
}

#[get("/items/", tags = ["items"])]
async fn list_items(
    #[query(default = 0)] skip: i64,
    #[query(default = 10)] limit: i64,
) -> Vec<Value> {
    py_slice(&LISTED, skip, skip.saturating_add(limit))
        .iter()
        .map(|name| json!({"item_name": name}))
        .collect()
}

#[post("/items/", status_code = 201, tags = ["items"])]
async fn create_item(item: Item) -> Value {
    let mut body = dump(&item);
    if let Some(tax) = item.tax {
        body.insert("price_with_tax".into(), json!(item.price + tax));
    }
    Value::Object(body)
}

#[put("/items/{item_id}", tags = ["items"])]
async fn update_item(item_id: i64, item: Item, q: Option<String>) -> Value {
    let mut result = serde_json::Map::new();
    result.insert("item_id".into(), json!(item_id));
    result.extend(dump(&item));
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        result.insert("q".into(), json!(q));
    }
    Value::Object(result)
}

#[delete("/items/{item_id}", status_code = 204, tags = ["items"])]
async fn delete_item(item_id: i64) {
    let _ = item_id;
}

#[get("/strict/{item_id}", tags = ["items"])]
async fn read_strict(item_id: String) -> Result<Value, HTTPException> {
    items_db(&item_id).ok_or_else(|| {
        HTTPException::new(StatusCode::NOT_FOUND, "Item not found").header("X-Error", "missing")
    })
}

// ------------------------------------------------------------------------------------ params

#[get("/search", tags = ["params"])]
async fn search(
    #[query(min_length = 3, max_length = 50, pattern = "^[a-z ]+$")] q: Option<String>,
) -> Value {
    let mut results = json!({"items": [{"item_id": "Foo"}, {"item_id": "Bar"}]});
    if let Some(q) = q.filter(|q| !q.is_empty()) {
        results["q"] = json!(q);
    }
    results
}

#[get("/bounded/{item_id}", tags = ["params"])]
async fn bounded(
    #[path(title = "The ID of the item to get", ge = 1, le = 1000)] item_id: i64,
    #[query(gt = 0, lt = 10.5, default = 1.0)] size: f64,
) -> Value {
    json!({"item_id": item_id, "size": size})
}

#[get("/tags", tags = ["params"])]
async fn read_tags(#[query(default = Vec::new())] tag: Vec<String>) -> Value {
    json!({"tags": tag})
}

#[get("/models/{model_name}", tags = ["params"])]
async fn get_model(model_name: ModelName) -> Value {
    let message = match model_name {
        ModelName::Alexnet => "Deep Learning FTW!",
        ModelName::Lenet => "LeCNN all the images",
        ModelName::Resnet => "Have some residuals",
    };
    json!({"model_name": model_name, "message": message})
}

#[get("/paths/{file_path:path}", tags = ["params"])]
async fn read_file_path(file_path: String) -> Value {
    json!({"file_path": file_path})
}

#[get("/headers", tags = ["params"])]
async fn read_headers(
    #[header] user_agent: Option<String>,
    #[header] x_token: Option<Vec<String>>,
) -> Value {
    json!({"User-Agent": user_agent, "X-Token values": x_token})
}

#[get("/cookies", tags = ["params"])]
async fn read_cookies(#[cookie] ads_id: Option<String>) -> Value {
    json!({"ads_id": ads_id})
}

// ------------------------------------------------------------------------------------ bodies

#[post("/offers", tags = ["bodies"])]
async fn create_offer(offer: Offer) -> Value {
    // Python's `sum` starts from the integer 0: no items is `0`, not `0.0`.
    let total = match offer.items.iter().map(|i| i.price).reduce(|a, b| a + b) {
        Some(total) => json!(total),
        None => json!(0),
    };
    json!({"name": offer.name, "count": offer.items.len(), "total": total})
}

#[put("/multi/{item_id}", tags = ["bodies"])]
async fn update_multi(
    item_id: i64,
    item: Item,
    user: User,
    #[body(gt = 0)] importance: i64,
) -> Value {
    json!({"item_id": item_id, "item": item, "user": user, "importance": importance})
}

#[put("/embed/{item_id}", tags = ["bodies"])]
async fn update_embedded(item_id: i64, #[body(embed)] item: Item) -> Value {
    json!({"item_id": item_id, "item": item})
}

#[post("/weights", tags = ["bodies"])]
async fn create_weights(weights: IndexMap<i64, f64>) -> IndexMap<i64, f64> {
    weights
}

// ---------------------------------------------------------------------------------------- forms

#[post("/login/", tags = ["forms"])]
async fn login(#[form] username: String, #[form] password: String) -> Value {
    let _ = password;
    json!({ "username": username })
}

#[post("/files/", tags = ["forms"])]
async fn create_file(#[file] file: bytes::Bytes) -> Value {
    json!({ "file_size": file.len() })
}

#[post("/uploadfile/", tags = ["forms"])]
async fn create_upload_file(
    file: UploadFile,
    #[form(default = String::new())] note: String,
) -> Result<Value, std::io::Error> {
    let data = file.read().await?;
    Ok(json!({
        "filename": file.filename(),
        "content_type": file.content_type(),
        "size": data.len(),
        "note": note,
    }))
}

// ----------------------------------------------------------------------------------- background

/// The notifications written by background tasks, in memory (`NOTIFICATIONS` in tutorial.py).
static NOTIFICATIONS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn write_notification(email: &str, message: &str) {
    if let Ok(mut list) = NOTIFICATIONS.lock() {
        list.push(format!("{email}: {message}"));
    }
}

#[post("/notify/{email}", tags = ["background"])]
async fn notify(email: String, background_tasks: BackgroundTasks) -> Value {
    background_tasks.add_blocking(move || write_notification(&email, "some notification"));
    json!({ "message": "Notification sent in the background" })
}

#[get("/notifications", tags = ["background"])]
async fn notifications() -> Vec<String> {
    NOTIFICATIONS.lock().map(|l| l.clone()).unwrap_or_default()
}

// ---------------------------------------------------------------------------------- concurrency

// A plain `fn`: it runs on the thread pool and blocks a pool thread, never the runtime. (A
// comment, not a doc comment: a doc comment is the operation's description.)
#[get("/sleep/sync", tags = ["concurrency"])]
fn sleep_sync(#[query(ge = 0, le = 5, default = 0.2)] seconds: f64) -> Value {
    std::thread::sleep(std::time::Duration::from_secs_f64(seconds));
    json!({ "slept": seconds, "mode": "sync" })
}

#[get("/sleep/async", tags = ["concurrency"])]
async fn sleep_async(#[query(ge = 0, le = 5, default = 0.2)] seconds: f64) -> Value {
    tokio::time::sleep(std::time::Duration::from_secs_f64(seconds)).await;
    json!({ "slept": seconds, "mode": "async" })
}

// ------------------------------------------------------------------------------------ responses

#[post("/users/", response_model = UserOut, status_code = 201, tags = ["users"])]
async fn create_user(user: UserIn) -> UserIn {
    user
}

#[get("/html", tags = ["responses"])]
async fn html() -> Html<&'static str> {
    Html("<html><body><h1>Hello</h1></body></html>")
}

#[get("/plain", tags = ["responses"])]
async fn plain() -> PlainText<&'static str> {
    PlainText("Hello, World!")
}

#[get("/redirect", tags = ["responses"])]
async fn redirect() -> Redirect {
    Redirect::to("/items/1")
}

/// `line 0\n` … `line 4\n`, one chunk each (the async generator of `tutorial.py`).
struct Numbers(u32);

impl futures_core::Stream for Numbers {
    type Item = Result<String, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0 == 5 {
            return Poll::Ready(None);
        }
        let line = format!("line {}\n", self.0);
        self.0 += 1;
        Poll::Ready(Some(Ok(line)))
    }
}

#[get("/stream", tags = ["responses"])]
async fn stream() -> Result<Streaming, ferrapi::toolkit::Error> {
    // Starlette adds the charset to a `text/*` media type.
    Ok(Streaming::new(Numbers(0)).media_type("text/plain; charset=utf-8")?)
}

#[get("/large", tags = ["responses"])]
async fn large() -> Value {
    json!({"data": vec!["x".repeat(100); 50]})
}

/// An application's own error, answered by its exception handler (`TeapotError`).
#[derive(Debug)]
pub struct TeapotError {
    /// The teapot's name.
    pub name: String,
}

impl std::fmt::Display for TeapotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "teapot {} did something", self.name)
    }
}

impl std::error::Error for TeapotError {}

#[get("/teapots/{name}", tags = ["responses"])]
async fn teapot(name: String) -> Result<Value, TeapotError> {
    if name == "yolo" {
        return Err(TeapotError { name });
    }
    Ok(json!({"teapot_name": name}))
}

// ------------------------------------------------------------------------------------ middleware

/// `add_process_time`: the time the rest of the stack took, in seconds with six decimals.
async fn add_process_time(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let mut response = next.run(req).await;
    let took = format!("{:.6}", started.elapsed().as_secs_f64());
    response.headers_mut().insert(
        "x-process-time",
        took.parse().expect("digits are a valid header value"),
    );
    response
}

// -------------------------------------------------------------------------------- dependencies

/// Query parameters shared by several operations (`common_parameters`).
#[dependency]
async fn common_parameters(
    q: Option<String>,
    #[query(default = 0)] skip: i64,
    #[query(default = 100)] limit: i64,
) -> Value {
    json!({"q": q, "skip": skip, "limit": limit})
}

#[get("/dep/items", tags = ["dependencies"])]
async fn dep_items(#[depends(common_parameters)] commons: Value) -> Value {
    commons
}

/// A class dependency: its fields are query parameters (`Paging`).
#[derive(Clone, Debug, Dependency)]
struct Paging {
    q: Option<String>,
    #[query(default = 0)]
    skip: i64,
    #[query(default = 100)]
    limit: i64,
}

#[get("/dep/class", tags = ["dependencies"])]
async fn dep_class(#[depends] paging: Paging) -> Value {
    let page: Vec<Value> = py_slice(
        &LISTED,
        paging.skip,
        paging.skip.saturating_add(paging.limit),
    )
    .iter()
    .map(|name| json!({"item_name": name}))
    .collect();
    json!({"q": paging.q, "page": page})
}

/// A plain `fn` dependency: it runs on the thread pool, as FastAPI runs a `def` one.
#[dependency]
fn query_extractor(q: Option<String>) -> Option<String> {
    q
}

/// A dependency with a sub-dependency and a cookie of its own.
#[dependency]
fn query_or_cookie(
    #[depends(query_extractor)] q: Option<String>,
    #[cookie] last_query: Option<String>,
) -> Option<String> {
    // Python's `q or last_query`: an empty string is false.
    q.filter(|q| !q.is_empty()).or(last_query)
}

#[get("/dep/sub", tags = ["dependencies"])]
async fn dep_sub(#[depends(query_or_cookie)] query_or_default: Option<String>) -> Value {
    json!({"q_or_cookie": query_or_default})
}

static CALLS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Counts its calls: one request resolves it once, however many use it.
#[dependency]
fn counted() -> i64 {
    CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1
}

#[get("/dep/cached", tags = ["dependencies"])]
async fn dep_cached(#[depends(counted)] a: i64, #[depends(counted)] b: i64) -> Value {
    json!({"same": a == b})
}

/// Sessions opened and closed (`TEARDOWNS`).
static TEARDOWNS: std::sync::Mutex<(i64, i64)> = std::sync::Mutex::new((0, 0));

/// A dependency with a teardown (FastAPI's `yield`): it runs after the response is sent.
#[dependency]
async fn session() -> Yield<Value> {
    let opened = {
        let mut t = TEARDOWNS.lock().unwrap_or_else(|e| e.into_inner());
        t.0 += 1;
        t.0
    };
    Yield::new(json!({"session": opened}), |_outcome| async {
        TEARDOWNS.lock().unwrap_or_else(|e| e.into_inner()).1 += 1;
    })
}

#[get("/dep/session", tags = ["dependencies"])]
async fn dep_session(#[depends(session)] db: Value) -> Value {
    db
}

#[get("/dep/teardowns", tags = ["dependencies"])]
async fn dep_teardowns() -> Value {
    let (opened, closed) = *TEARDOWNS.lock().unwrap_or_else(|e| e.into_inner());
    json!({"opened": opened, "closed": closed})
}

/// The admin router's guard: an `X-Token` header with the right value.
#[dependency]
async fn verify_token(#[header] x_token: String) -> Result<(), HTTPException> {
    if x_token != "fake-super-secret-token" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "X-Token header invalid",
        ));
    }
    Ok(())
}

#[get("/users")]
async fn admin_users() -> Value {
    json!([{"username": "rick"}, {"username": "morty"}])
}

#[get("/users/{username}")]
async fn admin_user(username: String) -> Value {
    json!({"username": username})
}

/// `APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(verify_token)])`.
fn admin() -> Router {
    Router::new()
        .prefix("/admin")
        .tag("admin")
        .dependency(verify_token)
        .route(admin_users)
        .route(admin_user)
}

// ------------------------------------------------------------------------------------ security

static OAUTH2_SCHEME: OAuth2PasswordBearer = OAuth2PasswordBearer::new("token");
static BASIC: HTTPBasic = HTTPBasic::new();

#[post("/token", tags = ["security"])]
async fn token(#[depends] form: OAuth2PasswordRequestForm) -> Result<Value, HTTPException> {
    if form.username != "johndoe" || form.password != "secret" {
        return Err(HTTPException::new(
            StatusCode::BAD_REQUEST,
            "Incorrect username or password",
        ));
    }
    Ok(json!({"access_token": "token-johndoe", "token_type": "bearer"}))
}

#[get("/users/me", tags = ["security"])]
async fn read_me(#[depends(OAUTH2_SCHEME)] token: String) -> Result<Value, HTTPException> {
    if token != "token-johndoe" {
        return Err(HTTPException::new(
            StatusCode::UNAUTHORIZED,
            "Invalid authentication credentials",
        )
        .header("www-authenticate", "Bearer"));
    }
    Ok(json!({"username": "johndoe"}))
}

#[get("/basic", tags = ["security"])]
fn read_basic(#[depends(BASIC)] credentials: HTTPBasicCredentials) -> Value {
    json!({
        "username": credentials.username,
        "password_length": credentials.password.chars().count(),
    })
}

// ------------------------------------------------------------------------------------- lifespan

/// What the startup hook puts in the application state (`STATE` in `tutorial.py`).
#[derive(Debug)]
pub struct Lifespan {
    models: Vec<&'static str>,
    started: bool,
}

#[get("/state", tags = ["lifespan"])]
async fn read_state(lifespan: State<Lifespan>) -> Value {
    json!({"models": lifespan.models, "started": lifespan.started})
}

// ----------------------------------------------------------------------------------- websockets

#[websocket("/ws")]
async fn ws_echo(mut websocket: WebSocket) {
    if websocket.accept().await.is_err() {
        return;
    }
    while let Ok(data) = websocket.receive_text().await {
        if websocket
            .send_text(format!("Message text was: {data}"))
            .await
            .is_err()
        {
            break;
        }
    }
}

/// A query parameter read by a dependency of a WebSocket operation.
#[dependency]
async fn ws_token(token: Option<String>) -> Option<String> {
    token.filter(|t| t == "letmein")
}

#[websocket("/ws/rooms/{room}")]
async fn ws_room(
    mut websocket: WebSocket,
    room: String,
    #[depends(ws_token)] token: Option<String>,
) {
    if token.is_none() {
        let _ = websocket.close(1008, "").await;
        return;
    }
    if websocket.accept().await.is_err() {
        return;
    }
    while let Ok(data) = websocket.receive_json::<Value>().await {
        if websocket
            .send_json(&json!({"room": room, "echo": data}))
            .await
            .is_err()
        {
            break;
        }
    }
}

// ------------------------------------------------------------------------------------ the app

/// The tutorial application.
pub fn app() -> App {
    App::new()
        .title("Tutorial")
        .version("1.0.0")
        .description("The reference API that every layer of the project is checked against.")
        .exception_handler(|err: TeapotError| {
            (
                StatusCode::IM_A_TEAPOT,
                Json(json!({"message": format!("Oops! {} did something.", err.name)})),
            )
        })
        // `tutorial.py` adds GZip, then CORS, then the `http` middleware function; Starlette's
        // `add_middleware` prepends, so the last added is the outermost. Here the first added
        // is the outermost: the same nesting, written outside in.
        .middleware(from_fn(add_process_time))
        .middleware(|inner: BoxApp| {
            CORSMiddleware::new(
                inner,
                CorsConfig::new()
                    .allow_origins(["http://localhost:3000"])
                    .allow_methods(["GET", "POST"])
                    .allow_headers(["X-Token"])
                    .allow_credentials(true),
            )
        })
        .middleware(|inner: BoxApp| GZipMiddleware::new(inner).minimum_size(1000))
        // basics
        .route(root)
        .route(read_item)
        .route(list_items)
        .route(create_item)
        .route(update_item)
        .route(delete_item)
        .route(read_strict)
        // params
        .route(search)
        .route(bounded)
        .route(read_tags)
        .route(get_model)
        .route(read_file_path)
        .route(read_headers)
        .route(read_cookies)
        // bodies
        .route(create_offer)
        .route(update_multi)
        .route(update_embedded)
        .route(create_weights)
        // responses
        .route(create_user)
        .route(html)
        .route(plain)
        .route(redirect)
        .route(stream)
        .route(large)
        .route(teapot)
        .route(login)
        .route(create_file)
        .route(create_upload_file)
        .route(notify)
        .route(notifications)
        .route(sleep_sync)
        .route(sleep_async)
        // dependencies
        .route(dep_items)
        .route(dep_class)
        .route(dep_sub)
        .route(dep_cached)
        .route(dep_session)
        .route(dep_teardowns)
        .include_router(admin())
        // security
        .route(token)
        .route(read_me)
        .route(read_basic)
        // lifespan
        .route(read_state)
        .on_startup(|state| async move {
            state.insert(Lifespan {
                models: vec!["alexnet", "lenet", "resnet"],
                started: true,
            });
            Ok::<(), std::convert::Infallible>(())
        })
        .on_shutdown(|state| async move {
            state.remove::<Lifespan>();
        })
        // websockets
        .route(ws_echo)
        .route(ws_room)
}

#[cfg(test)]
mod tests {
    use super::py_slice;

    #[test]
    fn slices_like_python() {
        let s = [1, 2, 3];
        assert_eq!(py_slice(&s, 0, 10), &[1, 2, 3]);
        assert_eq!(py_slice(&s, 1, 2), &[2]);
        assert_eq!(py_slice(&s, -1, 9), &[3]);
        assert_eq!(py_slice(&s, 0, -1), &[1, 2]);
        assert_eq!(py_slice(&s, -5, 5), &[1, 2, 3]);
        assert_eq!(py_slice(&s, 2, 1), &[] as &[i32]);
        assert_eq!(py_slice(&s, 5, 10), &[] as &[i32]);
    }
}
