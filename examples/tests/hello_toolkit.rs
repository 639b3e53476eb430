//! `hello_toolkit`, the toolkit-layer example, run as a process and spoken to over real sockets:
//! the same endpoints and flags as `hello_server`, answered by the toolkit's router.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;

const TOOLKIT: &str = env!("CARGO_BIN_EXE_hello_toolkit");

fn start(args: &[&str]) -> Server {
    let mut full = vec!["--host", "127.0.0.1", "--port", "0", "--no-access-log"];
    full.extend_from_slice(args);
    let mut server = Server::spawn(command_for(TOOLKIT, &full, &[]));
    server.wait_ready();
    server
}

#[test]
fn endpoints_answer_like_hello_server() {
    let mut server = start(&[]);
    let addr = server.addr();

    let r = fetch(addr, "/", &[]);
    assert_eq!((r.status, r.text()), (200, "ok".to_string()));

    let r = fetch(addr, "/plaintext", &[]);
    assert_eq!(r.text(), "Hello, World!");
    assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    assert_eq!(r.header("content-length"), Some("13"));

    let r = fetch(addr, "/json", &[]);
    assert_eq!(r.text(), r#"{"message":"Hello, World!"}"#);
    assert_eq!(r.header("content-type"), Some("application/json"));

    let r = fetch(addr, "/items/42?q=a%20b", &[]);
    assert_eq!(r.text(), r#"{"id":42,"q":"a b"}"#);
    let r = fetch(addr, "/items/42", &[]);
    assert_eq!(r.text(), r#"{"id":42,"q":null}"#);
    let r = fetch(addr, "/items/abc", &[]);
    assert_eq!(
        (r.status, r.text()),
        (400, "id must be an integer".to_string())
    );

    let r = fetch(addr, "/no/such/path", &[]);
    assert_eq!((r.status, r.text()), (404, "Not Found".to_string()));

    // A trailing slash that only the other form has: 307 to the absolute URL.
    let r = fetch(addr, "/json/", &[]);
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some("http://test/json"));

    // `/` is GET only: another method on it is a 405 with Allow.
    let mut client = connect(addr);
    client
        .send(b"DELETE / HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let r = client.read_response().unwrap();
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("GET, HEAD"));

    assert_eq!(server.terminate(Duration::from_secs(10)).code(), Some(0));
}

#[test]
fn echo_streams_the_body_back_on_a_kept_alive_connection() {
    let mut server = start(&[]);
    let mut client = connect(server.addr());
    for body in ["first body", "second, longer body"] {
        let req = format!(
            "POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        client.send(req.as_bytes()).unwrap();
        let r = client.read_response().unwrap();
        assert_eq!((r.status, r.text()), (200, body.to_string()));
    }
    // Chunked request bodies come back too.
    client
        .send(b"PUT /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        .unwrap();
    assert_eq!(client.read_response().unwrap().text(), "abcde");
    assert_eq!(server.terminate(Duration::from_secs(10)).code(), Some(0));
}

#[test]
fn websocket_echo() {
    let mut server = start(&[]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
        .write_all(
            b"GET /ws HTTP/1.1\r\nHost: test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
        )
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).unwrap();
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(head.contains("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), "{head}");
    // A masked text frame "hi"; the echo comes back unmasked.
    let mask = [1u8, 2, 3, 4];
    let payload: Vec<u8> = b"hi"
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ mask[i % 4])
        .collect();
    let mut frame = vec![0x81, 0x80 | 2];
    frame.extend_from_slice(&mask);
    frame.extend_from_slice(&payload);
    stream.write_all(&frame).unwrap();
    let mut reply = [0u8; 4];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(reply, [0x81, 2, b'h', b'i']);
    // Close 1000; the server answers with a close frame.
    let code = [0x03u8, 0xE8];
    let masked: Vec<u8> = code
        .iter()
        .enumerate()
        .map(|(i, b)| b ^ mask[i % 4])
        .collect();
    let mut close = vec![0x88, 0x80 | 2];
    close.extend_from_slice(&mask);
    close.extend_from_slice(&masked);
    stream.write_all(&close).unwrap();
    let mut reply = [0u8; 2];
    stream.read_exact(&mut reply).unwrap();
    assert_eq!(reply[0], 0x88);
    assert_eq!(server.terminate(Duration::from_secs(10)).code(), Some(0));
}
