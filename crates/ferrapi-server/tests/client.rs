//! A real HTTP client (ureq 3, blocking, run on `spawn_blocking`) against the server:
//! keep-alive GET/POST/echo round trips, chunked uploads, `Expect: 100-continue`, streams.

#[macro_use]
mod common;

use std::io::Cursor;
use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use ferrapi_test_support::agent;
use ureq::{Agent, SendBody};

/// How long a request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// The client port the server saw, from `/scope`.
fn client_port(agent: &Agent, base: &str) -> u16 {
    let text = agent
        .get(format!("{base}/scope"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let line = text.lines().next().unwrap();
    let addr: SocketAddr = line
        .trim_start_matches("client=Some(")
        .trim_end_matches(')')
        .parse()
        .unwrap();
    addr.port()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(f)
        .await
        .expect("client thread panicked")
}

async fn keep_alive_round_trips() {
    let (srv, calls) = serve_test_app(builder()).await;
    let base = format!("http://{}", srv.addr);
    blocking(move || {
        let agent = agent(REQUEST_TIMEOUT);
        let port = client_port(&agent, &base);
        for i in 0..10 {
            let mut resp = agent.get(format!("{base}/p/{i}?q=1")).call().unwrap();
            assert_eq!(resp.status(), 200);
            assert_eq!(
                resp.headers().get("server").unwrap().to_str().unwrap(),
                "ferrapi"
            );
            assert!(resp.headers().contains_key("date"));
            assert_eq!(
                resp.body_mut().read_to_string().unwrap(),
                format!("/p/{i}?q=1")
            );

            let mut resp = agent
                .post(format!("{base}/collect"))
                .send(format!("payload {i}"))
                .unwrap();
            assert_eq!(
                resp.body_mut().read_to_string().unwrap(),
                format!("payload {i}")
            );
        }
        assert_eq!(
            client_port(&agent, &base),
            port,
            "all requests should reuse one keep-alive connection"
        );
    })
    .await;
    assert_eq!(count(&calls), 22);
}

async fn echo_round_trips() {
    let (srv, _) = serve_test_app(builder()).await;
    let base = format!("http://{}", srv.addr);
    blocking(move || {
        let agent = agent(REQUEST_TIMEOUT);
        let port = client_port(&agent, &base);
        let data = Rng::new(3).bytes(1024 * 1024);
        // Content-Length upload.
        let mut resp = agent.post(format!("{base}/echo")).send(&data[..]).unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(
            resp.headers()
                .get("content-length")
                .unwrap()
                .to_str()
                .unwrap(),
            "1048576"
        );
        let back = resp.body_mut().read_to_vec().unwrap();
        assert!(back == data, "CL echo differs");
        // Chunked upload (a reader of unknown length).
        let mut resp = agent
            .post(format!("{base}/echo"))
            .send(SendBody::from_owned_reader(Cursor::new(data.clone())))
            .unwrap();
        assert_eq!(
            resp.headers()
                .get("transfer-encoding")
                .map(|v| v.to_str().unwrap().to_owned()),
            Some("chunked".to_owned())
        );
        let back = resp.body_mut().read_to_vec().unwrap();
        assert!(back == data, "chunked echo differs");
        assert_eq!(client_port(&agent, &base), port);
    })
    .await;
}

async fn streams_statuses_and_head() {
    let (srv, _) = serve_test_app(builder()).await;
    let base = format!("http://{}", srv.addr);
    blocking(move || {
        let agent = agent(REQUEST_TIMEOUT);
        let port = client_port(&agent, &base);
        let mut resp = agent.get(format!("{base}/stream")).call().unwrap();
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "onetwothree");
        let resp = agent.head(format!("{base}/")).call().unwrap();
        assert_eq!(
            resp.headers()
                .get("content-length")
                .unwrap()
                .to_str()
                .unwrap(),
            "5"
        );
        let mut resp = agent.get(format!("{base}/status/204")).call().unwrap();
        assert_eq!(resp.status(), 204);
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "");
        let mut resp = agent.get(format!("{base}/missing")).call().unwrap();
        assert_eq!(resp.status(), 404);
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "not found");
        let mut resp = agent.get(format!("{base}/")).call().unwrap();
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "hello");
        assert_eq!(client_port(&agent, &base), port);
    })
    .await;
}

async fn expect_continue_upload() {
    let (srv, _) = serve_test_app(builder()).await;
    let base = format!("http://{}", srv.addr);
    blocking(move || {
        let agent = agent(REQUEST_TIMEOUT);
        let data = vec![b'e'; 100_000];
        let mut resp = agent
            .put(format!("{base}/len"))
            .header("expect", "100-continue")
            .send(&data[..])
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "len=100000");
    })
    .await;
}

async fn panics_and_errors_seen_by_a_client() {
    let (srv, _) = serve_test_app(builder().max_body_size(Some(10))).await;
    let base = format!("http://{}", srv.addr);
    blocking(move || {
        let agent = agent(REQUEST_TIMEOUT);
        let mut resp = agent.get(format!("{base}/panic")).call().unwrap();
        assert_eq!(resp.status(), 500);
        assert_eq!(
            resp.body_mut().read_to_string().unwrap(),
            "Internal Server Error"
        );
        let resp = agent
            .post(format!("{base}/len"))
            .send("more than ten bytes")
            .unwrap();
        assert_eq!(resp.status(), 413);
        // The agent recovers from the closed connections.
        let mut resp = agent.get(format!("{base}/")).call().unwrap();
        assert_eq!(resp.body_mut().read_to_string().unwrap(), "hello");
    })
    .await;
}

async fn many_clients_in_parallel() {
    let (srv, calls) = serve_test_app(builder()).await;
    let base = format!("http://{}", srv.addr);
    let mut tasks = Vec::new();
    for t in 0..8 {
        let base = base.clone();
        tasks.push(blocking(move || {
            let agent = agent(REQUEST_TIMEOUT);
            for i in 0..25 {
                let body = format!("client {t} request {i}");
                let mut resp = agent.post(format!("{base}/echo")).send(&body).unwrap();
                assert_eq!(resp.body_mut().read_to_string().unwrap(), body);
            }
        }));
    }
    for t in tasks {
        t.await;
    }
    assert_eq!(count(&calls), 200);
}

flavors!(
    keep_alive_round_trips,
    echo_round_trips,
    streams_statuses_and_head,
    expect_continue_upload,
    panics_and_errors_seen_by_a_client,
    many_clients_in_parallel,
);
