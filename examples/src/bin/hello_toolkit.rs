//! The toolkit layer alone: the endpoints of `hello_server`, written with `ferrapi-toolkit`'s
//! routing, requests and responses (Starlette's role), served by the same server and flags.
//!
//! ```text
//! cargo run --release -p ferrapi-examples --bin hello_toolkit -- --port 8000 --no-access-log
//! curl localhost:8000/items/7?q=hi
//! ```
//!
//! * `GET /` → `ok`
//! * `GET /plaintext` → `Hello, World!` (`text/plain; charset=utf-8`)
//! * `GET /json` → `{"message":"Hello, World!"}` (`application/json`)
//! * `GET /items/{id}?q=…` → `{"id":<int>,"q":<string or null>}`, 400 if `id` is not an integer
//! * any method on `/echo` → the request body, streamed back as it arrives
//! * `/ws` → a WebSocket that echoes every text and binary message and closes when the client
//!   does
//! * anything else → 404 `Not Found`

use ferrapi_toolkit::websockets::{ReceiveError, WebSocket};
use ferrapi_toolkit::IntoResponse;
use ferrapi_toolkit::{
    Application, Error, HTTPException, Json, Request, Response, Route, StatusCode, WebSocketRoute,
};
use serde::Serialize;

#[derive(Serialize)]
struct Greeting {
    message: &'static str,
}

#[derive(Serialize)]
struct Item<'a> {
    id: i64,
    q: Option<&'a str>,
}

async fn home(_req: Request) -> &'static str {
    "ok"
}

async fn plaintext(_req: Request) -> &'static str {
    "Hello, World!"
}

async fn json(_req: Request) -> Json<Greeting> {
    Json(Greeting {
        message: "Hello, World!",
    })
}

async fn item(req: Request) -> Result<Response, HTTPException> {
    let id = req.path_params().parse::<i64>("id").ok_or_else(|| {
        HTTPException::new(StatusCode::BAD_REQUEST).with_detail("id must be an integer")
    })?;
    let q = req.query_params().get("q");
    Ok(Json(Item { id, q }).into_response())
}

async fn echo(mut req: Request) -> Result<Response, Error> {
    Ok(Response::new(req.stream()?))
}

async fn ws_echo(mut ws: WebSocket) -> Result<(), Error> {
    ws.accept().await?;
    loop {
        match ws.receive().await {
            Ok(message) => ws.send(message).await?,
            Err(ReceiveError::Disconnect(_)) => return Ok(()),
            Err(other) => return Err(other.into()),
        }
    }
}

fn app() -> Application {
    Application::new()
        .route(Route::new("/", home))
        .route(Route::new("/plaintext", plaintext))
        .route(Route::new("/json", json))
        .route(Route::new("/items/{id}", item))
        .route(Route::new("/echo", echo).any_method())
        .route(WebSocketRoute::new("/ws", ws_echo))
}

fn main() -> std::process::ExitCode {
    // Every flag of the server (`--help` lists them): host, port, workers, limits, timeouts…
    ferrapi_server::run(app())
}
