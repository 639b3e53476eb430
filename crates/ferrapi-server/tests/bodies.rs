//! Request and response bodies: Content-Length and chunked request bodies (extensions,
//! trailers, byte-at-a-time delivery), streamed and chunked responses, 1 MiB echoes,
//! `Expect: 100-continue`, and what happens to a body the app does not read.

#[macro_use]
mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use ferrapi_server::{Body, Request, Response};
use tokio::io::AsyncWriteExt;

const GET: &[u8] = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n";

async fn chunked_body_with_extensions_and_trailers() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
          5;ext=1\r\nhello\r\n\
          6;a;b=\"q s\"\r\n world\r\n\
          0;last=yes\r\nX-T: 1\r\nX-U: two words\r\n\r\n",
    )
    .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "body=hello world;trailers=x-t:1,x-u:two words");
    // The connection is ready for the next request right after the trailers.
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn chunked_body_without_trailers() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw =
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    raw.extend(chunked(&[b"abc", b"", b"def"]));
    c.send(raw).await;
    assert_eq!(c.response().await.text(), "body=abcdef;trailers=");
}

async fn framing_fields_in_trailers_are_dropped() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n\
          3\r\nabc\r\n0\r\nContent-Length: 99\r\nHost: evil\r\nTransfer-Encoding: gzip\r\nX-Ok: 1\r\n\r\n",
    )
    .await;
    assert_eq!(c.response().await.text(), "body=abc;trailers=x-ok:1");
}

async fn chunk_size_in_upper_and_lower_case_hex() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let data = vec![b'q'; 0x1af];
    let mut raw =
        b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1aF\r\n".to_vec();
    raw.extend_from_slice(&data);
    raw.extend_from_slice(b"\r\n000\r\n\r\n");
    c.send(raw).await;
    assert_eq!(c.response().await.text(), format!("len={}", 0x1af));
}

async fn bodies_delivered_one_byte_at_a_time() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw =
        b"POST /collect HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\nhello, world".to_vec();
    raw.extend_from_slice(
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    raw.extend_from_slice(b"3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-T: t\r\n\r\n");
    for b in raw {
        c.send([b]).await;
        tokio::task::yield_now().await;
    }
    assert_eq!(c.response().await.text(), "hello, world");
    assert_eq!(c.response().await.text(), "body=abcde;trailers=x-t:t");
}

async fn request_body_exact_len() {
    let app = |req: Request<Body>| async move {
        let len = req.body().exact_len();
        let body = req.into_body().collect().await.unwrap();
        Response::new(Body::from(format!("{len:?}/{}", body.len())))
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        .await;
    assert_eq!(c.response().await.text(), "Some(3)/3");
    // A Content-Length body not yet received when the app starts.
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\n")
        .await;
    tokio::time::sleep(Duration::from_millis(50)).await;
    c.send(b"abc").await;
    assert_eq!(c.response().await.text(), "Some(3)/3");
    c.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(c.response().await.text(), "None/3");
    c.send(GET).await;
    assert_eq!(c.response().await.text(), "Some(0)/0");
}

/// Each item of a response stream goes out as soon as it is produced.
async fn streamed_response_is_not_buffered() {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let rx = std::sync::Mutex::new(Some(rx));
    let app = move |_req: Request<Body>| {
        let rx = rx.lock().unwrap().take();
        async move {
            match rx {
                Some(rx) => Response::new(Body::from_stream(ChannelStream(rx))),
                None => Response::new(Body::from("gone")),
            }
        }
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(GET).await;
    tx.send(Ok(Bytes::from_static(b"first"))).await.unwrap();
    let got = c.read_until(b"5\r\nfirst\r\n").await;
    let head = String::from_utf8_lossy(&got);
    assert!(head.contains("transfer-encoding: chunked\r\n"), "{head}");
    c.expect_silence(Duration::from_millis(100)).await;
    tx.send(Ok(Bytes::from_static(b"second!"))).await.unwrap();
    c.read_until(b"7\r\nsecond!\r\n").await;
    drop(tx);
    c.read_until(b"0\r\n\r\n").await;
    c.send(GET).await;
    assert_eq!(c.response().await.text(), "gone");
}

/// An empty item in a response stream must not be encoded as the last chunk.
async fn empty_stream_items_are_skipped() {
    let app = |_req: Request<Body>| async {
        Response::new(Body::from_stream(VecStream::new(vec![
            Ok::<_, std::io::Error>(Bytes::new()),
            Ok(Bytes::from_static(b"a")),
            Ok(Bytes::new()),
            Ok(Bytes::from_static(b"b")),
        ])))
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    for _ in 0..2 {
        c.send(GET).await;
        let r = c.response().await;
        assert_eq!(r.body, b"ab");
        assert_eq!(r.chunks, Some(vec![1, 1]));
    }
}

async fn large_full_and_streamed_responses_are_intact() {
    let mut rng = Rng::new(7);
    let big = Bytes::from(rng.bytes(1024 * 1024 + 17));
    let pieces: Vec<Bytes> = vec![
        big.slice(..100),
        big.slice(100..70_000),
        big.slice(70_000..70_001),
        big.slice(70_001..),
    ];
    let full = big.clone();
    let app = move |req: Request<Body>| {
        let full = full.clone();
        let pieces = pieces.clone();
        async move {
            if req.uri().path() == "/full" {
                Response::new(Body::from(full))
            } else {
                let items: Vec<Result<Bytes, std::io::Error>> =
                    pieces.into_iter().map(Ok).collect();
                Response::new(Body::from_stream(VecStream::new(items)))
            }
        }
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"GET /full HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(
        r.header("content-length"),
        Some(big.len().to_string().as_str())
    );
    assert!(r.body == big, "full body corrupted");
    let r = c.response().await;
    assert_eq!(r.chunks, Some(vec![100, 69_900, 1, big.len() - 70_001]));
    assert!(r.body == big, "streamed body corrupted");
}

async fn echo(framing_chunked: bool) {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut rng = Rng::new(if framing_chunked { 11 } else { 12 });
    let data = rng.bytes(1024 * 1024);
    let mut wr = c.take_writer();
    let to_send = data.clone();
    let mut split_rng = Rng::new(99);
    let writer = tokio::spawn(async move {
        if framing_chunked {
            wr.write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
                .await
                .unwrap();
            let mut at = 0;
            while at < to_send.len() {
                let n = (1 + split_rng.below(40_000)).min(to_send.len() - at);
                let mut chunk = format!("{n:x}").into_bytes();
                if split_rng.below(4) == 0 {
                    chunk.extend_from_slice(b";e=1");
                }
                chunk.extend_from_slice(b"\r\n");
                chunk.extend_from_slice(&to_send[at..at + n]);
                chunk.extend_from_slice(b"\r\n");
                wr.write_all(&chunk).await.unwrap();
                at += n;
            }
            wr.write_all(b"0\r\n\r\n").await.unwrap();
        } else {
            wr.write_all(
                format!(
                    "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
                    to_send.len()
                )
                .as_bytes(),
            )
            .await
            .unwrap();
            for piece in to_send.chunks(50_000) {
                wr.write_all(piece).await.unwrap();
            }
        }
        // Then a second request on the same connection.
        wr.write_all(GET).await.unwrap();
        wr
    });
    let r = c.response().await;
    assert_eq!(r.status, 200);
    if framing_chunked {
        assert_eq!(r.header("transfer-encoding"), Some("chunked"));
    } else {
        assert_eq!(r.header("content-length"), Some("1048576"));
    }
    assert_eq!(r.body.len(), data.len());
    assert!(r.body == data, "echoed body differs");
    let _wr = writer.await.unwrap();
    assert_eq!(c.response().await.body, b"hello");
}

/// Many connections at once, each sending bodies of random sizes (some arriving whole with
/// the head, some streamed in pieces) that the app collects and returns: every response must
/// be exactly its request's body. Catches buffer reuse that mixes data across requests or
/// connections (request bodies and responses are zero-copy slices of pooled read buffers).
async fn concurrent_bodies_are_never_mixed() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut tasks = Vec::new();
    for conn in 0..40u64 {
        let addr = srv.addr;
        tasks.push(tokio::spawn(async move {
            let mut rng = Rng::new(1000 + conn);
            let mut c = Conn::connect(addr).await;
            for _ in 0..6 {
                let len = 1 + rng.below(40_000);
                let body = rng.bytes(len);
                let path = ["/collect", "/echo"][rng.below(2)];
                let head =
                    format!("POST {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len}\r\n\r\n");
                if rng.below(2) == 0 {
                    let mut raw = head.into_bytes();
                    raw.extend_from_slice(&body);
                    c.send(raw).await;
                } else {
                    c.send(head).await;
                    for piece in body.chunks(1 + rng.below(5000)) {
                        c.send(piece).await;
                    }
                }
                let r = c.response().await;
                assert_eq!(r.status, 200);
                assert!(
                    r.body == body,
                    "connection {conn}: body mixed up ({path}, {len} bytes)"
                );
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(count(&calls), 240);
}

async fn echo_one_mib_content_length() {
    echo(false).await
}

async fn echo_one_mib_chunked() {
    echo(true).await
}

async fn small_echo_in_one_packet() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nping")
        .await;
    let r = c.response().await;
    assert_eq!(r.header("content-length"), Some("4"));
    assert_eq!(r.body, b"ping");
}

async fn expect_continue_sent_when_the_app_reads() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        .await;
    // The client holds the body back until it sees the 100.
    let r = c.response().await;
    assert_eq!((r.status, r.reason.as_str()), (100, "Continue"));
    assert_eq!(r.raw_head, "HTTP/1.1 100 Continue\r\n\r\n");
    c.send(b"hello").await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "len=5");
    assert!(!r.has("connection"));
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn expect_continue_with_chunked_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nExpect: 100-Continue\r\n\r\n")
        .await;
    assert_eq!(c.response().await.status, 100);
    c.send(b"2\r\nhi\r\n0\r\nX-A: b\r\n\r\n").await;
    let r = c.response().await;
    assert_eq!(r.text(), "body=hi;trailers=x-a:b");
}

async fn expect_continue_not_sent_when_the_app_does_not_read() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
    )
    .await;
    let r = c.response().await;
    assert_eq!(
        r.status, 200,
        "no 100 Continue before the final response: {r:?}"
    );
    assert_eq!(r.text(), "early");
    assert_eq!(r.header("connection"), Some("close"));
    c.expect_closed().await;
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

async fn expect_continue_with_echo() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 100);
    c.send(b"hello").await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn expect_continue_body_sent_without_waiting() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(
        b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello",
    )
    .await;
    let (_interim, r) = c.final_response().await;
    assert_eq!(r.text(), "len=5");
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn expect_continue_with_an_empty_body() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nExpect: 100-continue\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200, "nothing to continue: {r:?}");
    assert_eq!(r.text(), "len=0");
    assert!(!r.has("connection"), "{r:?}");
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

async fn expect_continue_ignored_for_http10() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /len HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
        .await;
    c.expect_silence(Duration::from_millis(200)).await;
    c.send(b"hello").await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), "len=5");
}

/// An app that answers without reading a small body that has fully arrived: the server
/// discards the body and keeps the connection.
async fn unread_small_body_is_drained() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw = b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 30000\r\n\r\n".to_vec();
    raw.extend(std::iter::repeat_n(b'a', 30000));
    raw.extend_from_slice(
        b"POST /noread HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
    );
    raw.extend(chunked(&[&[b'b'; 3000], &[b'c'; 3000]]));
    raw.extend_from_slice(GET);
    c.send(raw).await;
    assert_eq!(c.response().await.text(), "early");
    assert_eq!(c.response().await.text(), "early");
    assert_eq!(c.response().await.text(), "hello");
    c.expect_open(Duration::from_millis(100)).await;
}

/// An app that answers without reading a large body: the connection is closed after the
/// response instead of reading megabytes nobody wants.
async fn unread_large_body_closes_after_the_response() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut wr = c.take_writer();
    let writer = tokio::spawn(async move {
        let _ = wr
            .write_all(b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
            .await;
        let _ = wr.write_all(&vec![b'a'; 1_000_000]).await;
        wr
    });
    let r = c.response().await;
    assert_eq!(r.text(), "early");
    assert!(c.closes_within(Duration::from_secs(5)).await);
    writer.abort();
}

/// An app that reads part of the body and answers: the rest is drained.
async fn partly_read_body_is_drained() {
    let app = |req: Request<Body>| async move {
        let mut body = req.into_body();
        let first = body.chunk().await.map_or(0, |c| c.unwrap().len());
        drop(body);
        Response::new(Body::from(format!("first={first}")))
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n")
        .await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    c.send(b"abc").await;
    tokio::time::sleep(Duration::from_millis(30)).await;
    c.send(b"defghij").await;
    assert_eq!(c.response().await.text(), "first=3");
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(c.response().await.text(), "first=0");
}

/// A streamed response shorter than its declared Content-Length cannot be completed: the
/// connection is closed so the client sees the truncation.
async fn stream_shorter_than_declared_length_closes() {
    let app = |_req: Request<Body>| async {
        let mut resp = Response::new(Body::from_stream(VecStream::new(vec![Ok::<
            _,
            std::io::Error,
        >(
            Bytes::from_static(b"abc"),
        )])));
        resp.headers_mut()
            .insert("content-length", "10".parse().unwrap());
        resp
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(GET).await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            assert!(partial.ends_with(b"\r\n\r\nabc"), "{partial:?}")
        }
        other => panic!("expected truncation, got {other:?}"),
    }
}

async fn stream_longer_than_declared_length_closes() {
    let app = |_req: Request<Body>| async {
        let mut resp = Response::new(Body::from_stream(VecStream::new(vec![
            Ok::<_, std::io::Error>(Bytes::from_static(b"abc")),
            Ok(Bytes::from_static(b"defgh")),
        ])));
        resp.headers_mut()
            .insert("content-length", "4".parse().unwrap());
        resp
    };
    let srv = serve(builder(), app).await;
    let mut c = srv.connect().await;
    c.send(GET).await;
    c.send(GET).await;
    match c.try_response(false).await {
        Err(ReadFail::Truncated(partial)) => {
            let text = String::from_utf8_lossy(&partial);
            assert!(text.contains("content-length: 4\r\n"), "{text}");
            assert!(
                !text.contains("defgh"),
                "bytes past Content-Length were sent: {text}"
            );
        }
        Ok(r) => {
            // Had the server sent the first four bytes, the next response must not follow.
            panic!("expected truncation, got {r:?}")
        }
        other => panic!("expected truncation, got {other:?}"),
    }
}

/// Regression (was a bug): an app that answers early (without reading the body) while the
/// client is still sending it: the answer reaches the client at once, not after the rest of
/// the body or the body timeout; the rest of a small body is then drained and the connection
/// kept.
///
/// Raw bytes: `POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789`,
/// then nothing, with `body_read_timeout(3 s)`.
async fn early_response_is_not_held_back_by_the_unread_body() {
    let (srv, _) = serve_test_app(builder().body_read_timeout(Duration::from_secs(3))).await;
    let mut c = srv.connect().await;
    c.send(b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n0123456789")
        .await;
    let start = Instant::now();
    let r = c.response().await;
    assert_eq!(r.text(), "early");
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(1),
        "response took {elapsed:?} (held until the drain gave up)"
    );
    assert!(!r.has("connection"), "a small leftover is drained: {r:?}");
    c.send(vec![b'z'; 990]).await;
    c.send(GET).await;
    assert_eq!(c.response().await.body, b"hello");
}

/// Regression (was a bug): the server knows before writing the head that it will not drain
/// an unread body larger than its drain limit (64 KiB), so the response says
/// `connection: close` (RFC 9112 §9.6).
///
/// Raw bytes: `POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n` followed by
/// 1,000,000 × `a`.
async fn unread_large_body_response_announces_close() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut wr = c.take_writer();
    let writer = tokio::spawn(async move {
        let _ = wr
            .write_all(b"POST /noread HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
            .await;
        let _ = wr.write_all(&vec![b'a'; 1_000_000]).await;
        wr
    });
    let r = c.response().await;
    assert_eq!(r.text(), "early");
    assert_eq!(r.header("connection"), Some("close"), "{r:?}");
    assert!(c.closes_within(Duration::from_secs(5)).await);
    writer.abort();
}

flavors!(
    chunked_body_with_extensions_and_trailers,
    chunked_body_without_trailers,
    framing_fields_in_trailers_are_dropped,
    chunk_size_in_upper_and_lower_case_hex,
    bodies_delivered_one_byte_at_a_time,
    request_body_exact_len,
    streamed_response_is_not_buffered,
    empty_stream_items_are_skipped,
    large_full_and_streamed_responses_are_intact,
    concurrent_bodies_are_never_mixed,
    echo_one_mib_content_length,
    echo_one_mib_chunked,
    small_echo_in_one_packet,
    expect_continue_sent_when_the_app_reads,
    expect_continue_with_chunked_body,
    expect_continue_not_sent_when_the_app_does_not_read,
    expect_continue_with_echo,
    expect_continue_body_sent_without_waiting,
    expect_continue_with_an_empty_body,
    expect_continue_ignored_for_http10,
    unread_small_body_is_drained,
    unread_large_body_closes_after_the_response,
    partly_read_body_is_drained,
    stream_shorter_than_declared_length_closes,
    stream_longer_than_declared_length_closes,
    early_response_is_not_held_back_by_the_unread_body,
    unread_large_body_response_announces_close,
);
