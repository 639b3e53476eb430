//! Peer server: actix-web 4 with a single worker (`HttpServer::workers(1)`).
//!
//! Resources registered with `web::resource`, `web::Path`/`web::Query` extractors and
//! `HttpResponse::json`. Endpoints are the ones every server in the benchmark serves (see
//! `hyper_hello.rs`); a wrong method on a known path gets actix's usual 405.
//!
//! Three settings differ from actix's defaults, all to make the comparison like-for-like:
//! a path that does not deserialize answers 400 (actix's default is 404); the keep-alive
//! timeout is 75 s (actix's default is 5 s, ferrapi's is 75 s) so the idle-connection memory
//! test measures connections that are still open; and `TCP_NODELAY` is set on accepted
//! sockets, as the other servers in the benchmark do.

use std::time::Duration;

use actix_web::error::InternalError;
use actix_web::{web, App, HttpResponse, HttpServer};
use ferrapi_benches::ListenArgs;
use serde::{Deserialize, Serialize};

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

async fn root() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

async fn plaintext() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("Hello, World!")
}

async fn json() -> HttpResponse {
    HttpResponse::Ok().json(Message {
        message: "Hello, World!",
    })
}

async fn item(id: web::Path<i64>, query: web::Query<ItemQuery>) -> HttpResponse {
    HttpResponse::Ok().json(Item {
        id: id.into_inner(),
        q: query.into_inner().q,
    })
}

/// The request body, streamed straight back.
async fn echo(body: web::Payload) -> HttpResponse {
    HttpResponse::Ok().streaming(body)
}

fn main() -> std::io::Result<()> {
    let args = ListenArgs::from_env();
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(|| {
            App::new()
                .app_data(web::PathConfig::default().error_handler(|err, _req| {
                    InternalError::from_response(err, HttpResponse::BadRequest().finish()).into()
                }))
                .service(web::resource("/").route(web::get().to(root)))
                .service(web::resource("/plaintext").route(web::get().to(plaintext)))
                .service(web::resource("/json").route(web::get().to(json)))
                .service(web::resource("/items/{id}").route(web::get().to(item)))
                .service(web::resource("/echo").to(echo))
        })
        .workers(1)
        .keep_alive(Duration::from_secs(75))
        .tcp_nodelay(true)
        .bind(args.addr())?;
        eprintln!("actix_hello listening on http://{}", args.addr());
        server.run().await
    })
}
