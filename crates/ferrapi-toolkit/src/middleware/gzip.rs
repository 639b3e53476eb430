//! Gzip response compression: Starlette's `GZipMiddleware`.
//!
//! What Starlette does, and so does [`GZipMiddleware`]:
//!
//! - Compression applies when the request's (first) `Accept-Encoding` contains `gzip` and the
//!   response has no `Content-Encoding`, is not a `206 Partial Content`, and its media type is
//!   not excluded (by default `application/grpc` (and `application/grpc+*`),
//!   `application/gzip`, `application/x-gzip`, `application/zip`, `audio/*`, `font/woff`,
//!   `font/woff2`, `image/avif`, `image/gif`, `image/jpeg`, `image/png`, `image/webp`,
//!   `text/event-stream`, `video/*`; see [`DEFAULT_EXCLUDED_CONTENT_TYPES`]).
//! - A body sent whole (a full body, or a request body echoed back that arrived in one
//!   chunk) is left alone under `minimum_size` (500 bytes); otherwise it is compressed at
//!   `compresslevel` (9), `Content-Encoding: gzip` is set and `Content-Length` fixed.
//! - A streamed body is compressed chunk by chunk, each chunk followed by a sync flush so the
//!   client can decompress what it has so far (server-sent data, progress output);
//!   `Content-Length` is removed.
//! - `Vary: Accept-Encoding` is added whenever the body could have been compressed (it is
//!   large enough or streamed), also for clients that did not ask for gzip, so caches keep
//!   the variants apart.
//!
//! The decision waits for the first body chunk, as Starlette waits for the first
//! `http.response.body` message; a stream that yields nothing is treated as an empty body.
//! Background tasks ([`AfterResponse`](ferrapi_server::AfterResponse)) and every other
//! response extension stay attached.
//!
//! Differences: a whole body of `thread_minimum_size` (128 KiB) or more is compressed on
//! tokio's blocking pool (Starlette uses a worker thread with its own 40-token limiter);
//! chunks of a stream are always compressed inline. The compressed bytes differ from
//! CPython's zlib (zlib-rs picks other matches; the gzip header's OS byte is 255), but decode
//! to the same data. WebSocket handshakes pass through.
//!
//! ```
//! use ferrapi_toolkit::middleware::gzip::GZipMiddleware;
//! use ferrapi_toolkit::middleware::BoxApp;
//!
//! let app = ferrapi_toolkit::Application::new()
//!     .middleware(|inner: BoxApp| GZipMiddleware::new(inner).minimum_size(1000).compresslevel(6));
//! # let _ = app;
//! ```

use std::io::Write;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use ferrapi_server::{App, Body, BodyError, BoxError, IntoApp, Request, Response};
use flate2::write::GzEncoder;
use flate2::Compression;
use futures_core::Stream;
use http::header::{self, HeaderMap, HeaderValue};
use http::StatusCode;

/// The media types never compressed (Starlette's `DEFAULT_EXCLUDED_CONTENT_TYPES`).
pub const DEFAULT_EXCLUDED_CONTENT_TYPES: [&str; 14] = [
    "application/grpc",
    "application/gzip",
    "application/x-gzip",
    "application/zip",
    "audio/*",
    "font/woff",
    "font/woff2",
    "image/avif",
    "image/gif",
    "image/jpeg",
    "image/png",
    "image/webp",
    "text/event-stream",
    "video/*",
];

/// Starlette's `GZipMiddleware`; see the [module docs](self).
#[derive(Debug)]
pub struct GZipMiddleware<A> {
    inner: A,
    minimum_size: usize,
    compresslevel: u32,
    thread_minimum_size: usize,
    exclude_content_types: Vec<String>,
}

fn normalize(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_lowercase()
}

impl<A: App> GZipMiddleware<A> {
    /// Wraps `inner` with Starlette's defaults: `minimum_size` 500, `compresslevel` 9,
    /// `thread_minimum_size` 128 KiB, the default excluded content types.
    pub fn new(inner: impl IntoApp<App = A>) -> GZipMiddleware<A> {
        let inner = inner.into_app();
        GZipMiddleware {
            inner,
            minimum_size: 500,
            compresslevel: 9,
            thread_minimum_size: 128 * 1024,
            exclude_content_types: DEFAULT_EXCLUDED_CONTENT_TYPES
                .iter()
                .map(|t| normalize(t))
                .collect(),
        }
    }

    /// Whole bodies smaller than this (bytes) are sent as they are (default 500).
    pub fn minimum_size(mut self, bytes: usize) -> Self {
        self.minimum_size = bytes;
        self
    }

    /// The gzip level, 0 (store) to 9 (best, the default). Values above 9 count as 9.
    pub fn compresslevel(mut self, level: u32) -> Self {
        self.compresslevel = level.min(9);
        self
    }

    /// Whole bodies of this size or more are compressed off the async threads (default
    /// 128 KiB).
    pub fn thread_minimum_size(mut self, bytes: usize) -> Self {
        self.thread_minimum_size = bytes;
        self
    }

    /// Replaces the excluded media types (`type/subtype` or `type/*`; parameters ignored).
    pub fn exclude_content_types<I, S>(mut self, types: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.exclude_content_types = types.into_iter().map(|t| normalize(t.as_ref())).collect();
        self
    }

    fn is_excluded(&self, headers: &HeaderMap) -> bool {
        let media_type = headers
            .get(header::CONTENT_TYPE)
            .map(|v| normalize(&String::from_utf8_lossy(v.as_bytes())))
            .unwrap_or_default();
        let major = format!("{}/*", media_type.split('/').next().unwrap_or(""));
        let grpc = media_type.starts_with("application/grpc+");
        self.exclude_content_types
            .iter()
            .any(|t| *t == media_type || *t == major || (grpc && t == "application/grpc"))
    }

    fn encoder(&self) -> GzEncoder<Vec<u8>> {
        GzEncoder::new(Vec::new(), Compression::new(self.compresslevel))
    }
}

/// Starlette's `MutableHeaders.add_vary_header`: the first `Vary` value joined with the new
/// one replaces every `Vary`.
fn add_vary(headers: &mut HeaderMap, vary: &str) {
    let value = match headers.get(header::VARY) {
        Some(existing) => {
            let mut joined = existing.as_bytes().to_vec();
            joined.extend_from_slice(b", ");
            joined.extend_from_slice(vary.as_bytes());
            joined
        }
        None => vary.as_bytes().to_vec(),
    };
    if let Ok(value) = HeaderValue::from_bytes(&value) {
        headers.insert(header::VARY, value);
    }
}

fn compress_all(level: u32, data: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(
        Vec::with_capacity(data.len() / 2 + 64),
        Compression::new(level),
    );
    // Writing to a `Vec` cannot fail.
    let _ = encoder.write_all(data);
    encoder.finish().unwrap_or_default()
}

impl<A: App> App for GZipMiddleware<A> {
    async fn call(&self, req: Request<Body>) -> Response<Body> {
        if super::cors::is_websocket(&req) {
            return self.inner.call(req).await;
        }
        let gzip = req
            .headers()
            .get(header::ACCEPT_ENCODING)
            .is_some_and(|v| v.as_bytes().windows(4).any(|w| w == b"gzip"));
        let response = self.inner.call(req).await;
        if response.headers().contains_key(header::CONTENT_ENCODING)
            || response.status() == StatusCode::PARTIAL_CONTENT
            || self.is_excluded(response.headers())
        {
            return response;
        }
        let (mut parts, mut body) = response.into_parts();

        // Starlette decides on the first `http.response.body` message: whole or streamed.
        let mut ended = false;
        let first = match body.chunk().await {
            None => {
                ended = true;
                Bytes::new()
            }
            Some(Ok(chunk)) => chunk,
            Some(Err(err)) => {
                return Response::from_parts(
                    parts,
                    Body::from_stream(Chunks {
                        first: None,
                        error: Some(err),
                        inner: Body::empty(),
                        encoder: None,
                        done: false,
                    }),
                )
            }
        };
        let whole = ended || body.is_end_stream();

        if whole {
            if first.len() < self.minimum_size {
                return Response::from_parts(parts, Body::from(first));
            }
            add_vary(&mut parts.headers, "Accept-Encoding");
            if !gzip {
                return Response::from_parts(parts, Body::from(first));
            }
            let level = self.compresslevel;
            let compressed = if first.len() >= self.thread_minimum_size {
                let data = first.clone();
                match tokio::task::spawn_blocking(move || compress_all(level, &data)).await {
                    Ok(compressed) => compressed,
                    Err(_) => compress_all(level, &first),
                }
            } else {
                compress_all(level, &first)
            };
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(compressed.len()));
            return Response::from_parts(parts, Body::from(compressed));
        }

        add_vary(&mut parts.headers, "Accept-Encoding");
        let encoder = if gzip {
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Some(self.encoder())
        } else {
            None
        };
        let stream = Chunks {
            first: Some(first),
            error: None,
            inner: body,
            encoder,
            done: false,
        };
        Response::from_parts(parts, Body::from_stream(stream))
    }

    async fn startup(&self) -> Result<(), BoxError> {
        self.inner.startup().await
    }

    async fn shutdown(&self) {
        self.inner.shutdown().await
    }
}

/// The response body after the first chunk was taken: compressed chunk by chunk with a sync
/// flush after each (or passed through when `encoder` is `None`).
struct Chunks {
    first: Option<Bytes>,
    error: Option<BodyError>,
    inner: Body,
    encoder: Option<GzEncoder<Vec<u8>>>,
    done: bool,
}

impl Chunks {
    fn compress(&mut self, chunk: &[u8]) -> Result<Bytes, std::io::Error> {
        let Some(encoder) = self.encoder.as_mut() else {
            return Ok(Bytes::copy_from_slice(chunk));
        };
        encoder.write_all(chunk)?;
        // `flush` on a flate2 writer is zlib's Z_SYNC_FLUSH.
        encoder.flush()?;
        Ok(Bytes::from(std::mem::take(encoder.get_mut())))
    }
}

impl Stream for Chunks {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(err) = this.error.take() {
            this.done = true;
            return Poll::Ready(Some(Err(err.into())));
        }
        if this.done {
            return Poll::Ready(None);
        }
        if let Some(first) = this.first.take() {
            if this.encoder.is_none() {
                if !first.is_empty() {
                    return Poll::Ready(Some(Ok(first)));
                }
            } else {
                match this.compress(&first) {
                    Ok(out) if out.is_empty() => {}
                    Ok(out) => return Poll::Ready(Some(Ok(out))),
                    Err(err) => {
                        this.done = true;
                        return Poll::Ready(Some(Err(err.into())));
                    }
                }
            }
        }
        loop {
            match this.inner.poll_chunk(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(err))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(err.into())));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    if this.encoder.is_none() {
                        if chunk.is_empty() {
                            continue;
                        }
                        return Poll::Ready(Some(Ok(chunk)));
                    }
                    match this.compress(&chunk) {
                        Ok(out) if out.is_empty() => continue,
                        Ok(out) => return Poll::Ready(Some(Ok(out))),
                        Err(err) => {
                            this.done = true;
                            return Poll::Ready(Some(Err(err.into())));
                        }
                    }
                }
                Poll::Ready(None) => {
                    this.done = true;
                    let Some(encoder) = this.encoder.take() else {
                        return Poll::Ready(None);
                    };
                    return match encoder.finish() {
                        Ok(tail) if tail.is_empty() => Poll::Ready(None),
                        Ok(tail) => Poll::Ready(Some(Ok(Bytes::from(tail)))),
                        Err(err) => Poll::Ready(Some(Err(err.into()))),
                    };
                }
            }
        }
    }
}
