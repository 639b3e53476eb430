//! The raw HTTP/1.1 client and response parser shared by ferrapi's real-socket test suites.
//!
//! The server's, the toolkit's and the examples' tests each write bytes to a real socket and
//! assert on exactly what comes back, as hyper's tests do. They share one reader of those bytes:
//!
//! - [`response`]: the parser, free of I/O. [`RawResponse`] is a response as read off the
//!   wire (status line, headers in wire order, the decoded body, chunk sizes, trailers), and
//!   [`ResponseReader`] takes one whole response at a time from the front of a buffer, so the
//!   async and the blocking client below read responses by the same rules.
//! - [`conn`]: [`Conn`], a client on tokio for tests that run the server in the same process
//!   (every read bounded by [`IO_TIMEOUT`]).
//! - [`blocking`]: [`Client`], a client on `std::io` over any stream (TCP or a Unix socket),
//!   for tests that drive a server process from plain threads.
//! - [`ureq_client`]: [`agent`], a real HTTP client (`ureq`) configured once for every suite.
//!
//! The parser is strict on purpose: a response that is not well-formed HTTP/1.1 (another
//! version, a bad status line, a header line without a colon, a `transfer-encoding` other than
//! `chunked`, both `transfer-encoding` and `content-length`, a chunk not followed by CRLF) is
//! a [`ReadFail::Malformed`], so every test that reads a response also checks its framing.
//!
//! `publish = false`: this crate exists for the workspace's own tests and is a dev-dependency
//! only; it depends on nothing of ferrapi's, so any crate of the workspace can use it.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod blocking;
pub mod conn;
pub mod response;
pub mod ureq_client;

use std::future::Future;
use std::time::Duration;

pub use blocking::Client;
pub use conn::{Conn, IO_TIMEOUT};
pub use response::{dechunk, parse_raw, RawResponse, ReadFail, ResponseReader};
pub use ureq_client::agent;

/// The position of the first occurrence of `needle` in `haystack`.
pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Encodes `parts` as a chunked body with no trailers (empty parts are skipped: an empty
/// chunk would end the body).
pub fn chunked(parts: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        if p.is_empty() {
            continue;
        }
        out.extend_from_slice(format!("{:x}\r\n", p.len()).as_bytes());
        out.extend_from_slice(p);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// Runs `fut`, failing the test if it takes longer than `limit`, so a hung server fails one
/// test instead of hanging the suite.
pub async fn within<F: Future>(limit: Duration, fut: F) -> F::Output {
    match tokio::time::timeout(limit, fut).await {
        Ok(out) => out,
        Err(_) => panic!("test did not finish within {limit:?}"),
    }
}
