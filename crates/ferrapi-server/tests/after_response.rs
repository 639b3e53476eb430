//! The `AfterResponse` hook (under Starlette's background tasks): the client has the whole
//! response before the work starts, the work runs once, in order with the connection's next
//! request, a panic in it costs nothing else, and a graceful shutdown waits for it.

#[macro_use]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use ferrapi_server::{AfterResponse, Body, Request, Response};
use tokio::sync::mpsc;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async fn response_arrives_before_the_work_finishes() {
    let (tx, mut rx) = mpsc::unbounded_channel::<Instant>();
    let app = move |_req: Request<Body>| {
        let tx = tx.clone();
        async move {
            let mut response = Response::new(Body::from("sent"));
            response
                .extensions_mut()
                .insert(AfterResponse::new(async move {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    let _ = tx.send(Instant::now());
                }));
            response
        }
    };
    let srv = serve(builder(), app).await;
    let (resp, _conn) = one_shot(srv.addr, GET).await;
    let received = Instant::now();
    assert_eq!(resp.text(), "sent");
    let done = rx.recv().await.expect("the work ran");
    assert!(
        done > received,
        "the response came before the work finished"
    );
}

async fn the_next_request_on_the_connection_follows_the_work() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let app = move |_req: Request<Body>| {
        let counter = counter.clone();
        async move {
            let seen = counter.load(Ordering::SeqCst);
            let mut response = Response::new(Body::from(seen.to_string()));
            response
                .extensions_mut()
                .insert(AfterResponse::new(async move {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    counter.fetch_add(1, Ordering::SeqCst);
                }));
            response
        }
    };
    let srv = serve(builder(), app).await;
    let mut conn = srv.connect().await;
    for expected in 0..3 {
        conn.send(GET).await;
        assert_eq!(conn.response().await.text(), expected.to_string());
    }
    assert!(runs.load(Ordering::SeqCst) >= 2);
}

async fn a_panicking_task_costs_nothing_else() {
    let app = |req: Request<Body>| async move {
        let mut response = Response::new(Body::from("fine"));
        if req.uri().path() == "/panic" {
            response
                .extensions_mut()
                .insert(AfterResponse::new(async { panic!("background boom") }));
        }
        response
    };
    let srv = serve(builder(), app).await;
    let mut conn = srv.connect().await;
    conn.send(b"GET /panic HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(conn.response().await.text(), "fine");
    conn.send(GET).await;
    assert_eq!(conn.response().await.text(), "fine");
    let (resp, _other) = one_shot(srv.addr, GET).await;
    assert_eq!(resp.text(), "fine");
}

async fn graceful_shutdown_waits_for_the_work() {
    let done = Arc::new(AtomicUsize::new(0));
    let flag = done.clone();
    let app = move |_req: Request<Body>| {
        let flag = flag.clone();
        async move {
            let mut response = Response::new(Body::from("queued"));
            response
                .extensions_mut()
                .insert(AfterResponse::new(async move {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    flag.fetch_add(1, Ordering::SeqCst);
                }));
            response
        }
    };
    let srv = serve(builder(), app).await;
    let (resp, _conn) = one_shot(srv.addr, GET).await;
    assert_eq!(resp.text(), "queued");
    srv.shutdown().await.unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 1);
}

flavors!(
    response_arrives_before_the_work_finishes,
    the_next_request_on_the_connection_follows_the_work,
    a_panicking_task_costs_nothing_else,
    graceful_shutdown_waits_for_the_work,
);
