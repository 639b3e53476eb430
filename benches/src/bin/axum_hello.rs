//! Peer server: axum 0.8 on a current-thread tokio runtime (one worker thread).
//!
//! An ordinary `Router` with `Path`/`Query` extractors and `Json` responses. Endpoints are the
//! ones every server in the benchmark serves (see `hyper_hello.rs`); a wrong method on a known
//! path gets axum's usual 405.

use axum::body::Body;
use axum::extract::{Path, Query};
use axum::routing::{any, get};
use axum::serve::ListenerExt;
use axum::{Json, Router};
use ferrapi_benches::ListenArgs;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

#[derive(Serialize)]
struct Message {
    message: &'static str,
}

#[derive(Deserialize)]
struct ItemQuery {
    q: Option<String>,
}

#[derive(Serialize)]
struct Item {
    id: i64,
    q: Option<String>,
}

async fn root() -> &'static str {
    "ok"
}

async fn plaintext() -> &'static str {
    "Hello, World!"
}

async fn json() -> Json<Message> {
    Json(Message {
        message: "Hello, World!",
    })
}

/// A non-integer `id` is rejected by `Path<i64>` with 400 Bad Request.
async fn item(Path(id): Path<i64>, Query(query): Query<ItemQuery>) -> Json<Item> {
    Json(Item { id, q: query.q })
}

/// The request body, streamed straight back.
async fn echo(body: Body) -> Body {
    body
}

fn app() -> Router {
    Router::new()
        .route("/", get(root))
        .route("/plaintext", get(plaintext))
        .route("/json", get(json))
        .route("/items/{id}", get(item))
        .route("/echo", any(echo))
}

fn main() -> std::io::Result<()> {
    let args = ListenArgs::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(args.addr()).await?;
        eprintln!("axum_hello listening on http://{}", listener.local_addr()?);
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        axum::serve(listener, app()).await
    })
}
