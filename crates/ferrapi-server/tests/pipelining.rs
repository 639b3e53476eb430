//! Pipelining: many requests in one write come back in order, mixed with bodies, HEAD and
//! streams; a client that pipelines a lot and does not read makes the server stop working
//! ahead instead of buffering without bound.

#[macro_use]
mod common;

use std::time::Duration;

use common::*;
use tokio::io::AsyncWriteExt;

async fn n_gets_in_one_write() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw = Vec::new();
    for i in 0..50 {
        raw.extend_from_slice(format!("GET /p/{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    }
    c.send(raw).await;
    for i in 0..50 {
        let r = c.response().await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), format!("/p/{i}"));
    }
    assert_eq!(count(&calls), 50);
    c.expect_open(Duration::from_millis(100)).await;
}

async fn mixed_pipeline_with_bodies() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw = Vec::new();
    raw.extend_from_slice(b"GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.extend_from_slice(b"POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
    raw.extend_from_slice(
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    raw.extend_from_slice(b"4\r\nwxyz\r\n0\r\nX-T: 9\r\n\r\n");
    raw.extend_from_slice(b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.extend_from_slice(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.extend_from_slice(b"GET /status/204 HTTP/1.1\r\nHost: x\r\n\r\n");
    raw.extend_from_slice(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\necho");
    raw.extend_from_slice(b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nunread");
    raw.extend_from_slice(b"PUT /len HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    raw.extend_from_slice(b"GET /p/last HTTP/1.1\r\nHost: x\r\n\r\n");
    c.send(raw).await;
    assert_eq!(c.response().await.text(), "/p/1");
    assert_eq!(c.response().await.text(), "abc");
    assert_eq!(c.response().await.text(), "body=wxyz;trailers=x-t:9");
    let head = c.head_response().await;
    assert_eq!(head.header("content-length"), Some("5"));
    assert_eq!(c.response().await.text(), "onetwothree");
    assert_eq!(c.response().await.status, 204);
    assert_eq!(c.response().await.text(), "echo");
    assert_eq!(c.response().await.text(), "early");
    assert_eq!(c.response().await.text(), "len=0");
    assert_eq!(c.response().await.text(), "/p/last");
    c.expect_open(Duration::from_millis(100)).await;
}

async fn pipeline_split_at_random_boundaries() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw = Vec::new();
    for i in 0..40 {
        match i % 3 {
            0 => {
                raw.extend_from_slice(format!("GET /p/{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            }
            1 => raw.extend_from_slice(
                format!("POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{i:05}")
                    .as_bytes(),
            ),
            _ => {
                raw.extend_from_slice(
                    b"POST /collect HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
                );
                let body = format!("{i:05}");
                raw.extend(chunked(&[&body.as_bytes()[..2], &body.as_bytes()[2..]]));
            }
        }
    }
    let mut wr = c.take_writer();
    let writer = tokio::spawn(async move {
        let mut rng = Rng::new(5);
        let mut at = 0;
        while at < raw.len() {
            let n = (1 + rng.below(60)).min(raw.len() - at);
            wr.write_all(&raw[at..at + n]).await.unwrap();
            at += n;
            if rng.below(5) == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
        wr
    });
    for i in 0..40 {
        let r = c.response().await;
        match i % 3 {
            0 => assert_eq!(r.text(), format!("/p/{i}")),
            _ => assert_eq!(r.text(), format!("{i:05}")),
        }
    }
    let _wr = writer.await.unwrap();
}

async fn slow_handler_does_not_reorder() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /slow/200 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/fast HTTP/1.1\r\nHost: x\r\n\r\nGET /slow/50 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/fast2 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "slow");
    assert_eq!(c.response().await.text(), "/p/fast");
    assert_eq!(c.response().await.text(), "slow");
    assert_eq!(c.response().await.text(), "/p/fast2");
}

/// A response is not held back while the next pipelined request's handler runs.
async fn first_response_not_held_behind_a_slow_handler() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let start = std::time::Instant::now();
    c.send(b"GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow/800 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "/p/1");
    let first = start.elapsed();
    assert!(
        first < Duration::from_millis(400),
        "first response after {first:?}"
    );
    assert_eq!(c.response().await.text(), "slow");
    assert!(start.elapsed() >= Duration::from_millis(800));
}

async fn requests_after_connection_close_are_not_served() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /p/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /p/3 HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "/p/1");
    let r = c.response().await;
    assert_eq!(r.text(), "/p/2");
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
    assert_eq!(count(&calls), 2);
}

async fn http10_pipeline_with_keep_alive() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET /p/a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /p/b HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /p/c HTTP/1.0\r\n\r\nGET /p/d HTTP/1.0\r\n\r\n")
        .await;
    for (p, conn) in [
        ("/p/a", "keep-alive"),
        ("/p/b", "keep-alive"),
        ("/p/c", "close"),
    ] {
        let r = c.response().await;
        assert_eq!(r.text(), p);
        assert_eq!(r.header("connection"), Some(conn));
    }
    c.expect_closed().await;
}

/// 2000 pipelined requests for 16 KiB each (32 MiB of responses) from a client that does not
/// read: the server must stop handling requests once the socket buffers are full, then
/// deliver every response in order once the client reads.
async fn slow_reader_gets_backpressure() {
    const N: usize = 2000;
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw = Vec::new();
    for i in 0..N {
        raw.extend_from_slice(format!("GET /big/{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
    }
    let mut wr = c.take_writer();
    let writer = tokio::spawn(async move {
        wr.write_all(&raw).await.unwrap();
        wr
    });
    // Let the server run as far ahead as it will.
    let mut last = usize::MAX;
    for _ in 0..20 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = count(&calls);
        if now == last {
            break;
        }
        last = now;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stalled_at = count(&calls);
    eprintln!("slow reader: {stalled_at} of {N} requests handled while the client did not read");
    assert!(
        stalled_at < N / 2,
        "server handled {stalled_at} of {N} pipelined requests for a client that reads nothing"
    );
    assert!(stalled_at > 0);
    // Now read everything, in order.
    for i in 0..N {
        let r = c.response().await;
        assert_eq!(r.status, 200);
        assert!(
            r.body == big_body(i),
            "response {i} out of order or corrupted"
        );
    }
    assert_eq!(count(&calls), N);
    let _wr = writer.await.unwrap();
    c.expect_open(Duration::from_millis(100)).await;
}

/// A client that keeps pipelining and never reads: once the server is blocked writing
/// responses it must stop reading requests too, so the client's writes stall instead of the
/// server buffering an unbounded amount of input.
async fn endless_pipeline_without_reading_stalls_the_writer() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut wr = c.take_writer();
    let written = Arc::new(AtomicUsize::new(0));
    let progress = written.clone();
    let writer = tokio::spawn(async move {
        let mut batch = Vec::new();
        for i in 0..1000 {
            batch.extend_from_slice(format!("GET /big/{i} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes());
        }
        loop {
            if wr.write_all(&batch).await.is_err() {
                return;
            }
            progress.fetch_add(batch.len(), Ordering::SeqCst);
        }
    });
    let mut last = 0;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = written.load(Ordering::SeqCst);
        if now == last {
            break;
        }
        last = now;
    }
    let total = written.load(Ordering::SeqCst);
    let handled = count(&calls);
    eprintln!("endless pipeline: writer stalled after {total} bytes, {handled} requests handled");
    assert!(
        total < 64 * 1024 * 1024,
        "server kept reading a pipeline nobody reads: {total} bytes accepted"
    );
    assert!(total > 0 && handled > 0);
    assert!(handled < 5000, "{handled} requests handled");
    writer.abort();
    drop(c);
    srv.assert_healthy().await;
}

flavors!(
    endless_pipeline_without_reading_stalls_the_writer,
    n_gets_in_one_write,
    mixed_pipeline_with_bodies,
    pipeline_split_at_random_boundaries,
    slow_handler_does_not_reorder,
    first_response_not_held_behind_a_slow_handler,
    requests_after_connection_close_are_not_served,
    http10_pipeline_with_keep_alive,
    slow_reader_gets_backpressure,
);
