//! The framework layer: the endpoints of `hello_server`, written as FastAPI-style path
//! operations with typed, validated arguments, served by the same server and flags.
//!
//! ```text
//! cargo run --release -p ferrapi-examples --bin hello -- --port 8000 --no-access-log
//! curl localhost:8000/items/42?q=x        # {"id":42,"q":"x"}
//! curl localhost:8000/items/abc           # 422, FastAPI's int_parsing error
//! ```
//!
//! * `GET /` → `ok` (`text/plain`)
//! * `GET /plaintext` → `Hello, World!` (`text/plain`)
//! * `GET /json` → `{"message":"Hello, World!"}`
//! * `GET /items/{id}?q=…` → `{"id":<int>,"q":<string or null>}`; a non-integer `id` is a 422
//!   with FastAPI's body
//! * `POST /orders/typed` and `POST /orders/text` → the order sent (`benches/order.json`, 1 KB),
//!   read as a model with a `Uuid`, a `DateTime<Utc>` and a `Decimal`, or with those three as
//!   strings: the benchmark of what rich types cost (`ENDPOINTS=orders` in
//!   `benches/headtohead.sh`)
//! * any method on `/echo` → the request body, streamed back (an operation without the macro,
//!   over a toolkit endpoint)
//! * `/ws` → a WebSocket echo (a toolkit WebSocket route mounted as it is)
//! * anything else → 404 `{"detail":"Not Found"}`

use chrono::{DateTime, Utc};
use ferrapi::toolkit::websockets::{ReceiveError, WebSocket};
use ferrapi::toolkit::{Error, Method, PlainText, Request, Response, WebSocketRoute};
use ferrapi::types::datetime::pydantic;
use ferrapi::{get, post, App, Model, Operation};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

#[derive(Serialize)]
struct Greeting {
    message: &'static str,
}

#[derive(Serialize)]
struct Item {
    id: i64,
    q: Option<String>,
}

#[get("/")]
async fn home() -> PlainText<&'static str> {
    PlainText("ok")
}

#[get("/plaintext")]
async fn plaintext() -> PlainText<&'static str> {
    PlainText("Hello, World!")
}

#[get("/json")]
async fn json() -> Greeting {
    Greeting {
        message: "Hello, World!",
    }
}

#[get("/items/{id}")]
async fn item(id: i64, q: Option<String>) -> Item {
    Item { id, q }
}

/// An order as real APIs send them: an id, a time, an amount, and text.
#[derive(Model, Serialize)]
struct Order {
    id: Uuid,
    #[serde(with = "pydantic")]
    created_at: DateTime<Utc>,
    total: Decimal,
    customer: String,
    address: String,
    notes: String,
}

/// The same order with the id, the time and the amount as plain strings.
#[derive(Model, Serialize)]
struct TextOrder {
    id: String,
    created_at: String,
    total: String,
    customer: String,
    address: String,
    notes: String,
}

#[post("/orders/typed")]
async fn order_typed(order: Order) -> Order {
    order
}

#[post("/orders/text")]
async fn order_text(order: TextOrder) -> TextOrder {
    order
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

fn app() -> App {
    let any = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    App::new()
        .title("hello")
        .route(home)
        .route(plaintext)
        .route(json)
        .route(item)
        .route(order_typed)
        .route(order_text)
        .route(Operation::new(&any, "/echo", "echo", echo).include_in_schema(false))
        .mount(WebSocketRoute::new("/ws", ws_echo))
}

fn main() -> std::process::ExitCode {
    ferrapi::run(app())
}
