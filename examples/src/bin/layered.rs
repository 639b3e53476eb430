//! The three layers in one binary, side by side: a framework app at `/`, a toolkit
//! application mounted at `/toolkit`, and a bare server-level app mounted at `/raw`.
//!
//! ```text
//! cargo run -p ferrapi-examples --bin layered     # then:
//! curl localhost:8000/items/3?q=hi                # framework: {"layer":"framework","id":3,"q":"hi"}
//! curl localhost:8000/items/0                     # framework: 422, FastAPI's error body
//! curl localhost:8000/toolkit/items/7             # toolkit:   {"layer":"toolkit","id":7,…}
//! curl localhost:8000/toolkit/nope                # toolkit:   404, plain text "Not Found"
//! curl 'localhost:8000/raw/any/path?x=1'          # server:    {"layer":"server","path":"/any/path",…}
//! websocat ws://127.0.0.1:8000/raw/ws             # server:    a WebSocket echo
//! ```
//!
//! # How each layer wraps the one below
//!
//! * **The server** (`ferrapi-server`, uvicorn's role) owns the sockets: it parses HTTP/1.1,
//!   enforces limits and timeouts, speaks the WebSocket protocol, and hands each request to an
//!   *app*, anything implementing its [`App`](ferrapi_server::App) trait: `call(Request<Body>)
//!   -> Response<Body>` over the `http` crate's types, with the connection's details in a
//!   [`Scope`] extension and a WebSocket handshake as a [`WebSocketUpgrade`] extension. Any
//!   `async fn(Request<Body>) -> Response<Body>` is such an app: `raw` below is one.
//! * **The toolkit** (`ferrapi-toolkit`, Starlette's role) is a server app: its
//!   [`Application`] implements the server's `App` by running its middleware, wrapping the
//!   request in a toolkit [`Request`] (query, cookies, path parameters, state), routing it,
//!   awaiting the endpoint and turning an error or a panic into a response through its
//!   exception handlers. Its [`Mount::app`] takes *any* server app, which is how `raw` is
//!   mounted: the mount moves its prefix from the path to the scope's root path, so `raw` sees
//!   `/any/path` with root path `/raw`.
//! * **The framework** (`ferrapi`, FastAPI's role) is a toolkit application: an [`App`] turns
//!   each `#[get]`… operation into a toolkit `Route` whose endpoint validates the typed
//!   arguments (422 with FastAPI's body) and serialises the result, installs FastAPI's
//!   exception handlers (JSON `{"detail":…}`), and implements the server's `App` by delegating
//!   to that toolkit application. [`App::mount`] adds toolkit routes as they are: here two
//!   `Mount`s.
//!
//! So a request for `/raw/x` goes server → framework `App` → its toolkit `Application` (with
//! its middleware) → router → `Mount` → `raw`; one for `/toolkit/x` goes the same way down to
//! the second `Application`, which routes it again with its own router and exception
//! handlers. The answers show the seams: an unknown path is FastAPI's JSON 404 at the top,
//! the toolkit's plain-text 404 under `/toolkit`, and whatever `raw` says under `/raw`. Only
//! the framework's operations are in `/openapi.json`. (Lifespan hooks run for the outermost
//! app only, as in Starlette: a mounted app's `startup` is not called, so the mounted apps
//! here have none.)

use bytes::Bytes;
use ferrapi::toolkit::server::http::{header, HeaderValue, Method};
use ferrapi::toolkit::server::websocket::{Message, WebSocket as RawSocket, WebSocketUpgrade};
use ferrapi::toolkit::server::{Body, Scope, StatusCode};
use ferrapi::toolkit::{Application, HTTPException, Json, Mount, Request, Route};
use ferrapi::{get, App};
use serde::Serialize;
use serde_json::{json, Value};

// ----------------------------------------------------------------------------- the server layer

/// A server-level app: a plain async function over `http` types. No routing, no parsing
/// beyond what the server did: it reports what it was given, and echoes WebSocket messages on
/// `/ws`.
async fn raw(mut req: ferrapi_server::Request<Body>) -> ferrapi_server::Response<Body> {
    if let Some(upgrade) = req.extensions_mut().remove::<WebSocketUpgrade>() {
        return if req.uri().path() == "/ws" {
            upgrade.accept().on_upgrade(raw_echo)
        } else {
            upgrade.reject() // 403
        };
    }
    let root_path = req.extensions().get::<Scope>().map_or("", Scope::root_path);
    let report = json!({
        "layer": "server",
        "method": req.method().as_str(),
        "path": req.uri().path(),
        "query": req.uri().query(),
        "root_path": root_path,
    });
    let mut res = ferrapi_server::Response::new(Body::from(Bytes::from(report.to_string())));
    if req.method() == Method::GET || req.method() == Method::HEAD {
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    } else {
        *res.status_mut() = StatusCode::METHOD_NOT_ALLOWED;
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
    }
    res
}

/// The server's own WebSocket API: messages in, messages out, then one `Close`.
async fn raw_echo(mut ws: RawSocket) {
    while let Some(message) = ws.recv().await {
        match message {
            Message::Text(_) | Message::Binary(_) => {
                if ws.send(message).await.is_err() {
                    return;
                }
            }
            Message::Close(_) => return,
            Message::Ping(_) | Message::Pong(_) => {}
        }
    }
}

// ---------------------------------------------------------------------------- the toolkit layer

async fn toolkit_home(req: Request) -> Json<Value> {
    Json(json!({
        "layer": "toolkit",
        "path": req.path(),
        "root_path": req.root_path(),
    }))
}

/// `{id:int}` is checked by the router's convertor: `/toolkit/items/abc` does not match (404).
async fn toolkit_item(req: Request) -> Result<Json<Value>, HTTPException> {
    let id = req.path_params().parse::<i64>("id").ok_or_else(|| {
        HTTPException::new(StatusCode::BAD_REQUEST).with_detail("id out of range")
    })?;
    Ok(Json(json!({
        "layer": "toolkit",
        "id": id,
        "q": req.query_params().get("q"),
    })))
}

/// A toolkit application of its own, with Starlette's (plain-text) error answers.
fn toolkit_app() -> Application {
    Application::new()
        .route(Route::new("/", toolkit_home))
        .route(Route::new("/items/{id:int}", toolkit_item))
}

// -------------------------------------------------------------------------- the framework layer

#[derive(Serialize)]
struct Item {
    layer: &'static str,
    id: i64,
    q: Option<String>,
}

/// What is served where.
#[get("/")]
async fn index() -> Value {
    json!({
        "layer": "framework",
        "mounts": {
            "/toolkit": "a ferrapi-toolkit Application",
            "/raw": "a bare ferrapi-server app (an async fn)",
        },
    })
}

/// A typed operation: `id` must be a positive integer, `q` at most 20 characters.
#[get("/items/{id}")]
async fn read_item(#[path(ge = 1)] id: i64, #[query(max_length = 20)] q: Option<String>) -> Item {
    Item {
        layer: "framework",
        id,
        q,
    }
}

fn app() -> App {
    App::new()
        .title("layered")
        .route(index)
        .route(read_item)
        .mount(Mount::app("/toolkit", toolkit_app()))
        .mount(Mount::app("/raw", raw))
}

fn main() -> std::process::ExitCode {
    // Every flag of the server (`--help` lists them): host, port, workers, limits, timeouts…
    ferrapi::run(app())
}
