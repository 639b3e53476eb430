//! A request body counted against a size limit: the one counter under
//! [`RequestBodyLimitMiddleware`](crate::middleware::limits::RequestBodyLimitMiddleware) and
//! [`FormLimits::max_body_size`](crate::FormLimits::max_body_size).
//!
//! The server enforces its own limit while it decodes (a [`BodyError`](ferrapi_server::BodyError)
//! that `is_too_large`); this one is the toolkit's, set per app, mount, route or call, so it
//! counts the stream the app reads. Both users want the same rules: a body of exactly the
//! limit passes, the first chunk past it fails with [`TooLarge`], and nothing is read after a
//! failure.

use std::fmt;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use ferrapi_server::{Body, BoxError};
use futures_core::Stream;

/// The error a limited body yields once it is over the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge;

impl fmt::Display for TooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Content Too Large")
    }
}

impl std::error::Error for TooLarge {}

/// What a body is counted against. Atomics and an `Arc` because nested body limit
/// middleware share one counter: the innermost sets the limit the outermost's stream
/// enforces.
#[derive(Debug)]
pub(crate) struct Limit {
    limit: AtomicU64,
    total: AtomicU64,
    /// The declared length, checked before the first read so that an oversized upload is
    /// refused without reading (or `100 Continue`-ing) any of it.
    content_length: Option<u64>,
    exceeded: AtomicBool,
}

impl Limit {
    /// A limit of `limit` bytes for a body that declared `content_length`.
    pub(crate) fn new(limit: u64, content_length: Option<u64>) -> Limit {
        Limit {
            limit: AtomicU64::new(limit),
            total: AtomicU64::new(0),
            content_length,
            exceeded: AtomicBool::new(false),
        }
    }

    /// Replaces the limit (an inner middleware's wins).
    pub(crate) fn set(&self, limit: u64) {
        self.limit.store(limit, Ordering::Relaxed);
    }

    /// The bytes counted so far.
    pub(crate) fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// Whether the body went over the limit (as read, or as declared).
    pub(crate) fn is_exceeded(&self) -> bool {
        self.exceeded.load(Ordering::Relaxed) || self.content_length_over()
    }

    /// Records that the body is over the limit without a read having found it.
    pub(crate) fn set_exceeded(&self) {
        self.exceeded.store(true, Ordering::Relaxed);
    }

    /// Whether the declared length is over the limit.
    pub(crate) fn content_length_over(&self) -> bool {
        self.content_length
            .is_some_and(|len| len > self.limit.load(Ordering::Relaxed))
    }
}

/// The request body, counted against a [`Limit`].
pub(crate) struct Limited {
    inner: Body,
    limit: Arc<Limit>,
    failed: bool,
}

impl Limited {
    /// Counts `inner` against `limit`.
    pub(crate) fn new(inner: Body, limit: Arc<Limit>) -> Limited {
        Limited {
            inner,
            limit,
            failed: false,
        }
    }

    fn fail(&mut self) -> Poll<Option<Result<Bytes, BoxError>>> {
        self.failed = true;
        self.limit.set_exceeded();
        Poll::Ready(Some(Err(Box::new(TooLarge))))
    }
}

impl Stream for Limited {
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.failed {
            return Poll::Ready(None);
        }
        if this.limit.content_length_over() {
            return this.fail();
        }
        match this.inner.poll_chunk(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let len = chunk.len() as u64;
                let total = this.limit.total.fetch_add(len, Ordering::Relaxed) + len;
                if total > this.limit.limit.load(Ordering::Relaxed) {
                    return this.fail();
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(err))) => {
                this.failed = true;
                Poll::Ready(Some(Err(Box::new(err))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn read_all(mut body: Limited) -> (Vec<Bytes>, Option<BoxError>) {
        let mut chunks = Vec::new();
        let mut error = None;
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
            match item {
                Ok(chunk) => chunks.push(chunk),
                Err(err) => error = Some(err),
            }
        }
        (chunks, error)
    }

    /// A streamed body (no known length) of these chunks.
    fn chunks(parts: &'static [&'static str]) -> Body {
        struct Parts(std::slice::Iter<'static, &'static str>);
        impl Stream for Parts {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
                let next = self.get_mut().0.next();
                Poll::Ready(next.map(|p| Ok(Bytes::from_static(p.as_bytes()))))
            }
        }
        Body::from_stream(Parts(parts.iter()))
    }

    #[tokio::test]
    async fn a_body_of_exactly_the_limit_passes() {
        let limit = Arc::new(Limit::new(6, None));
        let (read, error) = read_all(Limited::new(chunks(&["abc", "def"]), limit.clone())).await;
        assert_eq!(read, ["abc", "def"]);
        assert!(error.is_none());
        assert!(!limit.is_exceeded());
        assert_eq!(limit.total(), 6);
    }

    #[tokio::test]
    async fn the_chunk_past_the_limit_fails_and_ends_the_body() {
        let limit = Arc::new(Limit::new(5, None));
        let body = Limited::new(chunks(&["abc", "def", "ghi"]), limit.clone());
        let (read, error) = read_all(body).await;
        assert_eq!(read, ["abc"]);
        assert!(error.expect("over the limit").is::<TooLarge>());
        assert!(limit.is_exceeded());
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_fails_before_reading() {
        let limit = Arc::new(Limit::new(2, Some(3)));
        let (read, error) = read_all(Limited::new(chunks(&["abc"]), limit.clone())).await;
        assert!(read.is_empty());
        assert!(error.expect("declared too large").is::<TooLarge>());
        assert_eq!(limit.total(), 0);
    }
}
