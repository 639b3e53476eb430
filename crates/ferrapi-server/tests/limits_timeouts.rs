//! Header, keep-alive and body timeouts (including a slowloris), and the request body limit.
//! Timeouts are short (hundreds of milliseconds); assertions on elapsed time leave generous
//! upper margins for a loaded machine but are tight enough to tell one timeout from another.

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::*;

const MS: fn(u64) -> Duration = Duration::from_millis;

fn within(elapsed: Duration, lo: Duration, hi: Duration, what: &str) {
    assert!(
        elapsed >= lo && elapsed <= hi,
        "{what}: took {elapsed:?}, expected between {lo:?} and {hi:?}"
    );
}

async fn fresh_silent_connection_closes_after_header_timeout() {
    let (srv, calls) = serve_test_app(
        builder()
            .header_read_timeout(MS(300))
            .keep_alive_timeout(Duration::from_secs(30)),
    )
    .await;
    let start = Instant::now();
    let mut c = srv.connect().await;
    let (bytes, _) = c.read_until_close().await;
    assert!(
        bytes.is_empty(),
        "no response for a silent connection: {bytes:?}"
    );
    within(
        start.elapsed(),
        MS(250),
        MS(2500),
        "silent fresh connection",
    );
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn partial_head_then_silence_is_408() {
    let (srv, calls) = serve_test_app(builder().header_read_timeout(MS(300))).await;
    let mut c = srv.connect().await;
    let start = Instant::now();
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
    let r = c.response().await;
    r.assert_error(408);
    within(start.elapsed(), MS(250), MS(2500), "partial head");
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn idle_keep_alive_closes_after_keep_alive_timeout() {
    let (srv, _) = serve_test_app(
        builder()
            .header_read_timeout(MS(200))
            .keep_alive_timeout(MS(800)),
    )
    .await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.status, 200);
    let idle = Instant::now();
    // The header timeout (200 ms) must not apply to an idle keep-alive connection.
    c.expect_open(MS(450)).await;
    assert!(
        c.closes_within(Duration::from_secs(3)).await,
        "idle keep-alive connection was not closed"
    );
    within(idle.elapsed(), MS(700), MS(3000), "idle keep-alive");
}

/// The connection's single coarse timer, armed for a long body timeout, must still fire at
/// the shorter keep-alive deadline afterwards.
async fn keep_alive_timeout_after_a_body_with_a_long_body_timeout() {
    let (srv, _) = serve_test_app(
        builder()
            .body_read_timeout(Duration::from_secs(20))
            .keep_alive_timeout(MS(400)),
    )
    .await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\n\r\nabc")
        .await;
    tokio::time::sleep(MS(50)).await;
    c.send(b"def").await;
    assert_eq!(c.response().await.text(), "len=6");
    let idle = Instant::now();
    assert!(c.closes_within(Duration::from_secs(4)).await);
    within(idle.elapsed(), MS(350), MS(2500), "keep-alive after a body");
}

async fn keep_alive_connection_still_works_before_the_timeout() {
    let (srv, _) = serve_test_app(
        builder()
            .header_read_timeout(MS(200))
            .keep_alive_timeout(Duration::from_secs(5)),
    )
    .await;
    let mut c = srv.connect().await;
    for _ in 0..3 {
        c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert_eq!(c.response().await.status, 200);
        // Idle for longer than the header timeout, then send a head slowly (but within the
        // header timeout counted from its first byte).
        tokio::time::sleep(MS(400)).await;
        c.send(b"GET /p/slow HTTP/1.1\r\n").await;
        tokio::time::sleep(MS(60)).await;
        c.send(b"Host: x\r\n\r\n").await;
        assert_eq!(c.response().await.text(), "/p/slow");
    }
}

/// The next head's clock starts when the server gets to it, not while an earlier pipelined
/// request is still being handled.
async fn header_timeout_does_not_run_during_a_slow_handler() {
    let (srv, _) = serve_test_app(builder().header_read_timeout(MS(300))).await;
    let mut c = srv.connect().await;
    c.send(b"GET /slow/800 HTTP/1.1\r\nHost: x\r\n\r\nGET /p/2 HTTP/1.1\r\n")
        .await;
    assert_eq!(c.response().await.text(), "slow");
    tokio::time::sleep(MS(100)).await;
    c.send(b"Host: x\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "/p/2");
}

async fn partial_second_head_is_408() {
    let (srv, _) = serve_test_app(
        builder()
            .header_read_timeout(MS(300))
            .keep_alive_timeout(Duration::from_secs(30)),
    )
    .await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.status, 200);
    tokio::time::sleep(MS(100)).await;
    let start = Instant::now();
    c.send(b"GET / HTTP/1.1\r\nHo").await;
    let r = c.response().await;
    r.assert_error(408);
    within(start.elapsed(), MS(250), MS(2500), "partial second head");
    c.expect_closed().await;
}

async fn slowloris_is_cut_off_by_the_header_timeout() {
    let (srv, _) = serve_test_app(builder().header_read_timeout(MS(500))).await;
    let mut c = srv.connect().await;
    let mut wr = c.take_writer();
    let start = Instant::now();
    let trickle = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        if wr.write_all(head).await.is_err() {
            return;
        }
        // One byte every 50 ms, for up to 4 s: far past the timeout.
        for _ in 0..80 {
            tokio::time::sleep(MS(50)).await;
            if wr.write_all(b"a").await.is_err() {
                return;
            }
        }
    });
    let r = c.response().await;
    let elapsed = start.elapsed();
    r.assert_error(408);
    within(elapsed, MS(450), MS(2000), "slowloris cut-off");
    assert!(c.closes_within(Duration::from_secs(4)).await);
    trickle.abort();
    srv.assert_healthy().await;
}

/// `header_read_timeout` is documented as counted "from its first byte (and from accept for a
/// new connection)". A client that connects, waits, and then trickles a head must therefore be
/// cut off `header_read_timeout` after accept, not after its first byte.
///
/// Regression (was a bug): connect, send nothing for 700 ms, then
/// `GET / HTTP/1.1\r\nHost: x\r\nX: aaaa…` one byte every 50 ms, with
/// `header_read_timeout(1 s)`: the 408 must come ~1.0 s after accept, not ~1.7 s.
async fn slow_fresh_connection_deadline_counted_from_accept() {
    let (srv, _) = serve_test_app(builder().header_read_timeout(MS(1000))).await;
    let mut c = srv.connect().await;
    let mut wr = c.take_writer();
    let start = Instant::now();
    let trickle = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        tokio::time::sleep(MS(700)).await;
        for b in b"GET / HTTP/1.1\r\nHost: x\r\nX: "
            .iter()
            .chain([b'a'; 80].iter())
        {
            if wr.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(MS(50)).await;
        }
    });
    let r = c.response().await;
    let elapsed = start.elapsed();
    r.assert_error(408);
    trickle.abort();
    // From accept: ~1000 ms. From the first byte: ~1700 ms.
    within(elapsed, MS(950), MS(1400), "deadline of a fresh connection");
}

async fn body_stall_before_the_response_is_408() {
    let (srv, _) = serve_test_app(builder().body_read_timeout(MS(300))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        .await;
    let start = Instant::now();
    let r = c.response().await;
    r.assert_error(408);
    within(start.elapsed(), MS(250), MS(2500), "stalled body");
    c.expect_closed().await;
    srv.assert_healthy().await;
}

async fn chunked_body_stall_is_408() {
    let (srv, _) = serve_test_app(builder().body_read_timeout(MS(300))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        .await;
    let r = c.response().await;
    r.assert_error(408);
    c.expect_closed().await;
}

async fn body_stall_after_the_response_started_closes() {
    let (srv, _) = serve_test_app(builder().body_read_timeout(MS(300))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789")
        .await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            let text = String::from_utf8_lossy(&partial);
            assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
            assert!(text.contains("content-length: 100\r\n"), "{text}");
            assert!(text.ends_with("\r\n\r\n0123456789"), "{text}");
            assert!(!text.contains("408"), "{text}");
        }
        other => panic!("expected a truncated echo, got {other:?}"),
    }
    srv.assert_healthy().await;
}

async fn body_timeout_is_between_reads_not_total() {
    let (srv, _) = serve_test_app(builder().body_read_timeout(MS(400))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        .await;
    // 10 bytes over ~1.5 s, never more than 150 ms apart.
    for _ in 0..10 {
        tokio::time::sleep(MS(150)).await;
        c.send(b"z").await;
    }
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "len=10");
}

/// A body trickled slower than the minimum rate (here 100 bytes/s after 300 ms) fails with
/// 408 and the connection closes, although no read ever waits the per-read timeout.
async fn body_trickled_below_the_minimum_rate_is_408() {
    for (content_length, chunked) in [(1000, false), (0, true)] {
        let (srv, calls) = serve_test_app(
            builder()
                .body_read_timeout(Duration::from_secs(10))
                .min_body_rate(Some(100), MS(300)),
        )
        .await;
        let mut c = srv.connect().await;
        let head = if chunked {
            "POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_string()
        } else {
            format!("POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: {content_length}\r\n\r\n")
        };
        c.send(head.as_bytes()).await;
        let start = Instant::now();
        let trickle = async {
            // One byte (or a one-byte chunk) every 100 ms: 10 bytes/s.
            for _ in 0..40 {
                tokio::time::sleep(MS(100)).await;
                if chunked {
                    c.send(b"1\r\nz\r\n").await;
                } else {
                    c.send(b"z").await;
                }
            }
        };
        let _ = tokio::time::timeout(MS(1500), trickle).await;
        let r = c.response().await;
        r.assert_error(408);
        within(start.elapsed(), MS(250), MS(3000), "trickled body");
        c.expect_closed().await;
        assert_eq!(count(&calls), 1);
        srv.assert_healthy().await;
    }
}

/// A body at or above the minimum rate is read whole, however long it takes; the check can be
/// turned off.
async fn body_above_the_minimum_rate_is_read() {
    for rate in [Some(100), None] {
        let (srv, _) = serve_test_app(
            builder()
                .body_read_timeout(Duration::from_secs(10))
                .min_body_rate(rate, MS(300)),
        )
        .await;
        let mut c = srv.connect().await;
        c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 600\r\n\r\n")
            .await;
        // 50 bytes every 100 ms: 500 bytes/s, over 1.2 s.
        for _ in 0..12 {
            tokio::time::sleep(MS(100)).await;
            c.send(&[b'z'; 50]).await;
        }
        let r = c.response().await;
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), "len=600");
    }
}

/// An endless streamed response, dropping a flag when the server drops it.
struct Endless(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl futures_core::Stream for Endless {
    type Item = Result<bytes::Bytes, std::io::Error>;
    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(Some(Ok(bytes::Bytes::from(vec![b'x'; 64 * 1024]))))
    }
}

impl Drop for Endless {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// A client that stops reading a streamed response has its connection closed once the
/// minimum response rate is not met (here 1 MB/s with a 300 ms grace): the stream is dropped,
/// the bytes it holds are freed, and the server goes on. With the check off the connection
/// stays.
async fn a_client_that_stops_reading_is_cut_off() {
    for rate in [Some(1_000_000), None] {
        let dropped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = dropped.clone();
        let app = move |req: ferrapi_server::Request<ferrapi_server::Body>| {
            let flag = flag.clone();
            async move {
                if req.uri().path() == "/endless" {
                    ferrapi_server::Response::new(ferrapi_server::Body::from_stream(Endless(flag)))
                } else {
                    ferrapi_server::Response::new(ferrapi_server::Body::from("hello"))
                }
            }
        };
        let srv = serve(builder().min_response_rate(rate, MS(300)), app).await;
        let mut c = srv.connect().await;
        c.send(b"GET /endless HTTP/1.1\r\nHost: x\r\n\r\n").await;
        // Not reading: the socket buffers fill, then the server waits.
        tokio::time::sleep(MS(1500)).await;
        assert_eq!(
            dropped.load(std::sync::atomic::Ordering::SeqCst),
            rate.is_some(),
            "rate {rate:?}"
        );
        if rate.is_some() {
            let (_, took) = c.read_until_close().await;
            assert!(took < Duration::from_secs(10), "{took:?}");
        }
        srv.assert_healthy().await;
    }
}

async fn content_length_over_the_limit_is_413_without_calling_the_app() {
    let (srv, calls) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    // Only the head: the answer must come before the body is sent.
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n")
        .await;
    let r = c.response().await;
    r.assert_error(413);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn content_length_over_the_limit_with_expect_gets_no_100() {
    let (srv, calls) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n",
    )
    .await;
    let r = c.response().await;
    r.assert_error(413);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
}

async fn content_length_at_the_limit_is_fine() {
    let (srv, _) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n")
        .await;
    c.send(vec![b'a'; 1024]).await;
    let r = c.response().await;
    assert_eq!(r.text(), "len=1024");
    c.expect_open(MS(100)).await;
}

async fn huge_content_length_is_413() {
    let (srv, calls) = serve_test_app(builder()).await;
    let (r, mut c) = one_shot(
        srv.addr,
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9999999999999999999\r\n\r\n",
    )
    .await;
    r.assert_error(413);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
}

async fn chunked_body_over_the_limit_is_413() {
    let (srv, _) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        .await;
    let part = vec![b'a'; 300];
    let _ = c
        .try_send(chunked(&[&part, &part, &part, &part, &part]))
        .await;
    let r = c.response().await;
    r.assert_error(413);
    c.expect_closed().await;
    srv.assert_healthy().await;
}

async fn chunked_body_in_one_huge_chunk_over_the_limit_is_413() {
    let (srv, _) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    // The size line alone announces too much; the data never comes.
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nfffff\r\n")
        .await;
    let _ = c.try_send(vec![b'a'; 2048]).await;
    let r = c.response().await;
    r.assert_error(413);
    c.expect_closed().await;
}

async fn chunked_body_at_the_limit_is_fine() {
    let (srv, _) = serve_test_app(builder().max_body_size(Some(1024))).await;
    let mut c = srv.connect().await;
    let part = vec![b'a'; 256];
    let mut raw = b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    raw.extend(chunked(&[&part, &part, &part, &part]));
    c.send(raw).await;
    assert_eq!(c.response().await.text(), "len=1024");
}

async fn zero_body_limit() {
    let (srv, calls) = serve_test_app(builder().max_body_size(Some(0))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
        .await;
    assert_eq!(c.response().await.text(), "len=0");
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\n")
        .await;
    c.response().await.assert_error(413);
    c.expect_closed().await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    )
    .await;
    c.response().await.assert_error(413);
    assert_eq!(count(&calls), 2);
}

async fn no_body_limit_when_disabled() {
    let (srv, _) = serve_test_app(builder().max_body_size(None)).await;
    let mut c = srv.connect().await;
    c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000000\r\n\r\n0123456789")
        .await;
    // The echo starts (no 413) and streams the first bytes back.
    let got = c.read_until(b"\r\n\r\n0123456789").await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 200 OK\r\n"), "{text}");
    assert!(text.contains("content-length: 100000000000\r\n"), "{text}");
}

flavors!(
    fresh_silent_connection_closes_after_header_timeout,
    partial_head_then_silence_is_408,
    idle_keep_alive_closes_after_keep_alive_timeout,
    keep_alive_connection_still_works_before_the_timeout,
    keep_alive_timeout_after_a_body_with_a_long_body_timeout,
    partial_second_head_is_408,
    header_timeout_does_not_run_during_a_slow_handler,
    slowloris_is_cut_off_by_the_header_timeout,
    slow_fresh_connection_deadline_counted_from_accept,
    body_stall_before_the_response_is_408,
    chunked_body_stall_is_408,
    body_stall_after_the_response_started_closes,
    body_timeout_is_between_reads_not_total,
    body_trickled_below_the_minimum_rate_is_408,
    body_above_the_minimum_rate_is_read,
    a_client_that_stops_reading_is_cut_off,
    content_length_over_the_limit_is_413_without_calling_the_app,
    content_length_over_the_limit_with_expect_gets_no_100,
    content_length_at_the_limit_is_fine,
    huge_content_length_is_413,
    chunked_body_over_the_limit_is_413,
    chunked_body_in_one_huge_chunk_over_the_limit_is_413,
    chunked_body_at_the_limit_is_fine,
    zero_body_limit,
    no_body_limit_when_disabled,
);
