//! "Nothing on the wire can panic the server": thousands of pseudo-random byte strings and
//! mutated valid requests (seeded xorshift, so every run is the same) are sent over real
//! sockets. Every answer must be a well-formed response with an expected status, no panic
//! may happen anywhere in the process (a panic hook counts them, including panics the server
//! catches or that kill a connection task), and the server must answer normally afterwards.
//!
//! This file is its own test binary, so the global panic hook sees only these tests.

#[macro_use]
mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use common::*;
use ferrapi_server::{Body, Request, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

static PANICS: AtomicUsize = AtomicUsize::new(0);
static HOOK: Once = Once::new();

fn count_panics() {
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            default(info);
        }));
    });
}

/// An app that never panics: echoes POST/PUT bodies, answers `hello` otherwise.
fn app() -> impl ferrapi_server::App {
    |req: Request<Body>| async move {
        if req.method() == "POST" || req.method() == "PUT" {
            Response::new(req.into_body())
        } else {
            Response::new(Body::from("hello"))
        }
    }
}

const EXPECTED: &[u16] = &[100, 200, 400, 408, 413, 414, 431, 501, 505];

#[derive(Default)]
struct Stats {
    statuses: std::collections::BTreeMap<u16, usize>,
    silent: usize,
}

/// Sends `input` on a new connection, half-closes, and checks every response that comes back.
async fn probe(addr: SocketAddr, input: Vec<u8>, stats: Arc<Mutex<Stats>>) {
    let mut c = Conn::connect(addr).await;
    // The server may close early (a rejected head); later writes may then fail.
    let _ = c.try_send(&input).await;
    c.shutdown_write().await;
    let mut any = false;
    loop {
        match c.try_response(false).await {
            Ok(r) => {
                any = true;
                assert!(
                    EXPECTED.contains(&r.status),
                    "unexpected status {} for input {:?}",
                    r.status,
                    String::from_utf8_lossy(&input)
                );
                stats
                    .lock()
                    .unwrap()
                    .statuses
                    .entry(r.status)
                    .and_modify(|n| *n += 1)
                    .or_insert(1);
            }
            Err(ReadFail::Closed) | Err(ReadFail::Truncated(_)) => break,
            Err(ReadFail::Malformed(why)) => panic!(
                "malformed response ({why}) for input {:?}",
                String::from_utf8_lossy(&input)
            ),
        }
    }
    if !any {
        stats.lock().unwrap().silent += 1;
    }
}

async fn run_all(addr: SocketAddr, inputs: Vec<Vec<u8>>) -> Stats {
    let stats = Arc::new(Mutex::new(Stats::default()));
    let mut set = tokio::task::JoinSet::new();
    for input in inputs {
        while set.len() >= 16 {
            set.join_next().await.unwrap().unwrap();
        }
        set.spawn(probe(addr, input, stats.clone()));
    }
    while let Some(r) = set.join_next().await {
        r.unwrap();
    }
    Arc::try_unwrap(stats)
        .ok()
        .expect("stats still shared")
        .into_inner()
        .unwrap()
}

async fn assert_still_serving(addr: SocketAddr) {
    let mut c = Conn::connect(addr).await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok")
        .await;
    assert_eq!(c.response().await.body, b"hello");
    assert_eq!(c.response().await.body, b"ok");
}

fn server_builder() -> ferrapi_server::Builder {
    builder()
        .header_read_timeout(Duration::from_secs(2))
        .body_read_timeout(Duration::from_secs(2))
        .max_head_size(2048)
        .max_uri_length(512)
        .max_headers(16)
        .max_body_size(Some(4096))
}

const TOKENS: &[&[u8]] = &[
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"OPTIONS",
    b"CONNECT",
    b" ",
    b"  ",
    b"/",
    b"/a?b=c",
    b"*",
    b"http://h/",
    b"HTTP/1.1",
    b"HTTP/1.0",
    b"HTTP/2.0",
    b"HTTP/1.",
    b"\r\n",
    b"\r\n\r\n",
    b"\r",
    b"\n",
    b":",
    b": ",
    b"Host",
    b"Content-Length",
    b"Transfer-Encoding",
    b"chunked",
    b"gzip",
    b"0",
    b"5",
    b"10",
    b"ffffffffffffffff",
    b"99999999999999999999",
    b";",
    b",",
    b"\t",
    b"Expect",
    b"100-continue",
    b"Connection",
    b"close",
    b"keep-alive",
    b"\0",
    b"\x7f",
    b"\xff",
    b"\x80",
    b"hello",
    b"?",
    b"#",
    b"%00",
    b"@",
    b"-",
    b"+",
    b"0\r\n\r\n",
    b"5\r\nhello\r\n",
];

fn random_input(rng: &mut Rng) -> Vec<u8> {
    match rng.below(3) {
        0 => {
            let n = rng.below(300);
            rng.bytes(n)
        }
        _ => {
            let mut out = Vec::new();
            for _ in 0..1 + rng.below(40) {
                let token = *rng.pick(TOKENS);
                out.extend_from_slice(token);
            }
            out
        }
    }
}

const SEEDS: &[&[u8]] = &[
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /a/b?c=d HTTP/1.1\r\nHost: example.com:80\r\nAccept: */*\r\nX-A: 1\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nX-T: 1\r\n\r\n",
    b"PUT / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
    b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET / HTTP/1.0\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n2\r\nbc\r\n0\r\n\r\n",
];

const SPECIAL: &[u8] = b"\r\n :\t\0\xff,;0123456789abcdefABCDEF-+/\x7f";

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            out.push(b'G');
        }
        let at = rng.below(out.len());
        match rng.below(8) {
            0 => out[at] ^= 1 << rng.below(8),
            1 => out[at] = *rng.pick(SPECIAL),
            2 => out.insert(at, *rng.pick(SPECIAL)),
            3 => {
                let end = (at + 1 + rng.below(8)).min(out.len());
                out.drain(at..end);
            }
            4 => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                let piece = out[at..end].to_vec();
                out.splice(at..at, piece);
            }
            5 => out.truncate(at),
            6 => {
                let other = *rng.pick(SEEDS);
                out.extend_from_slice(other);
            }
            _ => {
                let token = *rng.pick(TOKENS);
                out.splice(at..at, token.iter().copied());
            }
        }
    }
    out
}

async fn random_bytes_do_not_panic_the_server() {
    count_panics();
    let srv = serve(server_builder(), app()).await;
    let mut rng = Rng::new(0x5eed_0001);
    let inputs: Vec<Vec<u8>> = (0..3000).map(|_| random_input(&mut rng)).collect();
    let stats = run_all(srv.addr, inputs).await;
    eprintln!(
        "random inputs: statuses {:?}, {} silent",
        stats.statuses, stats.silent
    );
    assert_still_serving(srv.addr).await;
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
}

async fn mutated_requests_do_not_panic_the_server() {
    count_panics();
    let srv = serve(server_builder(), app()).await;
    let mut rng = Rng::new(0x5eed_0002);
    let inputs: Vec<Vec<u8>> = (0..3000)
        .map(|_| {
            let seed = *rng.pick(SEEDS);
            mutate(&mut rng, seed)
        })
        .collect();
    let stats = run_all(srv.addr, inputs).await;
    eprintln!(
        "mutated inputs: statuses {:?}, {} silent",
        stats.statuses, stats.silent
    );
    // The mutations must not be so destructive that nothing is accepted, nor so weak that
    // nothing is rejected.
    assert!(stats.statuses.get(&200).copied().unwrap_or(0) > 100);
    assert!(stats.statuses.get(&400).copied().unwrap_or(0) > 100);
    assert_still_serving(srv.addr).await;
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
}

/// Garbage after a valid request on one keep-alive connection, written in random pieces.
async fn garbage_after_valid_requests_in_pieces() {
    count_panics();
    let srv = serve(server_builder(), app()).await;
    let mut rng = Rng::new(0x5eed_0003);
    for _ in 0..200 {
        let mut input = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec();
        input.extend(random_input(&mut rng));
        let stream = tokio::net::TcpStream::connect(srv.addr).await.unwrap();
        let (mut rd, mut wr) = stream.into_split();
        let mut at = 0;
        while at < input.len() {
            let n = (1 + rng.below(20)).min(input.len() - at);
            if wr.write_all(&input[at..at + n]).await.is_err() {
                break;
            }
            at += n;
        }
        let _ = wr.shutdown().await;
        let mut out = Vec::new();
        let read = tokio::time::timeout(IO_TIMEOUT, rd.read_to_end(&mut out)).await;
        assert!(read.is_ok(), "connection not closed after EOF");
        assert!(
            out.starts_with(b"HTTP/1.1 200 OK\r\n"),
            "{:?}",
            String::from_utf8_lossy(&out)
        );
    }
    assert_still_serving(srv.addr).await;
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "something panicked");
}

flavors!(
    random_bytes_do_not_panic_the_server,
    mutated_requests_do_not_panic_the_server,
    garbage_after_valid_requests_in_pieces,
);
